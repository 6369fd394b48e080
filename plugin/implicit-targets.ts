// Mode "all": the items that are hot without a marker. Every item a @chaud.hot marker could
// take gets the target that marker would give (classify-hot.ts builds it, so the output is
// the same), and to those come the functions inside top-level statements (inline-targets.ts).
// Only top-level statements are looked at. What a marker would refuse, what an explicit
// marker already claims, and two items that would share one name are left as they are,
// without an error: the module simply has fewer hot items.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { CallKeys } from "./call-keys";
import { classifyHot, hotDeclarator } from "./classify-hot";
import { callbackTargets, callChain, callsOnce, memberTargets } from "./inline-targets";
import { commonJsExportName, isFunctionValue, unwrapExpression } from "./marked-node";
import type { Target } from "./targets";

export function implicitTargets(program: NodePath<t.Program>, explicit: readonly Target[]): Target[] {
  const keys = new CallKeys();
  const found = program.get("body").flatMap((statement) => statementTargets(statement, keys));
  const claimed = new Set(explicit.flatMap(claimedNodes));
  const names = new Map<string, number>();
  for (const target of [...explicit, ...found]) names.set(target.name, (names.get(target.name) ?? 0) + 1);
  const runOnce = functionsOnlyRunOnce(program);
  return found
    .filter((target) => names.get(target.name) === 1 && !claimedNodes(target).some((node) => claimed.has(node)))
    .map((target) => {
      if (target.kind === "hot-declaration" || target.kind === "hot-expression") {
        // The function's declaration, or the declarator of the const that holds it.
        const declared = target.kind === "hot-declaration" ? target.path.node : target.path.parentPath?.node;
        const once = declared !== undefined && runOnce.has(declared) ? { runsOnce: true as const } : {};
        return { ...target, implicit: true as const, ...once };
      }
      return target.kind === "hot-method" || target.kind === "hot-class"
        ? { ...target, implicit: true as const }
        : target;
    });
}

/**
 * The module's own functions whose one use is as an argument of a top-level call that calls it
 * once at most (`app.whenReady().then(createWindow)`, `server.listen(PORT, onListening)`). One
 * used anywhere else (exported, called, re-armed from its own body as `setTimeout(poll, 1000)`
 * does) may run again later, and is left to the start-up watch.
 */
function functionsOnlyRunOnce(program: NodePath<t.Program>): Set<t.Node> {
  const declarations = new Set<t.Node>();
  for (const statement of program.get("body")) {
    for (const call of topLevelCalls(statement)) {
      if (!callsOnce(call.node)) continue;
      for (const argument of call.get("arguments") as NodePath[]) {
        if (!argument.isIdentifier()) continue;
        const binding = program.scope.getBinding(argument.node.name);
        if (
          binding === undefined ||
          binding.scope !== program.scope ||
          binding.referencePaths.length !== 1 ||
          binding.referencePaths[0]!.node !== argument.node
        )
          continue;
        // `function f() {}` or `const f = …` of this module (an import's binding is its
        // specifier), not exported: another module may call an exported one.
        const declared = binding.path;
        const statement = declared.isVariableDeclarator() ? declared.parentPath : declared;
        if (
          (declared.isFunctionDeclaration() || declared.isVariableDeclarator()) &&
          !statement?.parentPath?.isExportDeclaration()
        )
          declarations.add(declared.node);
      }
    }
  }
  return declarations;
}

/** The calls of a top-level statement's call chain: `app.whenReady().then(f)`, `const s = await listen(f)`. */
function topLevelCalls(statement: NodePath<t.Statement>): Array<NodePath<t.CallExpression | t.OptionalCallExpression>> {
  const value = statement.isExpressionStatement()
    ? statement.get("expression")
    : statement.isVariableDeclaration() && statement.node.declarations.length === 1
      ? (statement.get("declarations")[0]!.get("init") as NodePath)
      : null;
  if (!value?.node) return [];
  const unwrapped = unwrapExpression(value);
  return callChain(unwrapped.isAwaitExpression() ? unwrapExpression(unwrapped.get("argument")) : unwrapped);
}

