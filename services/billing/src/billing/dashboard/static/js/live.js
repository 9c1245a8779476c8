// Budget alerts: the recent list once, then live from the server-sent-events feed
// (relayed by billing from the budget monitor). Newest first, each alert once.

import { ApiError, getJson, streamUrl } from "./api.js";

const RECONNECT_MS = 5000;

export class AlertFeed extends EventTarget {
  constructor() {
    super();
    this.alerts = [];
    this.ids = new Set();
    this.state = "idle"; // idle | connecting | live | down
    this.error = null; // why the list or the feed is unavailable
    this.unseen = 0;
    this.source = null;
    this.timer = null;
    this.stopped = false;
  }

  async start() {
    this.stopped = false;
    await this.reload();
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
    this.setState("idle");
  }

  async reload() {
    try {
      const body = await getJson("/v1/budget-monitor/alerts", { limit: 200 });
      this.error = null;
      for (const alert of body.alerts) this.add(alert, false);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.error = error;
    }
    this.dispatchEvent(new Event("change"));
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.setState("connecting");
    const newest = this.alerts[0];
    const source = new EventSource(streamUrl("/v1/budget-monitor/alerts/stream",
      { after: newest ? newest.alert_id : null }));
    this.source = source;
    source.addEventListener("open", () => { this.error = null; this.setState("live"); });
    source.addEventListener("budget.alert", (event) => this.add(JSON.parse(event.data), true));
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        // A refused or failed connection is not retried by the browser: try again later,
        // and pick up what was raised meanwhile from the list.
        this.setState("down");
        this.timer = setTimeout(() => this.reload().then(() => this.connect()), RECONNECT_MS);
      } else this.setState("connecting");
    });
  }

  add(alert, live) {
    if (this.ids.has(alert.alert_id)) return;
    this.ids.add(alert.alert_id);
    this.alerts.push(alert);
    this.alerts.sort((a, b) => (a.raised_at < b.raised_at ? 1 : a.raised_at > b.raised_at ? -1 : 0));
    if (live) {
      this.unseen += 1;
      this.dispatchEvent(new CustomEvent("alert", { detail: alert }));
    }
  }

  /** Everything so far has been looked at (the alerts view is open). */
  markSeen() {
    if (this.unseen === 0) return;
    this.unseen = 0;
    this.dispatchEvent(new Event("seen"));
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new Event("state"));
  }
}

const STATE_LABELS = { live: "Live", connecting: "Connecting…", down: "Live feed down", idle: "Live feed off" };

/** Keep the header's badge (alerts not yet looked at) and live indicator up to date. */
export function showFeed(feed, badge, indicator) {
  const count = () => {
    badge.hidden = feed.unseen === 0;
    badge.textContent = String(feed.unseen);
  };
  feed.addEventListener("alert", () => setTimeout(count)); // after the alerts view saw it
  feed.addEventListener("change", count);
  feed.addEventListener("seen", count);
  feed.addEventListener("state", () => {
    indicator.dataset.state = feed.state;
    indicator.textContent = STATE_LABELS[feed.state];
  });
}
