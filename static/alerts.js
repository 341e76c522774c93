// Alerts on every page: raised and cleared over the page's socket, acknowledged per person, with an
// optional sound and desktop notification (each off until the person opts in on their profile).
(function () {
  "use strict";

  const section = document.getElementById("alerts");
  const profileDesktop = document.querySelector("input[name=alert_desktop]");

  // On the profile page: ticking "desktop notification" asks the browser for permission there and then.
  if (profileDesktop && "Notification" in window) {
    profileDesktop.addEventListener("change", () => {
      if (profileDesktop.checked && Notification.permission === "default") Notification.requestPermission();
    });
  }
  if (!section) return;

  const list = document.getElementById("alert-items");
  const count = document.getElementById("alerts-count");
  const wantsSound = section.dataset.sound === "1";
  const wantsDesktop = section.dataset.desktop === "1";

  function cookie(name) {
    const match = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
  }

  function refreshCount() {
    const n = list.children.length;
    if (count.textContent !== String(n)) count.textContent = String(n);
    section.hidden = n === 0;
  }

  function fragment(html) {
    // Rendered and escaped by the server, like every live fragment.
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // The time since the breach began, shown at once (the page's clock ticks it on from there).
  function since(item) {
    for (const cell of item.querySelectorAll("[data-tick-from]")) {
      const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(cell.dataset.tickFrom)) / 1000));
      if (Number.isNaN(seconds)) continue;
      const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
      const clock = `${String(m).padStart(h ? 2 : 1, "0")}:${String(s).padStart(2, "0")}`;
      (cell.querySelector(".tick") || cell).textContent = h ? `${h}:${clock}` : clock;
    }
  }

  function add(id, html) {
    const item = fragment(html);
    if (!item) return;
    since(item);
    const existing = document.getElementById(`alert-${id}`);
    if (existing) existing.replaceWith(item);
    else list.prepend(item);
    refreshCount();
    document.dispatchEvent(new CustomEvent("switchboard:row", { detail: item })); // times, in the reader's zone
  }

  function remove(id) {
    const item = document.getElementById(`alert-${id}`);
    if (!item) return;
    // Focus inside the list (an acknowledge button) moves to the next alert, or to the content.
    const hadFocus = item.contains(document.activeElement);
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    refreshCount();
    if (hadFocus) (next ? next.querySelector("button") : document.getElementById("main")).focus();
  }

  // --- sound and desktop notification: once per alert, whatever the number of open tabs ----------
  function firstTabFor(id) {
    try {
      const key = "switchboard-alert-seen";
      if (localStorage.getItem(key) === String(id)) return false;
      localStorage.setItem(key, String(id));
    } catch (error) {
      // No storage (private mode): every tab signals.
    }
    return true;
  }

  let audio = null;
  function beep() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio = audio || new Context();
    if (audio.state === "suspended") audio.resume();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  }
  // Browsers let a page make sound only after the person has used it once.
  if (wantsSound) {
    const unlock = () => {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
      if (audio && audio.state === "suspended") audio.resume();
    };
    document.addEventListener("pointerdown", unlock, { once: true });
    document.addEventListener("keydown", unlock, { once: true });
  }

  function signal(frame) {
    if (!(wantsSound || wantsDesktop) || !firstTabFor(frame.id)) return;
    if (wantsSound) beep();
    if (wantsDesktop && "Notification" in window && Notification.permission === "granted") {
      const note = new Notification(frame.title, { body: frame.body, tag: `switchboard-alert-${frame.id}` });
      note.addEventListener("click", () => {
        window.focus();
        note.close();
      });
    }
  }

  document.addEventListener("switchboard:frame", (event) => {
    const frame = event.detail;
    if (frame.kind !== "alert") return;
    if (frame.event === "raised") {
      add(frame.id, frame.html);
      signal(frame);
    } else {
      remove(frame.id);
    }
  });

  // --- acknowledge: for this person, on every page they have open ----------------------------------
  section.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.alert-ack");
    if (!form) return;
    event.preventDefault();
    const item = form.closest("[data-alert-id]");
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": cookie("csrftoken") },
        credentials: "same-origin",
      });
      if (response.ok) remove(item.dataset.alertId);
    } finally {
      button.disabled = false;
    }
  });

  // --- on connecting and after a reconnect, frames may have been missed: read the list again --------
  // The first connect too: an alert raised between the page's render and its socket's subscription
  // reached no socket of this page.
  let live = false;
  document.addEventListener("switchboard:socket", async (event) => {
    const wasLive = live;
    live = event.detail.state === "live";
    if (!live || wasLive) return;
    try {
      const response = await fetch(section.dataset.stateUrl, { credentials: "same-origin" });
      if (!response.ok) return;
      const state = await response.json();
      list.replaceChildren(...state.alerts.map((alert) => fragment(alert.html)).filter(Boolean));
      refreshCount();
      document.dispatchEvent(new CustomEvent("switchboard:alerts-state", { detail: state }));
    } catch (error) {
      console.warn("alerts: could not read the current list", error);
    }
  });
})();
