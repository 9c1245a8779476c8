// Charts drawn as SVG by hand: horizontal bars, a cumulative trend with its forecast, and
// budget bars. Numbers are turned into floats for geometry only; every label shown is
// the decimal string the server sent.

import { s } from "./dom.js";
import { localDate, scalar, shortDate } from "./format.js";

function clip(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** A rounded-up axis maximum: 1, 2, 2.5 or 5 times a power of ten. */
function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= value);
}

function axisLabel(value) {
  return value >= 1000 ? value.toLocaleString("en", { maximumFractionDigits: 0 })
    : value.toLocaleString("en", { maximumFractionDigits: 2 });
}

/** items: [{key, label, value (decimal string), display, href}] largest first. */
export function barChart(items, title) {
  const W = 560, ROW = 32, LABEL = 150, VALUE = 120, BAR = W - LABEL - VALUE - 12;
  const max = Math.max(0, ...items.map((i) => scalar(i.value))) || 1;
  const svg = s("svg", {
    class: "chart bar-chart", viewBox: `0 0 ${W} ${items.length * ROW + 4}`, role: "img", "aria-label": title,
  });
  items.forEach((item, i) => {
    const y = i * ROW + 2, middle = y + ROW / 2, value = scalar(item.value);
    const width = value > 0 ? Math.max((value / max) * BAR, 2) : 0;
    const row = s("g", { class: "bar-row", "data-key": item.key },
      s("title", { text: `${item.label}: ${item.display}` }),
      s("text", { x: LABEL - 10, y: middle, class: "bar-label", "text-anchor": "end", "dominant-baseline": "central" },
        clip(item.label, 22)),
      s("rect", { x: LABEL, y: y + 7, width: BAR, height: ROW - 14, rx: 4, class: "bar-track" }),
      s("rect", { x: LABEL, y: y + 7, width, height: ROW - 14, rx: 4, class: "bar-fill" }),
      s("text", { x: LABEL + BAR + 10, y: middle, class: "bar-value", "dominant-baseline": "central" }, item.display));
    svg.append(item.href ? s("a", { href: item.href, class: "bar-link" }, row) : row);
  });
  return svg;
}

/** The day index `as_of` falls on (-1 before the period, last day after it). */
function todayIndex(spend) {
  if (spend.as_of >= spend.period_end) return spend.daily.length - 1;
  if (spend.as_of < spend.period_start) return -1;
  const today = localDate(spend.as_of, spend.time_zone);
  return spend.daily.findIndex((d) => d.date === today);
}

/** Whether the trend chart draws the forecast (there is one, and days left to draw it on). */
export function drawsForecast(spend) {
  const today = Math.max(todayIndex(spend), spend.daily.reduce((last, d, i) => (d.charges > 0 ? i : last), -1));
  return spend.forecast.amount !== null && today >= 0 && today < spend.daily.length - 1;
}

