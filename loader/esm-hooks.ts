// Node's module customization hooks for ESM (`node --import chaud/register`). On
// Node 20 they run on the loader's own thread (`module.register`), from Node 22.15 in the
// main thread (`module.registerHooks`); the logic below is written once for both.
//
// - resolve: maps a workspace file that chaud re-imported to its newest URL
//   (`file.mts?chaud=3`), so modules evaluated after a reload link to the new version;
//   finds `x.ts` for a TypeScript import of `./x.js`; resolves tsconfig `paths` and `baseUrl`
//   aliases imported by workspace files (paths.ts; a miss goes to Node as written); gives
//   TypeScript files a format; and reports each import edge, from which the main thread builds
//   the module graph.
// - load: compiles the workspace's ESM files with Babel and chaud's plugin (through the same
//   disk cache as the require hook; inline source maps), hands CommonJS files to Node's
//   CommonJS loader, where chaud's require hook compiles them, and reports JSON modules
//   (`with { type: "json" }`), which Node loads as they are, so that they reload too.
//
// Longer than most files: resolve and load share their state (versions, the workspace, the
// cache), and one file keeps them identical on the loader thread and in the main thread.

import { readFileSync, statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { MessagePort } from "node:worker_threads";
import { fileURLToPath, pathToFileURL } from "node:url";
import { HOT_ONLY_PARAM, IN_PLACE_PARAM, VERSION_PARAM } from "../runtime/modules/esm";
import { SHAPE_CHANGED } from "../runtime/registry/types";
import { isCommonJsFile } from "../runtime/modules/format";
import { transformFile } from "./transform";
import { createTransformCache, type TransformCache } from "./transform-cache";
import { findWorkspace, type Workspace } from "../runtime/watch/workspace";
import { createPathsResolver, isAliasCandidate } from "./paths";
import { isOwnSpecifier, OWN_PARENT_URL } from "./own-package";
import { AsyncCompilePool, poolSizeWhenStarted, type Compiled } from "./compile-pool";

/** What an import without an extension may name, in TypeScript's order (TypeScript first). */
const EXTENSIONLESS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/** Cache misses before the compile workers start (Node 20's loader thread only). */
const MISSES_BEFORE_POOL = 5;

/** What the hooks tell the main thread. */
export type HookEvent =
  | { type: "edge"; parent: string; child: string }
  /** What a workspace module's import specifier resolved to (a workspace file's URL without its version). */
  | { type: "import"; parent: string; specifier: string; url: string; attributes?: Record<string, string> }
  | {
      type: "load";
      file: string;
      format: "module" | "commonjs" | "json";
      bytes: number;
      transformed: boolean;
      transformMs: number;
    };

/** What the main thread tells the hooks: the version a file's imports now resolve to. */
export interface VersionMessage {
  id: number;
  file: string;
  version: number | null;
}

export interface HookData {
  entry: string;
  /** Node 20: the channel to the main thread (absent when the hooks run in the main thread). */
  port?: MessagePort;
}

interface ResolveResult {
  url: string;
  format?: string | null | undefined;
  shortCircuit?: boolean;
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | Buffer | ArrayBuffer | null;
  shortCircuit?: boolean;
}
interface ResolveContext {
  parentURL?: string | undefined;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface LoadContext {
  format?: string | null | undefined;
  conditions?: string[];
  importAttributes?: Record<string, string>;
  /** Node 20 before 20.10. */
  importAssertions?: Record<string, string>;
}

/** The hooks' state and logic, shared by the threaded and the in-thread registration. */
export class EsmHooks {
  private readonly versions = new Map<string, number>();
  /** The shape (see plugin/shape.ts) of each file's latest evaluated version. */
  private readonly shapes = new Map<string, string | null>();
  private readonly workspace: Workspace;
  private readonly cache: TransformCache;
  private readonly paths = createPathsResolver();
  /** Import resolutions already reported, so that re-evaluations do not report them again. */
  private readonly reportedImports = new Set<string>();
  /** Node 20: compile workers for a cold start, started after a few misses (compile-pool.ts). */
  private pool: AsyncCompilePool | null = null;
  private poolSize: () => number = () => 0;
  private misses = 0;

  constructor(
    entry: string,
    private readonly emit: (event: HookEvent) => void,
  ) {
    this.workspace = findWorkspace(entry);
    this.cache = createTransformCache({ cwd: this.workspace.root });
  }

  /** Lets a cold start's compiles go to worker threads too (for hooks that may wait: Node 20's). */
  allowWorkers(env: NodeJS.ProcessEnv = process.env): void {
    const setting = env["CHAUD_INTERNAL_COMPILE_WORKERS"];
    this.poolSize = poolSizeWhenStarted(setting ? Number(setting) : null);
  }

  /**
   * A worker's compile of the ES module `urlText` names, when the pool runs, has a free worker,
   * and the file is a plain first load; null leaves the compile to `load`.
   */
  async compileAhead(urlText: string, context: LoadContext): Promise<(Compiled & { source: string }) | null> {
    const pool = this.pool;
    if (!pool || pool.closed || !urlText.startsWith("file:")) return null;
    const url = new URL(urlText);
    if (url.search) return null; // a re-import or a hot-only version: never a cold start's
    const file = fileURLToPath(url);
    if (!this.workspace.isWatchable(file) || (normalFormat(context.format) ?? formatOf(file)) !== "module") return null;
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      return null; // load says why
    }
    const compiled = await pool.compile(file, source);
    return compiled && { ...compiled, source };
  }

  setVersion(file: string, version: number | null): void {
    if (version === null) this.versions.delete(file);
    else this.versions.set(file, version);
  }

  /**
   * Candidate specifiers for a relative import Node did not find, as TypeScript and tsx resolve
   * it: one that names the `.js` file a TypeScript file compiles to, or one without an
   * extension (`./word`, `./lib` for `./lib/index.ts`: TypeScript's `moduleResolution`
   * "bundler", which Node's ES module resolution does not do).
   */
  typescriptAlternatives(specifier: string, parentURL: string | undefined): string[] {
    if (!parentURL?.startsWith("file:") || !/^\.{1,2}(?:\/|$)/.test(specifier)) return [];
    const swaps: Array<[RegExp, string[]]> = [
      [/\.js$/, [".ts", ".tsx"]],
      [/\.jsx$/, [".tsx"]],
      [/\.mjs$/, [".mts"]],
      [/\.cjs$/, [".cts"]],
    ];
    for (const [pattern, replacements] of swaps) {
      if (pattern.test(specifier)) return replacements.map((extension) => specifier.replace(pattern, extension));
    }
    // `./lib/` names a folder only; `./lib` a file first, then a folder.
    const files = specifier.endsWith("/") ? [] : EXTENSIONLESS.map((extension) => specifier + extension);
    const folder = specifier.endsWith("/") ? specifier : `${specifier}/`;
    return [...files, ...EXTENSIONLESS.map((extension) => `${folder}index${extension}`)];
  }

  /**
   * The URL a tsconfig alias names for a bare specifier imported by a workspace file, or null.
   * A `require` (these hooks see those too on Node 22) is the require hook's to resolve.
   */
  aliasOf(specifier: string, context: ResolveContext): string | null {
    const parentURL = context.parentURL;
    if (!parentURL?.startsWith("file:") || !isAliasCandidate(specifier) || context.conditions?.includes("require"))
      return null;
    const parent = fileURLToPath(parentURL);
    if (!this.workspace.isWatchable(parent)) return null;
    const file = this.paths.resolve(specifier, parent);
    return file ? pathToFileURL(file).href : null;
  }

  /** Post-processes what Node resolved. */
  afterResolve(result: ResolveResult, context: ResolveContext, specifier?: string): ResolveResult {
    if (specifier !== undefined) this.reportImport(specifier, result.url, context);
    if (!result.url.startsWith("file:")) return result;
    const url = new URL(result.url);
    const file = fileURLToPath(url);
    if (!this.workspace.isWatchable(file)) return result;
    // Edges between workspace modules only: chaud's own `import()` calls are not importers.
    const parent = context.parentURL?.startsWith("file:") ? fileURLToPath(context.parentURL) : null;
    if (parent && this.workspace.isWatchable(parent)) this.emit({ type: "edge", parent, child: file });
    const format = normalFormat(result.format) ?? formatOf(file);
    // A URL chaud asked for explicitly (a re-import) stays as it is.
    if (!url.searchParams.has(VERSION_PARAM)) {
      const version = this.versions.get(file);
      if (version !== undefined) url.searchParams.set(VERSION_PARAM, String(version));
    }
    return { ...result, url: url.href, ...(format ? { format } : {}) };
  }

  /**
   * Tells the main thread what a workspace module's import resolved to: it evaluates a hot-only
   * version as a function with the imported namespaces passed in, not as a new ES module (which
   * Node would keep for the life of the process).
   */
  private reportImport(specifier: string, resolved: string, context: ResolveContext): void {
    const parentURL = context.parentURL;
    if (!parentURL?.startsWith("file:") || context.conditions?.includes("require")) return;
    const parent = fileURLToPath(parentURL);
    if (!this.workspace.isWatchable(parent)) return;
    let url = resolved;
    if (url.startsWith("file:")) {
      const clean = new URL(url);
      clean.searchParams.delete(VERSION_PARAM);
      url = clean.href;
    }
    const attributes = context.importAttributes ?? {};
    const key = JSON.stringify([parent, specifier, url, attributes]);
    if (this.reportedImports.has(key)) return;
    this.reportedImports.add(key);
    this.emit({
      type: "import",
      parent,
      specifier,
      url,
      ...(Object.keys(attributes).length > 0 ? { attributes: { ...attributes } } : {}),
    });
  }

  /** Our own load result for a workspace file, or null to let Node load it. */
  load(urlText: string, context: LoadContext, ahead: (Compiled & { source: string }) | null = null): LoadResult | null {
    if (!urlText.startsWith("file:")) return null;
    const url = new URL(urlText);
    const file = fileURLToPath(url);
    if (!this.workspace.isWatchable(file)) return null;
    const format = normalFormat(context.format) ?? formatOf(file);
    if (format === "commonjs") {
      // Node's CommonJS loader runs it, through chaud's require hook (which compiles it).
      this.emit({ type: "load", file, format, bytes: 0, transformed: false, transformMs: 0 });
      return { format: "commonjs", shortCircuit: true };
    }
    if (format === "json") {
      // An ES module's JSON import (a `require` of JSON, through these hooks on Node 22, has no
      // attribute and stays CommonJS's). Node loads it; the main thread re-imports it when it changes.
      if ((context.importAttributes ?? context.importAssertions)?.["type"] === "json") {
        const bytes = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
        this.emit({ type: "load", file, format, bytes, transformed: false, transformMs: 0 });
      }
      return null;
    }
    if (format !== "module") return null;
    const source = readFileSync(file, "utf8");
    const inPlace = url.searchParams.has(IN_PLACE_PARAM);
    const hotOnly = inPlace || url.searchParams.has(HOT_ONLY_PARAM);
    const started = performance.now();
    let result: { code: string; fromCache: boolean };
    let transformMs: number;
    if (ahead && !hotOnly && ahead.source === source) {
      // Compiled by a worker: stored and counted here, as a compile on this thread would be.
      this.cache.set(ahead.key, ahead.code);
      this.cache.recordTransform(ahead.ms);
      result = { code: ahead.code, fromCache: false };
      transformMs = ahead.ms;
    } else {
      result = transformFile(file, source, { commonjs: false, cache: this.cache, cwd: this.workspace.root, hotOnly });
      transformMs = result.fromCache ? 0 : performance.now() - started;
      if (!result.fromCache && result.code !== source && ++this.misses === MISSES_BEFORE_POOL) this.startPool(file);
    }
    const shape = shapeIn(result.code);
    if (!hotOnly) this.shapes.set(file, shape);
    else if (inPlace && shape !== this.shapes.get(file)) {
      // The edit reached beyond hot bodies: the module must be evaluated again. Answering with
      // one throwing line spares evaluating (and Node keeping alive) a hot-only version that
      // the registry would refuse anyway.
      return { format: "module", source: shapeChangedModule(file), shortCircuit: true };
    }
    this.emit({
      type: "load",
      file,
      format,
      bytes: result.code.length,
      transformed: !result.fromCache && result.code !== source,
      transformMs,
    });
    return { format: "module", source: hideVersion(url) + result.code, shortCircuit: true };
  }

  private startPool(warmUpFile: string): void {
    const size = this.poolSize();
    if (size < 1) return;
    try {
      const crashOn = process.env["CHAUD_INTERNAL_COMPILE_CRASH"]; // tests only
      this.pool = new AsyncCompilePool({
        cwd: this.workspace.root,
        warmUpFile,
        size,
        ...(crashOn ? { crashOn } : {}),
      });
    } catch {
      // no worker threads here: this thread compiles everything, as before
    }
  }
}

/** The shape the plugin put in compiled code's first registry call, or null (a file without one). */
function shapeIn(code: string): string | null {
  // The registry call comes right after the imports, so the first match is chaud's own.
  return /chaudModule\)?\(\s*"(?:[^"\\]|\\.)*"\s*,\s*\{[^}]*?\bshape\s*:\s*"([\w-]+)"/.exec(code)?.[1] ?? null;
}

