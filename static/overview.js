// Draws the concurrency chart from the page's JSON (no external network, no HTML from data): a time
// axis labelled every 15 minutes in the reader's zone, and a readout of the minute under the pointer
// (or chosen with the arrow keys once the chart has focus).
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const zone = document.body.dataset.timeZone || undefined;
  const clock = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  let series = [];
  let chosen = -1;
  let geometry = null;

  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function minuteOf(point) {
    return Number(clock.format(new Date(point.at)).slice(3));
  }

  function draw() {
    const svg = document.getElementById("concurrency-chart");
    const source = document.getElementById("series-data");
    if (!svg || !source) return;
    series = JSON.parse(source.textContent);
    // One unit a pixel: the labels keep their size on a phone as on a wide screen.
    const width = Math.max(280, Math.round(svg.getBoundingClientRect().width) || 600);
    const height = 180, left = 30, right = 12, top = 12, bottom = 26;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.replaceChildren();
    if (!series.length) return;
    const max = Math.max(1, ...series.map((p) => p.calls));
    const x = (i) => left + (i * (width - left - right)) / Math.max(1, series.length - 1);
    const y = (v) => height - bottom - (v * (height - top - bottom)) / max;
    geometry = { x, y, left, right, width, height, top, bottom };
    for (const value of new Set([0, Math.round(max / 2), max])) {
      svg.appendChild(el("line", { class: "grid", x1: left, x2: width - right, y1: y(value), y2: y(value) }));
      svg.appendChild(el("text", { x: left - 6, y: y(value) + 3, "text-anchor": "end" }, String(value)));
    }
    svg.appendChild(el("path", { class: "axis", d: `M${left},${top} V${height - bottom} H${width - right}` }));
    series.forEach((point, i) => {
      if (minuteOf(point) % 15 !== 0) return;
      svg.appendChild(el("line", { class: "tick", x1: x(i), x2: x(i), y1: height - bottom, y2: height - bottom + 4 }));
      svg.appendChild(el("text", { x: x(i), y: height - 8, "text-anchor": "middle" }, clock.format(new Date(point.at))));
    });
    svg.appendChild(el("polyline", { class: "series", points: series.map((p, i) => `${x(i)},${y(p.calls)}`).join(" ") }));
    svg.appendChild(el("line", { class: "cursor", id: "chart-cursor", y1: top, y2: height - bottom, x1: -10, x2: -10 }));
    const peak = series.reduce((best, p) => (p.calls > best.calls ? p : best), series[0]);
    const last = series[series.length - 1];
    svg.setAttribute("aria-label", `Concurrent calls over the last hour: now ${last.calls}, peak ${peak.calls} at ${clock.format(new Date(peak.at))}. Arrow keys read each minute.`);
    if (chosen >= series.length) chosen = series.length - 1;
    if (chosen >= 0) show(chosen);
  }

  function show(i) {
    const readout = document.getElementById("chart-readout");
    const cursor = document.getElementById("chart-cursor");
    if (!readout || !cursor || !geometry || !series[i]) return;
    chosen = i;
    const at = geometry.x(i);
    cursor.setAttribute("x1", at);
    cursor.setAttribute("x2", at);
    const calls = series[i].calls;
    readout.textContent = `${clock.format(new Date(series[i].at))}: ${calls} concurrent call${calls === 1 ? "" : "s"}`;
  }

  function indexAt(event) {
    const svg = event.currentTarget;
    const box = svg.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * geometry.width;
    const span = geometry.width - geometry.left - geometry.right;
    return Math.max(0, Math.min(series.length - 1, Math.round(((px - geometry.left) / span) * (series.length - 1))));
  }

  const svg = document.getElementById("concurrency-chart");
  if (svg) {
    svg.addEventListener("pointermove", (event) => geometry && show(indexAt(event)));
    svg.addEventListener("keydown", (event) => {
      if (!series.length) return;
      const moves = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const start = chosen < 0 ? series.length - 1 : chosen;
      show(Math.max(0, Math.min(series.length - 1, start + moves[event.key])));
    });
    let resizing = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(draw, 150);
    });
  }
  document.addEventListener("switchboard:synced", draw);
  draw();
})();
