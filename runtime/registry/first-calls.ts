// Which hot functions ran only at start-up. An edit of `main()` or of `setupRoutes(app)`
// updates a function nothing calls again, and the routes it registered keep their old
// handlers: the chaud command restarts for those, so an edit never leaves stale code running.
//
// Until a function has run outside start-up, its stub calls a watcher that records where each
// call came from; after that the stub calls the implementation directly. A call is at start-up
// when a module's top-level code is on the stack (Node's CommonJS loader, `Module._compile`,
// or its ES module job, `ModuleJob.run`, `runSync` for `require()` of one), or, for a
// function's first call, when its caller is a function that ran at start-up, resumed after an
// `await`: `main()` calling `setupRoutes(app)` after connecting to a database, or when an ES
// module's own top-level code is below it with no loader frame (resumed after a top-level
// `await`, or awaiting the caller). A function such code calls again is a loop's (a game
// loop's `update()`): it counts as later.
// A callback the top level passes to a call that calls it once (`.then(fn)`, `setTimeout(fn)`;
// compiled with "once") is at start-up whenever it runs.

import type { AnyFunction, HotEntry } from "./types";

/** Loader frames that run a module's top-level code (Node's CommonJS loader and ES module job). */
const EVALUATING_FRAME = /^node:internal\/modules\//;
const EVALUATING_FUNCTION = new Set(["_compile", "run", "runSync"]);
const NODE_INTERNAL = /^node:/;
const DEPENDENCY = /[\\/]node_modules[\\/]/;
/** How stack frames name a module's file: a file: URL, or an absolute path (POSIX, Windows). */
const MODULE_FILE = /^(?:file:|\/|[A-Za-z]:[\\/]|\\\\)/;
/** Enough frames to reach the loader from a call a few functions deep in a module's top-level code. */
const FRAMES = 64;
/** Job boundaries come from a promise of this realm taken at load: fake timers cannot stop them. */
const RESOLVED = Promise.resolve();

/**
 * Module evaluations under way in this thread, as chaud's CommonJS load hook counts them: a call
 * while one runs is at start-up without reading the stack (a thousand-module start calls many
 * functions from top-level code, and each read costs tens of microseconds).
 */
let evaluations = 0;

/** Runs `evaluate` (a module's load) counted as a module evaluation. */
export function evaluatingModule<T>(evaluate: () => T): T {
  evaluations++;
  try {
    return evaluate();
  } finally {
    evaluations--;
  }
}

/**
 * `<file>\0<name>`, as stack frames name functions, of the watched functions that ran at
 * start-up and not since, and of those that ran later: how many of each, as methods of two
 * classes (or a method and a function) of one module may share a name.
 */
const startupFunctions = new Map<string, number>();
const laterFunctions = new Map<string, number>();

