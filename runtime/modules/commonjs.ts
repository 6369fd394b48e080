// CommonJS behind the ModuleSystem interface, over `require.cache`.
//
// Re-evaluating a module means taking it out of the cache and loading the file again with
// no parent (a parent would keep the new module in its `children` forever). On commit,
// each importer's `children` entry for the old module is swapped for the new one and the
// old module lets go of its own children; without that, every reload would keep the whole
// previous module tree alive. On rollback the old modules go back into the cache, and
// modules first loaded by the failed attempt are forgotten.
//
// Not every entry of `require.cache` is a module: Node's ESM loader puts a JSON module that an
// ES module imported there as `{ exports, loaded }`, without `children`.

import Module from "node:module";
import { dirname } from "node:path";
import { evaluatingModule } from "../registry/first-calls";
import type { ModuleSystem, ModuleTransaction } from "./module-system";

interface NodeModule {
  id: string;
  filename: string;
  exports: unknown;
  /** Absent on the entries Node's ESM loader adds for JSON modules. */
  children?: NodeModule[];
  loaded: boolean;
  paths: string[];
  _compile(code: string, filename: string): unknown;
}

interface ModuleInternals {
  _cache: Record<string, NodeModule | undefined>;
  _pathCache: Record<string, string>;
  _load(request: string, parent: NodeModule | null, isMain: boolean): unknown;
  _nodeModulePaths(from: string): string[];
}

const internals = Module as unknown as ModuleInternals;

export interface CommonJsOptions {
  /** Compiles an entry module's new source keeping only what hot reloading may redo; null: nothing to redo. */
  compileHotOnly(file: string): string | null;
}

export function createCommonJsModules(options: CommonJsOptions): ModuleSystem {
  const cache = (): Record<string, NodeModule | undefined> => internals._cache;
  return {
    loadedFiles: () => Object.keys(cache()).filter((file) => cache()[file]?.loaded),
    isLoaded: (file) => cache()[file] !== undefined,
    dependenciesOf: (file) => (cache()[file]?.children ?? []).map((child) => child.filename),
    importersOf(file) {
      const target = cache()[file];
      if (!target) return [];
      return Object.values(cache())
        .filter((module): module is NodeModule => module !== undefined && module.children?.includes(target) === true)
        .map((module) => module.filename);
    },
    begin: () => new CommonJsTransaction(options),
    watchLoads: hookModuleLoads,
  };
}

/**
 * Calls `onLoad` after every CommonJS module load, and counts the load as a module evaluation
 * for the hot functions it calls (see first-calls.ts); returns an undo safe to call twice.
 */
function hookModuleLoads(onLoad: (file?: string, loadBegan?: number) => void): () => void {
  const proto = Module.prototype as unknown as { load(filename: string): void };
  const original = proto.load;
  const hooked = function (this: unknown, filename: string): void {
    const began = Date.now();
    evaluatingModule(() => original.call(this, filename));
    onLoad(filename, began);
  };
  proto.load = hooked;
  return () => {
    if (proto.load === hooked) proto.load = original;
  };
}

class CommonJsTransaction implements ModuleTransaction {
  /** The module each re-evaluated file had before this transaction. */
  private readonly replaced = new Map<string, NodeModule>();
  private readonly cacheBefore: Set<string>;

  constructor(private readonly options: CommonJsOptions) {
    this.cacheBefore = new Set(Object.keys(internals._cache));
    // Files may have appeared or disappeared: resolve every request afresh.
    for (const key of Object.keys(internals._pathCache)) delete internals._pathCache[key];
  }

  reevaluate(file: string): { before: unknown; after: unknown } {
    const cache = internals._cache;
    const old = cache[file];
    if (old && !this.replaced.has(file)) this.replaced.set(file, old);
    delete cache[file];
    const after = internals._load(file, null, false);
    return { before: this.replaced.get(file)?.exports, after };
  }

  reevaluateHotOnly(file: string): boolean {
    const code = this.options.compileHotOnly(file);
    if (code === null) return false;
    const module = new Module(file) as unknown as NodeModule;
    module.filename = file;
    module.paths = internals._nodeModulePaths(dirname(file));
    module._compile(code, file);
    return true;
  }

  commit(): void {
    const cache = internals._cache;
    const swaps = new Map<NodeModule, NodeModule | undefined>();
    for (const [file, old] of this.replaced) swaps.set(old, cache[file]);
    if (swaps.size === 0) return;
    for (const module of Object.values(cache)) {
      const children = module?.children;
      if (!children) continue;
      for (let i = children.length - 1; i >= 0; i--) {
        const child = children[i]!;
        if (!swaps.has(child)) continue;
        const next = swaps.get(child);
        if (next && !children.includes(next)) children[i] = next;
        else children.splice(i, 1);
      }
    }
    for (const old of swaps.keys()) old.children = [];
  }

  rollback(): void {
    const cache = internals._cache;
    for (const file of Object.keys(cache)) {
      if (!this.cacheBefore.has(file)) delete cache[file];
    }
    for (const [file, old] of this.replaced) cache[file] = old;
  }
}
