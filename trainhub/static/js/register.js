// The register: each person's "Minutes late or left early" box shows only while "Late" or
// "Left early" is chosen for them (and always when it holds a value or an error). Without
// this script every box shows.
const NEEDS_MINUTES = new Set(["late", "left_early"]);

export function initRegister(form) {
  if (!form) return;
  for (const fieldset of form.querySelectorAll("fieldset")) {
    const box = fieldset.querySelector("[data-trainhub-minutes]");
    if (!box) continue;
    const input = box.querySelector("input");
    const sync = () => {
      const chosen = fieldset.querySelector("input[type=radio]:checked");
      const wanted = chosen && NEEDS_MINUTES.has(chosen.value);
      const hide = !wanted && !input.value && !input.hasAttribute("aria-describedby");
      box.classList.toggle("govuk-!-display-none", hide);
    };
    for (const radio of fieldset.querySelectorAll("input[type=radio]")) {
      radio.addEventListener("change", sync);
    }
    sync();
  }
}
