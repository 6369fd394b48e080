// `node -r chaud/register app.js` (and `NODE_OPTIONS=-r chaud/register`): compiles the
// workspace's files with Babel and chaud's plugin as Node loads them, then starts chaud.
// `npx chaud` runs programs through this file.

import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { init } from "../runtime/api";
import { createCommonJsModules } from "../runtime/modules/commonjs";
import type * as Combined from "../runtime/modules/combined";
import { configureLogger, log, warn } from "../runtime/logger";
import { installRequireHook } from "./require-hook";
import { transformFile, warmUp } from "./transform";
import { safely } from "../runtime/safely";
import { createTransformCache, enableCompileCache, flushCompileCache } from "./transform-cache";
import { findWorkspace } from "../runtime/watch/workspace";
import type * as EsmLoader from "./esm-loader";
import { createColdStart } from "./cold-start";
import { COMPILE_WORKER_ENV } from "./compile-pool";
import { ReloadCompiler } from "./reload-compiler";
import { isMainThread } from "node:worker_threads";
import { isCommonJsFile } from "../runtime/modules/format";
import { isEsmEntry } from "../runtime/modules/esm-without-loader";
import { setHotInEnvironment, settings } from "../runtime/settings";
import { linkToSupervisor } from "../integration/cli/supervisor-link";
import { describeProgramToWorkers, programOfThisWorker } from "./worker-threads";

const REGISTERED = Symbol.for("chaud.register.v1");

/** When the chaud command's program readies its reload compiler if no start line said it has loaded. */
const READY_FOR_SAVES_FALLBACK_MS = 2000;
/** The program's files the reload compiler rehearses on (compile-worker.ts). */
const REHEARSAL_FILES = 12;

/** Files Babel compiles (JSON and other modules load as they are). */
const SCRIPT = /\.[cm]?[jt]sx?$/;

/**
 * Whether this module came in through `--import` (the way to ask for ESM support). A CommonJS
 * entry started with `-r` gets no loader thread: starting one costs more at start than the
 * imports such a program rarely makes are worth.
 */
function loadedThroughImport(): boolean {
  const flags = [...process.execArgv, settings().nodeOptions].join(" ");
  return [...flags.matchAll(/--import[= ]\s*(\S+)/g)].some((match) =>
    /chaud.*register|loader[\\/]register\.js/.test(match[1] ?? ""),
  );
}

