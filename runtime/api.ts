// chaud's public runtime API: init, on, nextReload, reload, status, epoch, stop.

import { resolve as resolvePath } from "node:path";
import { Controller, type ErrorEvent, type InitOptions, type ReloadEvent } from "./controller";
import { DEFAULT_AGGREGATE_TIMEOUT, hotFromEnvironment, settings } from "./settings";
import { complainIfWarningsHidden, configureLogger, log } from "./logger";
import { getRegistry } from "./registry/registry";
import type { ReloadOutcome } from "./reload/outcome";
import { openWatcherCount } from "./watch/watcher";
import { createCommonJsModules } from "./modules/commonjs";
import { combineModuleSystems } from "./modules/combined";
import { isCommonJsFile } from "./modules/format";
import { isEsmEntry, plainEsmModules } from "./modules/esm-without-loader";

export type { ErrorEvent, InitOptions, ReloadEvent, ReloadOutcome };

const STATE = Symbol.for("chaud.runtime.v1");

interface RuntimeState {
  controller: Controller | null;
  listeners: { reload: Set<(event: ReloadEvent) => void>; error: Set<(event: ErrorEvent) => void> };
}

function state(): RuntimeState {
  const holder = globalThis as { [STATE]?: RuntimeState };
  return (holder[STATE] ??= { controller: null, listeners: { reload: new Set(), error: new Set() } });
}

/** Whether the runtime is watching now. */
export function isRunning(): boolean {
  const controller = state().controller;
  return controller !== null && !controller.isStopped;
}

function sameOptions(a: InitOptions, b: InitOptions): boolean {
  return (
    (a.entry ?? null) === (b.entry ?? null) &&
    (a.aggregateTimeout ?? DEFAULT_AGGREGATE_TIMEOUT) === (b.aggregateTimeout ?? DEFAULT_AGGREGATE_TIMEOUT) &&
    (a.poll ?? false) === (b.poll ?? false)
  );
}

/**
 * Starts hot reloading: finds the workspace, watches the loaded files of the entry's package
 * and the workspace packages it depends on, and reloads them when they change. Safe to call
 * more than once.
 */
export function init(options: InitOptions = {}): void {
  configureLogger();
  const current = state().controller;
  if (current && !current.isStopped) {
    if (sameOptions(current.options, options)) log.debug("init() called again; chaud is already running");
    else log.warn("init() called again with different options; chaud keeps running with the options it started with");
    return;
  }
  const environment = settings();
  if (environment.production && !environment.hot) {
    log.info("NODE_ENV=production: chaud does not watch or reload. Set CHAUD_HOT=1 to hot reload anyway.");
    return;
  }
  const entry = options.entry ?? require.main?.filename ?? process.argv[1];
  if (!entry) {
    log.info("no entry module (REPL or eval?): nothing to watch");
    return;
  }
  try {
    const controller = new Controller(entry, withModuleSystem(entry, options), state().listeners);
    state().controller = controller;
    complainIfWarningsHidden();
    // init() often runs before the program's own modules load, so whether the plugin is on
    // (a module compiled with it registered) is known only once the entry has run.
    const pluginOn = (): boolean => hotFromEnvironment() || getRegistry().modules.size > 0;
    setImmediate(() => {
      if (controller.isStopped) return;
      if (!pluginOn()) {
        controller.stop();
        log.info(
          "chaud's Babel plugin is not on (CHAUD_HOT is not 1 and no module compiled with the plugin has loaded): nothing to hot reload. Run with `npx chaud`, `-r chaud/register`, or enable the plugin.",
        );
        return;
      }
      // Said once the first files are watched and loading pauses; at the latest in a second.
      setTimeout(() => controller.printStartLine(), 1000).unref();
    }).unref();
  } catch (error) {
    log.error(
      `could not start: ${error instanceof Error ? error.message : String(error)}. The program runs without hot reloading.`,
    );
  }
}

/**
 * Without a module system from chaud/register, an ESM entry gets CommonJS plus the ESM
 * modules the registry hears about, and one line on what that cannot do.
 */
