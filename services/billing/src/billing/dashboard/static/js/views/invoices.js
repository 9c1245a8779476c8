// Invoices and statements of a period: one document per customer, with its status.

import { ApiError, getJson } from "../api.js";
import { h, notice, table } from "../dom.js";
import { money, periodName, quantity } from "../format.js";
import { href } from "../router.js";

const KIND = { invoice: "Invoice", chargeback: "Chargeback statement", showback: "Showback statement",
  credit_note: "Credit note" };

export function documentName(type) { return KIND[type] || type; }

async function documentOf(customer, period) {
  try {
    return { customer, doc: await getJson("/v1/invoices", { customer: customer.customer, period }) };
  } catch (error) {
    if (!(error instanceof ApiError) || error.kind === "network") throw error;
    return { customer, error };
  }
}

export async function build(ctx) {
  const { filters } = ctx;
  const period = filters.period;
  const customers = ctx.choices.customers.filter((c) =>
    (!filters.customer || c.customer === filters.customer) && (!filters.cost_center || c.cost_center === filters.cost_center));
  const header = h("div", { class: "view-header" },
    h("div", {}, h("h1", { text: `Invoices and statements · ${periodName(period)}` }),
      h("p", { class: "subtitle", text: "The current document of each customer: the live draft, or the finalized one." })));
  if (!customers.length) {
    return { node: h("div", {}, header, notice("empty", "No customers match the filters.",
      "Customers appear once they have usage or settings in billing.")) };
  }
  const rows = await Promise.all(customers.map((c) => documentOf(c, period)));
  const link = (row) => h("a", { href: href("invoice", { ...filters, customer: row.customer.customer, period }) },
    h("strong", { text: row.customer.name }), h("span", { class: "muted", text: ` ${row.customer.customer}` }));
  const columns = [
    { label: "Customer", cell: link },
    { label: "Cost center", cell: (r) => r.customer.cost_center || "—" },
    { label: "Document", cell: (r) => (r.doc ? documentName(r.doc.document_type) : "—") },
    { label: "Status", cell: (r) => (r.doc ? h("span", { class: `pill pill-${r.doc.status}`, text: r.doc.status })
      : h("span", { class: "error", text: r.error.message })) },
    { label: "Number", cell: (r) => (r.doc && r.doc.number) || "—", class: "mono" },
    { label: "Lines", num: true, cell: (r) => (r.doc ? String(r.doc.lines.length) : "—") },
    { label: "Charges", num: true, cell: (r) => (r.doc ? quantity(String(r.doc.charge_count)) : "—") },
    { label: "Total", num: true, cell: (r) => (r.doc ? money(r.doc.total, r.doc.currency) : "—") },
  ];
  return {
    node: h("div", {}, header, h("section", { class: "card" }, table(columns, rows, { id: "invoice-list" }),
      filters.service ? h("p", { class: "hint", text: "The service filter applies to the overview, budgets and alerts." }) : null)),
  };
}
