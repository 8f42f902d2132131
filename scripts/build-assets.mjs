// Copies GOV.UK Frontend's compiled JavaScript and its images from node_modules into
// trainhub/static/govuk (git-ignored); Flask serves that folder at /assets.
// The stylesheet is compiled separately by Sass (see package.json "build").
import { cpSync, mkdirSync, rmSync } from "node:fs";

const source = "node_modules/govuk-frontend/dist/govuk";
const target = "trainhub/static/govuk";

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
mkdirSync("trainhub/static/build", { recursive: true });
cpSync(`${source}/govuk-frontend.min.js`, `${target}/govuk-frontend.min.js`);
cpSync(`${source}/assets/images`, `${target}/images`, { recursive: true });
console.log(`GOV.UK Frontend assets copied to ${target}`);
