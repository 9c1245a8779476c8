// The Plans view's tables: the plans, the variance by month, the versions side by side,
// the negotiation's history and what moved most.

import { h, table } from "../dom.js";
import { dateTime, moneyRounded, percent } from "../format.js";
import { href } from "../router.js";

export const scopeOf = (plan) => ["customer", "cost_center", "service"].filter((f) => plan[f])
  .map((f) => `${f.replace("_", " ")} ${plan[f]}`).join(" · ");

export function statePill(state) {
  return h("span", { class: `pill pill-plan-${state}`, dataset: { state }, text: state });
}

export function planList(plans, chosen, filters) {
  return table([
    { label: "Plan", cell: (p) => h("a", { href: href("plans", { ...filters, plan: p.id }),
      class: p.id === chosen ? "chosen" : null, text: p.id }) },
    { label: "Scope", cell: (p) => scopeOf(p) },
    { label: "Fiscal year", cell: (p) => `FY${p.fiscal_year} (${p.months[0]} to ${p.months[11]})` },
    { label: "State", cell: (p) => statePill(p.state) },
    { label: "Versions", num: true, cell: (p) => String(p.versions) },
    { label: "Latest amount", num: true, cell: (p) => moneyRounded(p.version.amount, p.currency) },
  ], plans, { id: "plan-list" });
}

const amount = (value, cur) => (value === null ? "—" : moneyRounded(value, cur));

export function varianceTable(variance, cur) {
  const rows = [...variance.months, variance.year_to_date, variance.full_year];
  const label = { year_to_date: "Year to date", full_year: "Full year (outturn)" };
  return table([
    { label: "Month", cell: (l) => label[l.period] || l.period },
    { label: "Plan", num: true, cell: (l) => amount(l.plan, cur) },
    { label: "Actual", num: true, cell: (l) => amount(l.actual, cur) },
    { label: "Forecast", num: true, cell: (l) => amount(l.forecast, cur) },
    { label: "Variance", num: true, cell: (l) => amount(l.variance, cur) },
    { label: "Variance %", num: true, cell: (l) => percent(l.variance_percent, 2) },
  ], rows, { id: "plan-variance" });
}

/** Months down, one column per version (oldest first), the year's total last. */
export function versionsTable(versions, months, cur) {
  const byMonth = versions.map((v) => Object.fromEntries(v.months.map((m) => [m.period, m.amount])));
  const head = h("tr", {}, h("th", { text: "Month" }), versions.map((v) =>
    h("th", { class: "num", dataset: { version: v.number },
      text: `v${v.number} ${v.kind} · ${v.author}` })));
  const row = (label, values) => h("tr", {}, h("td", { text: label }),
    values.map((value) => h("td", { class: "num", text: amount(value, cur) })));
  return h("table", { class: "data", id: "plan-versions" },
    h("thead", {}, head),
    h("tbody", {}, months.map((m) => row(m, byMonth.map((v) => v[m] ?? null))),
      row("Year", versions.map((v) => v.amount))));
}

export function historyList(history) {
  return h("ol", { class: "plan-history", id: "plan-history" }, history.map((e) =>
    h("li", { dataset: { action: e.action } },
      h("strong", { text: e.action }),
      ` ${e.from_state ? `${e.from_state} → ` : ""}${e.to_state}`,
      h("span", { class: "muted", text: ` · ${e.actor} (${e.role}) · ${dateTime(e.at)}` }),
      e.comment ? h("q", { text: e.comment }) : null)));
}

export function driversList(variance, cur) {
  const list = (title, drivers) => h("div", {}, h("h3", { text: title }),
    drivers.length ? h("ul", { class: "drivers" }, drivers.map((d) => h("li", {},
      h("strong", { text: d.key }), ` ${amount(d.change, cur)} against last year (${amount(d.actual, cur)} so far)`)))
      : h("p", { class: "muted", text: "No spend yet." }));
  return h("div", { class: "grid-2" }, list("Customers", variance.by_customer),
    list("Services", variance.by_service));
}
