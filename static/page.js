// Every page: the menu button, times in words ("3 min ago", the moment itself on hover), messages read
// out, and the keyboard shortcuts (listed on the "?" overlay).
(function () {
  "use strict";

  // --- the menu, on narrow screens ---------------------------------------------------------------
  const menuButton = document.querySelector(".menu-button");
  const menu = document.getElementById("site-menu");
  if (menuButton && menu) {
    menuButton.addEventListener("click", () => {
      const open = menuButton.getAttribute("aria-expanded") !== "true";
      menuButton.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
      if (open) menu.querySelector("a")?.focus();
    });
  }

  // --- times -------------------------------------------------------------------------------------
  // The same words as the server's `relative()` (dashboard/templatetags/switchboard.py).
  function relative(seconds) {
    seconds = Math.floor(seconds);
    if (seconds < 0) return "in the future";
    if (seconds < 10) return "just now";
    if (seconds < 60) return `${seconds} s ago`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
    if (seconds < 86400) {
      const hours = Math.floor(seconds / 3600), minutes = Math.floor((seconds % 3600) / 60);
      return minutes && hours < 3 ? `${hours} h ${minutes} min ago` : `${hours} h ago`;
    }
    const days = Math.floor(seconds / 86400);
    return `${days} day${days === 1 ? "" : "s"} ago`;
  }

  let absolute = null;
  try {
    // "2026-11-21 10:00:02", the server's format, in the reader's zone (pushed rows were rendered
    // without knowing it).
    absolute = new Intl.DateTimeFormat("sv-SE", {
      timeZone: document.body.dataset.timeZone || undefined,
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
  } catch (error) {
    absolute = null;
  }

  function refreshTimes(root) {
    const now = Date.now();
    for (const node of (root || document).querySelectorAll("time[data-ago]")) {
      const at = Date.parse(node.getAttribute("datetime"));
      if (Number.isNaN(at)) continue;
      const words = relative((now - at) / 1000);
      if (node.textContent !== words) node.textContent = words;
      if (absolute) {
        const title = absolute.format(new Date(at));
        if (node.title !== title) node.title = title;
      }
    }
  }
  refreshTimes();
  setInterval(refreshTimes, 15000);
  document.addEventListener("switchboard:synced", () => refreshTimes());
  document.addEventListener("switchboard:row", (event) => refreshTimes(event.detail));

  // --- messages: server messages (after a form post) are read out once the page is there --------
  const announcer = document.getElementById("live-announcer");
  window.switchboardAnnounce = function (text) {
    if (!announcer) return;
    announcer.textContent = "";
    setTimeout(() => { announcer.textContent = text; }, 50);
  };
  const initial = Array.from(document.querySelectorAll("#messages .message"), (node) => node.textContent.trim()).join(" ");
  if (initial) setTimeout(() => window.switchboardAnnounce(initial), 300);

  // --- keyboard shortcuts ------------------------------------------------------------------------
  const dialog = document.getElementById("shortcuts");
  for (const opener of document.querySelectorAll("[data-shortcuts-open]")) {
    opener.addEventListener("click", () => dialog && !dialog.open && dialog.showModal());
  }

  function typing(target) {
    return target instanceof HTMLElement && (target.isContentEditable || target.matches("input, select, textarea"));
  }

  function liveRows() {
    const body = document.getElementById("live-rows");
    return body ? Array.from(body.children).filter((row) => !row.hidden && row.matches("tr")) : [];
  }

  function currentRow() {
    const active = document.activeElement;
    return active && active.closest ? active.closest("#live-rows > tr") : null;
  }

  function focusRow(row) {
    if (!row) return;
    if (!row.hasAttribute("tabindex")) row.tabIndex = -1;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function moveRow(step) {
    const rows = liveRows();
    if (!rows.length) return;
    const index = rows.indexOf(currentRow());
    const next = index < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.max(0, Math.min(rows.length - 1, index + step));
    focusRow(rows[next]);
  }

  function pressRowButton(key) {
    const row = currentRow();
    const button = row && row.querySelector(`button[data-key="${key}"]`);
    if (button && !button.disabled) {
      button.click();
      return true;
    }
    return false;
  }

  function closeForm() {
    const active = document.activeElement;
    const open = (active && active.closest && active.closest("details[open]")) || document.querySelector("main details[open]");
    if (!open) return false;
    open.open = false;
    open.querySelector("summary")?.focus();
    return true;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      if (dialog && dialog.open) return; // the dialog closes itself
      if (closeForm()) event.preventDefault();
      if (menu && menu.classList.contains("open")) menuButton.click();
      return;
    }
    if (typing(event.target)) return;
    let handled = true;
    switch (event.key) {
      case "?":
        if (dialog) dialog.open ? dialog.close() : dialog.showModal();
        break;
      case "/": {
        const search = document.querySelector("[data-shortcut-search], #history-filters input:not([type=hidden]), main input[type=search]");
        if (search) search.focus();
        else handled = false;
        break;
      }
      case "j":
        moveRow(1);
        break;
      case "k":
        moveRow(-1);
        break;
      case "Enter": {
        const row = currentRow();
        if (row && document.activeElement === row) row.querySelector("a[href]")?.click();
        else handled = false;
        break;
      }
      case "m":
        handled = pressRowButton("m");
        break;
      case "h":
        handled = pressRowButton("h");
        break;
      case "l":
        handled = pressRowButton("l");
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
