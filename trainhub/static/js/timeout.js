// The idle-timeout warning (templates/auth/_timeout_warning.html): a modal dialog
// SESSION_TIMEOUT_WARNING seconds before the sign-in would end for want of use, with
// "Stay signed in" (WCAG 2.2.1). Before warning it asks the server how long is left, since
// another tab may have kept the sign-in alive. When the time is up the page is reloaded, so
// the server says why the person was signed out, whatever they were doing.

const MS = 1000;

export function initTimeoutWarning(dialog) {
  if (!dialog || typeof dialog.showModal !== "function") return;
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const url = dialog.dataset.timeUrl;
  const token = dialog.dataset.csrfToken;
  let warnTimer;
  let endTimer;

  const signedOut = () => window.location.reload();

  async function ask(method) {
    const response = await fetch(url, {
      method,
      headers: { Accept: "application/json", "X-CSRFToken": token },
      credentials: "same-origin",
      redirect: "manual", // signed out already: the sign-in page, not JSON
    });
    if (!response.ok) return { seconds_left: 0, can_extend: false };
    return response.json();
  }

  function show(canExtend) {
    for (const element of dialog.querySelectorAll("[data-when]")) {
      element.hidden = (element.dataset.when === "can-extend") !== canExtend;
    }
    if (!dialog.open) dialog.showModal();
  }

  function schedule(secondsLeft, canExtend) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    if (secondsLeft <= 0) return signedOut();
    // One second late, so the server agrees the time is up.
    endTimer = setTimeout(signedOut, (secondsLeft + 1) * MS);
    warnTimer = setTimeout(
      () => check(canExtend),
      Math.max(0, secondsLeft - warnSeconds) * MS,
    );
  }

  async function check() {
    let time;
    try {
      time = await ask("GET");
    } catch {
      return; // the network is down: the end timer still reloads the page
    }
    if (time.seconds_left > warnSeconds) {
      schedule(time.seconds_left, time.can_extend); // kept alive elsewhere
    } else if (time.seconds_left <= 0) {
      signedOut();
    } else {
      show(time.can_extend);
    }
  }

  async function stay() {
    try {
      const time = await ask("POST");
      if (time.seconds_left <= 0) return signedOut();
      dialog.close();
      schedule(time.seconds_left, time.can_extend);
    } catch {
      // Leave the dialog open: the person can try again or sign out.
    }
  }

  dialog.querySelector('[data-action="stay"]').addEventListener("click", stay);
  dialog.querySelector('[data-action="close"]').addEventListener("click", () => dialog.close());
  // Escape closes a modal dialog: as good as "Stay signed in" when that is on offer.
  dialog.addEventListener("cancel", (event) => {
    if (!dialog.querySelector('[data-action="stay"]').hidden) {
      event.preventDefault();
      stay();
    }
  });
  schedule(Number(dialog.dataset.secondsLeft), true);
}
