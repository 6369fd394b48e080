// Mode "all": the functions that live inside a top-level statement without a name of their
// own, which no marker can take: the functions passed in a top-level call chain, and the
// methods and function-valued properties of an object written at the top level.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { CallKeys, callText } from "./call-keys";
import { CALLS_ONCE, calleeName, isFunctionValue } from "./marked-node";
import type { HotInlineTarget } from "./targets";

/**
 * `app.get("/", (req, res) => {})`, `router.route("/a").get(fn).post(fn)`, `setInterval(() => {}, 1000)`:
 * every function or arrow passed to a call of the statement's chain (an expression statement, or
 * the value of a declaration's only variable: `const server = http.createServer((req, res) => {})`),
 * named by call-keys.ts.
 * So are the functions passed to a call among the arguments (`asyncHandler(fn)` in
 * `app.get("/", asyncHandler(fn))`), named after both calls (`app.get("/") > asyncHandler()#1`),
 * and the methods and function-valued properties of an object passed (`fastify.route({ url: "/",
 * handler: async (req, reply) => {} })`: `fastify.route()#1.handler`), with the calls in its
 * properties' values (`router({ greet: procedure.query(() => …) })`: `router().greet > procedure.query()#1`).
 * An identifier passed (`app.get("/", handler)`) is not one: `handler` is hot on its own.
 */
export function callbackTargets(
  expression: NodePath,
  statement: NodePath<t.Statement>,
  keys: CallKeys,
  prefix = "",
): HotInlineTarget[] {
  const targets: HotInlineTarget[] = [];
  // Innermost first, as they read: `router.route("/a")` before `.get(fn)`.
  for (const call of callChain(expression).reverse()) {
    if (leftToJest(call)) continue;
    const text = callText(call);
    if (text === null) continue;
    const args = call.get("arguments") as NodePath[];
    const functions = args.filter((argument) => isFunctionValue(argument));
    // Per object passed, its function members, named after the call once it has its key.
    const objects = args
      .filter((argument): argument is NodePath<t.ObjectExpression> => argument.isObjectExpression())
      .map((object) => ({ object, members: memberTargets(object, statement, "") }))
      .filter(({ members }) => members.length > 0);
    if (functions.length > 0 || objects.length > 0) {
      const key = keys.next(`${prefix}${text}`);
      const all = call.node.arguments;
      const at = (argument: NodePath): string =>
        functions.length + objects.length > 1 ? `@${all.indexOf(argument.node as t.Expression) + 1}` : "";
      const once = callsOnce(call.node) ? { runsOnce: true as const } : {};
      for (const argument of functions) {
        targets.push({
          kind: "hot-inline",
          name: `${key}${at(argument)}`,
          path: argument as NodePath<t.Expression>,
          statement,
          inferredName: "",
          ...once,
        });
      }
      for (const { object, members } of objects) {
        for (const member of members) targets.push({ ...member, name: `${key}${at(object)}${member.name}` });
      }
    }
    // app.get("/", asyncHandler(async (req, res) => {…})): a wrapper's functions, named inside the call's text.
    for (const argument of args) {
      if (argument.isCallExpression() || argument.isOptionalCallExpression())
        targets.push(...callbackTargets(argument, statement, keys, `${prefix}${text} > `));
      // router({ greet: procedure.query(() => …) }): the calls in an object's values, named after the property.
      if (argument.isObjectExpression()) {
        for (const member of argument.get("properties")) {
          if (!member.isObjectProperty()) continue;
          const name = keyName(member.node);
          const value = member.get("value") as NodePath;
          if (name !== null && (value.isCallExpression() || value.isOptionalCallExpression()))
            targets.push(...callbackTargets(value, statement, keys, `${prefix}${text}.${name} > `));
        }
      }
    }
  }
  return targets;
}

/** The calls of a call chain, outermost first: `.get(fn)` before `router.route("/a")`. */
export function callChain(expression: NodePath): Array<NodePath<t.CallExpression | t.OptionalCallExpression>> {
  const calls: Array<NodePath<t.CallExpression | t.OptionalCallExpression>> = [];
  for (let current: NodePath = expression; ;) {
    if (current.isCallExpression() || current.isOptionalCallExpression()) {
      calls.push(current);
      current = current.get("callee") as NodePath;
    } else if (current.isMemberExpression() || current.isOptionalMemberExpression()) {
      current = current.get("object") as NodePath;
    } else break;
  }
  return calls;
}

/** Promise reactions, one-shot timers, `emitter.once(…)` and `server.listen(port, fn)` call their function once at most. */
export function callsOnce(call: t.CallExpression | t.OptionalCallExpression): boolean {
  const name = calleeName(call);
  return name !== null && (CALLS_ONCE.has(name) || name === "once" || name === "listen");
}

/**
 * `jest.mock("./db", () => ({…}))`: babel-plugin-jest-hoist moves the call above the imports
 * and requires its factory to be an inline function, so Jest's own calls stay as they are.
 */
function leftToJest(call: NodePath<t.CallExpression | t.OptionalCallExpression>): boolean {
  let root: t.Node = call.node.callee;
  while (t.isMemberExpression(root) || t.isCallExpression(root))
    root = t.isCallExpression(root) ? root.callee : root.object;
  return t.isIdentifier(root, { name: "jest" });
}

/**
 * `module.exports = { list(req, res) {…}, show: (req, res) => {…}, limit: 10 }` ("exports"),
 * `export default {…}` ("default"), `const handlers = {…}` ("handlers", exported or not) and
 * `exports.handlers = {…}` ("exports.handlers"): each method and function-valued property of
 * the object written there, named `<prefix>.<key>`. Getters, setters, computed keys, methods
 * that use `super` and nested objects stay as they are.
 */
export function memberTargets(
  object: NodePath<t.ObjectExpression>,
  statement: NodePath<t.Statement>,
  prefix: string,
): HotInlineTarget[] {
  const targets: HotInlineTarget[] = [];
  for (const member of object.get("properties")) {
    if (!member.isObjectMethod() && !member.isObjectProperty()) continue;
    const key = keyName(member.node);
    if (key === null) continue;
    if (member.isObjectMethod() && (member.node.kind !== "method" || usesSuper(member))) continue;
    if (member.isObjectProperty() && !isFunctionValue(member.get("value") as NodePath)) continue;
    const path = member.isObjectMethod() ? member : (member.get("value") as NodePath<t.Expression>);
    targets.push({ kind: "hot-inline", name: `${prefix}.${key}`, path, statement, inferredName: key });
  }
  return targets;
}

function keyName(member: t.ObjectMethod | t.ObjectProperty): string | null {
  if (member.computed) return null;
  if (t.isIdentifier(member.key)) return member.key.name;
  return t.isStringLiteral(member.key) ? member.key.value : null;
}

/** `super` means the object's prototype; a method moved into another object would see another one. */
function usesSuper(method: NodePath<t.ObjectMethod>): boolean {
  let found = false;
  method.traverse({
    Super(path) {
      found = true;
      path.stop();
    },
  });
  return found;
}
