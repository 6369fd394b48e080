// Mode "all": functions inside top-level statements (inline-targets.ts). Each is wrapped in
// place, so the statement hands the key's stub to whatever it calls or exports; in hot-only
// mode the statement is reduced to the registrations, so the call or the export does not run
// again (a second route, a second timer) while the running stubs take the new bodies.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { unwrapExpression } from "./marked-node";
import { callHandle, hotHashOf, withRunsOnce, type RewriteContext } from "./rewrite-context";
import type { HotInlineTarget } from "./targets";

export function rewriteInline(targets: HotInlineTarget[], context: RewriteContext, hotOnly: boolean): void {
  if (!hotOnly) {
    for (const target of targets) {
      const call = registration(target, context);
      if (target.path.isObjectMethod()) {
        // { list(req) {…} }  →  { list: _chaud.fn("exports.list", { list(req) {…} }.list, "<hash>") }
        target.path.replaceWith(t.objectProperty(t.cloneNode(target.path.node.key), call));
      } else {
        // app.get("/", (req, res) => {…})  →  app.get("/", _chaud.fn("app.get(\"/\")#1", (req, res) => {…}, "<hash>", ""))
        // { show: (req) => {…} }            →  { show: _chaud.fn("exports.show", (req) => {…}, "<hash>") }
        target.path.replaceWith(call);
      }
    }
    return;
  }
  // app.get("/", (req, res) => {…}); (hot-only)  →  _chaud.fn("app.get(\"/\")#1", (req, res) => {…}, "<hash>", "");
  // module.exports = { list(req) {…}, limit: 10 }  →  _chaud.fn("exports.list", { list(req) {…} }.list, "<hash>");
  const byStatement = new Map<NodePath<t.Statement>, t.Statement[]>();
  for (const target of targets) {
    const statements = byStatement.get(target.statement) ?? [];
    statements.push(t.expressionStatement(registration(target, context)));
    byStatement.set(target.statement, statements);
  }
  for (const [statement, registrations] of byStatement) statement.replaceWithMultiple(registrations);
}

/** `_chaud.fn(name, <the function>, "<hash>")`, named as the function was where it stood. */
function registration(target: HotInlineTarget, context: RewriteContext): t.CallExpression {
  const node = target.path.node;
  const hash = t.stringLiteral(hotHashOf(context, target.path, true));
  const fn = t.isObjectMethod(node) ? methodAlone(node) : (node as t.Expression);
  const args = [t.stringLiteral(target.name), fn, hash, ...displayName(target)];
  return callHandle(context, "fn", withRunsOnce(args, target.runsOnce));
}

/**
 * `{ list(req) {…} }.list`: the method taken out of a one-member object stays a method (no
 * `prototype`, not a constructor, named "list"), as a function expression would not.
 */
function methodAlone(method: t.ObjectMethod): t.Expression {
  const key = method.key as t.Identifier | t.StringLiteral;
  return t.memberExpression(t.objectExpression([method]), t.cloneNode(key), t.isStringLiteral(key));
}

/**
 * The stub takes the function's own name, else the part of its key after the last dot
 * (`exports.show` → "show"). Where that is not the name the function had in place (an
 * argument's "", a key with a dot in it), the name is passed.
 */
function displayName(target: HotInlineTarget): t.StringLiteral[] {
  const node = target.path.isObjectMethod() ? target.path.node : unwrapExpression(target.path).node;
  if (t.isObjectMethod(node) || (t.isFunctionExpression(node) && node.id)) return [];
  const fallback = target.name.slice(target.name.lastIndexOf(".") + 1);
  return fallback === target.inferredName ? [] : [t.stringLiteral(target.inferredName)];
}
