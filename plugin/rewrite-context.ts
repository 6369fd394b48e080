// Shared state of one module's rewrite: the registry handle, the statements that go to the top
// of the module, and the original source for hashing.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { sourceHash } from "./hash";
import { madeFunctionsText } from "./made-functions";

export interface RewriteContext {
  program: NodePath<t.Program>;
  /** `_chaud`: this module's registry handle. */
  handle: t.Identifier;
  /** Statements run right after the handle exists, before the module's own code. */
  prelude: t.Statement[];
  source: string;
  /** The module's comments, left out of the hashes of functions mode "all" made hot. */
  comments: readonly t.Comment[];
  /**
   * Hot-only mode: the class whose prototype carries a hot method's new body, when it is not
   * the class's own binding (hot-only.ts). Absent: the class itself.
   */
  methodOwners: Map<string, t.Identifier>;
}

/** `_chaud.<method>(...args)` */
/**
 * `_chaud.fn`'s arguments with "once" appended (after a `void 0` display name when there is
 * none) for a function only passed to a call that calls it once: any call of it is at start-up
 * (first-calls.ts).
 */
export function withRunsOnce(args: t.Expression[], runsOnce: boolean | undefined): t.Expression[] {
  if (!runsOnce) return args;
  return [
    ...args,
    ...(args.length === 3 ? [t.unaryExpression("void", t.numericLiteral(0))] : []),
    t.stringLiteral("once"),
  ];
}

export function callHandle(context: RewriteContext, method: string, args: t.Expression[]): t.CallExpression {
  return t.callExpression(t.memberExpression(t.cloneNode(context.handle), t.identifier(method)), args);
}

/** Hash of a node's original source text. */
export function hashOf(context: RewriteContext, node: t.Node): string {
  return sourceHash(context.source.slice(node.start ?? 0, node.end ?? 0));
}

/**
 * A hot function's hash: its source's; for one mode "all" made hot without a marker, its code's
 * (comments left out: an edit of a comment in `main()` is no reason to restart), then a ":" and
 * the hash of the functions it creates that may outlive a call (made-functions.ts; empty when
 * none). The ":" also tells the runtime to watch where the function runs
 * (runtime/registry/first-calls.ts), so an edit that would leave stale code can restart: a
 * marked function keeps the marker's meaning, its new body from the next call on.
 */
export function hotHashOf(context: RewriteContext, fn: NodePath, implicit: boolean): string {
  if (!implicit) return hashOf(context, fn.node);
  const code = (node: t.Node): string => codeOf(context, node);
  const made = madeFunctionsText(fn, code);
  return `${sourceHash(code(fn.node))}:${made === "" ? "" : sourceHash(made)}`;
}

/** A node's source without the comments inside it. */
function codeOf(context: RewriteContext, node: t.Node): string {
  const start = node.start ?? 0;
  const end = node.end ?? 0;
  let text = "";
  let at = start;
  for (const comment of context.comments) {
    if (comment.start === undefined || comment.end === undefined || comment.start < at) continue;
    if (comment.end > end) break;
    text += context.source.slice(at, comment.start);
    at = comment.end;
  }
  return text + context.source.slice(at, end);
}

/**
 * Marks injected code for istanbul (babel-plugin-istanbul, which babel-jest and ts-jest run
 * after chaud): functions chaud adds never run in a test, and must not count against coverage.
 */
export function ignoredByCoverage<T extends t.Node>(node: T): T {
  t.addComment(node, "leading", " istanbul ignore next ");
  return node;
}
