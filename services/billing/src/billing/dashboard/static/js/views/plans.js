// Plans: each budget plan's negotiation state and history, its months with actual and
// forecast drawn against the plan, the variance so far and its versions side by side.

import { getJson } from "../api.js";
import { planChart } from "../plan_chart.js";
import { card, h, notice } from "../dom.js";
import { moneyRounded, percent } from "../format.js";
import {
  driversList, historyList, planList, scopeOf, statePill, varianceTable, versionsTable,
} from "./plan_tables.js";

function kpi(name, label, value, detail) {
  return h("div", { class: "kpi", dataset: { kpi: name } },
    h("span", { class: "kpi-label", text: label }),
    h("span", { class: "kpi-value", text: value }),
    detail ? h("span", { class: "kpi-detail", text: detail }) : null);
}

function figures(plan, variance) {
  const cur = plan.currency, ytd = variance.year_to_date;
  return h("div", { class: "kpis" },
    kpi("plan", "Annual plan", moneyRounded(plan.version.amount, cur), `version ${plan.version.number}`),
    kpi("ytd-actual", "Actual to date", moneyRounded(ytd.actual, cur), `plan ${moneyRounded(ytd.plan, cur)} through ${variance.through}`),
    kpi("ytd-variance", "Variance to date", percent(ytd.variance_percent, 2), moneyRounded(ytd.variance, cur)),
    kpi("outturn", "Full-year outturn", moneyRounded(variance.outturn, cur), `forecast: ${variance.forecast_method.replace("_", " ")}`));
}

function tracking(plan, variance) {
  if (variance instanceof Error) {
    return notice("error", "Actuals unavailable", variance.message);
  }
  return h("div", {}, figures(plan, variance),
    card("Plan, actual and forecast by month",
      h("ul", { class: "legend" },
        h("li", { class: "legend-plan", text: "Plan" }),
        h("li", { class: "legend-actual", text: "Actual" }),
        h("li", { class: "legend-forecast", text: "Forecast" })),
      planChart(variance.months, plan.currency)),
    card("Variance (actual − plan)", varianceTable(variance, plan.currency)),
    card("What moved most, against last year", driversList(variance, plan.currency)));
}

export async function build(ctx) {
  const plans = (await getJson("/v1/budget-monitor/budget-plans")).plans;
  const header = h("div", { class: "view-header" }, h("div", {}, h("h1", { text: "Plans" }),
    h("p", { class: "subtitle", text: "Annual budget plans: negotiation, phasing by month, and plan against actual and forecast." })));
  if (!plans.length) {
    return { node: h("div", {}, header, notice("empty", "No budget plans yet.",
      "Finance proposes them: chargeback plans propose … (or POST /v1/budget-plans)."))};
  }
  const plan = plans.find((p) => p.id === ctx.params.get("plan")) || plans[0];
  const through = plan.months.includes(ctx.filters.period) ? ctx.filters.period : undefined;
  const base = `/v1/budget-monitor/budget-plans/${encodeURIComponent(plan.id)}`;
  const [versions, variance] = await Promise.all([
    getJson(`${base}/versions`),
    getJson(`${base}/variance`, { through }).catch((error) => error),
  ]);
  const detail = h("section", { class: "plan", dataset: { planId: plan.id } },
    h("div", { class: "plan-head" }, h("h2", { text: plan.id }), statePill(plan.state),
      h("span", { class: "muted", text: `${scopeOf(plan)} · FY${plan.fiscal_year} · ${plan.currency}` })),
    tracking(plan, variance),
    card("Versions side by side", versionsTable(versions.versions, plan.months, plan.currency)),
    card("Negotiation", historyList(plan.history)));
  return { node: h("div", {}, header, card("Budget plans", planList(plans, plan.id, ctx.filters)), detail),
    refreshEvery: 30000 };
}
