// ESM behind the ModuleSystem interface. Node never unloads an ES module, so a new version is
// a new module record: `import("file.mts?chaud=3")`. With chaud's loader hooks in place
// (`--import chaud/register`), the hooks report every import edge and load, and map a
// re-imported file to its newest URL for whoever imports it afterwards, so re-evaluated
// importers link to new versions. Without the hooks (plain `node app.mjs` calling init()),
// only modules compiled by the plugin are known, and a changed module is re-imported alone.
//
// JSON modules (`import data from "./data.json" with { type: "json" }`) are ES modules here
// too: a changed one is re-imported under a new URL (with the attribute), which changes its
// default export, so its importers are evaluated again; they have no hot parts to update.
// Node's ESM loader also puts a JSON module in `require.cache`, where a `require` of the same
// file finds it: a re-import takes it out, so that CommonJS importers read the file afresh.
//
// Every old version stays alive, as Node keeps it: the module system counts them and their
// approximate size, and `status()` reports it. A hot-only version (an update in place, the
// entry's hot parts) is no module at all where it can be helped: compiled to CommonJS, it runs
// as a function whose imports are the namespaces the running version imported, so a body-only
// save keeps nothing alive.

import nodeModule from "node:module";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { HotOnlyPurpose, ModuleSystem, ModuleTransaction } from "./module-system";

/** The main thread's side of the loader hooks. */
export interface HookChannel {
  /** Makes imports of `file` resolve to `version` (null: the original URL); resolves once the hooks applied it. */
  setVersion(file: string, version: number | null): Promise<void>;
}

export interface EsmModuleInfo {
  format: "module" | "commonjs" | "json";
  bytes: number;
  /** Compiled by Babel for this load (not served from the cache), and how long that took. */
  transformed: boolean;
  transformMs: number;
}

/** Old module versions that Node keeps alive because of reloads. */
export interface KeptAlive {
  records: number;
  bytes: number;
}

export interface EsmOptions {
  /**
   * Compiles a file's current source to a CommonJS hot-only version (as the require hook's
   * hot-only compile does); null: nothing to compile so. Without it, hot-only versions are
   * imported as ES modules.
   */
  compileHotOnly?(file: string): string | null;
}

/** Where a module's import specifier led (a workspace file's URL without its version). */
export interface ResolvedImport {
  url: string;
  attributes?: Record<string, string>;
}

/**
 * Heap that one old module version keeps, from the length of the code the loader hooks handed
 * to Node (inline source map included): the source text, Node's parsed copy of the source map,
 * the module record, its compiled functions and namespace grow with it, and a record costs a
 * fixed amount besides. Calibrated with bench/esm-memory.js (see BENCHMARKS.md).
 */
export function retainedEstimate(compiledLength: number): number {
  return Math.round((RETAINED_PER_COMPILED_BYTE * compiledLength + RETAINED_PER_RECORD) * NODE_RECORD_FACTOR);
}
const RETAINED_PER_COMPILED_BYTE = 2.9;
const RETAINED_PER_RECORD = 6800;
/**
 * Node 22 and later keep more per module version than Node 20, where the two figures above
 * were calibrated (the same modules measured on Node 22 and 24 in the soak test and
 * bench/esm-memory.js).
 */
const NODE_RECORD_FACTOR = Number(process.versions.node.split(".")[0]) >= 22 ? 1.45 : 1;

export const VERSION_PARAM = "chaud";
export const HOT_ONLY_PARAM = "chaud-hot-only";
/** A hot-only version asked for an update in place: the hooks refuse it at once when the module's shape changed. */
export const IN_PLACE_PARAM = "chaud-in-place";

/** Dynamic import that survives compilation to CommonJS. */
const importModule = new Function("url", "options", "return import(url, options)") as (
  url: string,
  options?: object,
) => Promise<Record<string, unknown>>;

/** What a hot-only function `require`s for the module's `import.meta` (see loader/hot-only-import-meta.ts). */
export const IMPORT_META_SPECIFIER = "chaud:import-meta";

/** Import attributes for a JSON module (`assert` for Node 20 before 20.10, which ignores `with`). */
const JSON_IMPORT = { with: { type: "json" }, assert: { type: "json" } };

export class EsmModules implements ModuleSystem {
  private readonly files = new Map<string, EsmModuleInfo>();
  private readonly importers = new Map<string, Set<string>>();
  private readonly dependencies = new Map<string, Set<string>>();
  /** The version each re-imported file resolves to now. */
  readonly versions = new Map<string, number>();
  /** Per importing file, what each of its import specifiers resolved to. */
  private readonly imports = new Map<string, Map<string, ResolvedImport>>();
  /** The newest namespace imported of each resolved import, and the URL that gave it. */
  private readonly namespaces = new Map<string, { url: string; namespace: unknown }>();
  private nextVersion = 1;
  private readonly loadListeners = new Set<() => void>();
  readonly keptAlive: KeptAlive = { records: 0, bytes: 0 };
  /** Files the loader hooks compiled (cache misses), for the cold-start line. */
  readonly compiled = { files: 0, ms: 0 };

