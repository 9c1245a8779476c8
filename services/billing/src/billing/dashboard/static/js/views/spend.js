// Overview: the period at a glance — total, forecast, by customer, by service, by day.

import { getJson } from "../api.js";
import { barChart, drawsForecast, trendChart } from "../charts.js";
import { card, h, notice } from "../dom.js";
import { dateTime, money, percent, periodName, quantity } from "../format.js";
import { href } from "../router.js";

function kpi(name, label, value, detail) {
  return h("div", { class: "kpi", dataset: { kpi: name } },
    h("span", { class: "kpi-label", text: label }),
    h("span", { class: "kpi-value", text: value }),
    detail ? h("span", { class: "kpi-detail", text: detail }) : null);
}

function scopeText(filters, choices) {
  const parts = [];
  const who = choices.customers.find((c) => c.customer === filters.customer);
  parts.push(filters.customer ? `Customer ${who ? who.name : filters.customer}` : "All customers");
  if (filters.cost_center) parts.push(`cost center ${filters.cost_center}`);
  parts.push(filters.service ? `service ${filters.service}` : "all services");
  return parts.join(" · ");
}

function forecastDetail(spend) {
  if (spend.forecast.amount !== null) {
    return spend.as_of >= spend.period_end ? "period over: final" : "run rate to period end";
  }
  if (spend.as_of < spend.period_start) return "period not started";
  return `available from ${dateTime(spend.forecast.available_from, spend.time_zone)}`;
}

export async function build(ctx) {
  const { filters } = ctx;
  const spend = await getJson("/v1/spend", { ...filters, currency: ctx.params.get("currency") });
  const cur = spend.currency;
  const header = h("div", { class: "view-header" },
    h("div", {},
      h("h1", { text: `Spend in ${periodName(spend.period)}` }),
      h("p", { class: "subtitle", text: scopeText(filters, ctx.choices) })),
    h("p", { class: "as-of", text: `Rated usage as of ${dateTime(spend.as_of, spend.time_zone)}` }));
  const others = spend.currencies.filter((c) => c !== cur);
  const currencyNote = others.length ? h("p", { class: "note" }, "Also charged in: ",
    others.map((c) => h("a", { href: href("spend", { ...filters, currency: c }), text: c }))) : null;
  const kpis = h("div", { class: "kpis" },
    kpi("total", "Total spend", money(spend.total, cur), `${quantity(String(spend.charges))} charges`),
    kpi("forecast", "Forecast at period end", spend.forecast.amount === null ? "—" : money(spend.forecast.amount, cur),
      forecastDetail(spend)),
    kpi("customers", "Customers charged", String(spend.by_customer.length),
      spend.by_customer[0] ? `largest: ${spend.by_customer[0].name}` : "none yet"),
    kpi("elapsed", "Period elapsed", percent(spend.forecast.elapsed_percent, 0),
      `${spend.daily.length} days (${spend.time_zone} month)`));
  if (spend.charges === 0) {
    return { node: h("div", {}, header, kpis, currencyNote,
      notice("empty", `No rated usage in ${periodName(spend.period)} for these filters.`,
        "Usage appears here a few seconds after it is sent to metering. Try another period or clear the filters.")) };
  }
  const byCustomer = spend.by_customer.map((row) => ({
    key: row.key, label: row.name, value: row.amount, display: money(row.amount, cur),
    href: href("spend", { ...filters, customer: row.key }),
  }));
  const byService = spend.by_service.map((row) => ({
    key: row.key, label: row.key, value: row.amount, display: money(row.amount, cur),
    href: href("spend", { ...filters, service: row.key }),
  }));
  const legend = h("ul", { class: "legend" },
    h("li", { class: "legend-actual", text: "Cumulative spend" }),
    drawsForecast(spend) ? h("li", { class: "legend-forecast", text: "Run-rate forecast" }) : null,
    h("li", { class: "legend-daily", text: "Spend per day" }));
  const days = h("p", { class: "hint days-note", text: "Each charge counts on its day in the time zone that cut "
    + "its billing period (its customer's), as its invoice does; the per-day bars have their own scale." });
  return {
    node: h("div", {}, header, kpis, currencyNote,
      h("div", { class: "grid-2" },
        card("Spend by customer", barChart(byCustomer, "Spend by customer"), h("p", { class: "hint", text: "Click a bar to filter." })),
        card("Spend by service", barChart(byService, "Spend by service"))),
      card("Daily trend and forecast", legend, trendChart(spend), days)),
    refreshEvery: 15000,
  };
}
