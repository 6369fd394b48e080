// What a marker leads, seen through what wraps it: `export`, parentheses and TypeScript's
// `as`, `satisfies` and `!`, CommonJS's `exports.name =`. Shared by classify.ts and
// classify-hot.ts.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { places } from "./messages";

/** The declaration a marker leads, with the `export` around it if any. */
export interface Marked {
  declaration: NodePath;
  statement: NodePath; // the top-level statement if the declaration is one, else `declaration`
}

export function unwrapExport(path: NodePath): Marked {
  if ((path.isExportNamedDeclaration() || path.isExportDefaultDeclaration()) && path.node.declaration) {
    return { declaration: path.get("declaration") as NodePath, statement: path };
  }
  if (path.parentPath?.isExportNamedDeclaration() || path.parentPath?.isExportDefaultDeclaration()) {
    return { declaration: path, statement: path.parentPath };
  }
  return { declaration: path, statement: path };
}

export const isTopLevel = (statement: NodePath): boolean => statement.parentPath?.isProgram() ?? false;

/** Parentheses and TypeScript wrappers a function may sit in: `(() => {}) as Handler`. */
export const isExpressionWrapper = (path: NodePath): boolean =>
  path.isParenthesizedExpression() ||
  path.isTSAsExpression() ||
  path.isTSSatisfiesExpression() ||
  path.isTSNonNullExpression() ||
  path.isTypeCastExpression();

/** The expression inside any wrappers (`isExpressionWrapper`). */
export function unwrapExpression(path: NodePath): NodePath {
  let current = path;
  while (isExpressionWrapper(current)) current = current.get("expression") as NodePath;
  return current;
}

/** What a call calls, by name: `setTimeout` for `setTimeout(fn)`, `then` for `p.then(fn)`; null otherwise. */
export function calleeName(call: t.CallExpression | t.OptionalCallExpression): string | null {
  const { callee } = call;
  if (t.isIdentifier(callee)) return callee.name;
  if ((t.isMemberExpression(callee) || t.isOptionalMemberExpression(callee)) && !callee.computed)
    return t.isIdentifier(callee.property) ? callee.property.name : null;
  return null;
}

/** Calls that call a function passed to them once at most: promise reactions and one-shot timers. */
export const CALLS_ONCE: ReadonlySet<string> = new Set([
  "then",
  "catch",
  "finally",
  "setTimeout",
  "setImmediate",
  "queueMicrotask",
  "nextTick",
]);

export const isFunctionValue = (path: NodePath): boolean => {
  const inner = unwrapExpression(path);
  return inner.isArrowFunctionExpression() || inner.isFunctionExpression();
};

export function describeEnclosingFunction(path: NodePath): string {
  const fn = path.parentPath?.getFunctionParent();
  const id = fn?.node && "id" in fn.node && fn.node.id && "name" in fn.node.id ? fn.node.id.name : null;
  return places.insideFunction(id);
}

export function bindingName(declarator: NodePath<t.VariableDeclarator>): string | null {
  const id = declarator.node.id;
  return id.type === "Identifier" ? id.name : null;
}

/** `exports.name = …` or `module.exports.name = …` (name), `module.exports = …` ("module.exports"), else null. */
export function commonJsExportName(expression: NodePath<t.AssignmentExpression>): string | null {
  const left = expression.node.left;
  const isExportsObject = (node: t.Node): boolean =>
    (t.isIdentifier(node, { name: "exports" }) && !expression.scope.hasBinding("exports")) ||
    (t.isMemberExpression(node) &&
      t.isIdentifier(node.object, { name: "module" }) &&
      !expression.scope.hasBinding("module") &&
      t.isIdentifier(node.property, { name: "exports" }) &&
      !node.computed);
  if (isExportsObject(left) && t.isMemberExpression(left)) return "module.exports";
  if (!t.isMemberExpression(left) || !isExportsObject(left.object)) return null;
  return !left.computed && t.isIdentifier(left.property)
    ? left.property.name
    : t.isStringLiteral(left.property)
      ? left.property.value
      : null;
}
