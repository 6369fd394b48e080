// The functions a hot function creates that may outlive a call to it: a handler it registers
// (`app.get("/", (req, res) => …)` inside `setupRoutes`), a closure it returns or stores. Once
// the function has run, those keep its old code whatever a new body says, so the runtime is
// told when they change (a second part of the hot function's hash). Callbacks that do not
// outlive the work they belong to are left out, so editing them stays an update in place:
// array methods', promise reactions, timers that fire once, immediately invoked functions,
// callbacks run inside a context or a transaction, Node's callback APIs that call back once, and
// listeners of a stream's own events on a parameter (`req.on("end", () => …)` in a request
// handler: each call makes its own, for the stream it was given).

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { CALLS_ONCE, calleeName, isExpressionWrapper } from "./marked-node";

/** Calls whose callback runs during the call (array methods), or once (CALLS_ONCE). */
const PASSING = new Set([
  ...CALLS_ONCE,
  "map",
  "filter",
  "forEach",
  "reduce",
  "reduceRight",
  "some",
  "every",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "flatMap",
  "sort",
  "toSorted",
  "replace",
  "replaceAll",
  "from",
  // A callback run inside a context or a transaction: `als.run(store, () => next())`,
  // `prisma.$transaction(async (tx) => …)`, `tracer.startActiveSpan("x", (span) => …)`.
  "run",
  "transaction",
  "$transaction",
  "withTransaction",
  "startActiveSpan",
  // Node's callback APIs that call back once: `fs.readFile(file, (error, data) => …)`.
  "readFile",
  "writeFile",
  "appendFile",
  "readdir",
  "stat",
  "lstat",
  "access",
  "mkdir",
  "rm",
  "unlink",
  "rename",
  "exec",
  "execFile",
  "lookup",
  "randomBytes",
  "pbkdf2",
  "scrypt",
]);
/** Methods that add an event listener. */
const LISTENER_METHODS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener"]);
/** Events of a stream, a request, a response or a socket: they end with the object. */
const STREAM_EVENTS = new Set([
  "data",
  "end",
  "close",
  "finish",
  "error",
  "readable",
  "drain",
  "timeout",
  "response",
  "abort",
  "aborted",
  "pipe",
  "unpipe",
]);

/**
 * The source text of the functions `fn` creates that may outlive a call, in order, with
 * `text` reading a node's source; "" when none.
 */
export function madeFunctionsText(fn: NodePath, text: (node: t.Node) => string): string {
  const root = fn.isFunction() ? fn : firstFunctionIn(fn);
  if (!root) return "";
  const parts: string[] = [];
  root.traverse({
    Function(path) {
      const use = usedBy(path);
      if (passes(use) || listensToParameter(path, use) || onlyCalledHere(path)) return;
      // A kept function's text includes the functions inside it: nothing within it is looked at again.
      parts.push(text(path.node));
      path.skip();
    },
  });
  return parts.join("\n");
}

/** `fn` may be a cast or parentheses around the hot function. */
function firstFunctionIn(path: NodePath): NodePath<t.Function> | null {
  let found: NodePath<t.Function> | null = null;
  path.traverse({
    Function(inner) {
      found = inner;
      inner.stop();
    },
  });
  return found;
}

/** What uses a function's value (`parent`), and the node it uses: the function, or parentheses or a cast around it. */
interface Use {
  parent: t.Node | null;
  value: t.Node;
}

function usedBy(path: NodePath): Use {
  let current: NodePath = path;
  while (current.parentPath && isExpressionWrapper(current.parentPath)) current = current.parentPath;
  return { parent: current.parentPath?.node ?? null, value: current.node };
}

/** Whether the function is called and let go of: an argument of a passing call, or invoked at once. */
function passes({ parent, value }: Use): boolean {
  if (t.isNewExpression(parent))
    return t.isIdentifier(parent.callee, { name: "Promise" }) && parent.arguments[0] === value;
  if (!t.isCallExpression(parent) && !t.isOptionalCallExpression(parent)) return false;
  if (parent.callee === value) return true;
  const name = calleeName(parent);
  return name !== null && PASSING.has(name);
}

/**
 * `req.on("end", fn)`: `fn` listens to a stream event of an object a function around it was
 * given. Such an object belongs to one call (a request, its response, a socket), and so does
 * the listener.
 */
function listensToParameter(fn: NodePath<t.Function>, { parent, value }: Use): boolean {
  if ((!t.isCallExpression(parent) && !t.isOptionalCallExpression(parent)) || parent.arguments[1] !== value)
    return false;
  const { callee } = parent;
  const [event] = parent.arguments;
  if (!t.isMemberExpression(callee) && !t.isOptionalMemberExpression(callee)) return false;
  if (callee.computed || !t.isIdentifier(callee.property) || !LISTENER_METHODS.has(callee.property.name)) return false;
  if (!t.isStringLiteral(event) || !STREAM_EVENTS.has(event.value) || !t.isIdentifier(callee.object)) return false;
  const binding = fn.scope.getBinding(callee.object.name);
  return binding?.kind === "param";
}

/**
 * `const send = (status, body) => res.status(status).json(body)` inside a handler, or a
 * function declared there, that the body only calls: it lives as long as the call does.
 */
function onlyCalledHere(fn: NodePath<t.Function>): boolean {
  let name: string | null = null;
  let scope = fn.parentPath.scope;
  if (fn.isFunctionDeclaration() && fn.node.id) name = fn.node.id.name;
  else if (fn.parentPath.isVariableDeclarator() && t.isIdentifier(fn.parentPath.node.id)) {
    name = fn.parentPath.node.id.name;
    scope = fn.parentPath.scope;
  }
  if (name === null) return false;
  const binding = scope.getBinding(name);
  if (!binding || !binding.constant || binding.referencePaths.length === 0) return false;
  return binding.referencePaths.every((reference) => {
    const use = reference.parentPath;
    return (use?.isCallExpression() || use?.isOptionalCallExpression()) && use.node.callee === reference.node;
  });
}
