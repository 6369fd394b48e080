// Which hot functions ran only at start-up. An edit of `main()` or of `setupRoutes(app)`
// updates a function nothing calls again, and the routes it registered keep their old
// handlers: the chaud command restarts for those, so an edit never leaves stale code running.
//
// Until a function has run outside start-up, its stub calls a watcher that records where each
// call came from; after that the stub calls the implementation directly. A call is at start-up
// when a module's top-level code is on the stack (Node's CommonJS loader, `Module._compile`,
// or its ES module job, `ModuleJob.run`, `runSync` for `require()` of one), or, for a
// function's first call, when a function that ran at start-up is: `main()` resumed after an
// `await` and calling `setupRoutes(app)`. A function such a resumed start-up function calls
// again is a loop's (a game loop's `update()`, a worker's `handle(job)`): it counts as later.

import type { AnyFunction, HotEntry } from "./types";

/** Loader frames that run a module's top-level code (Node's CommonJS loader and ES module job). */
const EVALUATING_FRAME = /^node:internal\/modules\//;
const EVALUATING_FUNCTION = new Set(["_compile", "run", "runSync"]);
/** Enough frames to reach the loader from a call a few functions deep in a module's top-level code. */
const FRAMES = 64;

/** Set by a stack check that found a module evaluating; cleared when the current job ends. */
let evaluating = false;
/** `<file>\0<name>` of the functions that ran at start-up, as stack frames name them. */
const startupFunctions = new Set<string>();

/**
 * Where a call comes from: a module's top-level code ("evaluating"), a function that ran at
 * start-up resumed after an `await` ("resumed"), or anything else ("later").
 */
type CallPlace = "evaluating" | "resumed" | "later";

/**
 * The function `entry`'s stub calls until the function runs outside start-up; it then sets
 * `entry.fn` to the implementation. `file`: its module's file as stack frames name it (a path,
 * a file: URL for an ES module).
 */
export function watcherOf(entry: HotEntry, file: string | null): AnyFunction {
  return function watcher(this: unknown): unknown {
    const impl = entry.impl;
    const place = evaluating ? "evaluating" : placeOfCall();
    if (place === "evaluating" || (place === "resumed" && entry.ran === "not-yet")) {
      if (entry.ran !== "at-start" && file !== null && impl.name !== "") {
        startupFunctions.add(`${file}\0${impl.name}`);
      }
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

/** Reads the stack below the current call (without formatting it) for what calls it. */
function placeOfCall(): CallPlace {
  const capture = (Error as { captureStackTrace?: (target: object, below?: unknown) => void }).captureStackTrace;
  if (typeof capture !== "function") return "later";
  const { prepareStackTrace, stackTraceLimit } = Error;
  const holder: { stack?: unknown } = {};
  let sites: unknown;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = FRAMES;
    capture(holder, placeOfCall);
    // V8 formats the stack when it is first read, so it is read while the override is in place.
    sites = holder.stack;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (!Array.isArray(sites)) return "later";
  let resumed = false;
  for (const site of sites as NodeJS.CallSite[]) {
    const file = site.getFileName() ?? "";
    if (EVALUATING_FRAME.test(file)) {
      if (EVALUATING_FUNCTION.has(site.getMethodName() ?? site.getFunctionName() ?? "")) {
        // The rest of this synchronous run is the same evaluation: no need to look again.
        evaluating = true;
        queueMicrotask(() => (evaluating = false));
        return "evaluating";
      }
    } else if (!resumed && startupFunctions.size > 0) {
      const name = site.getMethodName() ?? site.getFunctionName();
      resumed = name !== null && startupFunctions.has(`${file}\0${name}`);
    }
  }
  return resumed ? "resumed" : "later";
}
