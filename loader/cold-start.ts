// What the require hook adds to compiling while a program starts with files missing from the
// transform cache: after the first few misses, a pool of worker threads (compile-pool.ts)
// compiles the files each compiled file imports, ahead of their `require`; and on a terminal
// a progress line (compile-progress.ts) says how far compiling has got. Both end once the
// program's main module has loaded: later compiles (reloads, lazy requires) are few.

import NodeModule from "node:module";
import { dirname, extname } from "node:path";
import { isCommonJsFile } from "../runtime/modules/format";
import { CompilePool, poolSizeWhenStarted } from "./compile-pool";
import { CompileProgress, type ProgressStream } from "./compile-progress";
import type { TransformCache } from "./transform-cache";

/** Cache misses before the workers start: a warm start, or a few edited files, starts none. */
const MISSES_BEFORE_POOL = 5;

/** The extensions the require hook compiles (require-hook.ts), ES module ones excluded. */
const REQUIRED = /\.(?:c?[jt]s|[jt]sx)$/;

// `import x from "./a"`, `export * from "./a"`, `import "./a"`, `require("./a")`, `import("./a")`;
// `import type` and `export type` are left out, as their modules are never loaded. A match in a
// comment or a string costs a compile that nothing uses, never a wrong result.
const SPECIFIER =
  /\b(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s*)?["']([^"'\n]+)["']|\b(?:require|import)\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/** The module specifiers `source` loads at run time, in order, without duplicates. */
export function importSpecifiers(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(SPECIFIER)) {
    if (match[1]) continue;
    const specifier = match[2] ?? match[3];
    if (specifier && !specifier.startsWith("node:")) found.add(specifier);
  }
  return [...found];
}

interface ResolvingModule {
  _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
  _nodeModulePaths(from: string): string[];
  builtinModules: readonly string[];
}

export interface ColdStartOptions {
  cache: TransformCache;
  /** Babel's cwd (the workspace root). */
  cwd: string;
  /** Whether the require hook compiles `file`. */
  claims(file: string): boolean;
  /** The main thread's compile of a file being `require`d. */
  transform(file: string, source: string): string;
  env?: NodeJS.ProcessEnv;
  stream?: ProgressStream;
  /** Whether the logger shows info lines. */
  infoVisible: boolean;
  /** Where the pool's figures go once the program has loaded (a debug log line). */
  debug?: (message: string) => void;
}

export interface ColdStart {
  transform(file: string, source: string): string;
  /** The program has loaded (called on the tick after the first compile, and before the start line): ends the workers and erases the progress line. */
  finish(): void;
}

export function createColdStart(options: ColdStartOptions): ColdStart {
  const env = options.env ?? process.env;
  // CHAUD_INTERNAL_*: for chaud's tests and benchmarks, not a setting users should need.
  const workersSetting = env["CHAUD_INTERNAL_COMPILE_WORKERS"];
  const fixedSize = workersSetting ? Number(workersSetting) : null;
  const poolSize = poolSizeWhenStarted(fixedSize);
  const threshold = env["CHAUD_INTERNAL_PROGRESS_MS"];
  const progress = new CompileProgress({
    stream: options.stream ?? process.stderr,
    watch: options.stream ? [] : [process.stdout, process.stderr],
    visible: options.infoVisible,
    ...(threshold ? { thresholdMs: Number(threshold) } : {}),
  });
  const moduleApi = NodeModule as unknown as ResolvingModule;
  const builtins = new Set(moduleApi.builtinModules);
  let pool: CompilePool | null = null;
  let finished = false;
  let misses = 0;
  /** Files found in the first misses' imports, for the pool to start with, and those misses. */
  const early: string[] = [];
  const compiledEarly = new Set<string>();

  /** The files `file`'s imports name that the require hook will compile. */
  const importsOf = (file: string, source: string): string[] => {
    const parent = { id: file, filename: file, paths: moduleApi._nodeModulePaths(dirname(file)) };
    const files: string[] = [];
    for (const specifier of importSpecifiers(source)) {
      if (builtins.has(specifier)) continue;
      try {
        const resolved = moduleApi._resolveFilename(specifier, parent, false);
        if (
          REQUIRED.test(resolved) &&
          !(extname(resolved) === ".js" && !isCommonJsFile(resolved)) &&
          options.claims(resolved)
        )
          files.push(resolved);
      } catch {
        // unresolvable now: its require will say so
      }
    }
    return files;
  };

  const startPool = (warmUpFile: string): void => {
    const size = poolSize();
    if (size < 1 || finished) return;
    try {
      pool = new CompilePool({
        cwd: options.cwd,
        warmUpFile,
        size,
        importsOf,
        ...(env["CHAUD_INTERNAL_COMPILE_CRASH"] ? { crashOn: env["CHAUD_INTERNAL_COMPILE_CRASH"] } : {}),
        ...(env["CHAUD_INTERNAL_COMPILE_TAKE_BACK"] === "0" ? { takeBack: false } : {}),
      });
    } catch {
      return; // no workers (a sandbox without threads?): compile on this thread, as before
    }
    pool.prefetch(early.splice(0).filter((file) => !compiledEarly.has(file)));
  };

  let ending = false;
  const coldStart: ColdStart = {
    transform(file, source) {
      if (finished) return options.transform(file, source);
      if (!ending) {
        // The first compile is part of the main module's synchronous load (`-r` or `--import`
        // alike): the tick after it comes once that load is done, before the program's callbacks.
        ending = true;
        process.nextTick(() => coldStart.finish());
      }
      const before = options.cache.stats();
      const taken = pool?.take(file, source) ?? null;
      let code: string;
      if (taken) {
        options.cache.set(taken.key, taken.code);
        options.cache.recordTransform(taken.ms);
        code = taken.code; // its imports were queued when the worker's result came in
      } else {
        // Imports first: the workers start on them while this thread compiles the file.
        const imports = pool ? importsOf(file, source) : null;
        if (imports) pool!.prefetch(imports);
        code = options.transform(file, source);
        const compiled = options.cache.stats().transformed > before.transformed;
        if (compiled && !pool && fixedSize !== 0 && misses < MISSES_BEFORE_POOL) {
          misses++;
          compiledEarly.add(file);
          early.push(...importsOf(file, source));
          if (misses >= MISSES_BEFORE_POOL) startPool(file);
        }
      }
      const stats = options.cache.stats();
      if (stats.transformed > 0) progress.update(stats.transformed, stats.transformed + (pool?.pending ?? 0));
      return code;
    },
    finish() {
      finished = true;
      if (pool) {
        const { fromWorker, takenBack, waits, waitedMs, lost, failed } = pool.counts;
        options.debug?.(
          `cold start: ${fromWorker} files compiled on worker threads, ${takenBack} taken back from them, ${waits} waits (${Math.round(waitedMs)} ms)` +
            (lost > 0 ? `; worker threads lost: ${lost}` : "") +
            (failed > 0 ? `; compile errors left to the main thread: ${failed}` : ""),
        );
      }
      pool?.close();
      pool = null;
      progress.finish();
    },
  };
  return coldStart;
}
