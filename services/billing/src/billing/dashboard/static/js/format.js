// Formatting for people. Amounts arrive as decimal strings and stay strings: they are
// grouped and, where the server did not round them, rounded here by string arithmetic
// (half away from zero, as Money.rounded() does), never through floating point.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** `text` rounded to `places` decimals, half away from zero. */
export function roundDecimal(text, places) {
  const m = DECIMAL.exec(String(text));
  if (!m) return String(text);
  const [, sign, whole, frac = ""] = m;
  let digits;
  if (frac.length <= places) digits = whole + frac.padEnd(places, "0");
  else {
    const up = Number(frac[places]) >= 5 ? 1n : 0n;
    digits = (BigInt(whole + frac.slice(0, places)) + up).toString().padStart(places + 1, "0");
  }
  const out = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return (sign && /[1-9]/.test(out) ? "-" : "") + out;
}

function group(text) {
  const [whole, frac] = text.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (text.startsWith("-") ? "-" : "") + grouped + (frac !== undefined ? `.${frac}` : "");
}

/** "USD 1,234.50" from an already rounded amount (places as sent). */
export function money(amount, currency) {
  if (amount === null || amount === undefined) return "—";
  return `${currency} ${group(String(amount))}`;
}

/** "USD 1,234.57" from an exact amount, rounded to `places` for display. */
export function moneyRounded(amount, currency, places = 2) {
  if (amount === null || amount === undefined) return "—";
  return money(roundDecimal(amount, places), currency);
}

export function quantity(text) { return group(String(text)); }

/** "18,610.97 %": rounded half up, grouped like amounts. */
export function percent(text, places = 1) {
  return text === null || text === undefined ? "—" : `${group(roundDecimal(text, places))} %`;
}

/** An exact amount as the ledger holds it, without trailing zeros ("0.0000000" → "0"). */
export function exact(text) {
  const m = DECIMAL.exec(String(text));
  if (!m) return String(text);
  const [, sign, whole, frac = ""] = m;
  const kept = frac.replace(/0+$/, "");
  const out = group(whole) + (kept ? `.${kept}` : "");
  return (sign && /[1-9]/.test(whole + kept) ? "-" : "") + out;
}

/** A number for drawing only (geometry), never for showing or adding money. */
export function scalar(text) {
  const value = Number.parseFloat(text);
  return Number.isFinite(value) ? value : 0;
}

const PERIOD_NAME = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });
export function periodName(period) {
  const [year, month] = period.split("-").map(Number);
  return PERIOD_NAME.format(new Date(Date.UTC(year, month - 1, 1)));
}

/** "2 Dec 2026, 14:05:09 UTC": always with the zone it is shown in (the browser's when
 * none is given), so a time is never read in the wrong one. */
export function dateTime(iso, timeZone) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
    second: "2-digit", timeZoneName: "short", timeZone: timeZone || undefined,
  }).format(new Date(iso));
}

export function shortDate(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat("en", { day: "numeric", month: "short", timeZone: "UTC" })
    .format(new Date(Date.UTC(year, month - 1, day)));
}

/** "YYYY-MM-DD" of an instant in a time zone. */
export function localDate(iso, timeZone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(iso));
}

export function currentPeriod() {
  return new Date().toISOString().slice(0, 7);
}