function register(): void {
  const holder = globalThis as { [REGISTERED]?: boolean };
  if (holder[REGISTERED]) return;
  holder[REGISTERED] = true;
  // A compile worker of chaud's own (compile-pool.ts), reached by a NODE_OPTIONS preload.
  if (!isMainThread && process.env[COMPILE_WORKER_ENV]) return;
  configureLogger();

  const environment = settings();
  if (environment.production && !environment.hot) {
    log.info("NODE_ENV=production: chaud/register compiles and watches nothing. Set CHAUD_HOT=1 to hot reload anyway.");
    return;
  }
  // The plugin reads this when its option is absent; programs this one starts inherit it.
  setHotInEnvironment();
  process.setSourceMapsEnabled(true);

  // A worker thread of the program compiles and watches the program's workspace. Its own main
  // file is not in process.argv yet under `-r` (it is once the preloads have run), and a worker
  // of code (`eval: true`) has none: the program's entry stands for it until then.
  const program = programOfThisWorker();
  const entryArgument = program ? (existingFile(process.argv[1]) ?? program.entry) : process.argv[1];
  if (!entryArgument) {
    log.info("chaud/register: no entry file (REPL or --eval?), nothing to compile or watch");
    return;
  }
  const entry = mainFile(resolve(entryArgument));
  const workspace = findWorkspace(program ? mainFile(resolve(program.entry)) : entry);
  const withEsm = isEsmEntry(entry, isCommonJsFile) || loadedThroughImport();
  // A CommonJS start loads its modules in one synchronous run, which the pack is made for; with
  // ES modules loading spreads over many ticks, and entry files serve it. A worker's files are
  // a part of the program's: its pack stays the main thread's.
  const cache = createTransformCache({
    cwd: workspace.root,
    onWarn: (message) => warn(message),
    ...(withEsm || program ? {} : { pack: entry }),
  });
  safely("chaud could not turn on V8's compile cache", () => enableCompileCache(cache));
  // Without a compile cache turned on, Node has nothing to write.
  const writeCompileCache = (): void => safely("chaud could not write V8's compile cache", () => flushCompileCache());
  // Everything the require hook hands over is being `require`d: it must come out CommonJS.
  const compile = (file: string, source: string, hotOnly: boolean): string =>
    withPlainStacks(
      () =>
        transformFile(file, source, { cache, cwd: workspace.root, commonjs: true, hotOnly, mode: environment.mode })
          .code,
    );
  // Compiled while a save's burst window was still open (prepare, below), by file: the reload
  // takes the code when the file still holds the source it was compiled from. On the reload
  // compiler's worker thread when it runs, else here.
  const ahead = new Map<string, { source: string; hotOnly: boolean; code: string }>();
  let reloadCompiler: ReloadCompiler | null = null;
  const transform = (file: string, source: string, hotOnly = false): string => {
    const prepared = ahead.get(file);
    if (prepared !== undefined) {
      ahead.delete(file);
      if (prepared.source === source && prepared.hotOnly === hotOnly) return prepared.code;
    }
    const compiled = reloadCompiler?.take(file, source, { hotOnly, commonjs: true });
    if (compiled) {
      // Into the cache (for an undo, or the next start) once the batch waiting for it is done.
      setImmediate(() => cache.set(compiled.key, compiled.code));
      return compiled.code;
    }
    return compile(file, source, hotOnly);
  };
  const coldStart = createColdStart({
    cache,
    cwd: workspace.root,
    // A worker's few files of its own compile in it: no pool of threads per worker.
    ...(program ? { env: { ...process.env, CHAUD_INTERNAL_COMPILE_WORKERS: "0" } } : {}),
    claims: (file) => workspace.isWatchable(file),
    transform: (file, source) => transform(file, source),
    infoVisible: log.getLevel() <= log.levels.INFO,
    debug: (message) => log.debug(message),
  });
  installRequireHook({
    shouldTransform: (file) => workspace.isWatchable(file),
    transform: (file, source) => coldStart.transform(file, source),
  });

  // In mode "all" every script has hot parts, markers or not; a JSON module has none.
  const hasHotParts = (source: string): boolean => environment.mode === "all" || source.includes("@chaud");
  const compileHotOnly = (file: string): string | null => {
    if (!SCRIPT.test(file)) return null;
    const source = readFileSync(file, "utf8");
    return hasHotParts(source) ? transform(file, source, true) : null;
  };
  // What a reload of a changed file compiles first: its hot-only version where it has hot parts
  // (an update in place; an ES module's runs as a function over its imports), else a CommonJS
  // file's whole new version (an ES module's is the loader hooks' to compile).
  const prepare = (file: string): void => {
    if (!SCRIPT.test(file)) return;
    const source = readFileSync(file, "utf8");
    const hotOnly = hasHotParts(source);
    if (!hotOnly && !isCommonJsFile(file)) return;
    startReloadCompiler(); // at the first save of a `-r` start
    if (reloadCompiler?.alive) {
      reloadCompiler.prepare(file, { hotOnly, commonjs: true });
      // Should the update in place be refused (an edit outside hot bodies), a CommonJS file is
      // evaluated again: its whole version comes next, on the worker, while the batch runs.
      if (hotOnly && isCommonJsFile(file)) reloadCompiler.prepare(file, { hotOnly: false, commonjs: true });
    } else ahead.set(file, { source, hotOnly, code: compile(file, source, hotOnly) });
  };
  // CHAUD_INTERNAL_RELOAD_WORKER=0 (benchmarks): reloads compile on the program's thread.
  let reloadCompilerTried = false;
  const startReloadCompiler = (): void => {
    // A worker thread compiles its reloads itself: a compiler thread per worker of a pool would
    // load Babel as many times.
    if (reloadCompilerTried || program || process.env["CHAUD_INTERNAL_RELOAD_WORKER"] === "0") return;
    reloadCompilerTried = true; // one try: a worker that cannot start warns once
    safely("chaud could not start its reload compiler (reloads compile on the program's thread)", () => {
      const rehearsalFiles = Object.keys(require.cache)
        .filter((file) => SCRIPT.test(file) && workspace.isWatchable(file))
        .slice(0, REHEARSAL_FILES);
      reloadCompiler = new ReloadCompiler({
        cwd: workspace.root,
        warmUpFile: entry,
        // An ES module program's files are not in require.cache: its entry stands for them.
        rehearsalFiles: rehearsalFiles.length > 0 ? rehearsalFiles : [entry],
        mode: environment.mode,
      });
    });
  };
  // ES modules load through chaud's loader hooks, CommonJS files through the require hook;
  // one module graph spans both.
  const commonjs = createCommonJsModules({ compileHotOnly });
  // The ESM loader and its hooks load only for a start that uses them.
  const esm = withEsm
    ? (require("./esm-loader") as typeof EsmLoader).installEsmLoader(entry, { compileHotOnly })
    : null;
  // After a cold start (cache misses), the start line says what compiling cost.
  const startupNote = (): string | null => {
    coldStart.finish(); // the progress line, if any, makes way for the start line
    const stats = cache.stats();
    const files = stats.transformed + (esm?.compiled.files ?? 0);
    const ms = stats.transformMs + (esm?.compiled.ms ?? 0);
    return files > 0 ? `compiled ${files} files in ${Math.round(ms)} ms (cached for the next start)` : null;
  };
  // The program the chaud command started itself (not a process or a thread of it).
  const startedByCommand = isMainThread && environment.supervised !== null;
  // Before a restart: the changed files' whole versions into the cache, for the next start.
  const supervisor = linkToSupervisor((files) => {
    const scripts = files.filter((file) => SCRIPT.test(file));
    const kindOf = (file: string) => ({ hotOnly: false, commonjs: isCommonJsFile(file) });
    for (const file of scripts)
      if (!reloadCompiler?.has(file, kindOf(file))) reloadCompiler?.prepare(file, kindOf(file));
    for (const file of scripts) {
      const source = readFileSync(file, "utf8");
      const compiled = reloadCompiler?.take(file, source, kindOf(file));
      if (compiled) cache.set(compiled.key, compiled.code);
      else transformFile(file, source, { cache, cwd: workspace.root, commonjs: kindOf(file).commonjs });
    }
    writeCompileCache(); // what this program loaded since it started
  });
  describeProgramToWorkers({ entry });
  // Under the chaud command, the first save is decided by compiling (a hot-only version, or
  // the files a restart needs): the reload compiler is readied once the program has loaded (its
  // start line), so that it neither competes with the loading nor is still loading Babel when a
  // save closely follows a restart. Without it, Babel loads here. The timer stands in for a
  // start line that never comes.
  let readied = false;
  const readyForSaves = (): void => {
    if (readied || !startedByCommand) return;
    readied = true;
    startReloadCompiler();
    if (!reloadCompiler)
      safely("chaud could not load Babel ahead of the first save", () => warmUp(entry, workspace.root));
  };
  if (startedByCommand) setTimeout(readyForSaves, READY_FOR_SAVES_FALLBACK_MS).unref();
  const start = (ownEntry: string): void =>
    void init({
      entry: ownEntry,
      compileHotOnly,
      prepare,
      startupNote,
      onStarted: () => {
        readyForSaves();
        writeCompileCache();
      },
      moduleSystem: esm
        ? (require("../runtime/modules/combined") as typeof Combined).combineModuleSystems(commonjs, esm)
        : commonjs,
      ...(supervisor ? { supervisor } : {}),
    });
  // A worker's main file, whose top-level code never re-runs, is known once it is loading.
  if (program && !process.argv[1]) setImmediate(() => start(mainFile(resolve(existingFile(process.argv[1]) ?? entry))));
  else start(entry);
}

/**
 * Runs `compile` with stack traces that skip source maps: Babel reads an Error's stack each
 * time it builds code from a template, and mapping those stacks cost 8-15% of each compile.
 * Errors that reach the program format their stack later, source-mapped as usual.
 */
function withPlainStacks<T>(compile: () => T): T {
  const enabled = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? true;
  if (!enabled) return compile();
  process.setSourceMapsEnabled(false);
  try {
    return compile();
  } finally {
    process.setSourceMapsEnabled(true);
  }
}

/** `argument` when it names a file or folder that exists (a worker's process.argv[1] may not). */
function existingFile(argument: string | undefined): string | null {
  return argument !== undefined && existsSync(resolve(argument)) ? argument : null;
}

/** `electron .` (under `NODE_OPTIONS="-r chaud/register"`) names the app folder: its package.json names the main file. */
function mainFile(entry: string): string {
  try {
    if (statSync(entry).isDirectory()) return require.resolve(entry);
  } catch {
    // not a folder, or its main does not resolve: keep the path as it is
  }
  return entry;
}

register();
