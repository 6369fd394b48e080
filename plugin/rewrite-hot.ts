// Hot functions and single hot methods.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { unwrapExpression } from "./marked-node";
import { callHandle, hotHashOf, withRunsOnce, type RewriteContext } from "./rewrite-context";
import type { HotFunctionTarget, HotMethodTarget } from "./targets";

export function rewriteHotFunction(target: HotFunctionTarget, context: RewriteContext): void {
  if (target.kind === "hot-declaration") {
    // function f(a) {…}  →  function f(a) {…}  plus, at the top of the module:
    //                        f = _chaud.fn("f", f, "<hash>");
    // The declaration stays, so it is hoisted as before; from the first line of the module on,
    // the binding (and the export, which is live) is the stable stub.
    const fn = target.path.node;
    const args: t.Expression[] = [];
    if (!fn.id) {
      // export default function () {} → export default function _default() {}, stub named "default"
      fn.id = context.program.scope.generateUidIdentifier("default");
      args.push(t.stringLiteral("default"));
    }
    const call = callHandle(
      context,
      "fn",
      withRunsOnce(
        [
          t.stringLiteral(target.name),
          t.cloneNode(fn.id),
          t.stringLiteral(hotHashOf(context, target.path, target.implicit === true)),
          ...args,
        ],
        target.runsOnce,
      ),
    );
    context.prelude.push(t.expressionStatement(t.assignmentExpression("=", t.cloneNode(fn.id), call)));
    return;
  }
  // const f = (a) => …  →  const f = _chaud.fn("f", { f: (a) => … }.f, "<hash>")
  // In the property the function is named "f", as in the declaration (an argument would be
  // anonymous): stack traces show the name, and the start-up watch finds it there.
  const hash = hotHashOf(context, target.path, target.implicit === true);
  const fn = target.path.node;
  const value = isAnonymous(unwrapExpression(target.path).node) ? namedBy(target.name, fn) : fn;
  target.path.replaceWith(
    callHandle(
      context,
      "fn",
      withRunsOnce([t.stringLiteral(target.name), value, t.stringLiteral(hash)], target.runsOnce),
    ),
  );
}

function isAnonymous(node: t.Node): boolean {
  return t.isArrowFunctionExpression(node) || (t.isFunctionExpression(node) && !node.id);
}

/** `{ name: fn }.name`: the function, named `name` by the property it is defined in. */
function namedBy(name: string, fn: t.Expression): t.Expression {
  const key = t.isValidIdentifier(name) ? t.identifier(name) : t.stringLiteral(name);
  const property = t.isValidIdentifier(name) ? t.identifier(name) : t.stringLiteral(name);
  return t.memberExpression(t.objectExpression([t.objectProperty(key, fn)]), property, !t.isValidIdentifier(name));
}

/**
 * class A { m() {…} }  →  class A { m() {…} }
 *                         _chaud.method("A.m", A.prototype, "m", "<hash>");
 * The method is swapped for the key's stub right after the class is defined, so every
 * version of the class shares one stub that runs the newest body.
 */
export function rewriteHotMethods(targets: HotMethodTarget[], context: RewriteContext): void {
  const byClass = new Map<NodePath<t.Statement>, t.Statement[]>();
  for (const target of targets) {
    const method = target.path.node;
    const owner = t.cloneNode(context.methodOwners.get(target.className) ?? t.identifier(target.className));
    const holder = method.static ? owner : t.memberExpression(owner, t.identifier("prototype"));
    const property = method.key.type === "Identifier" ? method.key.name : (method.key as t.StringLiteral).value;
    const args: t.Expression[] = [
      t.stringLiteral(target.name),
      holder,
      t.stringLiteral(property),
      t.stringLiteral(hotHashOf(context, target.path, target.implicit === true)),
    ];
    if (method.kind !== "method") args.push(t.stringLiteral(method.kind));
    const statements = byClass.get(target.classStatement) ?? [];
    statements.push(t.expressionStatement(callHandle(context, "method", args)));
    byClass.set(target.classStatement, statements);
  }
  for (const [statement, calls] of byClass) statement.insertAfter(calls);
}
