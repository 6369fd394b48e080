// Live tests: a test changes a source file while it runs, waits until chaud has reloaded it
// into this test file's module registry, and checks that the running code switched while its
// state stayed.
//
// chaud starts in a test file on the first `editFile()` or `nextReload()`: `init()` with the
// test file as the entry and a module system over Jest's registry (jest-modules.ts). Each test
// file has its own `globalThis`, so its own registry and its own chaud. Hooks registered when
// this module loads (so at the top level of the test file) put edited files back after each
// test, waiting for that reload too, and stop watching after the last test, so no watcher
// outlives the test file. Everything here is required lazily: the same module is the
// transformer Jest loads outside any test file.
//
// Longer than most files: the helpers a test file imports share one per-file state and its
// lifecycle hooks, which are clearer read together.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type * as Api from "../../runtime/index";
import type { ReloadOutcome } from "../../runtime/reload/outcome";
import type { JestModuleApi, JestModules } from "./modules";
import { settings } from "../../runtime/settings";

export type { ReloadOutcome };

/** The new content, or a function from the current content to the new one. */
export type Edit = string | ((source: string) => string);

export interface EditOptions {
  /** How long to wait for the reload, in ms; default 4000 (below Jest's default test timeout). */
  timeout?: number;
  /** Resolve with a `failed` outcome instead of rejecting when the new code fails to load. */
  allowFailure?: boolean;
}

const DEFAULT_TIMEOUT = 4000;
/** Past this, a write the watcher has not reported is reloaded directly (a missed event must not fail a test). */
const FALLBACK_AFTER = 750;
const HOOK_TIMEOUT = 20000;

interface JestGlobals {
  jest: JestModuleApi;
  expect: { getState(): { testPath?: string | undefined; currentTestName?: string | undefined } };
  afterEach(fn: () => unknown, timeout?: number): void;
  afterAll(fn: () => unknown, timeout?: number): void;
}

interface LiveState {
  /**
   * The runtime API module, loaded once: each reload empties Jest's registry, and a fresh
   * `require` would evaluate chaud's runtime (and watchpack) again in this test file.
   */
  api: typeof Api | null;
  hooks: boolean;
  modules: JestModules | null;
  testFile: string;
  /** Original content of each file edited in the current test. */
  edits: Map<string, string>;
}

const STATE = Symbol.for("chaud.jest.live.v1");

function state(): LiveState {
  const holder = globalThis as { [STATE]?: LiveState };
  return (holder[STATE] ??= { api: null, hooks: false, modules: null, testFile: "", edits: new Map() });
}

const api = (): typeof Api => (state().api ??= require("../../runtime/index") as typeof Api);

/** Jest's globals when this module runs inside a test file; null in Node's own module system. */
function jestGlobals(): JestGlobals | null {
  // Jest hands each module a plain object as `module`; Node's are instances of Module.
  if ((module as { constructor?: { name?: string } }).constructor?.name === "Module") return null;
  try {
    return require("@jest/globals") as JestGlobals;
  } catch {
    return null;
  }
}

/** Registers the restore and stop hooks, once per test file, if this runs where hooks may be added. */
export function installHooks(): void {
  const live = state();
  if (live.hooks) return;
  const globals = jestGlobals();
  if (!globals) return;
  try {
    // Inside a test, adding a hook would fail that test: editFile() says what to do instead.
    if (globals.expect.getState().currentTestName !== undefined) return;
    globals.afterEach(() => restoreEditedFiles(), HOOK_TIMEOUT);
    globals.afterAll(async () => {
      try {
        await restoreEditedFiles();
      } finally {
        stopLive();
      }
    }, HOOK_TIMEOUT);
    live.hooks = true;
  } catch {
    // before the test framework is installed (setupFiles): editFile() says what to do
  }
}

function fail(message: string): never {
  throw new Error(`chaud/jest: ${message}`);
}

