// Finds every marker comment and the node it leads. A marker that leads nothing (a trailing
// or dangling comment) and an unknown marker name are compile errors: a marker the plugin
// would silently skip is a bug the user would spend an afternoon on.

import type { NodePath } from "@babel/traverse";
import type * as t from "@babel/types";
import { parseMarker, type MarkerKind } from "./markers";
import * as messages from "./messages";

export interface FoundMarker {
  kind: MarkerKind;
  comment: t.Comment;
  path: NodePath;
}

export type CommentError = (comment: t.Comment, message: string) => Error;

export function findMarkers(
  program: NodePath<t.Program>,
  comments: readonly t.Comment[],
  commentError: CommentError,
): FoundMarker[] {
  const markerComments = new Set<t.Comment>();
  for (const comment of comments) {
    const marker = parseMarker(comment);
    if (!marker) continue;
    if (marker.kind === "unknown") {
      throw commentError(comment, messages.unknownMarker(marker.written, marker.suggestion));
    }
    markerComments.add(comment);
  }
  if (markerComments.size === 0) return [];

  const found: FoundMarker[] = [];
  const attached = new Set<t.Comment>();
  // Babel attaches `let a = 1; // @chaud.persist` both after `a` and before the next
  // statement: a marker that ends a line of code must not mark the line below.
  const endsCodeLine = new Set<t.Comment>();
  const visit = (path: NodePath): void => {
    for (const comment of path.node.trailingComments ?? []) {
      if (
        markerComments.has(comment) &&
        comment.loc &&
        path.node.loc &&
        path.node.loc.end.line === comment.loc.start.line
      )
        endsCodeLine.add(comment);
    }
    for (const comment of path.node.leadingComments ?? []) {
      if (!markerComments.has(comment) || attached.has(comment)) continue;
      attached.add(comment);
      found.push({ kind: parseMarker(comment)!.kind as MarkerKind, comment, path });
    }
  };
  program.traverse({ enter: visit });
  for (const marker of found) {
    const ledLine = marker.path.node.loc?.start.line ?? 0;
    if (endsCodeLine.has(marker.comment) && ledLine > (marker.comment.loc?.end.line ?? 0)) {
      throw commentError(marker.comment, messages.markerAfterCode(marker.kind));
    }
  }

  for (const comment of markerComments) {
    if (!attached.has(comment)) {
      const kind = (parseMarker(comment) as { kind: MarkerKind }).kind;
      throw commentError(comment, messages.markerLeadsNothing(kind));
    }
  }
  return found.sort((a, b) => (a.comment.start ?? 0) - (b.comment.start ?? 0));
}
