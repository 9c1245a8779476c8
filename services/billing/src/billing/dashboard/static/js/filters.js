// The filter bar: what it offers for a period (asked once per period), what is chosen.

import { getJson } from "./api.js";
import { fill, h } from "./dom.js";
import { FILTERS } from "./router.js";

const $ = (id) => document.getElementById(id);
const cache = new Map();
const FRESH_MS = 30000;

/** The choices of a period, asked again after a while (new customers and services appear). */
export async function choicesFor(period) {
  const kept = cache.get(period);
  if (kept && Date.now() - kept.at < FRESH_MS) return kept.answer;
  const answer = getJson("/v1/dashboard/filters", { period });
  cache.set(period, { at: Date.now(), answer });
  answer.catch(() => cache.delete(period));
  return answer;
}

function options(select, values, allLabel, chosen) {
  const known = values.some((v) => v.value === chosen);
  fill(select, h("option", { value: "", text: allLabel }),
    values.map((v) => h("option", { value: v.value, text: v.label })),
    chosen && !known ? h("option", { value: chosen, text: chosen }) : null);
  select.value = chosen || "";
}

export function showFilters(filters, choices, role) {
  $("f-period").value = filters.period;
  options($("f-customer"), choices.customers.map((c) => ({ value: c.customer, label: c.name === c.customer ? c.name : `${c.name} (${c.customer})` })),
    "All customers", filters.customer);
  options($("f-cost_center"), choices.cost_centers.map((c) => ({ value: c, label: c })), "All cost centers", filters.cost_center);
  options($("f-service"), choices.services.map((c) => ({ value: c, label: c })), "All services", filters.service);
  $("f-customer").disabled = role === "customer";
}

export function chosenFilters() {
  const chosen = {};
  for (const name of FILTERS) {
    const value = $(`f-${name}`).value;
    if (value) chosen[name] = value;
  }
  return chosen;
}
