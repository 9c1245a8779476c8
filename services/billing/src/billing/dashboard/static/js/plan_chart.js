// A plan by month, drawn as SVG: the plan's bars, the actual spend of the months gone as a
// line, and the forecast of the months left as a dashed line. Numbers are turned into
// floats for geometry only; every label shown is the decimal string the server sent.

import { s } from "./dom.js";
import { scalar } from "./format.js";

function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= value);
}

function monthLabel(period) {
  const [year, month] = period.split("-").map(Number);
  return new Intl.DateTimeFormat("en", { month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(year, month - 1, 1)));
}

/** months: the variance lines [{period, plan, actual, forecast}], in fiscal order. */
export function planChart(months, currency) {
  const W = 1240, H = 300, M = { l: 64, r: 24, t: 16, b: 34 }, n = months.length;
  const step = (W - M.l - M.r) / n, inner = H - M.t - M.b;
  const values = months.flatMap((m) => [m.plan, m.actual, m.forecast]).filter((v) => v !== null).map(scalar);
  const top = niceMax(Math.max(0, ...values));
  const x = (i) => M.l + (i + 0.5) * step;
  const y = (v) => M.t + inner - (v / top) * inner;
  const svg = s("svg", { class: "chart plan-chart", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": "Plan by month with actual and forecast" });
  for (let k = 0; k <= 4; k += 1) {
    const value = (top * k) / 4;
    svg.append(s("line", { x1: M.l, x2: W - M.r, y1: y(value), y2: y(value), class: "grid" }),
      s("text", { x: M.l - 8, y: y(value), class: "axis", "text-anchor": "end", "dominant-baseline": "central" },
        value.toLocaleString("en", { maximumFractionDigits: 2 })));
  }
  months.forEach((m, i) => {
    const height = (scalar(m.plan) / top) * inner;
    svg.append(s("rect", { x: x(i) - step * 0.3, y: y(scalar(m.plan)), width: step * 0.6, height,
      rx: 3, class: "plan-bar", "data-period": m.period },
    s("title", { text: `${m.period}: plan ${currency} ${m.plan}` })),
    s("text", { x: x(i), y: H - 12, class: "axis", "text-anchor": "middle" }, monthLabel(m.period)));
  });
  const gone = months.filter((m) => m.actual !== null).length;
  const actual = months.slice(0, gone).map((m, i) => [i, m.actual]);
  // The forecast runs on from the last actual month, so the two lines join.
  const ahead = months.map((m, i) => [i, m.forecast]).filter(([, v]) => v !== null);
  const joined = gone && ahead.length ? [[gone - 1, months[gone - 1].actual], ...ahead] : ahead;
  drawLine(svg, joined, x, y, "plan-forecast");
  drawLine(svg, actual, x, y, "plan-actual");
  dots(svg, actual, months, x, y, "plan-actual-dot", "actual", currency);
  dots(svg, ahead, months, x, y, "plan-forecast-dot", "forecast", currency);
  return svg;
}

function drawLine(svg, points, x, y, cls) {
  if (points.length < 2) return;
  const path = points.map(([i, v]) => `${x(i)},${y(scalar(v))}`).join(" L");
  svg.append(s("path", { d: `M${path}`, class: cls }));
}

function dots(svg, points, months, x, y, cls, label, currency) {
  for (const [i, v] of points) {
    svg.append(s("circle", { cx: x(i), cy: y(scalar(v)), r: 4, class: cls, "data-period": months[i].period },
      s("title", { text: `${months[i].period}: ${label} ${currency} ${v}` })));
  }
}
