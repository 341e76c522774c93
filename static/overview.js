// Draws the concurrency chart from the page's JSON (no external network, no HTML from data).
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function draw() {
    const svg = document.getElementById("concurrency-chart");
    const source = document.getElementById("series-data");
    if (!svg || !source) return;
    const series = JSON.parse(source.textContent);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const width = 600, height = 160, pad = 24;
    const max = Math.max(1, ...series.map((p) => p.calls));
    const x = (i) => pad + (i * (width - 2 * pad)) / Math.max(1, series.length - 1);
    const y = (v) => height - pad - (v * (height - 2 * pad)) / max;
    const axis = document.createElementNS(SVG, "path");
    axis.setAttribute("d", `M${pad},${pad} V${height - pad} H${width - pad}`);
    axis.setAttribute("class", "axis");
    svg.appendChild(axis);
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", series.map((p, i) => `${x(i)},${y(p.calls)}`).join(" "));
    line.setAttribute("class", "series");
    svg.appendChild(line);
    for (const [value, label] of [[max, String(max)], [0, "0"]]) {
      const text = document.createElementNS(SVG, "text");
      text.setAttribute("x", "2");
      text.setAttribute("y", String(y(value) + 4));
      text.textContent = label;
      svg.appendChild(text);
    }
  }

  document.addEventListener("switchboard:synced", draw);
  draw();
})();
