// The reloader's view of a module system. The CommonJS adapter implements it over
// `require.cache`; tests hand the reloader a fake.

export interface ModuleSystem {
  /** Files currently loaded as modules. */
  loadedFiles(): string[];
  isLoaded(file: string): boolean;
  /** Loaded files that `file` imports directly. */
  dependenciesOf(file: string): string[];
  /** Loaded files that import `file` directly. */
  importersOf(file: string): string[];
  /** Opens a transaction: re-evaluations are undone by `rollback()`. */
  begin(): ModuleTransaction;
  /**
   * Calls `onLoad` after each module load (to keep the watch list current), with the file and
   * when its load began where the module system knows (a save after that may not be what
   * runs); returns an undo safe to call twice.
   */
  watchLoads(onLoad: (file?: string, loadBegan?: number) => void): () => void;
  /** Old module versions kept alive because of reloads (ESM: Node cannot unload them). */
  retained?(): { records: number; bytes: number };
}

type MaybePromise<T> = T | Promise<T>;

/** "entry": its hot parts update whatever else changed; "in-place": only if nothing but hot bodies changed. */
export type HotOnlyPurpose = "entry" | "in-place";

/** CommonJS answers synchronously; ESM (`import()`) asynchronously. */
export interface ModuleTransaction {
  /** Evaluates the file's current source as a new module version. Throws what evaluation threw. */
  reevaluate(file: string): MaybePromise<{ before: unknown; after: unknown }>;
  /**
   * Evaluates only the hot parts of the file's new source (the entry, whose top-level code must
   * not re-run, or a module updated in place); false when the file has nothing to evaluate so.
   */
  reevaluateHotOnly(file: string, purpose: HotOnlyPurpose): MaybePromise<boolean>;
  /** Makes the new versions the loaded ones and lets the old ones be collected. */
  commit(): MaybePromise<void>;
  /** Puts every old version back, as if nothing was evaluated. */
  rollback(): MaybePromise<void>;
}
