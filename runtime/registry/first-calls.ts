// Which hot functions ran only at start-up. An edit of `main()` or of `setupRoutes(app)`
// updates a function nothing calls again, and the routes it registered keep their old
// handlers: the chaud command restarts for those, so an edit never leaves stale code running.
//
// Until a function has run outside module evaluation, its stub calls a watcher that records
// where each call came from; after that the stub calls the implementation directly, so a
// function in use costs nothing more per call. A call is "at start-up" when a module's
// top-level code is on the stack: Node's CommonJS loader (`Module._compile`) or its ES module
// job (`ModuleJob.run`, `runSync` for `require()` of one). Calls after an `await` in `main()` no longer have it there and count
// as later: the check errs towards updating in place, which is what chaud did before.

import type { HotEntry } from "./types";

/** Loader frames that run a module's top-level code (Node's CommonJS loader and ES module job). */
const EVALUATING_FRAME = /^node:internal\/modules\//;
const EVALUATING_FUNCTION = new Set(["_compile", "run", "runSync"]);
/** Enough frames to reach the loader from a call a few functions deep in a module's top-level code. */
const FRAMES = 64;

/** Set by a stack check that found a module evaluating; cleared when the current job ends. */
let evaluating = false;

/** Makes `entry`'s stub go through a watcher until the function runs outside start-up. */
export function watchFirstCalls(entry: HotEntry): void {
  if (entry.ran === "later") return;
  entry.fn = function watcher(this: unknown): unknown {
    const impl = entry.impl;
    if (evaluating || moduleEvaluating()) {
      entry.ran = "at-start";
    } else {
      entry.ran = "later";
      entry.fn = impl;
    }
    // eslint-disable-next-line prefer-rest-params
    const args = arguments;
    return new.target !== undefined ? Reflect.construct(impl, args, new.target) : Reflect.apply(impl, this, args);
  };
}

/** Whether a module's top-level code is running below the current call. */
function moduleEvaluating(): boolean {
  const capture = (Error as { captureStackTrace?: (target: object, below?: unknown) => void }).captureStackTrace;
  if (typeof capture !== "function") return false;
  const { prepareStackTrace, stackTraceLimit } = Error;
  const holder: { stack?: unknown } = {};
  let sites: unknown;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = FRAMES;
    capture(holder, moduleEvaluating);
    // V8 formats the stack when it is first read, so it is read while the override is in place.
    sites = holder.stack;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (!Array.isArray(sites)) return false;
  const found = (sites as NodeJS.CallSite[]).some(
    (site) =>
      EVALUATING_FRAME.test(site.getFileName() ?? "") &&
      EVALUATING_FUNCTION.has(site.getMethodName() ?? site.getFunctionName() ?? ""),
  );
  if (found) {
    // The rest of this synchronous run is the same evaluation: no need to look again.
    evaluating = true;
    queueMicrotask(() => (evaluating = false));
  }
  return found;
}
