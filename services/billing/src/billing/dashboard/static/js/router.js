// Hash routes with query parameters: every view has a stable URL, e.g.
// #/spend?period=2026-11&customer=acme or #/charges?customer=acme&period=2026-11&service=compute.

export const FILTERS = ["period", "customer", "cost_center", "service"];
export const VIEWS = ["spend", "budgets", "plans", "alerts", "invoices", "invoice", "charges"];

export function parse(hash = window.location.hash) {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  const view = VIEWS.includes(path) ? path : "spend";
  return { view, params: new URLSearchParams(query) };
}

/** "#/view?…" from a view and parameters (empty ones left out). */
export function href(view, params) {
  const query = new URLSearchParams();
  for (const [name, value] of params instanceof URLSearchParams ? params.entries() : Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, value);
  }
  const text = query.toString();
  return `#/${view}${text ? `?${text}` : ""}`;
}

/** Only the filter parameters of `params` (carried from view to view). */
export function filtersOf(params) {
  const kept = {};
  for (const name of FILTERS) if (params.get(name)) kept[name] = params.get(name);
  return kept;
}