function withModuleSystem(entry: string, options: InitOptions): InitOptions {
  if (options.moduleSystem || !isEsmEntry(entry, isCommonJsFile)) return options;
  log.info(
    "ES modules without chaud's loader: a changed module is re-imported alone and hot functions update, but its importers are not re-linked. Start with `node --import chaud/register` (or `npx chaud`) to re-link them.",
  );
  const commonjs = createCommonJsModules({ compileHotOnly: options.compileHotOnly ?? (() => null) });
  return { ...options, moduleSystem: combineModuleSystems(commonjs, plainEsmModules(getRegistry())) };
}

/** Subscribes to `reload` (a batch committed) or `error` (a batch failed); returns an unsubscribe. */
export function on(event: "reload", listener: (event: ReloadEvent) => void): () => void;
export function on(event: "error", listener: (event: ErrorEvent) => void): () => void;
export function on(event: "reload" | "error", listener: (event: never) => void): () => void {
  const set = state().listeners[event] as Set<(event: never) => void> | undefined;
  if (!set) throw new TypeError(`chaud.on: unknown event "${String(event)}"; use "reload" or "error"`);
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * A promise of the next batch's outcome (committed or failed). While it waits, the process
 * stays alive; with `timeout` (ms) it rejects when no batch ends in time.
 */
export function nextReload(options: { timeout?: number } = {}): Promise<ReloadOutcome> {
  const { timeout } = options;
  if (timeout !== undefined && !(typeof timeout === "number" && timeout >= 0 && Number.isFinite(timeout))) {
    return Promise.reject(
      new TypeError(`chaud.nextReload: timeout must be a number of ms (0 or more), got ${String(timeout)}`),
    );
  }
  const controller = state().controller;
  if (!controller || controller.isStopped) return Promise.reject(new Error("chaud is not running: call init() first"));
  return controller.nextReload(timeout);
}

/** Reloads now: the given files, or every watched file whose content changed. */
export async function reload(paths?: string[]): Promise<ReloadOutcome> {
  const controller = state().controller;
  if (!controller || controller.isStopped) throw new Error("chaud is not running: call init() first");
  // Queued before this function first awaits: a watcher batch for the same save, arriving
  // meanwhile, must come after it, or this reload would find nothing left to do.
  return controller.reloadNow(paths?.map((path) => resolvePath(path)));
}

/** How many batches have committed since start: compare two readings to see whether a reload happened. */
export function epoch(): number {
  return state().controller?.committed ?? 0;
}

export interface Status {
  running: boolean;
  entry: string | null;
  workspaceRoot: string | null;
  packages: string[];
  watched: string[];
  registry: { hotFunctions: number; hotClasses: number; persisted: number; modules: number };
  reloads: { committed: number; failed: number };
  epoch: number;
  /** File watchers chaud holds open (0 once stopped). */
  openWatchers: number;
  /** Old ES module versions Node keeps alive because of reloads, and their approximate code size. */
  retained: { records: number; bytes: number };
}

/** What chaud is doing: files watched, registry entries, reload counts. */
export function status(): Status {
  const controller = state().controller;
  const registry = getRegistry();
  const running = controller !== null && !controller.isStopped;
  return {
    running,
    entry: controller?.entry ?? null,
    workspaceRoot: controller?.workspace.root ?? null,
    packages: controller?.workspace.watched.map((pkg) => pkg.name) ?? [],
    watched: running ? controller!.watchedFiles().map((file) => controller!.workspace.relative(file)) : [],
    registry: {
      hotFunctions: registry.hot.size,
      hotClasses: registry.classes.size,
      persisted: registry.cells.size,
      modules: registry.modules.size,
    },
    reloads: { committed: controller?.committed ?? 0, failed: controller?.failed ?? 0 },
    epoch: epoch(),
    openWatchers: openWatcherCount(),
    retained: controller?.retained() ?? { records: 0, bytes: 0 },
  };
}

/** Stops watching (hot functions keep working, with their current code). */
export function stop(): void {
  state().controller?.stop();
}
