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
    if (form.classList.contains("inline")) {
      event.preventDefault();
      sendInline(form);
      return;
    }
    setTimeout(() => form.querySelectorAll("button").forEach((button) => (button.disabled = true)), 0);
  });

  // An invalid submission comes back with its form open and marked: show the form and put the
  // cursor on the first field to correct (inside "Advanced" too).
  function focusFirstError() {
    const form = document.querySelector("form.action-form[data-invalid]");
    if (!form) return;
    const field =
      form.querySelector(".field.has-error :is(input:not([type=hidden]), select, textarea)") ||
      form.querySelector(":is(input:not([type=hidden]), select, textarea, button)");
    for (let details = field.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
    // The form's top in view, unless that leaves its first error below the fold.
    (form.closest("details") || form).scrollIntoView({ block: "start" });
    field.scrollIntoView({ block: "nearest" });
    field.focus({ preventScroll: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusFirstError);
  else focusFirstError();

  // The answer shows above the page (a status region: read out politely) and, when it is an error, as
  // an alert (read out at once). Telnyx's detail is outside text: never markup.
  function notify(text, ok) {
    let list = document.getElementById("messages");
    if (!list) {
      list = document.createElement("div");
      list.id = "messages";
      list.className = "messages";
      list.setAttribute("role", "status");
      document.querySelector("main").before(list);
    }
    const item = document.createElement("p");
    item.className = "message " + (ok ? "success" : "error");
    if (!ok) item.setAttribute("role", "alert");
    const icon = document.createElement("span");
    icon.className = "message-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = ok ? "✓" : "✕";
    item.append(icon, " ", text);
    list.replaceChildren(item);
  }

  // Inline buttons (mute, hold, remove...) post in the background: the row itself changes over the
  // websocket when the state does, so the page never reloads under the supervisor's eyes.
  async function sendInline(form) {
    form.querySelectorAll("button").forEach((button) => (button.disabled = true));
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json", "X-CSRFToken": cookie("csrftoken") },
        credentials: "same-origin",
      });
      const answer = await response.json();
      // A field the server refused (a row's transfer destination): say which, in its own words.
      const fields = Object.values(answer.fields || {}).flat().map((error) => error.message).filter((text) => text && text !== answer.message);
      const text = [answer.message, ...fields].join(" ");
      notify(text, answer.outcome === "ok");
      // A modal dialog hides the page's messages: it says a refusal itself.
      const said = form.querySelector("[data-form-answer]");
      if (said) {
        said.textContent = answer.outcome === "ok" ? "" : text;
        said.hidden = answer.outcome === "ok";
      }
      const opened = form.closest("details, dialog");
      if (answer.outcome === "ok" && opened) {
        form.reset();
        if (opened instanceof HTMLDialogElement) opened.close();
        else opened.open = false;
      }
    } catch (error) {
      notify("The command could not be sent: " + error, false);
    } finally {
      delete form.dataset.submitted;
      const submission = form.querySelector("input[name=submission_id]");
      if (submission) submission.value = "";
      form.querySelectorAll("button").forEach((button) => (button.disabled = false));
      document.dispatchEvent(new CustomEvent("switchboard:action-done"));
    }
  }
})();
