// Calls to billing (same origin): the API key from session storage as a Bearer header.

const KEY = "chargeback.apiKey";

export const session = {
  get key() { return sessionStorage.getItem(KEY) || ""; },
  set(key) { sessionStorage.setItem(KEY, key); },
  clear() { sessionStorage.removeItem(KEY); },
};

/** kind: "network" (billing unreachable), "auth" (401), "upstream" (502), "http" (other). */
export class ApiError extends Error {
  constructor(kind, status, message) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

function url(path, params = {}) {
  const target = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") target.searchParams.set(name, value);
  }
  return target;
}

function detailOf(body) {
  if (!body) return "";
  if (typeof body.detail === "string") return body.detail;
  if (Array.isArray(body.detail)) {
    return body.detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  return "";
}

/** GET a JSON document; throws ApiError with the server's own explanation. */
export async function getJson(path, params = {}) {
  let response;
  try {
    response = await fetch(url(path, params), {
      headers: { Authorization: `Bearer ${session.key}`, Accept: "application/json" },
      cache: "no-store",
    });
  } catch {
    throw new ApiError("network", 0,
      `Cannot reach billing at ${window.location.origin}. Is the platform running (make run)?`);
  }
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) {
    const kind = response.status === 401 ? "auth" : response.status === 502 ? "upstream" : "http";
    const error = new ApiError(kind, response.status, detailOf(body) || `HTTP ${response.status}`);
    if (kind === "auth") window.dispatchEvent(new CustomEvent("auth-required", { detail: error.message }));
    throw error;
  }
  return body;
}

/** The URL of a server-sent-events feed: EventSource sends no headers, so the key goes in the query. */
export function streamUrl(path, params = {}) {
  return url(path, { ...params, access_token: session.key }).toString();
}
