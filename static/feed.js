// The header badge: the health of what the page shows, not only of its socket.
// "live" (socket open, webhooks flowing), "feed silent N min" (socket open, Telnyx quiet while calls
// are live), "disconnected" (no socket). The feed's state is pushed to every page ({"kind": "feed"}),
// and the warning banner comes and goes with it, without a reload.
(function () {
  "use strict";

  const badge = document.getElementById("live-status");
  if (!badge) return;
  const label = badge.querySelector(".live-state") || badge;
  const SOCKET_WORDS = { connecting: "connecting", reconnecting: "reconnecting", offline: "disconnected" };

  function silentFor() {
    const since = Date.parse(badge.dataset.feedSince || "");
    if (Number.isNaN(since)) return "feed silent";
    return `feed silent ${Math.max(1, Math.floor((Date.now() - since) / 60000))} min`;
  }

  function render() {
    const socket = badge.dataset.state;
    const text = socket !== "live" ? SOCKET_WORDS[socket] || socket : badge.dataset.feed === "silent" ? silentFor() : "live";
    if (label.textContent !== text) label.textContent = text;
  }

  function showBanner(html) {
    const current = document.getElementById("delivery-warning");
    if (!html) {
      if (current) current.remove();
      return;
    }
    // Rendered and escaped by the server, like every live fragment.
    const template = document.createElement("template");
    template.innerHTML = html;
    const banner = template.content.firstElementChild;
    if (!banner) return;
    if (current) current.replaceWith(banner);
    else document.querySelector(".topbar").after(banner);
  }

  // A page rendered as silent checks once that it still is: the warning it was rendered with may be a
  // few seconds old (cached), and the push that ended the silence may have gone out before it connected.
  let checked = false;
  async function recheck() {
    const alerts = document.getElementById("alerts");
    const warned = badge.dataset.feed === "silent" || document.getElementById("delivery-warning");
    if (checked || !warned || !alerts) return;
    checked = true;
    try {
      const response = await fetch(alerts.dataset.stateUrl, { credentials: "same-origin" });
      if (response.ok) document.dispatchEvent(new CustomEvent("switchboard:frame", { detail: (await response.json()).feed }));
    } catch (error) {
      console.warn("feed: could not read its state", error);
    }
  }

  document.addEventListener("switchboard:socket", (event) => {
    badge.hidden = false;
    badge.dataset.state = event.detail.state;
    render();
    if (event.detail.state === "live") recheck();
  });

  document.addEventListener("switchboard:frame", (event) => {
    const frame = event.detail;
    if (frame.kind !== "feed") return;
    badge.dataset.feed = frame.state;
    badge.dataset.feedSince = frame.since || "";
    showBanner(frame.state === "silent" ? frame.html : "");
    render();
  });

  // A page that reconnects reads the feed's state again (a frame may have been missed meanwhile).
  document.addEventListener("switchboard:alerts-state", (event) => {
    const feed = event.detail.feed;
    if (feed) document.dispatchEvent(new CustomEvent("switchboard:frame", { detail: feed }));
  });

  setInterval(() => {
    if (badge.dataset.feed === "silent") render();
  }, 15000);
})();
