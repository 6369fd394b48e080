// Date formatting and relative times with Intl, plus a tiny strftime-like formatter.

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

export function relative(date: Date, now: Date = new Date(), locale = "en"): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const formatter = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") return formatter.format(Math.round(seconds / size), unit);
  }
  return formatter.format(0, "second");
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

const TOKENS: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getUTCFullYear()),
  m: (d) => pad(d.getUTCMonth() + 1),
  d: (d) => pad(d.getUTCDate()),
  H: (d) => pad(d.getUTCHours()),
  M: (d) => pad(d.getUTCMinutes()),
  S: (d) => pad(d.getUTCSeconds()),
  L: (d) => pad(d.getUTCMilliseconds(), 3),
  a: (d) => ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()]!,
};

export function strftime(pattern: string, date: Date): string {
  return pattern.replace(/%([%YmdHMSLa])/g, (_, token: string) => (token === "%" ? "%" : TOKENS[token]!(date)));
}

export function parseIsoDate(text: string): Date | null {
  const match = /^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})(?:T(?<h>\d{2}):(?<min>\d{2}))?$/.exec(text);
  if (!match?.groups) return null;
  const { y, m, d, h = "0", min = "0" } = match.groups as Record<string, string>;
  const date = new Date(Date.UTC(+y!, +m! - 1, +d!, +h, +min));
  return date.getUTCDate() === +d! ? date : null;
}

export const formatRange = (start: Date, end: Date, locale = "en-GB"): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).formatRange(start, end);