/** Starts chaud for this test file if it is not running yet. */
function ensureStarted(): { modules: JestModules; testFile: string } {
  const live = state();
  if (live.modules && api().isRunning()) return { modules: live.modules, testFile: live.testFile };
  const globals = jestGlobals();
  if (!globals) fail("editFile() and nextReload() work inside a Jest test file.");
  if (!live.hooks)
    fail(
      "import chaud/jest at the top level of the test file (or in a setupFilesAfterEnv file), so that it can put edited files back after each test.",
    );
  const testFile = globals.expect.getState().testPath;
  if (!testFile) fail("Jest did not say which test file is running.");
  if (api().getRegistry().modules.size === 0) {
    fail(
      "hot reloading is off in this test file: no module compiled with chaud's plugin has loaded. Transform with " +
        `"chaud/jest" (or chaudTsJest()) and set CHAUD_HOT=1 or the transformer option enabled: true, and import the module under test before editing it.`,
    );
  }
  const { createJestModules } = require("./modules") as typeof import("./modules");
  const modules = createJestModules({ jest: globals.jest, cache: require.cache as Record<string, unknown>, testFile });
  // Code under test may have called init() (an app's entry does): that chaud watches Node's
  // require.cache, which is not where this test file's modules are. Start over with Jest's.
  if (api().isRunning()) api().stop();
  // Jest makes the test file every module's `require.main`, init()'s default entry: leaving the
  // entry implicit then lets that code's init(), run again by each reload, match these options
  // (a debug line, where different options would warn).
  const mainIsTestFile = (require.main as { filename?: string } | undefined)?.filename === testFile;
  api().init(mainIsTestFile ? { moduleSystem: modules } : { entry: testFile, moduleSystem: modules });
  if (!api().isRunning()) fail("chaud did not start in this test file (see the [chaud] lines above).");
  // A passing live test stays quiet: reloads are reported from "info" on (CHAUD_LOG=info).
  if (settings().log === undefined) api().logger.setLevel("warn", false);
  live.modules = modules;
  live.testFile = testFile;
  return { modules, testFile };
}

/** The key runtime/api.ts keeps its state under: present once anything in this test file loaded chaud's runtime. */
const RUNTIME_STATE = Symbol.for("chaud.runtime.v1");

/** Stops chaud in this test file, whoever started it: no watcher outlives the test file. */
function stopLive(): void {
  const live = state();
  live.modules = null;
  if ((live.api !== null || RUNTIME_STATE in globalThis) && api().isRunning()) api().stop();
}

/**
 * Writes a new version of `file` (relative to the test file's folder, or absolute), waits until
 * chaud has reloaded it into this test file's modules, and resolves with the reload's outcome.
 * The original content is written back after the test (and reloaded). Rejects when the new
 * code fails to load (unless `allowFailure`), when `file` is not loaded in this test file, when
 * the edit changes nothing, or when no reload comes within `timeout` ms.
 */
export async function editFile(file: string, edit: Edit, options: EditOptions = {}): Promise<ReloadOutcome> {
  const { modules, testFile } = ensureStarted();
  const path = resolve(dirname(testFile), file);
  const shown = relative(process.cwd(), path) || path;
  modules.refresh();
  if (!modules.isLoaded(path))
    fail(`${shown} is not loaded in this test file: import it (directly or through another module) before editing it.`);
  const source = readFileSync(path, "utf8");
  const next = typeof edit === "function" ? edit(source) : edit;
  if (typeof next !== "string") fail(`the edit of ${shown} returned ${typeof next}, not the new source text.`);
  // Most often a `replace` that matched nothing: better said here than by a puzzling assertion.
  if (next === source) fail(`the edit left ${shown} unchanged.`);
  const edits = state().edits;
  if (!edits.has(path)) edits.set(path, source);
  // The watch list catches up on a timer: let it, so the watcher reports this write.
  await new Promise<void>((done) => setImmediate(done));
  const outcome = await writeAndWait(path, next, options.timeout ?? DEFAULT_TIMEOUT, shown);
  if (outcome.kind === "failed" && options.allowFailure !== true) {
    const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    throw new Error(
      `chaud/jest: the edit of ${shown} did not load: ${reason}\nThe previous version is still running.`,
      { cause: outcome.error },
    );
  }
  return outcome;
}

