// A module whose edit changed only the bodies of its hot items (its shape, shape.ts, is the
// same), and the entry module, which never re-runs its top-level code, take their new hot
// bodies from the new source compiled in "hot-only" mode: everything that defines code stays
// (imports, function declarations, the marked items), every other top-level binding is the
// running version's own, reached through its scope (so reads see its current value and
// assignments change it), and every other statement (the program's side effects: servers,
// timers, `init()`) is dropped.
//
//   import express from "express";          import express from "express";
//   const app = express();                  (dropped)
//   let hits = 0;                           (dropped)
//   /* @chaud.hot */ function h() {         /* @chaud.hot */ function h() {
//     hits++; app.locals.n = hits;      →     _previous.hits++; _previous.app.locals.n = _previous.hits;
//   }                                       }
//   app.get("/", h); app.listen(3000);      (dropped)

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { callHandle, ignoredByCoverage, type RewriteContext } from "./rewrite-context";
import type { Target } from "./targets";

/** A top-level binding a hot-only evaluation reaches in the running version. */
export interface ScopeBinding {
  name: string;
  /** `let` and `var`: new bodies may assign it. */
  writable: boolean;
}

/** Top-level bindings whose values a hot-only evaluation reads from the running version. */
export function scopeBindings(program: NodePath<t.Program>, targets: Target[]): ScopeBinding[] {
  const marked = new Set(targets.filter((target) => target.kind !== "hot-method").map((target) => target.name));
  const bindings: ScopeBinding[] = [];
  for (const [name, binding] of Object.entries(program.scope.bindings)) {
    if (marked.has(name)) continue;
    if (
      binding.kind === "let" ||
      binding.kind === "const" ||
      binding.kind === "var" ||
      (binding.kind as string) === "local" ||
      binding.path.isClassDeclaration()
    ) {
      if (!binding.path.isFunctionDeclaration())
        bindings.push({ name, writable: binding.kind === "let" || binding.kind === "var" });
    }
  }
  return bindings;
}

/**
 * `_chaud.scope({ get n() { return n; }, set n(v) { n = v; } })`: lets a later hot-only
 * version read these bindings, and assign the writable ones.
 */
