// The NHS.UK frontend's behaviour (error summary focus, no double submit of a button that asks for it),
// loaded as a module from this origin: the Content Security Policy allows no inline script but the template's.
import { initAll } from "/nhsuk/nhsuk-frontend.min.js";

initAll();
