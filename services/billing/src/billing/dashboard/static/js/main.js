// The page: sign-in, filters, routing between views, the live alert feed, refresh.

import { ApiError, getJson, session } from "./api.js";
import { fill, loading, notice } from "./dom.js";
import { currentPeriod, dateTime } from "./format.js";
import { AlertFeed, showFeed } from "./live.js";
import { choicesFor, chosenFilters, showFilters } from "./filters.js";
import { filtersOf, href, parse } from "./router.js";
import * as alerts from "./views/alerts.js";
import * as budgets from "./views/budgets.js";
import { buildCharges, buildInvoice } from "./views/invoice.js";
import * as invoices from "./views/invoices.js";
import * as plans from "./views/plans.js";
import * as spend from "./views/spend.js";

const VIEWS = {
  spend: { build: spend.build, tab: "spend", title: "the period's spend" },
  budgets: { build: budgets.build, tab: "budgets", title: "budgets and their status" },
  plans: { build: plans.build, tab: "plans", title: "budget plans" },
  alerts: { build: alerts.build, tab: "alerts", title: "alerts" },
  invoices: { build: invoices.build, tab: "invoices", title: "documents" },
  invoice: { build: buildInvoice, tab: "invoices", title: "the document" },
  charges: { build: buildCharges, tab: "invoices", title: "the charges" },
};

const RETRY_MS = 10000;
const $ = (id) => document.getElementById(id);
const state = { me: null, feed: null, current: null, timer: null, rendering: 0 };

function banner(message) {
  $("banner").hidden = !message;
  $("banner").textContent = message || "";
}

// ---- sign-in -----------------------------------------------------------------------

function askForKey(message) {
  $("login-error").textContent = message || "";
  const dialog = $("login");
  if (!dialog.open) dialog.showModal();
  $("api-key").focus();
}

async function signIn(key) {
  session.set(key);
  try {
    state.me = await getJson("/v1/dashboard/me");
  } catch (error) {
    session.clear();
    throw error;
  }
  $("login").close();
  $("who").textContent = state.me.role === "customer" ? `customer ${state.me.customer}` : `${state.me.role} · ${state.me.name || "key"}`;
  $("sign-out").hidden = false;
  startFeed();
  await route();
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = $("api-key").value.trim();
  if (!key) return;
  try {
    await signIn(key);
    $("api-key").value = "";
  } catch (error) {
    askForKey(error.kind === "auth" ? "That key is unknown or revoked." : error.message);
  }
});

$("login").addEventListener("cancel", (event) => event.preventDefault()); // the page needs a key

$("sign-out").addEventListener("click", () => {
  session.clear();
  if (state.feed) state.feed.stop();
  window.location.reload();
});

window.addEventListener("auth-required", (event) => {
  session.clear();
  state.feed?.stop();
  askForKey(`Signed out: ${event.detail}`);
});

// ---- live alerts ---------------------------------------------------------------------

function startFeed() {
  if (state.feed) state.feed.stop();
  state.feed = new AlertFeed();
  showFeed(state.feed, $("alert-badge"), $("live-status"));
  state.feed.start();
}

// ---- filters -------------------------------------------------------------------------

function listView() {
  const { view } = parse();
  return ["invoice", "charges"].includes(view) ? "invoices" : view;
}

$("filters").addEventListener("change", () => {
  window.location.hash = href(listView(), chosenFilters());
});
$("filters").addEventListener("submit", (event) => event.preventDefault());
$("f-reset").addEventListener("click", () => {
  window.location.hash = href(listView(), { period: $("f-period").value });
});

// ---- routing -------------------------------------------------------------------------

function markTabs(tab, filters) {
  for (const link of document.querySelectorAll(".tabs a")) {
    link.setAttribute("href", href(link.dataset.view, filters));
    if (link.dataset.view === tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function showError(error) {
  const view = $("view");
  if (error instanceof ApiError && error.kind === "network") {
    fill(view, notice("error", "Billing does not answer.", `${error.message} Retrying every ${RETRY_MS / 1000} s.`));
  } else if (error instanceof ApiError && error.kind === "upstream") {
    fill(view, notice("error", "Budget monitor unavailable", error.message));
  } else if (error instanceof ApiError && error.kind === "auth") {
    fill(view, notice("empty", "Sign in to see billing."));
  } else {
    fill(view, notice("error", "This view could not be shown.", error.message));
  }
}

async function render(quiet) {
  const ticket = ++state.rendering;
  const { view, params } = parse();
  if (!params.get("period")) params.set("period", currentPeriod());
  if (state.me.role === "customer") params.set("customer", state.me.customer);
  const filters = filtersOf(params);
  const spec = VIEWS[view];
  markTabs(spec.tab, filters);
  const progress = loading(2, `Reading ${filters.period}'s customers, cost centers and services…`);
  if (!quiet) fill($("view"), progress.node);
  try {
    const choices = await choicesFor(filters.period);
    showFilters(filters, choices, state.me.role);
    progress.advance(`Reading ${spec.title || "the view"}…`);
    const built = await spec.build({ params, filters, choices, me: state.me, feed: state.feed });
    if (ticket !== state.rendering) { built.cleanup?.(); return; } // a newer route won
    stopCurrent();
    banner(null);
    fill($("view"), built.node);
    state.current = built;
    $("updated").textContent = `Updated ${dateTime(new Date().toISOString())}`;
    if (built.refreshEvery) state.timer = setTimeout(() => render(true), built.refreshEvery);
  } catch (error) {
    if (ticket !== state.rendering) return;
    const network = error instanceof ApiError && error.kind === "network";
    if (quiet && state.current && !(error instanceof ApiError && error.kind === "auth")) {
      banner(`Refresh failed: ${error.message}`); // the last figures stay on screen
      state.timer = setTimeout(() => render(true), RETRY_MS);
      return;
    }
    stopCurrent();
    showError(error);
    if (network) state.timer = setTimeout(() => render(true), RETRY_MS); // until billing is back
  }
}

function stopCurrent() {
  clearTimeout(state.timer);
  state.current?.cleanup?.();
  state.current = null;
}

async function route() {
  if (!state.me) return;
  const { view, params } = parse();
  const foreign = state.me.role === "customer" && params.get("customer") !== state.me.customer;
  if (!window.location.hash || !params.get("period") || foreign) {
    params.set("period", params.get("period") || currentPeriod());
    if (foreign) params.set("customer", state.me.customer); // a customer key sees its own only
    window.history.replaceState(null, "", href(view, params));
  }
  stopCurrent();
  await render(false);
}

window.addEventListener("hashchange", route);

// ---- start ---------------------------------------------------------------------------

if (session.key) {
  signIn(session.key).catch((error) => {
    if (error.kind === "network") showError(error);
    askForKey(error.kind === "auth" ? "Your key is no longer accepted; sign in again." : error.message);
  });
} else {
  fill($("view"), notice("empty", "Sign in to see billing."));
  askForKey();
}
