// Start GOV.UK Frontend's components (error summary focus, service navigation menu, …).
import { initAll } from "/assets/govuk-frontend.min.js";
import { initTimeoutWarning } from "./timeout.mjs";

initAll();
initTimeoutWarning(document.getElementById("timeout-warning"));