function count(counts: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/** Counts JavaScript jobs (a microtask checkpoint ends one): a synchronous run is one job. */
let job = 0;
let jobEndScheduled = false;
function currentJob(): number {
  if (!jobEndScheduled) {
    jobEndScheduled = true;
    void RESOLVED.then(() => {
      job++;
      jobEndScheduled = false;
    });
  }
  return job;
}

/**
 * Where a call comes from: a module's top-level code ("evaluating"), a function that ran at
 * start-up resumed after an `await` ("resumed"), or anything else ("later").
 */
type CallPlace = "evaluating" | "resumed" | "later";

/**
 * The function `entry`'s stub calls until the function runs outside start-up; it then sets
 * `entry.target.fn` to the implementation. `file`: its module's file as stack frames name it (a path,
 * a file: URL for an ES module).
 */
export function watcherOf(entry: HotEntry, file: string | null, runsOnce = false): AnyFunction {
  // The job of the last call found at start-up: the rest of that synchronous run is the same
  // start-up (a loop calling the function), so it is not looked at again.
  let atStartInJob = -1;
  /** This function's key while it counts among the start-up functions. */
  let counted: string | null = null;
  const name = (): string | null => (file !== null && entry.impl.name !== "" ? `${file}\0${entry.impl.name}` : null);
  return function watcher(this: unknown): unknown {
    const impl = entry.impl;
    const now = currentJob();
    if (atStartInJob !== now) {
      // A function the top level passes to `.then()` or `setTimeout()` runs once: at start-up.
      const place = runsOnce || evaluations > 0 ? "evaluating" : placeOfCall();
      if (place === "evaluating" || (place === "resumed" && entry.ran === "not-yet")) {
        atStartInJob = now;
        entry.ran = "at-start";
        if (counted === null && (counted = name()) !== null) count(startupFunctions, counted, 1);
      } else {
        entry.ran = "later";
        entry.target.fn = impl;
        if (counted !== null) count(startupFunctions, counted, -1);
        counted = null;
        const key = name();
        if (key !== null) count(laterFunctions, key, 1);
      }
    }
    // eslint-disable-next-line prefer-rest-params
    const args = arguments;
    return new.target !== undefined ? Reflect.construct(impl, args, new.target) : Reflect.apply(impl, this, args);
  };
}

/** Reads the stack below the current call (without formatting it) for what calls it. */
function placeOfCall(): CallPlace {
  const sites = callSites();
  if (sites === null) return "later";
  for (const site of sites) {
    if (EVALUATING_FRAME.test(site.getFileName() ?? "") && EVALUATING_FUNCTION.has(site.getMethodName() ?? "")) {
      return "evaluating";
    }
  }
  // A module's own top-level code below, with no loader frame: an ES module resumed after a
  // top-level `await` (`await db.connect(); setupRoutes(app)`), or awaiting the function that
  // made this call. Start-up, for a first call: a loop in that code calls again later.
  if (sites.some(isModuleTopLevel)) return "resumed";
  // The caller: the nearest frame below, async frames included, of a watched function of the
  // program (Node's, dependencies' and the registry's frames are passed over, and so are
  // constructors, callbacks and other functions nothing watches). One that ran at start-up and
  // not since is start-up resumed after an `await`: `main()` calling `setupRoutes(app)` after
  // connecting to a database, `bootstrap()` awaiting NestJS, which calls `onModuleInit()`.
  if (startupFunctions.size === 0) return "later";
  for (const site of sites) {
    const file = site.getFileName();
    if (isForeign(file) || (OWN_FOLDER !== null && file!.startsWith(OWN_FOLDER))) continue;
    const name = site.getFunctionName();
    if (!name) continue;
    const key = `${file}\0${name}`;
    if (startupFunctions.has(key)) return "resumed";
    if (laterFunctions.has(key)) return "later";
  }
  return "later";
}

/** A frame not of the program's own code: Node's, a dependency's, or one with no file (a stub, `Promise.all`). */
function isForeign(file: string | null | undefined): boolean {
  return !file || NODE_INTERNAL.test(file) || DEPENDENCY.test(file);
}

/**
 * A frame of a module's top-level code: unnamed, in a module file (a path or a file: URL, not
 * eval or a `vm` script's name), its code starting where the file does. A function of a module
 * chaud compiled starts further in, after the imports; an unnamed function at the very start of
 * a file chaud did not compile would count too, making at most its callee's first call start-up.
 */
function isModuleTopLevel(site: NodeJS.CallSite): boolean {
  const file = site.getFileName();
  return (
    typeof file === "string" &&
    MODULE_FILE.test(file) &&
    !site.isEval() &&
    !site.getFunctionName() &&
    site.getEnclosingLineNumber?.() === 1 &&
    site.getEnclosingColumnNumber?.() === 1
  );
}

/** The registry's folder as stack frames name it: its frames are skipped when looking for a caller. */
const OWN_FOLDER = ((): string | null => {
  const file = callSites()?.[0]?.getFileName();
  return file ? file.slice(0, Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1) : null;
})();

/** The structured stack below the caller of this function, or null where V8's API is missing or locked. */
function callSites(): NodeJS.CallSite[] | null {
  const capture = (Error as { captureStackTrace?: (target: object, below?: unknown) => void }).captureStackTrace;
  if (typeof capture !== "function") return null;
  const { prepareStackTrace, stackTraceLimit } = Error;
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.stackTraceLimit = FRAMES;
    capture(holder, callSites);
    // V8 formats the stack when it is first read, so it is read while the override is in place.
    const sites = holder.stack;
    return Array.isArray(sites) ? (sites as NodeJS.CallSite[]) : null;
  } catch {
    // A frozen Error (--frozen-intrinsics) or a getter-only property: no stack to read.
    return null;
  } finally {
    restore(() => (Error.prepareStackTrace = prepareStackTrace));
    restore(() => (Error.stackTraceLimit = stackTraceLimit));
  }
}

function restore(assign: () => unknown): void {
  try {
    assign();
  } catch {
    // It could not be changed either.
  }
}