  /**
   * `compilesHotOnly`: chaud's loader hooks compile a hot-only version on request. Without them
   * (ES modules precompiled with the plugin), a re-import evaluates the whole module, so an
   * update in place is not possible and a changed module is imported again instead.
   */
  constructor(
    readonly channel: HookChannel,
    readonly compilesHotOnly = true,
    readonly options: EsmOptions = {},
  ) {}

  /** A hook event: a module was loaded. */
  noteLoad(file: string, info: EsmModuleInfo): void {
    const known = this.files.get(file);
    if (known && known.format !== "commonjs" && known.format === info.format) {
      this.keptAlive.records++;
      this.keptAlive.bytes += retainedEstimate(known.bytes);
    }
    this.files.set(file, info);
    if (info.transformed) {
      this.compiled.files++;
      this.compiled.ms += info.transformMs;
    }
    for (const listener of this.loadListeners) listener();
  }

  /** A hook event: `parent` imports `child`. */
  noteEdge(parent: string, child: string): void {
    if (parent === child) return;
    setOf(this.importers, child).add(parent);
    setOf(this.dependencies, parent).add(child);
  }

  /** A hook event: `parent`'s import of `specifier` resolved to `url`. */
  noteImport(parent: string, specifier: string, url: string, attributes?: Record<string, string>): void {
    let resolved = this.imports.get(parent);
    if (!resolved) this.imports.set(parent, (resolved = new Map()));
    resolved.set(specifier, attributes ? { url, attributes } : { url });
  }

  /** What each of `parent`'s import specifiers resolved to. */
  importsOf(parent: string): Map<string, ResolvedImport> {
    return this.imports.get(parent) ?? new Map();
  }

  /** What `import.meta` is in the module (its URL without chaud's version, as the hooks make it). */
  importMeta(file: string): object {
    const url = pathToFileURL(file).href;
    const imports = this.importsOf(file);
    return {
      url,
      filename: file,
      dirname: dirname(file),
      resolve: (specifier: string) =>
        imports.get(specifier)?.url ??
        (/^\.{0,2}\//.test(specifier)
          ? new URL(specifier, url).href
          : pathToFileURL(nodeModule.createRequire(file).resolve(specifier)).href),
    };
  }

  /** The namespace an import resolves to now (a moved workspace file: its newest version). */
  async namespaceOf(resolved: ResolvedImport): Promise<unknown> {
    let url = resolved.url;
    if (url.startsWith("file:")) {
      const version = this.versions.get(fileURLToPath(url));
      if (version !== undefined) url = this.urlOf(fileURLToPath(url), version);
    }
    const key = resolved.attributes ? `${resolved.url} ${JSON.stringify(resolved.attributes)}` : resolved.url;
    const known = this.namespaces.get(key);
    if (known?.url === url) return known.namespace;
    const namespace = await importModule(url, resolved.attributes ? { with: resolved.attributes } : undefined);
    this.namespaces.set(key, { url, namespace });
    return namespace;
  }

  loadedFiles(): string[] {
    return [...this.files.keys()].filter((file) => this.isLoaded(file));
  }

  /** ES modules (JSON ones included) only; CommonJS files the hooks saw belong to the CommonJS module system. */
  isLoaded(file: string): boolean {
    const format = this.files.get(file)?.format;
    return format === "module" || format === "json";
  }

  /** What `import()` needs besides the URL to import `file` again. */
  importOptions(file: string): object | undefined {
    return this.files.get(file)?.format === "json" ? JSON_IMPORT : undefined;
  }

  /** Whether an ES module imports this (CommonJS) file. */
  isImportedByEsm(file: string): boolean {
    return [...(this.importers.get(file) ?? [])].some((importer) => this.isLoaded(importer));
  }

  dependenciesOf(file: string): string[] {
    return [...(this.dependencies.get(file) ?? [])];
  }

  importersOf(file: string): string[] {
    return [...(this.importers.get(file) ?? [])];
  }

  retained(): KeptAlive {
    return { ...this.keptAlive };
  }

  watchLoads(onLoad: () => void): () => void {
    this.loadListeners.add(onLoad);
    return () => this.loadListeners.delete(onLoad);
  }

  urlOf(file: string, version: number | undefined, extra?: string): string {
    const url = pathToFileURL(file);
    if (version !== undefined) url.searchParams.set(VERSION_PARAM, String(version));
    if (extra) url.searchParams.set(extra, String(this.nextVersion++));
    return url.href;
  }

  allocateVersion(): number {
    return this.nextVersion++;
  }

  begin(): EsmTransaction {
    return new EsmTransaction(this);
  }
}

export class EsmTransaction implements ModuleTransaction {
  /** Version each file had before this transaction moved it. */
  private readonly moved = new Map<string, number | undefined>();
  /** `require.cache` entries of re-imported JSON modules, put back by a rollback. */
  private readonly requireCached = new Map<string, unknown>();

