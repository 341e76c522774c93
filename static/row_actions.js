// Live calls: a row's Listen, Transfer and Hang up are plain buttons; the forms they send are the
// page's, rendered once (calls/_row_action_forms.html) and filled with the row's call when pressed.
// Sending is actions.js's (confirm, CSRF, once) and supervision.js's (Listen), as for any other form.
(function () {
  "use strict";

  const holder = document.getElementById("row-action-forms");
  const dialog = document.getElementById("transfer-dialog");
  if (!holder) return;

  function callOf(row) {
    return row.dataset.key.replace(/^call:/, "");
  }

  function whoOf(button) {
    const actions = button.closest(".row-actions");
    return (actions && actions.dataset.who) || "this call";
  }

  // One form per call and action, kept: a second press while the first is on its way meets the
  // form's own guard against sending twice. The call's id goes in the URL encoded; the name is text.
  function formFor(name, row, who) {
    const key = `${name}:${callOf(row)}`;
    let form = Array.from(holder.querySelectorAll("form[data-for]")).find((each) => each.dataset.for === key);
    if (!form) {
      form = document.getElementById(`row-form-${name}`).content.firstElementChild.cloneNode(true);
      form.dataset.for = key;
      form.setAttribute("action", form.getAttribute("action").replace("__call__", encodeURIComponent(callOf(row))));
      if (form.dataset.confirm) form.dataset.confirm = form.dataset.confirm.replace("__who__", who);
      holder.append(form);
    }
    return form;
  }

  function openTransfer(row, who) {
    const form = dialog.querySelector("form");
    if (form.dataset.submitted) return; // the last transfer is still on its way
    form.reset();
    form.setAttribute("action", form.dataset.action.replace("__call__", encodeURIComponent(callOf(row))));
    dialog.querySelector("[data-fill=who]").textContent = who;
    dialog.dataset.row = row.id;
    dialog.showModal();
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-row-action]") : null;
    const row = button && button.closest("#live-rows > tr[data-key]");
    if (!row) return;
    const who = whoOf(button);
    const name = button.dataset.rowAction;
    if (name === "transfer") {
      if (dialog) openTransfer(row, who);
      return;
    }
    formFor(name, row, who).requestSubmit();
  });

  if (dialog) {
    dialog.querySelector("[data-close-dialog]").addEventListener("click", () => dialog.close());
    // Back to the row's Transfer button (the row may have been replaced by a newer version meanwhile).
    dialog.addEventListener("close", () => {
      const row = document.getElementById(dialog.dataset.row || "");
      const button = row && row.querySelector("button[data-row-action=transfer]");
      if (button) button.focus();
    });
  }
})();