/** Cumulative spend over the period's days, the run-rate forecast to its end, daily bars. */
export function trendChart(spend) {
  // About as wide as it is drawn on a laptop screen, so its text keeps its size.
  const W = 1240, M = { l: 64, r: 120, t: 14 }, TOP = 220, GAP = 26, DAILY = 60, H = M.t + TOP + GAP + DAILY + 26;
  const days = spend.daily, n = days.length, step = (W - M.l - M.r) / n;
  // Customers ahead of the period's zone may already have spend dated "tomorrow": the
  // cumulative line runs to the last such day, so it always ends at the total.
  const charged = days.reduce((last, d, i) => (d.charges > 0 ? i : last), -1);
  const today = Math.max(todayIndex(spend), charged);
  const cumulative = days.map((d) => scalar(d.cumulative));
  const forecast = spend.forecast.amount === null ? null : scalar(spend.forecast.amount);
  const top = niceMax(Math.max(today >= 0 ? cumulative[today] : 0, forecast || 0));
  const x = (i) => M.l + (i + 0.5) * step;
  const y = (v) => M.t + TOP - (v / top) * TOP;
  const svg = s("svg", { class: "chart trend-chart", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": "Cumulative spend over the period with forecast, and spend per day" });

  for (let k = 0; k <= 4; k += 1) {
    const value = (top * k) / 4;
    svg.append(s("line", { x1: M.l, x2: W - M.r, y1: y(value), y2: y(value), class: "grid" }),
      s("text", { x: M.l - 8, y: y(value), class: "axis", "text-anchor": "end", "dominant-baseline": "central" },
        axisLabel(value)));
  }
  if (today >= 0) {
    const points = cumulative.slice(0, today + 1).map((v, i) => `${x(i)},${y(v)}`);
    const area = `M${x(0)},${y(0)} L${points.join(" L")} L${x(today)},${y(0)} Z`;
    svg.append(s("path", { d: area, class: "trend-area" }),
      s("path", { d: `M${points.join(" L")}`, class: "trend-line" }),
      s("circle", { cx: x(today), cy: y(cumulative[today]), r: 4, class: "trend-dot" },
        s("title", { text: `${days[today].date}: ${spend.currency} ${days[today].cumulative} so far` })));
  }
  if (drawsForecast(spend)) {
    svg.append(s("path", { d: `M${x(today)},${y(cumulative[today])} L${x(n - 1)},${y(forecast)}`, class: "forecast-line" }),
      s("circle", { cx: x(n - 1), cy: y(forecast), r: 4, class: "forecast-dot" }),
      s("text", { x: x(n - 1) + 10, y: y(forecast) - 8, class: "forecast-label" }, "Forecast"),
      s("text", { x: x(n - 1) + 10, y: y(forecast) + 8, class: "forecast-value" },
        `${spend.currency} ${spend.forecast.amount}`));
  }
  const base = M.t + TOP + GAP + DAILY;
  const dailyMax = niceMax(Math.max(0, ...days.map((d) => scalar(d.amount))));
  for (const value of [dailyMax / 2, dailyMax]) { // the per-day bars' own scale
    const at = base - (value / dailyMax) * DAILY;
    svg.append(s("line", { x1: M.l, x2: W - M.r, y1: at, y2: at, class: "grid daily-grid" }),
      s("text", { x: M.l - 8, y: at, class: "axis daily-axis", "text-anchor": "end", "dominant-baseline": "central" },
        axisLabel(value)));
  }
  svg.append(s("text", { x: W - M.r + 10, y: base - DAILY / 2, class: "axis", "dominant-baseline": "central" },
    `${spend.currency} per day`));
  days.forEach((d, i) => {
    const height = (scalar(d.amount) / dailyMax) * DAILY;
    svg.append(s("rect", { x: x(i) - step * 0.32, y: base - height, width: step * 0.64, height,
      class: i === today ? "daily-bar today" : "daily-bar" },
    s("title", { text: `${d.date}: ${spend.currency} ${d.amount} (${d.charges} charges)` })));
    if (i % 5 === 0 || i === n - 1) {
      svg.append(s("text", { x: x(i), y: base + 18, class: "axis", "text-anchor": "middle" }, shortDate(d.date)));
    }
  });
  svg.append(s("line", { x1: M.l, x2: W - M.r, y1: base, y2: base, class: "baseline" }));
  return svg;
}

/** Actual and forecast against the amount, thresholds marked. status: ok | risk | over.
 * The scale stops a little past the amount (and the highest threshold): spend far over it
 * runs off the end with its figure there, so the thresholds keep their places. */
export function budgetBar({ amount, spent, forecast, thresholds, status, overLabel }) {
  const W = 900, L = 4, R = 150, H = 62, Y = 28, BAR = 16;
  const total = scalar(amount), highest = Math.max(100, ...thresholds.map(scalar));
  const wanted = Math.max(total, scalar(spent), forecast === null ? 0 : scalar(forecast));
  const cap = total * (highest / 100) * 1.25;
  const scale = (total > 0 ? Math.min(wanted, cap) : wanted) * 1.04 || 1;
  const x = (v) => L + (Math.min(v, scale) / scale) * (W - L - R);
  const svg = s("svg", { class: "chart budget-bar", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": `spent ${spent} of ${amount}` });
  svg.append(s("rect", { x: L, y: Y, width: x(total) - L, height: BAR, rx: 3, class: "budget-track" }));
  if (forecast !== null) {
    svg.append(s("rect", { x: L, y: Y, width: Math.max(x(scalar(forecast)) - L, 0), height: BAR, rx: 3,
      class: "budget-forecast" }, s("title", { text: `forecast ${forecast}` })));
  }
  svg.append(s("rect", { x: L, y: Y + 3, width: Math.max(x(scalar(spent)) - L, scalar(spent) > 0 ? 2 : 0),
    height: BAR - 6, rx: 2, class: `budget-actual status-${status}` }, s("title", { text: `spent ${spent}` })));
  for (const t of thresholds) {
    const at = x((total * scalar(t)) / 100), full = scalar(t) === 100;
    svg.append(s("line", { x1: at, x2: at, y1: Y - 6, y2: Y + BAR + 6, class: full ? "threshold full" : "threshold" }),
      s("text", { x: at, y: Y - 10, class: "threshold-label", "text-anchor": "middle" }, `${t}%`));
  }
  if (!thresholds.some((t) => scalar(t) === 100)) {
    svg.append(s("line", { x1: x(total), x2: x(total), y1: Y - 6, y2: Y + BAR + 6, class: "threshold full" }));
  }
  if (wanted > scale) { // off the scale: an arrow at the end, and how far over
    const end = W - R;
    svg.append(s("path", { d: `M${end + 2},${Y - 2} l10,${BAR / 2 + 2} l-10,${BAR / 2 + 2} Z`, class: "budget-overflow" }),
      s("text", { x: end + 18, y: Y + BAR / 2, class: "overflow-label", "dominant-baseline": "central" }, overLabel || ""));
  }
  return svg;
}
