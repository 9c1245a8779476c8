// Budgets: actual and forecast spend against each amount, thresholds marked.

import { getJson } from "../api.js";
import { budgetBar } from "../charts.js";
import { card, h, notice } from "../dom.js";
import { dateTime, moneyRounded, percent, periodName, scalar } from "../format.js";

const STATUS = { ok: "On track", risk: "At risk", over: "Over budget" };

/** over: spent reached the amount; risk: 80 % of it spent, or forecast to reach it. */
export function statusOf(budget, status) {
  if (scalar(budget.percent) >= 100) return "over";
  if (scalar(budget.percent) >= 80) return "risk";
  if (status && status.forecast_percent !== null && scalar(status.forecast_percent) >= 100) return "risk";
  return "ok";
}

/** The budget's own period that holds the month chosen in the filters. */
export function periodOf(budget, month) {
  const [year, m] = month.split("-");
  if (budget.period_kind === "monthly") return month;
  if (budget.period_kind === "quarterly") return `${year}-Q${Math.floor((Number(m) - 1) / 3) + 1}`;
  if (budget.period_kind === "annual") return year;
  return budget.period; // a custom budget has one period
}

function matches(budget, filters) {
  return ["customer", "cost_center", "service"].every((f) => !filters[f] || budget[f] === filters[f]);
}

function scopeChips(budget) {
  const chips = ["customer", "cost_center", "service"].filter((f) => budget[f])
    .map((f) => h("span", { class: "chip", text: `${f.replace("_", " ")}: ${budget[f]}` }));
  return chips.length ? chips : [h("span", { class: "chip", text: "everything" })];
}

function budgetCard(listed, status) {
  const budget = status ? { ...listed, ...status } : listed; // the figures of the chosen period
  const state = statusOf(budget, status), cur = budget.currency;
  const forecast = status ? status.forecast : null;
  const forecastText = forecast !== null
    ? `Forecast ${moneyRounded(forecast, cur)} · ${percent(status.forecast_percent)}`
    : status ? `Forecast from ${dateTime(status.forecast_available_from, status.time_zone)}` : "Forecast unavailable";
  const crossed = budget.thresholds_crossed.length
    ? `Crossed ${budget.thresholds_crossed.map((t) => percent(t, 0)).join(", ")}` : "No threshold crossed";
  return h("article", { class: `budget status-${state}`, dataset: { budgetId: budget.id } },
    h("header", { class: "budget-head" },
      h("div", {}, h("h3", { text: budget.id }), h("div", { class: "chips" }, scopeChips(budget))),
      h("div", { class: "budget-meta" },
        h("span", { class: "period", text: `${budget.period_kind} · ${budget.period}` }),
        h("span", { class: `pill pill-${state}`, text: STATUS[state] }))),
    budgetBar({ amount: budget.amount, spent: budget.spent, forecast, thresholds: budget.thresholds, status: state,
      overLabel: percent(budget.percent, 0) }),
    h("div", { class: "budget-figures" },
      h("span", { class: "spent" },
        h("strong", { text: moneyRounded(budget.spent, cur) }), ` of ${moneyRounded(budget.amount, cur)} · ${percent(budget.percent)}`),
      h("span", { class: "forecast", text: forecastText }),
      h("span", { class: "crossed", text: crossed })));
}

export async function build(ctx) {
  const body = await getJson("/v1/budget-monitor/budgets");
  const shown = body.budgets.filter((b) => matches(b, ctx.filters));
  const month = ctx.filters.period;
  const statuses = await Promise.all(shown.map((b) =>
    getJson(`/v1/budget-monitor/budgets/${encodeURIComponent(b.id)}/status`, { period: periodOf(b, month) })
      .catch(() => null)));
  const header = h("div", { class: "view-header" },
    h("div", {}, h("h1", { text: "Budgets" }),
      h("p", { class: "subtitle", text: `Each budget in its period that holds ${periodName(month)}: `
        + "spend so far and run-rate forecast against the amount." })),
    h("ul", { class: "legend" },
      h("li", { class: "legend-actual", text: "Actual" }),
      h("li", { class: "legend-forecast", text: "Forecast" }),
      h("li", { class: "legend-threshold", text: "Threshold" })));
  if (!shown.length) {
    const why = body.budgets.length ? "No budget matches the filters." : "No budgets are set.";
    return { node: h("div", {}, header, notice("empty", why,
      "Budgets come from the budget monitor's budgets file or its API (POST /v1/budgets)."))};
  }
  return {
    node: h("div", {}, header, card(null, h("div", { class: "budgets" },
      shown.map((b, i) => budgetCard(b, statuses[i]))))),
    refreshEvery: 15000,
  };
}
