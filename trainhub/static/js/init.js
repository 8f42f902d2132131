// Start GOV.UK Frontend's components (error summary focus, service navigation menu, …).
import { initAll } from "/assets/govuk-frontend.min.js";
import { initTimeoutWarning } from "./timeout.js";
import { initRegister } from "./register.js";

initAll();
initTimeoutWarning(document.getElementById("timeout-warning"));
initRegister(document.querySelector("form[data-trainhub-register]"));

// "Print this page" buttons (the recovery codes): shown only where this script runs.
for (const button of document.querySelectorAll("button[data-trainhub-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
