// Live pages: one websocket, server-rendered fragments, snapshots on (re)connect and on gaps.
// Outside text only ever reaches the DOM inside fragments the server rendered and escaped.
(function () {
  "use strict";

  const body = document.body;
  // Pages without rows hold a socket too, to their user's personal target: frames only (users.py).
  const groupSpec = body.dataset.liveGroup || "me";
  const personal = !body.dataset.liveGroup;

  const graceMs = Number(body.dataset.graceSecs || 5) * 1000;
  const thresholds = {
    ringing: Number(body.dataset.alertRinging || 30),
    hold: Number(body.dataset.alertHold || 60),
    queued: Number(body.dataset.alertQueued || 120),
  };
  const statusEl = document.getElementById("live-status");
  const pending = new Map(); // dom id -> update held while the operator uses that row
  let socket = null;
  let attempts = 0;
  let syncing = null;
  let connected = false; // a hello was received once: later connections always re-read the snapshot
  let replaying = false; // rows changed since the render, sent after a "fresh" hello: each is whole

  function socketUrl() {
    const [target, ...rest] = groupSpec.split(":");
    const key = rest.join(":");
    const path = target === "call" ? "calls" : target === "conference" ? "conferences" : target;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    // The first connection says when the page was rendered: with nothing new since, the server answers
    // "fresh" and the page is not fetched a second time.
    const since = connected ? "" : `?since=${encodeURIComponent(body.dataset.renderedAt || "")}`;
    return `${scheme}//${location.host}/ws/live/${path}/${key ? encodeURIComponent(key) + "/" : ""}${since}`;
  }

  function setStatus(state) {
    if (!statusEl) return;
    statusEl.hidden = false;
    statusEl.dataset.state = state;
    const text = statusEl.querySelector(".live-state") || statusEl;
    text.textContent = state;
    document.dispatchEvent(new CustomEvent("switchboard:socket", { detail: { state } }));
  }

  function rowsBody() {
    return document.getElementById("live-rows");
  }

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // A row is in use while the supervisor types in one of its fields or has one of its forms open;
  // a button that was just clicked keeps focus but is not "in use".
  function isBusy(row) {
    if (!row) return false;
    const active = document.activeElement;
    if (active && row.contains(active) && active.matches("input, select, textarea")) return true;
    return Boolean(row.querySelector("details[open], dialog[open]"));
  }

  function scheduleRemoval(row) {
    if (row.dataset.removing) return;
    row.dataset.removing = "1";
    setTimeout(() => {
      if (row.isConnected && row.dataset.alive === "0" && !isBusy(row)) {
        const parent = row.dataset.parent && document.getElementById(row.dataset.parent);
        for (const child of childrenOf(row)) child.remove();
        row.remove();
        if (parent) summarise(parent);
        updateCount();
      } else {
        delete row.dataset.removing;
      }
    }, graceMs);
  }

  // Read once: these sections hold the sync regions, a snapshot never replaces them.
  const ownObject = document.querySelector("[data-own-object]");
  const resyncOnAny = document.querySelector("[data-resync-on-any]") !== null;

  function isOwnObject(message) {
    return ownObject !== null && ownObject.dataset.ownObject === message.dom_id;
  }

  let resyncTimer = null;

  function resyncSoon() {
    // Aggregate pages re-read their snapshot at most every two seconds, however busy the stream.
    if (!resyncTimer) resyncTimer = setTimeout(() => { resyncTimer = null; resync(); }, 2000);
  }

  // Row versions whose push the page has not seen. A push answers the note of one version ("after"
  // is the one before it) with the row as it is now, which may be newer: that is no gap. Notes from
  // two workers may also arrive out of order: a skipped version is waited for a moment, and only one
  // that never comes (a push lost on the way) has the page read its snapshot again.
  const holes = new Map(); // dom id -> Set of note versions awaited
  let holeTimer = null;

  function noteSeen(domId, version) {
    const awaited = holes.get(domId);
    if (awaited && awaited.delete(version) && !awaited.size) holes.delete(domId);
  }

  function awaitNotes(domId, first, last) {
    const awaited = holes.get(domId) || new Set();
    for (let version = first; version <= last; version += 1) awaited.add(version);
    holes.set(domId, awaited);
    if (!holeTimer) {
      holeTimer = setTimeout(() => {
        holeTimer = null;
        if (holes.size) resync();
      }, 2000);
    }
  }

  function apply(message) {
    if (resyncOnAny) {
      resyncSoon();
      return;
    }
    // A windowed list shows the rows it has at once; which calls belong in the window, and how many
    // match, only the server knows: it is read again, at most every two seconds.
    if (windowSize()) resyncSoon();
    const existing = document.getElementById(message.dom_id);
    if (existing) {
      const current = Number(existing.dataset.version || 0);
      const after = message.after ?? message.version - 1;
      noteSeen(message.dom_id, after + 1);
      if (message.version <= current) return;
      // The row itself is whole whatever was skipped: show it, and wait for the skipped notes.
      if (after > current && !replaying) awaitNotes(message.dom_id, current + 1, after);
      if (isBusy(existing)) {
        pending.set(message.dom_id, message);
        return;
      }
      const row = fragment(message.html);
      const hadFocus = existing.contains(document.activeElement);
      existing.replaceWith(row);
      sortInto(row);
      placed(row);
      summariseAround(row);
      if (hadFocus) keepFocus(row);
      announce(existing, row);
      if (!message.alive) scheduleRemoval(row);
    } else if (message.alive && acceptsNewRows(message.kind)) {
      const row = fragment(message.html);
      if (windowSize() && !matches(row, filters)) return;
      if (!addRow(rowsBody(), row)) return;
      sortInto(row);
      placed(row);
      trimWindow();
      if (row.isConnected) announce(null, row);
    }
    if (isOwnObject(message)) resync();
    countSoon();
  }

  // The count walks every row: once per socket message, not once per row of a batch.
  let countQueued = false;

  function countSoon() {
    if (countQueued) return;
    countQueued = true;
    queueMicrotask(() => {
      countQueued = false;
      updateCount();
    });
  }

  // A row that just arrived: shown or hidden by the filters, its duration and colour current.
  function placed(row) {
    if (row.parentElement && row.parentElement.id === "live-rows") row.hidden = !matches(row, filters);
    tickRow(row, Date.now());
    document.dispatchEvent(new CustomEvent("switchboard:row", { detail: row }));
  }

  // The keyboard user's row (j/k, m, h) is still theirs once the server's new version replaces it.
  function keepFocus(row) {
    if (!row.hasAttribute("tabindex")) row.tabIndex = -1;
    row.focus({ preventScroll: true });
  }

  // A snapshot replaces regions and rows, and re-orders rows; what is replaced or moved loses the
  // focus. Remembered as the live row it was in (its buttons change with its state), else as the
  // element with that id, else as the n-th control under the nearest element with an id.
  const CONTROLS = "a[href], button, input, select, textarea, summary, [tabindex]";

  function focusMark() {
    const active = document.activeElement;
    if (!active || active === document.body || !active.closest) return null;
    const row = active.closest("#live-rows > tr");
    if (row) return { id: row.id, index: -1 };
    if (active.id) return { id: active.id, index: -1 };
    const holder = active.parentElement && active.parentElement.closest("[id]");
    return holder ? { id: holder.id, index: Array.from(holder.querySelectorAll(CONTROLS)).indexOf(active) } : null;
  }

  function refocus(mark) {
    const active = document.activeElement;
    if (!mark || (active && active !== document.body)) return;
    const holder = document.getElementById(mark.id);
    const target = holder && mark.index >= 0 ? holder.querySelectorAll(CONTROLS)[mark.index] : holder;
    if (!target) return;
    if (target === holder && holder.closest("#live-rows > tr") === holder) keepFocus(holder);
    else target.focus({ preventScroll: true });
  }

  // --- read out what changed: politely, at most every few seconds, in one sentence -----------------
  const changes = [];
  let announceTimer = null;

  // A call row carries no copy of the text it shows: its name and searched text come from its cells.
  function cellText(row, selector, attribute) {
    const node = row.querySelector(selector);
    const value = node ? (attribute ? node.getAttribute(attribute) || "" : node.textContent.trim()) : "";
    return value === "—" ? "" : value;
  }

  function rowName(row) {
    if (row.dataset.name !== undefined) return row.dataset.name;
    return [cellText(row, ".caller-name", "title"), cellText(row, "td.from a", "title")].filter(Boolean).join(", ");
  }

  function rowSearch(row) {
    if (row.dataset.search !== undefined) return row.dataset.search;
    return [cellText(row, "td.from a", "title"), cellText(row, "td.to"), cellText(row, ".caller-name", "title")].join(" ");
  }

  function describeRow(row) {
    const name = rowName(row);
    const state = Array.from(row.querySelectorAll(".state .badge, .status .badge, .muted .badge, .hold .badge"), (b) => b.textContent.trim());
    return `${name}: ${state.join(", ")}`;
  }

  function announce(before, row) {
    if (!row.closest("#live-rows") || row.hidden || !window.switchboardAnnounce) return;
    const now = describeRow(row);
    if (before && describeRow(before) === now) return; // a duration or a timestamp moved: nothing to say
    changes.push(before ? now : `new, ${now}`);
    if (!announceTimer) {
      announceTimer = setTimeout(() => {
        announceTimer = null;
        const items = changes.splice(0);
        const text = items.length > 3 ? `${items.length} rows changed, the last: ${items[items.length - 1]}` : items.join(". ");
        window.switchboardAnnounce(text);
      }, 4000);
    }
  }

  function acceptsNewRows(kind) {
    const tbody = rowsBody();
    return Boolean(tbody) && (tbody.dataset.accepts || "").split(" ").includes(kind);
  }

  // --- rows under a row: a conference's participants follow it (data-parent names its row) --------
  function childrenOf(head) {
    const rows = [];
    for (let next = head.nextElementSibling; next && next.dataset.parent === head.id; next = next.nextElementSibling) rows.push(next);
    return rows;
  }

  // A new row at the end, or a child at the end of its parent's group; false: its parent is not here.
  function addRow(tbody, row) {
    const parentId = row.dataset.parent;
    if (!parentId) {
      tbody.appendChild(row);
      return true;
    }
    const parent = document.getElementById(parentId);
    if (!parent || parent.parentElement !== tbody) return false;
    const group = childrenOf(parent);
    (group.length ? group[group.length - 1] : parent).after(row);
    summarise(parent);
    return true;
  }

  // A parent row's figures from the rows under it: how many are there, muted, on hold, and who has
  // the floor (a floor change re-renders the conference row only, not its participants).
  function summarise(parent) {
    if (!parent || parent.dataset.floor === undefined) return;
    const present = childrenOf(parent).filter((row) => row.dataset.alive !== "0");
    const counts = {
      present: present.length,
      muted: present.filter((row) => row.dataset.muted === "1").length,
      held: present.filter((row) => row.dataset.held === "1").length,
    };
    for (const [name, value] of Object.entries(counts)) {
      const out = parent.querySelector(`[data-count="${name}"]`);
      if (out && out.textContent !== String(value)) out.textContent = String(value);
    }
    for (const row of present) {
      const badge = row.querySelector(".badge.talking");
      const talking = Boolean(parent.dataset.floor) && row.dataset.leg === parent.dataset.floor;
      if (badge && badge.hidden === talking) badge.hidden = !talking;
    }
  }

  function summariseAround(row) {
    if (!row) return;
    summarise(row.dataset.parent ? document.getElementById(row.dataset.parent) : row);
  }

  function flushPending() {
    for (const [domId, message] of pending) {
      const row = document.getElementById(domId);
      if (!isBusy(row)) {
        pending.delete(domId);
        apply(message);
      }
    }
  }

  // --- a windowed list: past a few hundred live calls the server sends the first rows in the page's
  // order and filters (the URL says which), and the count of all that match -------------------------
  function windowNote() {
    return document.getElementById("window-note");
  }

  function windowSize() {
    const note = windowNote();
    return note && note.dataset.window ? Number(note.dataset.window) : 0;
  }

  // A row that arrived sorted past the window's end is not in the window.
  function trimWindow() {
    const size = windowSize();
    const tbody = rowsBody();
    if (!size || !tbody) return;
    const rows = heads(tbody);
    for (const row of rows.slice(size).reverse()) {
      if (!isBusy(row)) row.remove();
    }
  }

  // Filters or order changed: a windowed list asks the server for the rows they select.
  let refilterTimer = null;

  function refilter() {
    if (!windowSize()) return;
    clearTimeout(refilterTimer);
    refilterTimer = setTimeout(resync, 250); // one on its way is followed by a fresh read
  }

  let resyncAgain = false;

  async function resync() {
    if (syncing) {
      // The snapshot on its way may have been read before what asks for this one (a row pushed
      // meanwhile would go back to its older version): read it again once that one is in.
      resyncAgain = true;
      return syncing;
    }
    syncing = (async () => {
      try {
        const response = await fetch(location.href, { headers: { "X-Live-Snapshot": "1" }, credentials: "same-origin" });
        if (!response.ok) return;
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const focused = focusMark();
        holes.clear(); // the snapshot holds every row as it is now
        const freshNote = doc.getElementById("window-note");
        const exact = Boolean(freshNote && freshNote.dataset.window);
        for (const region of doc.querySelectorAll("[data-sync-region]")) {
          const mine = document.getElementById(region.id);
          if (!mine) continue;
          if (region.id === "live-rows") {
            mergeRows(mine, region, exact);
          } else if (!isBusy(mine)) {
            mine.replaceWith(document.importNode(region, true));
          }
        }
        sortAll();
        refocus(focused);
        for (const head of rowsBody() ? rowsBody().querySelectorAll(":scope > [data-floor]") : []) summarise(head);
        refreshView();
        tick();
        document.dispatchEvent(new CustomEvent("switchboard:synced"));
      } catch (error) {
        console.warn("snapshot failed", error);
      } finally {
        syncing = null;
        if (resyncAgain) {
          resyncAgain = false;
          resync();
        }
      }
    })();
    return syncing;
  }

  // A windowed snapshot is exact: a row it lacks left the window (or ended) and goes at once, and the
  // rows take its order (a column sort re-sorts them after).
  function mergeRows(mine, fresh, exact) {
    const keep = new Set();
    for (const row of fresh.children) {
      keep.add(row.id);
      const existing = document.getElementById(row.id);
      const imported = document.importNode(row, true);
      if (!existing) {
        addRow(mine, imported);
      } else if (isBusy(existing)) {
        pending.set(row.id, { dom_id: row.id, version: Number(row.dataset.version), alive: row.dataset.alive === "1", html: row.outerHTML, kind: "" });
      } else if (Number(existing.dataset.version || 0) !== Number(row.dataset.version)) {
        existing.replaceWith(imported);
      }
    }
    for (const row of Array.from(mine.children)) {
      if (!keep.has(row.id) && !isBusy(row)) {
        if (exact) {
          row.remove();
          continue;
        }
        row.dataset.alive = "0";
        scheduleRemoval(row);
      }
    }
    if (exact) {
      const order = Array.from(keep, (id) => document.getElementById(id)).filter((row) => row && row.parentElement === mine);
      if (order.some((row, index) => mine.children[index] !== row)) mine.append(...order);
    }
  }

  // --- durations, colours, filters, counts -------------------------------------------------------

  function formatDuration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const mm = String(m).padStart(2, "0");
    const ss = String(s).padStart(2, "0");
    return h ? `${h}:${mm}:${ss}` : `${m}:${ss}`;
  }

  function secondsSince(iso, now) {
    if (!iso) return null;
    const t = Date.parse(iso);
    return Number.isNaN(t) ? null : (now - t) / 1000;
  }

  const TICKED_ROW = "tr[data-state], tr.participant-row";

  // Only changed text is written: live rows off screen skip rendering (content-visibility in the
  // stylesheet), so a second's tick costs a layout of the rows in view only.
  function tickCell(cell, now) {
    const from = Date.parse(cell.dataset.tickFrom);
    if (Number.isNaN(from)) return;
    const until = cell.dataset.tickUntil ? Date.parse(cell.dataset.tickUntil) : now;
    const text = formatDuration(((Number.isNaN(until) ? now : until) - from) / 1000);
    const target = cell.querySelector(".tick") || cell;
    if (target.textContent !== text) target.textContent = text;
  }

  function colourRow(row, now) {
    const inState = secondsSince(row.dataset.stateSince, now);
    const onHold = secondsSince(row.dataset.holdSince, now);
    const state = row.dataset.state;
    const alive = row.dataset.alive !== "0";
    const ringing = alive && (state === "parked" || state === "bridging") && inState !== null && inState > thresholds.ringing;
    const queued = alive && state === "queued" && inState !== null && inState > thresholds.queued;
    const held = alive && onHold !== null && onHold > thresholds.hold;
    row.classList.toggle("alert-ringing", ringing);
    row.classList.toggle("alert-queued", queued);
    row.classList.toggle("alert-hold", held);
    // Never colour alone: the words beside it say why (written only when they change).
    const words = [ringing && `ringing over ${thresholds.ringing} s`, queued && `queued over ${thresholds.queued} s`, held && `on hold over ${thresholds.hold} s`].filter(Boolean).join(", ");
    let flag = row.querySelector(".alert-flag");
    if (!words) {
      if (flag) flag.remove();
      return;
    }
    if (!flag) {
      const cell = row.querySelector(".state, .status") || row.firstElementChild;
      if (!cell) return;
      flag = document.createElement("span");
      flag.className = "alert-flag";
      cell.appendChild(flag);
    }
    const text = `⚠ ${words}`;
    if (flag.textContent !== text) flag.textContent = text;
  }

  function tick() {
    const now = Date.now();
    for (const cell of document.querySelectorAll("[data-tick-from]")) tickCell(cell, now);
    for (const row of document.querySelectorAll(TICKED_ROW)) colourRow(row, now);
  }

  // The second's tick skips the rows the browser skips: a live row off screen is not rendered
  // (content-visibility in the stylesheet), and the browser says when that changes. With hundreds of
  // live rows on each of many open pages, ticking every row was most of an idle page's work. A row
  // coming back into view is brought up to date as it does; one never reported skipped is ticked.
  const offScreen = new WeakSet();

  function tickRow(row, now) {
    for (const cell of row.querySelectorAll("[data-tick-from]")) tickCell(cell, now);
    if (row.matches(TICKED_ROW)) colourRow(row, now);
  }

  function tickSecond() {
    const tbody = rowsBody();
    if (!tbody) {
      tick();
      return;
    }
    const now = Date.now();
    for (const cell of document.querySelectorAll("[data-tick-from]:not(#live-rows *)")) tickCell(cell, now);
    for (const row of tbody.children) if (!offScreen.has(row)) tickRow(row, now);
  }

  if (rowsBody()) {
    // Not a bubbling event: heard on its way down.
    rowsBody().addEventListener("contentvisibilityautostatechange", (event) => {
      const row = event.target;
      if (row.parentElement !== rowsBody()) return;
      if (event.skipped) {
        offScreen.add(row);
        return;
      }
      offScreen.delete(row);
      tickRow(row, Date.now());
    }, true);
  }

  // Filters and sorting live in the URL: a reload or a shared link shows the same rows.
  const FILTERS = ["direction", "state", "q", "conference"];

  function filtersFromUrl() {
    const form = document.getElementById("call-filters");
    const params = new URLSearchParams(location.search);
    if (!form) return;
    for (const name of FILTERS) {
      const field = form.elements.namedItem(name);
      if (field && params.has(name)) field.value = params.get(name);
    }
  }

  function writeUrl() {
    const params = new URLSearchParams(location.search);
    const form = document.getElementById("call-filters");
    for (const name of FILTERS) {
      const field = form && form.elements.namedItem(name);
      if (field && field.value) params.set(name, field.value);
      else params.delete(name);
    }
    if (sort) {
      params.set("sort", sort.key);
      params.set("order", sort.descending ? "desc" : "asc");
    } else {
      params.delete("sort");
      params.delete("order");
    }
    const query = params.toString();
    const url = location.pathname + (query ? `?${query}` : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
  }

  function filterValues() {
    const form = document.getElementById("call-filters");
    if (!form) return null;
    const data = new FormData(form);
    return {
      direction: data.get("direction") || "",
      state: data.get("state") || "",
      q: String(data.get("q") || "").trim().toLowerCase(),
      conference: String(data.get("conference") || "").trim().toLowerCase(),
    };
  }

  filtersFromUrl();
  let filters = filterValues();

  // --- sorting: a column header sorts the rows; rows that arrive or change take their sorted place --
  const sortTable = document.querySelector("table[data-sortable]");
  let sort = null; // {key, descending}

  // A cell's data-sort when it has one (a count), else its text.
  function sortValue(row, key) {
    const cell = row.querySelector(`td.${key}`);
    if (!cell) return "";
    // Durations sort by when they started: the earlier, the longer.
    if (cell.dataset.sortSince !== undefined) return -(Date.parse(cell.dataset.sortSince) || 0);
    if (cell.dataset.sort !== undefined) {
      const number = Number(cell.dataset.sort);
      return cell.dataset.sort !== "" && !Number.isNaN(number) ? number : cell.dataset.sort;
    }
    return cell.textContent.trim().toLowerCase();
  }

  function compareRows(a, b) {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return sort.descending ? -order : order;
  }

  // Rows under a row move with it: only top-level rows are sorted.
  function heads(tbody) {
    return Array.from(tbody.children).filter((row) => !row.dataset.parent);
  }

  function sortAll() {
    const tbody = rowsBody();
    if (!sort || !tbody || !sortTable) return;
    const rows = heads(tbody);
    const sorted = rows.slice().sort(compareRows);
    if (sorted.every((row, index) => row === rows[index])) return;
    tbody.append(...sorted.flatMap((row) => [row, ...childrenOf(row)]));
  }

  // One row (and those under it) to its sorted place, moved only when it is out of order.
  function sortInto(row) {
    if (!sort || !sortTable || row.dataset.parent || row.parentElement !== rowsBody()) return;
    const tbody = row.parentElement;
    const rows = heads(tbody);
    const index = rows.indexOf(row);
    const before = rows[index - 1];
    const after = rows[index + 1];
    if ((!before || compareRows(before, row) <= 0) && (!after || compareRows(row, after) <= 0)) return;
    const group = [row, ...childrenOf(row)];
    const next = rows.find((other) => other !== row && compareRows(row, other) < 0);
    for (const member of group) tbody.insertBefore(member, next || null);
  }

  function showSort() {
    if (!sortTable) return;
    // The order's select (the column headers are hidden on a phone) says the same as the headers.
    const select = document.querySelector("select[data-sort-select]");
    if (select) {
      const value = sort ? `${sort.key}:${sort.descending ? "desc" : "asc"}` : "";
      select.value = Array.from(select.options).some((option) => option.value === value) ? value : "";
    }
    for (const button of sortTable.querySelectorAll("button[data-sort]")) {
      const header = button.closest("th");
      const active = sort && sort.key === button.dataset.sort;
      header.setAttribute("aria-sort", active ? (sort.descending ? "descending" : "ascending") : "none");
    }
  }

  if (sortTable) {
    const params = new URLSearchParams(location.search);
    const key = params.get("sort");
    if (key && sortTable.querySelector(`button[data-sort="${CSS.escape(key)}"]`)) {
      sort = { key, descending: params.get("order") === "desc" };
    }
    sortTable.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-sort]");
      if (!button) return;
      const key = button.dataset.sort;
      sort = sort && sort.key === key ? { key, descending: !sort.descending } : { key, descending: button.dataset.firstOrder === "desc" };
      sortAll();
      showSort();
      writeUrl();
      refilter();
    });
    sortAll();
    showSort();
  }

  function matches(row, f) {
    if (!f) return true;
    if (f.direction && row.dataset.direction !== f.direction) return false;
    if (f.state === "hold" && !row.classList.contains("on-hold")) return false;
    if (f.state && f.state !== "hold" && row.dataset.state !== f.state) return false;
    if (f.q && !rowSearch(row).toLowerCase().includes(f.q)) return false;
    if (f.conference && !(row.dataset.conference || "").toLowerCase().includes(f.conference)) return false;
    return true;
  }

  function refreshView() {
    const tbody = rowsBody();
    if (!tbody) return;
    for (const row of tbody.children) {
      const hide = !matches(row, filters);
      if (row.hidden !== hide) row.hidden = hide;
    }
    updateCount();
  }

  // Writes only what changed: an unchanged attribute written again still costs a style pass.
  function updateCount() {
    const tbody = rowsBody();
    if (!tbody) return;
    let visible = 0;
    for (const row of tbody.children) {
      if (!row.hidden && row.dataset.alive !== "0" && !row.dataset.parent) visible += 1;
    }
    const note = windowNote();
    if (windowSize()) visible = Number(note.dataset.total || 0);
    const counter = document.querySelector("[data-live-count]");
    if (counter && counter.textContent !== String(visible)) counter.textContent = String(visible);
    const empty = document.getElementById("empty-note");
    if (empty && empty.hidden !== visible > 0) empty.hidden = visible > 0;
  }

  // --- connection ----------------------------------------------------------------------------------

  // One socket per page, always: the back-off timer and the browser's "online" event both call
  // connect(), so it cancels the other's pending attempt and never opens beside a live socket.
  let retryTimer = null;

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (socket && socket.readyState <= WebSocket.OPEN) return;
    setStatus(attempts ? "reconnecting" : "connecting");
    const ws = new WebSocket(socketUrl());
    socket = ws;
    ws.addEventListener("message", (event) => {
      if (ws !== socket) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.type === "hello") {
        attempts = 0;
        setStatus("live");
        const fresh = Boolean(message.fresh && !connected);
        replaying = fresh && Boolean(message.replay);
        if (!fresh && !personal) resync();
        connected = true;
      } else if (message.type === "replayed") {
        replaying = false;
      } else if (message.type === "batch") {
        for (const item of message.items) apply(item);
      } else if (message.type === "frame") {
        document.dispatchEvent(new CustomEvent("switchboard:frame", { detail: message.frame }));
      } else if (message.dom_id) {
        apply(message);
      }
    });
    ws.addEventListener("close", (event) => {
      if (ws !== socket) return;
      socket = null;
      if (event.code === 4401) {
        setStatus("offline");
        return;
      }
      attempts += 1;
      setStatus(navigator.onLine === false || attempts > 8 ? "offline" : "reconnecting");
      // 4503: the server is up but its channel layer (Redis) is not, yet: try again soon, not in 10 s.
      const ceiling = event.code === 4503 ? 2000 : 10000;
      const delay = Math.min(ceiling, 300 * 2 ** Math.min(attempts, 6)) * (0.75 + Math.random() / 2);
      retryTimer = setTimeout(connect, delay);
    });
  }

  document.addEventListener("focusout", () => setTimeout(flushPending, 0));
  document.addEventListener("switchboard:action-done", flushPending);
  document.addEventListener("toggle", () => setTimeout(flushPending, 0), true);
  const filterForm = document.getElementById("call-filters");
  if (filterForm) {
    filterForm.addEventListener("input", (event) => {
      if (event.target.matches("select[data-sort-select]")) {
        const [key, order] = event.target.value.split(":");
        // "As they came" is the server's order, oldest call first: sorted once, then left alone.
        sort = key ? { key, descending: order === "desc" } : { key: "duration", descending: true };
        sortAll();
        if (!key) sort = null;
        showSort();
      }
      filters = filterValues();
      refreshView();
      writeUrl();
      refilter();
    });
    filterForm.addEventListener("submit", (event) => event.preventDefault());
  }
  window.addEventListener("online", () => connect());
  setInterval(tickSecond, 1000);
  // A conference row comes from the row cache as it was at its own last change: its counts and
  // "talking" marks follow the participant rows under it, which may have changed since.
  for (const head of rowsBody() ? rowsBody().querySelectorAll(":scope > [data-floor]") : []) summarise(head);
  refreshView();
  tick();
  for (const row of document.querySelectorAll("#live-rows > [data-alive='0']")) scheduleRemoval(row);
  connect();
})();
