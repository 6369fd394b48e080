// Reads chaud's markers out of comments. A marker is a comment whose text begins with
// `@chaud.<name>` (after any `*` of a JSDoc-style block); text after the marker is allowed.

import type { Comment } from "@babel/types";
import { suggest } from "./suggest";

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
    suggestion: suggest(name, MARKER_KINDS),
  };
}
