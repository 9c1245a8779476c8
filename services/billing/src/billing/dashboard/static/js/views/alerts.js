// Alerts: raised budget alerts, newest first; new ones arrive live, without a reload.

import { h, notice } from "../dom.js";
import { dateTime, moneyRounded, percent, scalar } from "../format.js";

function matches(alert, filters) {
  return ["customer", "cost_center", "service"].every((f) => !filters[f] || alert.scope[f] === filters[f]);
}

function severity(alert) {
  const level = scalar(alert.threshold_percent);
  return level >= 100 ? "over" : level >= 80 ? "risk" : "info";
}

function headline(alert) {
  return alert.basis === "forecast"
    ? `${alert.budget_id} is forecast to reach ${percent(alert.threshold_percent, 0)} of its budget`
    : `${alert.budget_id} crossed ${percent(alert.threshold_percent, 0)} of its budget`;
}

function item(alert, fresh) {
  const scope = Object.entries(alert.scope).map(([k, v]) => `${k.replace("_", " ")} ${v}`).join(", ") || "everything";
  return h("li", { class: `alert-item sev-${severity(alert)}${fresh ? " fresh" : ""}`, dataset: { alertId: alert.alert_id } },
    h("div", { class: "alert-main" },
      h("span", { class: `pill pill-${alert.basis}`, text: alert.basis }),
      h("strong", { class: "alert-title", text: headline(alert) })),
    h("div", { class: "alert-meta" },
      h("span", { text: `${moneyRounded(alert.spent, alert.currency)} spent of ${moneyRounded(alert.budget_amount, alert.currency)}` }),
      h("span", { text: `period ${alert.period}` }),
      h("span", { text: scope }),
      alert.triggered_by_event_id ? h("span", { class: "mono", text: `event ${alert.triggered_by_event_id}` }) : null),
    h("time", { class: "alert-time", datetime: alert.raised_at, text: dateTime(alert.raised_at) }));
}

export async function build(ctx) {
  const { feed, filters } = ctx;
  const list = h("ol", { class: "alert-list", "aria-live": "polite" });
  const status = h("p", { class: "feed-status" });
  const body = h("div", {});
  const describe = () => {
    const text = { live: "Live: new alerts appear here as they are raised.", connecting: "Connecting to the live feed…",
      down: "Live feed unavailable; retrying every few seconds.", idle: "Live feed off." }[feed.state];
    status.textContent = text;
    status.dataset.state = feed.state;
  };
  const draw = () => {
    feed.markSeen();
    const shown = feed.alerts.filter((a) => matches(a, filters));
    list.replaceChildren(...shown.map((a) => item(a, false)));
    const problems = feed.error ? notice("error", "Budget monitor unavailable", feed.error.message) : null;
    const empty = !shown.length && !feed.error ? notice("empty", "No alerts yet.",
      "An alert appears here the moment a budget threshold is crossed (keep this page open).") : null;
    body.replaceChildren(...[problems, empty, list].filter(Boolean));
  };
  const onAlert = (event) => {
    setTimeout(() => feed.markSeen());
    if (!matches(event.detail, filters)) return;
    body.querySelector(".notice-empty")?.remove();
    list.prepend(item(event.detail, true));
  };
  feed.addEventListener("alert", onAlert);
  feed.addEventListener("change", draw);
  feed.addEventListener("state", describe);
  draw();
  describe();
  return {
    node: h("div", {},
      h("div", { class: "view-header" },
        h("div", {}, h("h1", { text: "Alerts" }),
          h("p", { class: "subtitle", text: "Budget alerts of every period, newest first." })),
        status),
      h("section", { class: "card" }, body)),
    cleanup: () => {
      feed.removeEventListener("alert", onAlert);
      feed.removeEventListener("change", draw);
      feed.removeEventListener("state", describe);
    },
  };
}
