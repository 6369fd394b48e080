// Mode "all": the registry names of functions passed in top-level calls. A name must stay the
// same while the function's body is edited, so it is built from what is around the function:
//
//   app.get("/users", auth, (req, res) => {…})      app.get("/users")#1
//   app.get("/users", (req, res) => {…})            app.get("/users")#2       (the second such call)
//   router.route("/a").get((req, res) => {…})       router.route("/a").get()#1
//   app.post("/", (req, res, next) => {…}, (req, res) => {…})
//                                                   app.post("/")#1@2 and app.post("/")#1@3
//   setInterval(() => {…}, 1000)                    setInterval(1000)#1
//
// The call's text is its callee (names, member accesses, `this`, and calls and `new` in the
// chain, each with its literal arguments only) and its own literal arguments (strings and
// numbers, in order); the ordinal counts the module's earlier calls with the same text that
// pass functions; `@<n>` is the function's argument position (from 1), added when the call
// passes several functions.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";

/** Hands out `<call text>#<ordinal>` in source order, one ordinal sequence per call text. */
export class CallKeys {
  private readonly seen = new Map<string, number>();

  /** The next key for a call with this text. */
  next(text: string): string {
    const ordinal = (this.seen.get(text) ?? 0) + 1;
    this.seen.set(text, ordinal);
    return `${text}#${ordinal}`;
  }
}

/** The call's text (`app.get("/users")`), or null when its callee is not made of names (an IIFE, `a[b](fn)`). */
export function callText(call: NodePath<t.CallExpression | t.OptionalCallExpression>): string | null {
  return chainText(call.node);
}

function chainText(node: t.Node): string | null {
  if (t.isIdentifier(node)) return node.name;
  if (t.isThisExpression(node)) return "this";
  if (t.isMemberExpression(node) || t.isOptionalMemberExpression(node)) {
    const object = chainText(node.object);
    const property = memberText(node);
    if (object === null || property === null) return null;
    const optional = t.isOptionalMemberExpression(node) && node.optional ? "?." : "";
    return property.startsWith("[") ? `${object}${optional}${property}` : `${object}${optional || "."}${property}`;
  }
  if (t.isCallExpression(node) || t.isOptionalCallExpression(node) || t.isNewExpression(node)) {
    if (t.isV8IntrinsicIdentifier(node.callee)) return null;
    const callee = chainText(node.callee);
    if (callee === null) return null;
    const optional = t.isOptionalCallExpression(node) && node.optional ? "?." : "";
    const literals = node.arguments.map(literalText).filter((text): text is string => text !== null);
    return `${t.isNewExpression(node) ? "new " : ""}${callee}${optional}(${literals.join(", ")})`;
  }
  return null;
}

/** `.get` gives "get", `["get"]` gives `["get"]`, `[name]` gives null. */
function memberText(node: t.MemberExpression | t.OptionalMemberExpression): string | null {
  const property = node.property;
  if (!node.computed) {
    if (t.isIdentifier(property)) return property.name;
    return t.isPrivateName(property) ? `#${property.id.name}` : null;
  }
  const literal = literalText(property);
  return literal === null ? null : `[${literal}]`;
}

/** A string or number argument as it reads in a key; null for anything else. */
function literalText(node: t.Node): string | null {
  if (t.isStringLiteral(node)) return JSON.stringify(node.value);
  if (t.isNumericLiteral(node)) return String(node.value);
  if (t.isTemplateLiteral(node) && node.expressions.length === 0)
    return JSON.stringify(node.quasis[0]?.value.cooked ?? "");
  return null;
}
