// Supervision: the bar on every page (re-read when the server says it changed, and after every
// button), Listen / Whisper / Barge sent in the background, and the marks on call rows
// ("monitored by sam", "supervisor's leg"). The database is the truth: frames only say "re-read".
(function () {
  "use strict";

  const slot = document.getElementById("supervision-bar");
  if (!slot) return;

  function cookie(name) {
    const match = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
  }

  // The answer shows above the page; Telnyx's words are outside text: never markup.
  function notify(text, ok, link) {
    const list = document.getElementById("messages");
    if (!list || !text) return;
    const item = document.createElement("p");
    item.className = "message " + (ok ? "success" : "error");
    if (!ok) item.setAttribute("role", "alert");
    const icon = document.createElement("span");
    icon.className = "message-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = ok ? "✓" : "✕";
    item.append(icon, " ", text);
    if (link && typeof link.href === "string" && link.href.startsWith("/")) {
      const anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      item.append(" ", anchor);
    }
    list.replaceChildren(item);
  }

  // --- the bar -------------------------------------------------------------------------------

  let reading = null;
  let again = false;

  async function refreshBar() {
    if (reading) {
      again = true; // one more read once this one lands: the newest state wins
      return reading;
    }
    reading = (async () => {
      try {
        const response = await fetch(slot.dataset.barUrl, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (response.ok) {
          const before = slot.querySelector(".supervision-bar");
          const was = before ? before.dataset.state + " " + before.className : "";
          const hadFocus = slot.contains(document.activeElement) ? document.activeElement : null;
          const focusKey = hadFocus ? hadFocus.getAttribute("value") || hadFocus.textContent : null;
          slot.innerHTML = await response.text();
          tick();
          announce(was);
          if (focusKey) {
            // Keep the keyboard user on the button they used (its replacement, same value).
            const same = Array.from(slot.querySelectorAll("button")).find(
              (button) => (button.getAttribute("value") || button.textContent) === focusKey
            );
            (same || slot.querySelector("button") || document.getElementById("main")).focus();
          }
        }
      } catch (error) {
        // Offline: the next frame or reconnect reads it again.
      } finally {
        reading = null;
        if (again) {
          again = false;
          refreshBar();
        }
      }
    })();
    return reading;
  }

  // A screen reader hears the bar change (connected, ended, the role) as the live rows are heard.
  function announce(was) {
    const bar = slot.querySelector(".supervision-bar");
    const now = bar ? bar.dataset.state + " " + bar.className : "";
    const announcer = document.getElementById("live-announcer");
    if (!announcer || now === was || !bar) return;
    const title = bar.querySelector(".supervision-title");
    const state = bar.querySelector(".supervision-state");
    announcer.textContent = `${title ? title.textContent.trim() : "Supervision"}: ${state ? state.textContent.trim() : ""}`;
  }

  function elapsed(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
  }

  function tick() {
    slot.querySelectorAll("[data-elapsed-from]").forEach((node) => {
      const from = Date.parse(node.dataset.elapsedFrom);
      const out = node.querySelector(".tick");
      if (!Number.isNaN(from) && out) out.textContent = elapsed((Date.now() - from) / 1000);
    });
  }
  setInterval(tick, 1000);
  tick();

  // --- buttons -------------------------------------------------------------------------------

  // Capture phase: the page's other form handler (actions.js) never sees these forms.
  document.addEventListener(
    "submit",
    async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-supervision")) return;
      event.preventDefault();
      event.stopPropagation();
      if (form.dataset.sending) return;
      form.dataset.sending = "1";
      const body = new FormData(form, event.submitter || undefined);
      if (!body.has("csrfmiddlewaretoken")) body.append("csrfmiddlewaretoken", cookie("csrftoken"));
      const buttons = Array.from(form.querySelectorAll("button"));
      buttons.forEach((button) => (button.disabled = true));
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": cookie("csrftoken") },
        });
        if (response.status === 403) notify("You may not supervise calls.", false);
        else {
          const answer = await response.json();
          notify(answer.message, answer.outcome === "ok", answer.link);
        }
      } catch (error) {
        notify("Nothing was sent: the dashboard could not be reached.", false);
      } finally {
        delete form.dataset.sending;
        buttons.forEach((button) => (button.disabled = false));
        await refreshBar();
        refreshMarks();
      }
    },
    true
  );

  // --- marks on call rows --------------------------------------------------------------------

  let marks = {};
  const CALL_ROW = '[data-key^="call:"]';
  const hasRows = () => document.querySelector(CALL_ROW) !== null;

  function markRow(row) {
    const id = row.dataset.key.slice("call:".length);
    const mark = marks[id];
    const cell = row.querySelector(".state") || row;
    let badge = cell.querySelector(".supervision-mark");
    row.classList.toggle("supervisor-leg", Boolean(mark && mark.leg));
    row.classList.toggle("supervised", Boolean(mark && !mark.leg));
    if (!mark) {
      if (badge) badge.remove();
      return;
    }
    const words = mark.words;
    if (badge && badge.textContent === words) return;
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge supervision-mark";
      cell.append(" ", badge);
    }
    badge.textContent = words;
    badge.title = mark.leg ? `Supervising ${mark.target || ""}` : `${mark.by} supervises this call (${mark.role})`;
  }

  function applyMarks() {
    document.querySelectorAll(CALL_ROW).forEach(markRow);
  }

  async function refreshMarks() {
    if (!hasRows()) return;
    try {
      const response = await fetch(slot.dataset.marksUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        marks = (await response.json()).marks || {};
        applyMarks();
      }
    } catch (error) {
      // Offline: read again on the next frame or reconnect.
    }
  }

  // Rows are replaced whole when they change: mark the new ones, and only those, before the frame
  // that shows them (an observer runs as a microtask). Every second's duration tick is a mutation
  // too: re-marking every row on each was a third of the page's script time with 20 pages open.
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        if (node.matches(CALL_ROW)) markRow(node);
        else if (node.firstElementChild) node.querySelectorAll(CALL_ROW).forEach(markRow);
      }
    }
  }).observe(document.getElementById("main") || document.body, { childList: true, subtree: true });

  // --- pushes --------------------------------------------------------------------------------

  document.addEventListener("switchboard:frame", (event) => {
    const frame = event.detail || {};
    if (frame.kind !== "supervision") return;
    if (frame.mine) refreshBar();
    else refreshMarks();
  });
  // A socket that (re)connects may have missed frames: read both again.
  document.addEventListener("switchboard:socket", (event) => {
    if (event.detail && event.detail.state === "live") {
      refreshBar();
      refreshMarks();
    }
  });
  refreshMarks();
})();
