// One document with its lines, and a line drilled down to the charges and events behind it.

import { getJson } from "../api.js";
import { h, notice, table, tableRow } from "../dom.js";
import { dateTime, exact, money, periodName, quantity } from "../format.js";
import { href } from "../router.js";
import { documentName } from "./invoices.js";

const PAGE = 100;

function crumbs(filters, ...trail) {
  return h("nav", { class: "crumbs", "aria-label": "Breadcrumb" },
    h("a", { href: href("invoices", filters), text: "Invoices" }),
    trail.map((step) => [h("span", { class: "sep", text: "›" }),
      step.href ? h("a", { href: step.href, text: step.text }) : h("span", { text: step.text })]));
}

function required(params, ...names) {
  const missing = names.filter((n) => !params.get(n));
  if (missing.length) throw new Error(`The address names no ${missing.join(" or ")}; open it from the invoice list.`);
  return names.map((n) => params.get(n));
}

function nameOf(ctx, customer) {
  const known = ctx.choices.customers.find((c) => c.customer === customer);
  return known ? known.name : customer;
}

function fact(label, value, attrs = {}) {
  return h("div", { class: "fact", ...attrs }, h("dt", { text: label }), h("dd", { text: value }));
}

export async function buildInvoice(ctx) {
  const [customer, period] = required(ctx.params, "customer", "period");
  const doc = await getJson("/v1/invoices", { customer, period });
  const cur = doc.currency;
  const linesTo = (line) => href("charges", { ...ctx.filters, customer, period, service: line.service, meter: line.meter });
  const columns = [
    { label: "Service", cell: (l) => l.service },
    { label: "Meter", cell: (l) => l.meter },
    { label: "Kind", cell: (l) => (l.usage_period ? `${l.kind} (usage of ${l.usage_period})` : l.kind) },
    { label: "Quantity", num: true, cell: (l) => `${quantity(l.quantity)} ${l.unit}` },
    { label: "Charges", num: true, cell: (l) => quantity(String(l.charges)) },
    { label: "Exact amount", num: true, cell: (l) => l.exact_amount, class: "mono" },
    { label: "Amount", num: true, cell: (l) => money(l.amount, cur) },
    { label: "", cell: (l) => (l.charges > 0 ? h("a", { class: "drill", href: linesTo(l), text: "Charges and events →" }) : "") },
  ];
  const facts = h("dl", { class: "facts" },
    fact("Status", doc.status), fact("Number", doc.number || "not yet (draft)"),
    fact("Period", `${periodName(doc.period)} (${doc.time_zone})`),
    fact("Cost center", doc.cost_center || "—"), fact("Charges", quantity(String(doc.charge_count))),
    fact("Exact total", `${cur} ${doc.exact_total}`),
    fact("Rounding difference", `${cur} ${doc.rounding_difference}`),
    fact("Total", money(doc.total, cur), { class: "fact total", dataset: { fact: "total" } }));
  return {
    node: h("div", {},
      crumbs(ctx.filters, { text: `${customer} · ${doc.period}` }),
      h("div", { class: "view-header" },
        h("div", {}, h("h1", {}, `${documentName(doc.document_type)} · ${nameOf(ctx, customer)} `,
          h("span", { class: `pill pill-${doc.status}`, text: doc.status })),
        h("p", { class: "subtitle", text: "Each line is rounded once; its exact amount is the sum of the charges behind it." }))),
      h("section", { class: "card" }, facts),
      h("section", { class: "card" }, h("h2", { text: "Lines" }),
        doc.lines.length ? table(columns, doc.lines, { id: "invoice-lines" })
          : notice("empty", "No lines yet.", "Lines appear as usage of this customer is rated."))),
  };
}

/** The steps that made a charge's amount (a package block already paid is one, at 0). */
function breakdown(charge) {
  if (!charge.breakdown || !charge.breakdown.length) return "—";
  return h("ul", { class: "steps" }, charge.breakdown.map((step) =>
    h("li", {}, h("span", { class: "rule", text: step.rule }),
      step.detail ? ` ${step.detail}` : "", h("span", { class: "delta mono", text: ` ${exact(step.amount_delta)}` }))));
}

export async function buildCharges(ctx) {
  const [customer, period] = required(ctx.params, "customer", "period");
  const service = ctx.params.get("service"), meter = ctx.params.get("meter");
  const path = `/v1/invoices/${encodeURIComponent(customer)}/${encodeURIComponent(period)}/charges`;
  const first = await getJson(path, { service, meter, limit: PAGE });
  const columns = [
    { label: "Event id", cell: (c) => c.event_id, class: "mono event-id" },
    { label: "Source", cell: (c) => c.event_source, class: "mono" },
    { label: "Event time", cell: (c) => dateTime(c.event_time, c.time_zone) },
    { label: "Quantity", num: true, cell: (c) => `${quantity(c.quantity)} ${c.unit}` },
    { label: "Unit price", num: true, cell: (c) => exact(c.unit_price) },
    { label: "Amount", num: true, cell: (c) => `${c.currency} ${exact(c.amount)}` },
    { label: "How it was priced", cell: (c) => breakdown(c), class: "breakdown" },
    { label: "Price book", cell: (c) => c.price_book_version },
  ];
  const grid = table(columns, first.charges, { id: "charges" });
  const count = h("p", { class: "subtitle" });
  let shown = first.charges.length;
  const counted = (more) => { count.textContent = `${shown} charge${shown === 1 ? "" : "s"} shown${more ? ", more below" : ""}. Each is one usage event, priced at full precision.`; };
  counted(first.next_after !== null);
  const more = h("button", { type: "button", class: "secondary", text: "Load more", hidden: first.next_after === null });
  let after = first.next_after;
  more.addEventListener("click", async () => {
    more.disabled = true;
    const page = await getJson(path, { service, meter, limit: PAGE, after });
    grid.tBodies[0].append(...page.charges.map((c) => tableRow(columns, c)));
    shown += page.charges.length;
    after = page.next_after;
    more.hidden = after === null;
    more.disabled = false;
    counted(after !== null);
  });
  const line = [service, meter].filter(Boolean).join(" / ") || "all lines";
  return {
    node: h("div", {},
      crumbs(ctx.filters, { text: `${customer} · ${period}`, href: href("invoice", { ...ctx.filters, customer, period }) },
        { text: line }),
      h("div", { class: "view-header" }, h("div", {}, h("h1", { text: `Charges behind ${line}` }), count)),
      h("section", { class: "card" }, first.charges.length ? grid : notice("empty", "No charges behind this line."), more)),
  };
}