export function scopeRegistration(context: RewriteContext, bindings: ScopeBinding[]): t.Statement {
  const accessors = bindings.flatMap(({ name, writable }) => {
    const getter = t.objectMethod(
      "get",
      t.identifier(name),
      [],
      t.blockStatement([t.returnStatement(t.identifier(name))]),
    );
    if (!writable) return [getter];
    const value = context.program.scope.generateUidIdentifier("value");
    const setter = t.objectMethod(
      "set",
      t.identifier(name),
      [value],
      t.blockStatement([t.expressionStatement(t.assignmentExpression("=", t.identifier(name), t.cloneNode(value)))]),
    );
    return [getter, setter];
  });
  // Accessors no test calls: not the module's code, not in its coverage.
  return ignoredByCoverage(t.expressionStatement(callHandle(context, "scope", [t.objectExpression(accessors)])));
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
  const inlineStatements = new Set<t.Node>(
    targets.flatMap((target) => (target.kind === "hot-inline" ? [target.statement.node] : [])),
  );
  // Unmarked classes with a single hot method: only the method's new body is wanted.
  const classesOfHotMethods = new Set<t.Node>(
    targets.flatMap((target) => (target.kind === "hot-method" ? [target.path.parentPath.parentPath!.node] : [])),
  );

  reachRunningBindings(program, unmarkedVariables(program, markedNodes), previous);
  const dropped = new Set<t.Node>();
  for (const statement of program.get("body")) {
    const inner =
      statement.isExportNamedDeclaration() || statement.isExportDefaultDeclaration()
        ? (statement.get("declaration") as NodePath)
        : statement;
    if (inner.isVariableDeclaration()) {
      // `const server = http.createServer((req, res) => {…})`: the inline rewrite reduces it to its registrations.
      if (inlineStatements.has(statement.node)) continue;
      if (!keepMarkedDeclarators(inner, markedNodes)) dropped.add(statement.node);
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
    dropped.add(statement.node);
  }
  dropStatements(program, dropped);
}

/**
 * Removes statements in one pass: a generated module can have hundreds of thousands of them,
 * and removing each through its path shifts the rest every time.
 */
function dropStatements(program: NodePath<t.Program>, dropped: Set<t.Node>): void {
  if (dropped.size === 0) return;
  const body = program.node.body;
  let kept = 0;
  for (const node of body) if (!dropped.has(node)) body[kept++] = node;
  body.length = kept;
  // Paths Babel cached for the remaining statements learn their new positions.
  program.get("body");
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
    // `export { a } from "./a"`; a local `export { n }` goes, as `n` may no longer be declared here.
    (statement.isExportNamedDeclaration() && !statement.node.declaration && statement.node.source !== null) ||
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

function isMarkedDeclarator(declarator: NodePath<t.VariableDeclarator>, markedNodes: Set<t.Node>): boolean {
  const init = declarator.node.init;
  return markedNodes.has(declarator.node) || (init !== null && init !== undefined && markedNodes.has(init));
}

/** The names the module's unmarked top-level `const`, `let` and `var` declarations bind. */
function unmarkedVariables(program: NodePath<t.Program>, markedNodes: Set<t.Node>): string[] {
  const names: string[] = [];
  for (const statement of program.get("body")) {
    const inner = statement.isExportNamedDeclaration() ? statement.get("declaration") : statement;
    if (!inner.isVariableDeclaration()) continue;
    for (const declarator of inner.get("declarations")) {
      if (!isMarkedDeclarator(declarator, markedNodes))
        names.push(...Object.keys(t.getBindingIdentifiers(declarator.node.id)));
    }
  }
  return names;
}

/**
 * Points every use of these top-level bindings at the running version's scope:
 * `n` → `_previous.n`, `n = 1` → `_previous.n = 1`, `n++` → `_previous.n++`,
 * `({ n } = o)` → `({ n: _previous.n } = o)`. Reads then see the running module's current
 * value, and assignments change it.
 */
function reachRunningBindings(program: NodePath<t.Program>, names: string[], previous: t.Identifier): void {
  for (const name of names) {
    const binding = program.scope.getBinding(name);
    if (!binding) continue;
    const running = (): t.MemberExpression => t.memberExpression(t.cloneNode(previous), t.identifier(name));
    const uses: NodePath[] = [...binding.referencePaths];
    for (const violation of binding.constantViolations) {
      // The declarations themselves go; an assignment's target is a use like any other.
      if (violation.isVariableDeclarator()) continue;
      const target = violation.isUpdateExpression()
        ? violation.get("argument")
        : violation.isAssignmentExpression() || violation.isForXStatement()
          ? violation.get("left")
          : null;
      if (target) uses.push(...identifiersIn(target as NodePath, name, binding.identifier));
    }
    for (const use of uses) {
      if (use.parentPath?.isExportSpecifier()) continue; // its statement is dropped
      // `export const x = …` counts as a use of `x` in Babel's scope: the statement is not one.
      if (use.isExportNamedDeclaration()) continue;
      const parent = use.parentPath;
      if (parent?.isObjectProperty() && parent.node.shorthand && use.key === "value") parent.node.shorthand = false;
      if (use.isJSXIdentifier()) {
        use.replaceWith(t.jsxMemberExpression(t.jsxIdentifier(previous.name), t.jsxIdentifier(name)));
      } else {
        use.replaceWith(running());
      }
    }
  }
}

/** The identifiers in an assignment target that name the binding declared by `declared`. */
function identifiersIn(target: NodePath, name: string, declared: t.Identifier): NodePath[] {
  const matches = (path: NodePath): boolean =>
    path.isIdentifier({ name }) && path.scope.getBinding(name)?.identifier === declared;
  if (matches(target)) return [target];
  const found: NodePath[] = [];
  target.traverse({
    Identifier(path) {
      // `{ key: n }`: the key is not a use.
      if (path.parentPath.isObjectProperty() && path.key === "key" && !path.parentPath.node.computed) return;
      if (matches(path)) found.push(path);
    },
  });
  return found;
}

/**
 * Drops the unmarked declarators (their bindings are the running version's); marked ones stay.
 * False when none is left, so the statement goes.
 */
function keepMarkedDeclarators(declaration: NodePath<t.VariableDeclaration>, markedNodes: Set<t.Node>): boolean {
  const kept = declaration
    .get("declarations")
    .filter((declarator) => isMarkedDeclarator(declarator, markedNodes))
    .map((declarator) => declarator.node);
  if (kept.length > 0) declaration.node.declarations = kept;
  return kept.length > 0;
}