function statementTargets(statement: NodePath<t.Statement>, keys: CallKeys): Target[] {
  const exported = statement.isExportNamedDeclaration() || statement.isExportDefaultDeclaration();
  const declaration = exported ? (statement.get("declaration") as NodePath) : statement;
  if (!declaration.node) return [];

  // function f() {}, export function f() {}, export default function () {}; class Foo {} and
  // its exported forms, decorated or not (decorators.ts).
  if (declaration.isFunctionDeclaration() || declaration.isClassDeclaration()) return asMarked(declaration);

  // const f = () => {}, let g = function () {}, const C = class {} (each declarator on its own)
  if (declaration.isVariableDeclaration() && !declaration.node.declare) {
    // const server = http.createServer((req, res) => {}): in hot-only code the statement
    // becomes its registrations, so it may hold no other item.
    const [only, ...others] = declaration.get("declarations");
    const value = only?.node.init && others.length === 0 ? unwrapExpression(only.get("init") as NodePath) : null;
    if (value && isCallChain(value)) return callbackTargets(value, statement, keys);
    return declaration.get("declarations").flatMap((declarator) => {
      const init = declarator.get("init");
      if (!t.isIdentifier(declarator.node.id) || !init.node) return [];
      const value = unwrapExpression(init as NodePath);
      // export const handlers = { list(req, res) {…}, show: (req, res) => {…} }
      if (value.isObjectExpression()) return memberTargets(value, statement, declarator.node.id.name);
      if (!isFunctionValue(value) && !value.isClassExpression()) return [];
      return [hotDeclarator(declarator, declarator)];
    });
  }

  // export default () => {}, export default class {} (parsed as a declaration, above)
  if (statement.isExportDefaultDeclaration()) {
    if (isFunctionValue(declaration)) return asMarked(statement);
    // export default { handle(req, res) {…} }
    if (declaration.isObjectExpression()) return memberTargets(declaration, statement, "default");
    // export default defineHandler(async (event) => {…})
    if (isCallChain(declaration)) return callbackTargets(declaration, statement, keys);
    return [];
  }

  if (!statement.isExpressionStatement()) return [];
  const expression = statement.get("expression");
  if (expression.isAssignmentExpression({ operator: "=" })) {
    const right = expression.get("right");
    const name = commonJsExportName(expression);
    // exports.f = function () {}, module.exports.f = () => {}, module.exports = function () {}
    if (name !== null && isFunctionValue(right)) return asMarked(statement);
    // module.exports = { list(req, res) {…}, show: (req, res) => {…} }, exports.handlers = {…}
    if (name !== null && right.isObjectExpression())
      return memberTargets(right, statement, name === "module.exports" ? "exports" : `exports.${name}`);
    // module.exports = wrap((req, res) => {…}), exports.handler = middy(async (event) => {…})
    if (name !== null && isCallChain(unwrapExpression(right)))
      return callbackTargets(unwrapExpression(right), statement, keys);
    return [];
  }
  // app.get("/", (req, res) => {…}), setInterval(() => {…}, 1000)
  return callbackTargets(expression, statement, keys);
}

/** What a @chaud.hot marker in front of `path` gives, or nothing where that marker would be refused. */
function asMarked(path: NodePath): Target[] {
  try {
    return classifyHot(path);
  } catch (error) {
    // Refusals are Babel's code-frame errors (SyntaxError); anything else is a bug to report.
    if (error instanceof SyntaxError) return [];
    throw error;
  }
}

/**
 * The nodes that stand for a target's item: the node rewritten, and the declarator or
 * assignment around it. An implicit target whose item an explicit marker already took
 * (`@chaud.persist const handler = () => {}`, `@chaud.dispose function cleanup() {}`) is dropped.
 */
function claimedNodes(target: Target): t.Node[] {
  const nodes: t.Node[] = [target.path.node];
  const parent = target.path.parentPath;
  if (target.kind !== "hot-method" && (parent?.isVariableDeclarator() || parent?.isAssignmentExpression()))
    nodes.push(parent.node);
  if (target.kind === "persist" && target.path.node.init) nodes.push(target.path.node.init);
  if (target.kind === "persist-export") nodes.push(target.path.node.right);
  // A callback in a declaration's value: a marker on the declaration takes that value.
  const declaration = target.kind === "hot-inline" ? innerDeclaration(target.statement.node) : null;
  if (declaration?.declarations.length === 1) {
    const [declarator] = declaration.declarations;
    nodes.push(declarator!);
    if (declarator!.init) nodes.push(declarator!.init);
  }
  return nodes;
}

function innerDeclaration(statement: t.Statement): t.VariableDeclaration | null {
  const inner = t.isExportNamedDeclaration(statement) ? statement.declaration : statement;
  return t.isVariableDeclaration(inner) ? inner : null;
}

/** `f(…)`, `a.b(…).c`: an expression whose value comes from a call chain. */
function isCallChain(path: NodePath): boolean {
  return path.isCallExpression() || path.isOptionalCallExpression() || path.isMemberExpression();
}