  constructor(private readonly modules: EsmModules) {}

  private async move(file: string, version: number): Promise<void> {
    if (!this.moved.has(file)) this.moved.set(file, this.modules.versions.get(file));
    this.modules.versions.set(file, version);
    await this.modules.channel.setVersion(file, version);
  }

  async reevaluate(file: string): Promise<{ before: unknown; after: unknown }> {
    const modules = this.modules;
    const options = modules.importOptions(file);
    const before = await importModule(modules.urlOf(file, modules.versions.get(file)), options);
    if (options) this.forgetRequired(file);
    const version = modules.allocateVersion();
    await this.move(file, version);
    const after = await importModule(modules.urlOf(file, version), options);
    return { before, after };
  }

  /** A CommonJS file imported by ES modules was re-evaluated: its importers must get a new wrapper. */
  async noteCommonJsReevaluated(file: string): Promise<void> {
    await this.move(file, this.modules.allocateVersion());
  }

  async reevaluateHotOnly(file: string, purpose: HotOnlyPurpose): Promise<boolean> {
    if (purpose === "in-place" && !this.modules.compilesHotOnly) return false;
    if (this.modules.importOptions(file)) return false; // JSON: nothing hot, the module is imported again
    if (await this.runHotOnlyFunction(file)) return true;
    const param = purpose === "in-place" ? IN_PLACE_PARAM : HOT_ONLY_PARAM;
    await importModule(this.modules.urlOf(file, this.modules.versions.get(file), param));
    return true;
  }

  /**
   * Runs the hot-only version compiled to CommonJS, its `require` answering with the namespaces
   * of what the running version imports. False when it cannot run so (nothing compiled, an
   * `import.meta` left in it, an import the running version does not have): it is imported as a module.
   */
  private async runHotOnlyFunction(file: string): Promise<boolean> {
    let code: string | null;
    try {
      code = this.modules.options.compileHotOnly?.(file) ?? null;
    } catch {
      return false; // the module import compiles it again and reports what is wrong
    }
    if (code === null || readsImportMeta(code)) return false;
    const namespaces = new Map<string, unknown>();
    for (const [specifier, resolved] of this.modules.importsOf(file))
      namespaces.set(specifier, esModuleView(await this.modules.namespaceOf(resolved)));
    const module = new nodeModule(file) as unknown as HotOnlyModule;
    module.filename = file;
    module.paths = [];
    module.require = (specifier: string) => {
      if (specifier === IMPORT_META_SPECIFIER) return this.modules.importMeta(file);
      if (!namespaces.has(specifier)) throw new UnknownImport(specifier);
      return namespaces.get(specifier);
    };
    try {
      // "commonjs": Node 22 would otherwise check whether a `.mjs` file's code is an ES module.
      module._compile(code, file, "commonjs");
    } catch (error) {
      // Thrown by the imports, before the hot-only version registered anything.
      if (error instanceof UnknownImport) return false;
      throw error;
    }
    return true;
  }

  commit(): void {
    // The new versions are already what imports resolve to; the old records stay (Node keeps them).
  }

  private forgetRequired(file: string): void {
    const cache = requireCache();
    if (!(file in cache) || this.requireCached.has(file)) return;
    this.requireCached.set(file, cache[file]);
    delete cache[file];
  }

  async rollback(): Promise<void> {
    const cache = requireCache();
    for (const [file, entry] of this.requireCached) cache[file] = entry;
    for (const [file, version] of this.moved) {
      if (version === undefined) this.modules.versions.delete(file);
      else this.modules.versions.set(file, version);
      await this.modules.channel.setVersion(file, version ?? null);
    }
  }
}

/** A hot-only version's CommonJS module: it only ever requires what the running version imported. */
interface HotOnlyModule {
  filename: string;
  paths: string[];
  require(specifier: string): unknown;
  _compile(code: string, filename: string, format?: "commonjs"): unknown;
}

/** `import.meta` has no CommonJS counterpart: a hot-only version still reading it is imported as a module. */
export function readsImportMeta(code: string): boolean {
  return /\bimport\s*\.\s*meta\b/.test(code);
}

/** A hot-only version imports something its running version does not. */
class UnknownImport extends Error {
  constructor(specifier: string) {
    super(`[chaud] the running version does not import ${specifier}`);
  }
}

const views = new WeakMap<object, unknown>();

/**
 * A namespace as Babel's interop expects an ES module's exports: marked `__esModule`, so that
 * a default import reads its `default` and named imports stay live bindings.
 */
function esModuleView(namespace: unknown): unknown {
  if (namespace === null || typeof namespace !== "object") return namespace;
  let view = views.get(namespace);
  if (!view) {
    view = new Proxy(namespace, {
      get: (target, key) => (key === "__esModule" ? true : Reflect.get(target, key)),
    });
    views.set(namespace, view);
  }
  return view;
}

function requireCache(): Record<string, unknown> {
  return (nodeModule as unknown as { _cache: Record<string, unknown> })._cache;
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
