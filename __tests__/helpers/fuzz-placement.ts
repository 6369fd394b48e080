// The plugin fuzzer's placements: a seeded choice of sites and marker kinds in one file, the
// marked source text, and what the documented rules say compiling it must do (accept, refuse, or either).

import type { Judgement, MarkerKind, OracleTarget, Site } from "./fuzz-sites";
import { MARKER_KINDS } from "./fuzz-sites";

/** mulberry32: a small, fast, seedable PRNG, so every placement can be replayed from its seed. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/** The seed of placement `run` of package number `pkgIndex` under base seed `seed`. */
export function placementSeed(seed: number, pkgIndex: number, run: number): number {
  let h =
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(pkgIndex + 1, 0xc2b2ae35) ^ Math.imul(run + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface PlacedMarker {
  site: Site;
  /** "unknown" is a misspelt marker (`@chaud.hto`), always refused. */
  kind: MarkerKind | "unknown";
  text: string;
}

/** When compiling may succeed, `targets` are the marked items the rules say the output registers (those it could judge). */
export type Expectation =
  | { outcome: "accept"; targets: OracleTarget[] }
  | { outcome: "refuse"; why: string }
  | { outcome: "either"; why: string; targets: OracleTarget[] };

export interface Placement {
  markers: PlacedMarker[];
  source: string;
  expectation: Expectation;
}

const MISSPELT = ["@chaud.hto", "@chaud.persit", "@chaud.Hot", "@chaud.dispos", "@chaud"];

/**
 * Marks 1 to 4 random sites. Most of a real file's sites are inside functions, where every
 * marker is refused, so a uniform choice would almost never compile. Instead a placement is
 * either all markers the rules accept on their own (they may still clash: one name twice,
 * two kinds on one item) or one bad marker among good ones, so both paths get their share.
 */
export function placeMarkers(source: string, sites: readonly Site[], random: Random): Placement {
  const good = new Strata();
  const bad = new Strata();
  for (const site of sites) {
    for (const kind of MARKER_KINDS) (accepts(site.judge[kind]) ? good : bad).add(site, kind);
  }
  const count = 1 + Math.min(random.int(4), random.int(4));
  const chosen = new Map<number, PlacedMarker>();
  const add = (site: Site, kind: MarkerKind | "unknown"): void => {
    if (!chosen.has(site.start)) chosen.set(site.start, { site, kind, text: markerText(kind, site, random) });
  };
  const withBad = good.size === 0 || random.chance(0.45);
  if (withBad) {
    if (random.chance(0.08)) add(random.pick(sites), "unknown");
    else if (bad.size > 0) {
      const { site, kind } = bad.pick(random);
      add(site, kind);
    }
  }
  for (let attempt = 0; attempt < count * 4 && chosen.size < count && good.size > 0; attempt++) {
    const { site, kind } = good.pick(random);
    add(site, kind);
  }
  const markers = [...chosen.values()].sort((a, b) => a.site.start - b.site.start);
  let marked = "";
  let cursor = 0;
  for (const marker of markers) {
    marked += source.slice(cursor, marker.site.start) + marker.text;
    cursor = marker.site.start;
  }
  marked += source.slice(cursor);
  return { markers, source: marked, expectation: expectationOf(markers) };
}

/**
 * (site, kind) pairs grouped by node type and kind, picked group first: a file has hundreds
 * of statements inside functions and a handful of nested function declarations, class
 * methods or constructors, and the rare shapes are where a plugin goes wrong.
 */
class Strata {
  private readonly groups = new Map<string, Array<{ site: Site; kind: MarkerKind }>>();
  get size(): number {
    return this.groups.size;
  }
  add(site: Site, kind: MarkerKind): void {
    const key = `${site.type}/${kind}`;
    const group = this.groups.get(key) ?? [];
    group.push({ site, kind });
    this.groups.set(key, group);
  }
  pick(random: Random): { site: Site; kind: MarkerKind } {
    return random.pick(random.pick([...this.groups.values()]));
  }
}

const accepts = (judgement: Judgement): boolean =>
  judgement.verdict === "accept" || (judgement.verdict === "method" && judgement.judgement.verdict === "accept");

/** The comment, in one of the spellings a marker may take; a line comment only where a line begins. */
function markerText(kind: MarkerKind | "unknown", site: Site, random: Random): string {
  const name = kind === "unknown" ? random.pick(MISSPELT) : `@chaud.${kind}`;
  const style = random.int(4);
  // The marked node moves to the start of the next line: only white space stood before it.
  if (style === 0 && site.atLineStart) return `// ${name}\n`;
  if (style === 1) return `/** ${name} */ `;
  if (style === 2) return `/*${name} fuzz placed this*/`;
  return `/* ${name} */ `;
}

/** What compiling the marked file must do, from each marker's judgement and how they combine. */
function expectationOf(markers: PlacedMarker[]): Expectation {
  let unsureWhy: string | null = null;
  const targets: OracleTarget[] = [];
  const hotClasses = new Set(
    markers.filter((marker) => marker.kind === "hot").flatMap((marker) => marker.site.hotClasses),
  );
  for (const marker of markers) {
    if (marker.kind === "unknown") return { outcome: "refuse", why: `unknown marker ${marker.text.trim()}` };
    let judgement = marker.site.judge[marker.kind];
    if (judgement.verdict === "method") {
      // A method of a class that is itself marked hot: the class marker covers it.
      if (hotClasses.has(judgement.classNode)) continue;
      judgement = judgement.judgement;
    }
    if (judgement.verdict === "refuse")
      return {
        outcome: "refuse",
        why: `${marker.kind} on ${marker.site.type} at line ${marker.site.line}: ${judgement.why}`,
      };
    if (judgement.verdict === "unsure") unsureWhy ??= judgement.why;
    else if (judgement.verdict === "accept") targets.push(...judgement.targets);
  }
  // Two markers on one item: fine if they agree, refused if they differ (hot and persist on one item).
  const kindByItem = new Map<object, MarkerKind>();
  const itemByName = new Map<string, object>();
  for (const target of targets) {
    const previous = kindByItem.get(target.item);
    if (previous && previous !== target.kind)
      return { outcome: "refuse", why: `one item marked ${previous} and ${target.kind}` };
    kindByItem.set(target.item, target.kind);
    if (target.name === null) continue;
    const sameName = itemByName.get(target.name);
    if (sameName && sameName !== target.item)
      return { outcome: "refuse", why: `two marked items named "${target.name}"` };
    itemByName.set(target.name, target.item);
  }
  const distinct = [...new Map(targets.map((target) => [target.item, target])).values()];
  return unsureWhy === null
    ? { outcome: "accept", targets: distinct }
    : { outcome: "either", why: unsureWhy, targets: distinct };
}