function shapeChangedModule(file: string): string {
  const error = `[chaud] ${file} changed beyond its hot bodies: it must be evaluated again`;
  return `throw Object.assign(new Error(${JSON.stringify(error)}), { code: ${JSON.stringify(SHAPE_CHANGED)} });\n`;
}

/**
 * A re-imported version's URL carries chaud's query (`?chaud=3`); the module should see the
 * URL it would have without chaud. `import.meta.url` is writable, and this is prepended on the
 * first line, so no line number moves.
 */
function hideVersion(url: URL): string {
  const params = [VERSION_PARAM, HOT_ONLY_PARAM, IN_PLACE_PARAM];
  if (!params.some((param) => url.searchParams.has(param))) return "";
  const clean = new URL(url.href);
  for (const param of params) clean.searchParams.delete(param);
  return `import.meta.url = ${JSON.stringify(clean.href)};`;
}

/**
 * Node 22.18+ strips TypeScript types itself and calls those formats "module-typescript" and
 * "commonjs-typescript"; chaud compiles TypeScript (and its markers) itself, so they are
 * plain "module" and "commonjs" here.
 */
function normalFormat(format: string | null | undefined): string | null {
  if (!format) return null;
  return format.replace(/-typescript$/, "");
}

/** Node does not know TypeScript's extensions: tell it their module format. */
function formatOf(file: string): "module" | "commonjs" | null {
  if (/\.m[jt]s$/.test(file)) return "module";
  if (/\.c[jt]s$/.test(file)) return "commonjs";
  if (/\.[jt]sx?$/.test(file)) return isCommonJsFile(file) ? "commonjs" : "module";
  return null;
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "ERR_UNSUPPORTED_DIR_IMPORT";
}

