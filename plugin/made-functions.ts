// The functions a hot function creates that may outlive a call to it: a handler it registers
// (`app.get("/", (req, res) => …)` inside `setupRoutes`), a closure it returns or stores. Once
// the function has run, those keep its old code whatever a new body says, so the runtime is
// told when they change (a second part of the hot function's hash). Callbacks that do not
// outlive the work they belong to are left out, so editing them stays an update in place:
// array methods', promise reactions, timers that fire once, immediately invoked functions,
// callbacks run inside a context or a transaction, Node's callback APIs that call back once, and
// listeners of a stream's own events on a parameter (`req.on("end", () => …)` in a request
// handler: each call makes its own, for the stream it was given).

import * as t from "@babel/types";

/** Methods whose callback runs during the call, or once when a promise settles. */
const PASSING_METHODS = new Set([
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
  "then",
  "catch",
  "finally",
  "nextTick",
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

/** Global functions whose callback runs once, soon. */
const PASSING_CALLS = new Set(["setTimeout", "setImmediate", "queueMicrotask"]);

/** The source text of the functions `fn` creates that may outlive a call, in order; "" when none. */
export function madeFunctionsText(fn: t.Node, source: string): string {
  const parts: string[] = [];
  // A kept function's text includes the functions inside it: nothing within it is looked at again.
  let coveredUntil = -1;
  // The first function met is the hot function itself (`fn` may be a cast or parentheses around it).
  let rootSeen = false;
  t.traverse(fn, {
    enter(node, ancestors) {
      if (!t.isFunction(node) || (node.start ?? 0) < coveredUntil) return;
      if (!rootSeen) {
        rootSeen = true;
        return;
      }
      const parent = ancestors[ancestors.length - 1];
      if (parent && (passes(node, parent.node) || listensToParameter(node, parent.node, ancestors))) return;
      parts.push(source.slice(node.start ?? 0, node.end ?? 0));
      coveredUntil = node.end ?? 0;
    },
  });
  return parts.join("\n");
}

/** Whether `parent` calls `fn` and lets go of it: an argument of a passing call, or invoked at once. */
function passes(fn: t.Function, parent: t.Node): boolean {
  if (t.isNewExpression(parent)) return t.isIdentifier(parent.callee, { name: "Promise" });
  if (!t.isCallExpression(parent) && !t.isOptionalCallExpression(parent)) return false;
  if (parent.callee === fn) return true;
  const callee = parent.callee;
  if (t.isIdentifier(callee)) return PASSING_CALLS.has(callee.name);
  if ((t.isMemberExpression(callee) || t.isOptionalMemberExpression(callee)) && !callee.computed) {
    return t.isIdentifier(callee.property) && PASSING_METHODS.has(callee.property.name);
  }
  return false;
}

/**
 * `req.on("end", fn)`: `fn` listens to a stream event of an object a function around it was
 * given. Such an object belongs to one call (a request, its response, a socket), and so does
 * the listener.
 */
function listensToParameter(fn: t.Function, parent: t.Node, ancestors: t.TraversalAncestors): boolean {
  if (!t.isCallExpression(parent) || parent.arguments[1] !== fn) return false;
  const { callee } = parent;
  const [event] = parent.arguments;
  if (!t.isMemberExpression(callee) || callee.computed || !t.isIdentifier(callee.property)) return false;
  if (!LISTENER_METHODS.has(callee.property.name) || !t.isStringLiteral(event) || !STREAM_EVENTS.has(event.value))
    return false;
  const object = callee.object;
  if (!t.isIdentifier(object)) return false;
  return ancestors.some(
    ({ node }) => t.isFunction(node) && node.params.some((param) => t.isIdentifier(param, { name: object.name })),
  );
}
