// Shared state of one module's rewrite: the registry handle, the statements that go to the top
// of the module, and the original source for hashing.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { sourceHash } from "./hash";

export interface RewriteContext {
  program: NodePath<t.Program>;
  /** `_chaud`: this module's registry handle. */
  handle: t.Identifier;
  /** Statements run right after the handle exists, before the module's own code. */
  prelude: t.Statement[];
  source: string;
  /**
   * Hot-only mode: the class whose prototype carries a hot method's new body, when it is not
   * the class's own binding (hot-only.ts). Absent: the class itself.
   */
  methodOwners: Map<string, t.Identifier>;
}

/** `_chaud.<method>(...args)` */
export function callHandle(context: RewriteContext, method: string, args: t.Expression[]): t.CallExpression {
  return t.callExpression(t.memberExpression(t.cloneNode(context.handle), t.identifier(method)), args);
}

/** Hash of a node's original source text. */
export function hashOf(context: RewriteContext, node: t.Node): string {
  return sourceHash(context.source.slice(node.start ?? 0, node.end ?? 0));
}

/**
 * Marks injected code for istanbul (babel-plugin-istanbul, which babel-jest and ts-jest run
 * after chaud): functions chaud adds never run in a test, and must not count against coverage.
 */
export function ignoredByCoverage<T extends t.Node>(node: T): T {
  t.addComment(node, "leading", " istanbul ignore next ");
  return node;
}