/** Writes `content` and resolves with the outcome of the batch that reloads `path`. */
function writeAndWait(path: string, content: string, timeout: number, shown: string): Promise<ReloadOutcome> {
  const runtime = api();
  return new Promise<ReloadOutcome>((resolvePromise, reject) => {
    const timers: NodeJS.Timeout[] = [];
    const unsubscribe: Array<() => unknown> = [];
    const finish = (settle: () => void): void => {
      for (const timer of timers) clearTimeout(timer);
      for (const off of unsubscribe) off();
      settle();
    };
    const mine = (outcome: ReloadOutcome): boolean =>
      (outcome.kind === "reloaded" || outcome.kind === "failed") && outcome.files.includes(path);
    unsubscribe.push(
      runtime.on("reload", (event) => mine(event.outcome) && finish(() => resolvePromise(event.outcome))),
      runtime.on("error", (event) => mine(event.outcome) && finish(() => resolvePromise(event.outcome))),
    );
    try {
      writeFileSync(path, content);
    } catch (error) {
      finish(() => reject(error));
      return;
    }
    // Reloading directly after a missed watch event is harmless: content hashes make the
    // second of two reloads of the same bytes a no-op.
    const reloadDirectly = (): void => {
      runtime.logger.debug(
        `${shown} was written ${FALLBACK_AFTER} ms ago and no reload of it has finished: reloading it directly`,
      );
      void runtime.reload([path]).catch(() => undefined);
    };
    timers.push(setTimeout(reloadDirectly, FALLBACK_AFTER));
    timers.push(
      setTimeout(
        () =>
          finish(() =>
            reject(new Error(`chaud/jest: ${shown} was written, but chaud did not reload it within ${timeout} ms.`)),
          ),
        timeout,
      ),
    );
  });
}

/**
 * Writes back every file edited since the last restore, waiting for each reload, so the next
 * test starts from the original code. Runs after each test; call it to restore sooner.
 */
export async function restoreEditedFiles(options: { timeout?: number } = {}): Promise<void> {
  const live = state();
  const edits = [...live.edits].reverse();
  live.edits.clear();
  const problems = new Map<string, string>();
  for (const [path, original] of edits) {
    let current: string | null;
    try {
      current = readFileSync(path, "utf8");
    } catch {
      current = null;
    }
    if (current === original) continue;
    const shown = relative(process.cwd(), path) || path;
    if (!live.modules || !api().isRunning()) {
      writeFileSync(path, original);
      continue;
    }
    try {
      const outcome = await writeAndWait(path, original, options.timeout ?? DEFAULT_TIMEOUT, shown);
      if (outcome.kind === "failed")
        problems.set(path, `${shown} is restored on disk, but its reload failed: ${String(outcome.error)}`);
    } catch (error) {
      problems.set(
        path,
        `${shown} is restored on disk, but: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  // A file restored before another it depends on may fail to load alone: now that every file
  // is back, reload those together once more.
  if (problems.size > 0 && live.modules && api().isRunning()) {
    const outcome = await api().reload([...problems.keys()]);
    if (outcome.kind === "reloaded") problems.clear();
  }
  if (problems.size > 0) fail([...problems.values()].join("\n"));
}

/** The outcome of the next reload batch in this test file (chaud starts watching if it was not). */
export function nextReload(options: { timeout?: number } = {}): Promise<ReloadOutcome> {
  const { modules } = ensureStarted();
  modules.refresh();
  return api().nextReload(options);
}
