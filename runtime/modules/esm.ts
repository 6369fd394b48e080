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
// approximate size, and `status()` reports it.

import nodeModule from "node:module";
import { pathToFileURL } from "node:url";
import type { HotOnlyPurpose, ModuleSystem, ModuleTransaction } from "./module-system";

/** The main thread's side of the loader hooks. */
export interface HookChannel {
  /** Makes imports of `file` resolve to `version` (null: the original URL); resolves once the hooks applied it. */
  setVersion(file: string, version: number | null): Promise<void>;
  /** Compiles a saved file's hot-only version ahead of its import (the hooks keep it until then). */
  prepare?(file: string): void;
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

export const VERSION_PARAM = "chaud";
export const HOT_ONLY_PARAM = "chaud-hot-only";
/** A hot-only version asked for an update in place: the hooks refuse it at once when the module's shape changed. */
export const IN_PLACE_PARAM = "chaud-in-place";

/** Dynamic import that survives compilation to CommonJS. */
const importModule = new Function("url", "options", "return import(url, options)") as (
  url: string,
  options?: object,
) => Promise<Record<string, unknown>>;

/** Import attributes for a JSON module (`assert` for Node 20 before 20.10, which ignores `with`). */
const JSON_IMPORT = { with: { type: "json" }, assert: { type: "json" } };

export class EsmModules implements ModuleSystem {
  private readonly files = new Map<string, EsmModuleInfo>();
  private readonly importers = new Map<string, Set<string>>();
  private readonly dependencies = new Map<string, Set<string>>();
  /** The version each re-imported file resolves to now. */
  readonly versions = new Map<string, number>();
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
  ) {}

  /** A hook event: a module was loaded. */
  noteLoad(file: string, info: EsmModuleInfo): void {
    const known = this.files.get(file);
    if (known && known.format !== "commonjs" && known.format === info.format) {
      this.keptAlive.records++;
      this.keptAlive.bytes += known.bytes;
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
    const param = purpose === "in-place" ? IN_PLACE_PARAM : HOT_ONLY_PARAM;
    await importModule(this.modules.urlOf(file, this.modules.versions.get(file), param));
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

function requireCache(): Record<string, unknown> {
  return (nodeModule as unknown as { _cache: Record<string, unknown> })._cache;
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