// ----- Node 20: `module.register` (hooks thread, asynchronous hooks) ------------------------

let threaded: EsmHooks | null = null;

export function initialize(data: HookData): void {
  const port = data.port;
  threaded = new EsmHooks(data.entry, (event) => port?.postMessage(event));
  // Node asks this thread for many modules at once: a cold start's compiles can wait on workers.
  threaded.allowWorkers();
  if (!port) return;
  port.on("message", (message: VersionMessage) => {
    threaded!.setVersion(message.file, message.version);
    // The main thread waits for this before it imports, so no import can see the old version.
    port.postMessage({ ack: message.id });
  });
  port.unref();
}

type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<ResolveResult> {
  const hooks = threaded!;
  const alias = hooks.aliasOf(specifier, context);
  let result: ResolveResult | null = alias ? await nextResolve(alias, context).catch(() => null) : null;
  if (!result) {
    try {
      result = await nextResolve(specifier, context);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      result = await firstResolvable(alternativesOf(hooks, specifier, context), nextResolve, error);
    }
  }
  return hooks.afterResolve(result, context, specifier);
}

/**
 * What else a specifier Node did not find may mean: a TypeScript file's `.js` name, and chaud's
 * own entry points for a program without chaud installed (own-package.ts).
 */
function alternativesOf(
  hooks: EsmHooks,
  specifier: string,
  context: ResolveContext,
): Array<{ specifier: string; context: ResolveContext }> {
  return [
    ...hooks
      .typescriptAlternatives(specifier, context.parentURL)
      .map((candidate) => ({ specifier: candidate, context })),
    ...(isOwnSpecifier(specifier) ? [{ specifier, context: { ...context, parentURL: OWN_PARENT_URL } }] : []),
  ];
}

