// The entry module never re-runs its top-level code, yet its hot functions must
// take new bodies. For that, the runtime evaluates the entry's new source compiled in
// "hot-only" mode: everything that defines code stays (imports, function declarations, the
// marked items), every other binding is read from the running version's scope instead of
// being initialized again, and every other statement (the program's side effects: servers,
// timers, `init()`) is dropped.
//
//   import express from "express";          import express from "express";
//   const app = express();            →     const app = _previous.app;
//   /* @chaud.hot */ function h() {}        /* @chaud.hot */ function h() {}
//   app.get("/", h); app.listen(3000);      (dropped)

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { callHandle, type RewriteContext } from "./rewrite-context";
import type { Target } from "./targets";

/** Top-level bindings whose values a hot-only evaluation reads from the running version. */
export function scopeBindings(program: NodePath<t.Program>, targets: Target[]): string[] {
  const marked = new Set(targets.filter((target) => target.kind !== "hot-method").map((target) => target.name));
  const names: string[] = [];
  for (const [name, binding] of Object.entries(program.scope.bindings)) {
    if (marked.has(name)) continue;
    if (
      binding.kind === "let" ||
      binding.kind === "const" ||
      binding.kind === "var" ||
      (binding.kind as string) === "local" ||
      binding.path.isClassDeclaration()
    ) {
      if (!binding.path.isFunctionDeclaration()) names.push(name);
    }
  }
  return names;
}

/** `_chaud.scope({ get app() { return app; } })`: lets a later hot-only version read these bindings. */
export function scopeRegistration(context: RewriteContext, names: string[]): t.Statement {
  const getters = names.map((name) =>
    t.objectMethod("get", t.identifier(name), [], t.blockStatement([t.returnStatement(t.identifier(name))])),
  );
  return t.expressionStatement(callHandle(context, "scope", [t.objectExpression(getters)]));
}

/** Rewrites the program body for a hot-only evaluation. Runs before the marker rewrite. */
export function keepHotOnly(program: NodePath<t.Program>, targets: Target[], context: RewriteContext): void {
  const previous = program.scope.generateUidIdentifier("previous");
  context.prelude.push(
    t.variableDeclaration("const", [t.variableDeclarator(previous, callHandle(context, "previous", []))]),
  );
  const markedNodes = new Set<t.Node>(targets.map((target) => target.path.node));
  const markedStatements = new Set<t.Node>();
  for (const target of targets) {
    const top = target.path.find((p) => p.parentPath?.isProgram() ?? false);
    if (top) markedStatements.add(top.node);
  }
  // Unmarked classes with a single hot method: only the method's new body is wanted.
  const classesOfHotMethods = new Set<t.Node>(
    targets.flatMap((target) => (target.kind === "hot-method" ? [target.path.parentPath.parentPath!.node] : [])),
  );

  for (const statement of program.get("body")) {
    const inner =
      statement.isExportNamedDeclaration() || statement.isExportDefaultDeclaration()
        ? (statement.get("declaration") as NodePath)
        : statement;
    if (inner.isVariableDeclaration()) {
      readUnmarkedFromPrevious(inner, markedNodes, previous);
      continue;
    }
    if (
      inner.isClassDeclaration() &&
      inner.node.id &&
      classesOfHotMethods.has(inner.node) &&
      !markedNodes.has(inner.node)
    ) {
      keepRunningClassForHotMethods(statement, inner.node, previous, context);
      continue;
    }
    if (markedStatements.has(statement.node)) continue;
    if (isCodeDefinition(statement, inner)) continue;
    if (inner.isClassDeclaration() && inner.node.id) {
      // An unmarked class: keep the running one, so `instanceof` and statics stay the same.
      const id = inner.node.id;
      statement.replaceWith(
        t.variableDeclaration("let", [
          t.variableDeclarator(t.cloneNode(id), t.memberExpression(t.cloneNode(previous), t.identifier(id.name))),
        ]),
      );
      continue;
    }
    statement.remove();
  }
}

/**
 * class Version { /* @chaud.hot *\/ compare(other) { return other instanceof Version } }
 *   →  let Version = _previous.Version;
 *      const _Version = class { compare(other) { return other instanceof Version } };
 *      (then rewriteHotMethods: _chaud.method("Version.compare", _Version.prototype, "compare", …))
 * The new class only carries the new method bodies to the registry. Its name stays the
 * running class, so `new Version()` and `instanceof Version` in a new body mean the class
 * that existing instances belong to, as in every other module.
 */
function keepRunningClassForHotMethods(
  statement: NodePath,
  node: t.ClassDeclaration,
  previous: t.Identifier,
  context: RewriteContext,
): void {
  const id = node.id!;
  const carrier = context.program.scope.generateUidIdentifier(id.name);
  const expression = t.classExpression(null, node.superClass, node.body, node.decorators);
  expression.typeParameters = node.typeParameters ?? null;
  expression.superTypeParameters = node.superTypeParameters ?? null;
  expression.implements = node.implements ?? null;
  statement.insertBefore(
    t.variableDeclaration("let", [
      t.variableDeclarator(t.cloneNode(id), t.memberExpression(t.cloneNode(previous), t.identifier(id.name))),
    ]),
  );
  // The same path now holds the carrier, so the method registrations still go right after it.
  statement.replaceWith(t.variableDeclaration("const", [t.variableDeclarator(carrier, expression)]));
  context.methodOwners.set(id.name, carrier);
}

function isCodeDefinition(statement: NodePath, inner: NodePath): boolean {
  return (
    statement.isImportDeclaration() ||
    statement.isExportAllDeclaration() ||
    (statement.isExportNamedDeclaration() && !statement.node.declaration) ||
    statement.isTSImportEqualsDeclaration() ||
    inner.isFunctionDeclaration() ||
    inner.isTSDeclareFunction() ||
    inner.isTSInterfaceDeclaration() ||
    inner.isTSTypeAliasDeclaration() ||
    inner.isTSEnumDeclaration() ||
    inner.isTSModuleDeclaration() ||
    (inner.isClassDeclaration() && inner.node.declare === true)
  );
}

/** `const app = express(), { a } = b;` → `const app = _previous.app, a = _previous.a;` (marked declarators stay). */
function readUnmarkedFromPrevious(
  declaration: NodePath<t.VariableDeclaration>,
  markedNodes: Set<t.Node>,
  previous: t.Identifier,
): void {
  const declarators: t.VariableDeclarator[] = [];
  for (const declarator of declaration.get("declarations")) {
    const init = declarator.get("init");
    const marked =
      markedNodes.has(declarator.node) || (init.node !== null && init.node !== undefined && markedNodes.has(init.node));
    if (marked) {
      declarators.push(declarator.node);
      continue;
    }
    for (const name of Object.keys(t.getBindingIdentifiers(declarator.node.id))) {
      declarators.push(
        t.variableDeclarator(t.identifier(name), t.memberExpression(t.cloneNode(previous), t.identifier(name))),
      );
    }
  }
  declaration.node.declarations = declarators;
}
