// DOM building that never parses data as HTML: text always goes in as text nodes
// (textContent), attributes through setAttribute; markup is never parsed from strings.

const SVG_NS = "http://www.w3.org/2000/svg"; // a namespace name, not something fetched

function apply(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h("td", {class: "num"}, "12.50"). */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  apply(node, attrs);
  append(node, children);
  return node;
}

/** An SVG element, same calling convention as h(). */
export function s(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, attrs);
  append(node, children);
  return node;
}

/** Replace everything inside `parent`. */
export function fill(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** A message box for empty states and errors. */
export function notice(kind, title, detail) {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : null },
    h("strong", { text: title }),
    detail ? h("p", { text: detail }) : null);
}

/** What is being loaded, as a progress bar that moves step by step (`advance(text)`),
 * over the outline of the view to come. */
export function loading(steps, first) {
  const bar = h("progress", { max: String(steps), value: "0" });
  const label = h("span", { class: "loading-step", text: first });
  const node = h("div", { class: "loading", role: "status", "aria-live": "polite" },
    h("div", { class: "loading-head" }, label, bar),
    h("div", { class: "skeleton" }, [1, 2, 3, 4].map(() => h("div", { class: "skeleton-box" }))),
    h("div", { class: "skeleton skeleton-wide" }));
  let done = 0;
  return { node, advance(text) { done += 1; bar.value = done; label.textContent = text; } };
}

/** A card with a heading. */
export function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", { text: title }) : null, children);
}

/** A table from column specs [{label, num, cell(row) -> node|string}] and rows. */
export function table(columns, rows, attrs = {}) {
  return h("table", { class: "data", ...attrs },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.num ? "num" : null, text: c.label })))),
    h("tbody", {}, rows.map((row) => tableRow(columns, row))));
}

export function tableRow(columns, row) {
  return h("tr", {}, columns.map((c) => h("td", { class: c.num ? "num" : c.class || null }, c.cell(row))));
}