async function firstResolvable(
  candidates: Array<{ specifier: string; context: ResolveContext }>,
  nextResolve: NextResolve,
  original: unknown,
): Promise<ResolveResult> {
  for (const candidate of candidates) {
    try {
      return await nextResolve(candidate.specifier, candidate.context);
    } catch {
      // try the next one
    }
  }
  throw original;
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  const ahead = await threaded!.compileAhead(url, context);
  return threaded!.load(url, context, ahead) ?? nextLoad(url, context);
}

// ----- Node 22.15 and later: `module.registerHooks` (main thread, synchronous hooks) ------

type SyncNextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;
type SyncNextLoad = (url: string, context?: LoadContext) => LoadResult;

export function syncHooks(hooks: EsmHooks): {
  resolve(specifier: string, context: ResolveContext, nextResolve: SyncNextResolve): ResolveResult;
  load(url: string, context: LoadContext, nextLoad: SyncNextLoad): LoadResult;
} {
  return {
    resolve(specifier, context, nextResolve) {
      let result: ResolveResult | null = null;
      const alias = hooks.aliasOf(specifier, context);
      if (alias) {
        try {
          result = nextResolve(alias, context);
        } catch {
          // gone since it was found: Node resolves the specifier as written
        }
      }
      if (result) return hooks.afterResolve(result, context, specifier);
      try {
        result = nextResolve(specifier, context);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        for (const candidate of alternativesOf(hooks, specifier, context)) {
          try {
            result = nextResolve(candidate.specifier, candidate.context);
            break;
          } catch {
            // try the next one
          }
        }
        if (!result) throw error;
      }
      return hooks.afterResolve(result, context, specifier);
    },
    load(url, context, nextLoad) {
      return hooks.load(url, context) ?? nextLoad(url, context);
    },
  };
}
