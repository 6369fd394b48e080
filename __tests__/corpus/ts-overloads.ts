// Parsing helpers with overloads; the marker sits on the first overload signature.

export type Primitive = string | number | boolean | null;

/* @chaud.hot */
export function parse(input: string): Primitive;
export function parse(input: string[]): Primitive[];
export function parse(input: string | string[]): Primitive | Primitive[] {
  if (Array.isArray(input)) return input.map((item) => parse(item));
  const trimmed = input.trim();
  if (trimmed === "null") return null;
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  const number = Number(trimmed);
  return trimmed !== "" && !Number.isNaN(number) ? number : trimmed;
}

export function clamp(value: number, min: number, max: number): number;
export function clamp(value: bigint, min: bigint, max: bigint): bigint;
export function clamp(value: any, min: any, max: any) {
  return value < min ? min : value > max ? max : value;
}

/* @chaud.hot */
export function toQuery(params: Record<string, Primitive | Primitive[] | undefined>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

export function fromQuery(query: string): Record<string, Primitive | Primitive[]> {
  const result: Record<string, Primitive | Primitive[]> = {};
  for (const pair of query.replace(/^\?/, "").split("&")) {
    if (!pair) continue;
    const [rawKey = "", rawValue = ""] = pair.split("=", 2);
    const key = decodeURIComponent(rawKey);
    const value = parse(decodeURIComponent(rawValue));
    const existing = result[key];
    result[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}
