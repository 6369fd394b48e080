// The ModuleSystem of one Jest test file: its modules live in Jest's module registry, not in
// Node's `require.cache`. Jest's `require.cache` is a read-only view of that registry (writes
// and deletes do nothing: https://github.com/jestjs/jest/pull/9841,
// https://github.com/jestjs/jest/issues/14404), so no single module can be evicted. What
// Jest does offer: `jest.resetModules()` empties the registry and forgets the file contents
// and transforms it has cached, and the next `require` of a file reads, transforms and
// evaluates it again. (`jest.isolateModules` gives a fresh registry too, but keeps Jest's
// file cache, so it re-runs the old source.)
//
// So a transaction resets the registry once, then requires each changed file afresh through
// `jest.requireActual` (a `jest.mock` of the file must not answer). The files they import are
// evaluated afresh too, once per batch, since the registry they came from was emptied.
// Rollback cannot put the old registry back: the old module objects live on in whatever
// holds them (the test file's imports, hot stubs), and the registry is emptied again so that
// no module of the failed attempt is handed out later.
//
// Jest forgets the modules a reset dropped, and chaud must not: every module seen loaded is
// remembered (its latest exports and imports) so that it stays watched after a reset.

import type { ModuleSystem, ModuleTransaction } from "../../runtime/modules/module-system";

/** What the module system needs of the `jest` object. */
export interface JestModuleApi {
  resetModules(): unknown;
  requireActual(moduleName: string): unknown;
}

/** A module object as Jest keeps it (the fields chaud reads). */
interface JestModule {
  filename?: string;
  id?: string;
  exports?: unknown;
  children?: JestModule[];
  loaded?: boolean;
}

export interface JestModulesOptions {
  jest: JestModuleApi;
  /** Jest's `require.cache`: a view of the test file's module registry. */
  cache: Record<string, unknown>;
  /** The test file: an importer, never reloaded itself (its tests are running). */
  testFile: string;
}

export interface JestModules extends ModuleSystem {
  /** Looks at the registry now and tells the controller (to watch what loaded since). */
  refresh(): void;
}

interface Known {
  exports: unknown;
  imports: string[];
}

export function createJestModules(options: JestModulesOptions): JestModules {
  const known = new Map<string, Known>();
  let onLoad: (() => void) | null = null;

  const scan = (): void => {
    for (const file of Object.keys(options.cache)) {
      const module = options.cache[file] as JestModule | undefined;
      if (!module || module.loaded === false) continue;
      const imports = (module.children ?? []).map((child) => child.filename ?? child.id ?? "").filter(Boolean);
      known.set(file, { exports: module.exports, imports });
    }
  };

  return {
    loadedFiles() {
      scan();
      return [...known.keys()].filter((file) => file !== options.testFile);
    },
    isLoaded: (file) => file !== options.testFile && known.has(file),
    dependenciesOf: (file) => known.get(file)?.imports ?? [],
    importersOf: (file) =>
      [...known].filter(([, module]) => module.imports.includes(file)).map(([importer]) => importer),
    begin: () => new JestTransaction(options.jest, known, scan),
    watchLoads(listener) {
      onLoad = listener;
      return () => {
        if (onLoad === listener) onLoad = null;
      };
    },
    refresh() {
      scan();
      onLoad?.();
    },
  };
}

class JestTransaction implements ModuleTransaction {
  private reset = false;

  constructor(
    private readonly jest: JestModuleApi,
    private readonly known: Map<string, Known>,
    private readonly scan: () => void,
  ) {}

  reevaluate(file: string): { before: unknown; after: unknown } {
    const before = this.known.get(file)?.exports;
    if (!this.reset) {
      this.jest.resetModules();
      this.reset = true;
    }
    return { before, after: this.jest.requireActual(file) };
  }

  /** The test file's top-level code (its tests) never runs twice: nothing to do. */
  /** Jest's registry re-evaluates whole modules only. */
  reevaluateHotOnly(): boolean {
    return false;
  }

  commit(): void {
    this.scan();
  }

  rollback(): void {
    if (this.reset) this.jest.resetModules();
  }
}
