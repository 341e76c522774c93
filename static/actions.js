// Action forms: confirm what destroys, send once, and carry the CSRF token even in live fragments.
(function () {
  "use strict";

  function cookie(name) {
    const match = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.dataset.submitted) {
      event.preventDefault(); // a double click: the first submission is on its way
      return;
    }
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (!form.querySelector("input[name=csrfmiddlewaretoken]")) {
      const token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrfmiddlewaretoken";
      token.value = cookie("csrftoken");
      form.appendChild(token);
    }
    const submission = form.querySelector("input[name=submission_id]");
    if (submission && !submission.value) submission.value = newId();
    form.dataset.submitted = "1";
    setTimeout(() => form.querySelectorAll("button").forEach((button) => (button.disabled = true)), 0);
  });
})();
