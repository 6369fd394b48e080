// Reads chaud's markers out of comments. A marker is a comment whose text begins with
// `@chaud.<name>` (after any `*` of a JSDoc-style block); text after the marker is allowed.

import type { Comment } from "@babel/types";

export const MARKER_KINDS = ["hot", "persist", "dispose"] as const;
export type MarkerKind = (typeof MARKER_KINDS)[number];

export type ParsedMarker = { kind: MarkerKind } | { kind: "unknown"; written: string; suggestion: MarkerKind | null };

// The name may contain dots (`@chaud.hot.method`) so that a misspelt longer name is
// reported as unknown rather than silently not being a marker.
const MARKER_TEXT = /^[\s*]*@chaud(?:\.([\w$.-]*))?(?=$|[^\w$.-])/;

/** The marker a comment carries, or null when the comment is not a chaud marker. */
export function parseMarker(comment: Comment): ParsedMarker | null {
  const match = MARKER_TEXT.exec(comment.value);
  if (!match) return null;
  const name = match[1] ?? "";
  if ((MARKER_KINDS as readonly string[]).includes(name)) return { kind: name as MarkerKind };
  return {
    kind: "unknown",
    written: `@chaud${match[1] === undefined ? "" : "." + name}`,
    suggestion: closestKind(name),
  };
}

function closestKind(name: string): MarkerKind | null {
  let best: MarkerKind | null = null;
  let bestDistance = Infinity;
  for (const kind of MARKER_KINDS) {
    const distance = editDistance(name.toLowerCase(), kind);
    if (distance < bestDistance) {
      best = kind;
      bestDistance = distance;
    }
  }
  if (bestDistance <= Math.max(2, Math.floor((best?.length ?? 0) / 2))) return best;
  // `@chaud.hot.method`: the part before the first dot may be the marker that was meant.
  const head = name.split(".")[0] ?? "";
  return head !== name ? closestKind(head) : null;
}

function editDistance(a: string, b: string): number {
  // Optimal string alignment distance: a swap of two neighbours ("hto") counts as one edit.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
