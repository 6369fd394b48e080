// The registry: the one place compiled code and the runtime meet. The Babel plugin emits
// calls to a per-module handle (`chaudModule(key)`); the runtime opens reload batches around
// re-evaluation and commits or discards them. It lives on `globalThis` under a well-known
// symbol, so every copy of chaud in the process shares it, and it works with no runtime at
// all: without a batch, registrations apply at once. Nothing here imports Node.

import { markRegistryFile } from "./caller-file";
import { matchNameAndLength } from "./hot-stub";
import { updateClassInPlace } from "./hot-class";
import { ModuleHandle } from "./module-handle";
import type { PersistCell } from "./persist-cell";
import { Batch } from "./batch";
import type {
  ClassEntry,
  CommitReport,
  HotEntry,
  MemberWatching,
  ModuleOptions,
  ModuleVersion,
  Notice,
  RegistryState,
  Staged,
} from "./types";

// Split into files, but still one module to its importers (esm/registry.mjs names these).
export { Batch } from "./batch";
export { ModuleHandle } from "./module-handle";
export { PersistCell } from "./persist-cell";
export type { ClassEntry, CommitReport, HotEntry, ModuleVersion, Notice } from "./types";

markRegistryFile();

const REGISTRY_SYMBOL = Symbol.for("chaud.registry.v1");

export class Registry implements RegistryState {
  readonly protocol = 1;
  readonly hot = new Map<string, HotEntry>();
  readonly classes = new Map<string, ClassEntry>();
  readonly cells = new Map<string, PersistCell>();
  readonly privateNames = new Map<string, symbol>();
  readonly modules = new Map<string, ModuleVersion>();
  /** Notices from registrations applied outside a batch (no runtime, or first load). */
  readonly noticeListeners = new Set<(notice: Notice) => void>();
  /** Told about every module evaluation that registers here (key, and file when known). */
  readonly moduleListeners = new Set<(key: string, file: string | null) => void>();
  activeBatch: Batch | null = null;

  /** Called by compiled code at the top of each evaluation of a module. */
  module(key: string, options?: ModuleOptions | "hot-only"): ModuleHandle {
    const batch = this.activeBatch ?? new Batch(this, true);
    const { hotOnly = false, shape = null } = options === "hot-only" ? { hotOnly: true } : (options ?? {});
    const handle = new ModuleHandle(this, key, batch, hotOnly, shape);
    for (const listener of this.moduleListeners) listener(key, handle.file);
    return handle;
  }

  /** Opens a batch: until it commits, registrations are staged and old code keeps running. */
  beginBatch(): Batch {
    if (this.activeBatch) throw new Error("[chaud] a reload batch is already open");
    this.activeBatch = new Batch(this, false);
    return this.activeBatch;
  }

  /** Runs the disposers of a module that no longer exists and forgets its version. */
  dropModule(key: string): Notice[] {
    const notices: Notice[] = [];
    const previous = this.modules.get(key);
    if (previous) runDisposers(previous, notices);
    this.modules.delete(key);
    return notices;
  }

  /** @internal Makes `version` the module's current one, disposing the one it replaces. */
  installVersion(version: ModuleVersion, notices: Notice[]): void {
    const previous = this.modules.get(version.key);
    if (previous && previous !== version) runDisposers(previous, notices);
    this.modules.set(version.key, version);
  }

  /** @internal Applies staged registrations, recording what changed in `report`. */
  apply(items: Staged[], report: CommitReport): void {
    for (const item of items) {
      switch (item.kind) {
        case "hot":
          if (item.isNew) {
            this.hot.set(item.key, item.entry);
            report.hotAdded.push(item.key);
          } else if (item.entry.hash !== item.hash || item.entry.impl !== item.fn) {
            if (item.entry.hash !== item.hash) {
              report.hotUpdated.push(item.key);
              const notice = ranCodeChanged(item.entry, item.hash);
              if (notice) report.notices.push({ kind: notice, key: item.key });
            } else report.hotUnchanged++;
            // Until it has run outside start-up, `target.fn` is the watcher, which calls `impl`.
            if (item.entry.target.fn === item.entry.impl) item.entry.target.fn = item.fn;
            item.entry.impl = item.fn;
            item.entry.hash = item.hash;
            matchNameAndLength(item.entry.stub, item.fn, item.entry.naming);
          }
          break;
        case "class":
          if (item.isNew) {
            this.classes.set(item.key, item.entry);
            break;
          }
          updateClassInPlace(item.entry, item.next, item.members, this.memberWatching(item, report));
          item.entry.members = item.members;
          if (item.entry.hash !== item.hash) report.classesUpdated.push(item.key);
          item.entry.hash = item.hash;
          if (item.entry.shapeHash !== item.shapeHash)
            report.notices.push({ kind: "class-shape-changed", key: item.key });
          if (item.entry.decoratorsHash !== item.decoratorsHash)
            report.notices.push({ kind: "class-decorators-changed", key: item.key });
          break;
        case "cell":
          this.cells.set(item.key, item.cell);
          break;
        case "cell-hash":
          item.cell.hash = item.hash;
          report.notices.push({ kind: "persist-initializer-changed", key: item.key });
          break;
      }
    }
  }

  /**
   * How an update of a class mode "all" made hot watches its new members, and reports the
   * members whose new code leaves code that ran stale (as for hot functions).
   */
  private memberWatching(item: Staged & { kind: "class" }, report: CommitReport): MemberWatching | undefined {
    const { memberHashes: hashes, entry } = item;
    if (!hashes || !entry.watch) return undefined;
    return {
      hashes,
      watch: entry.watch,
      changed: (label, member, hash) => {
        const kind = ranCodeChanged(member, hash);
        const key = `${item.key}.${memberKeyOf(label)}`;
        // A getter and its setter are one member to the reader: one notice.
        if (kind && !report.notices.some((notice) => notice.kind === kind && notice.key === key))
          report.notices.push({ kind, key });
      },
    };
  }

  /** @internal Tells listeners about notices of registrations applied outside a batch. */
  announce(notices: Notice[]): void {
    for (const notice of notices) for (const listener of this.noticeListeners) listener(notice);
  }
}

/**
 * Why a new body of `entry` leaves code that ran stale: the function ran only at start-up
 * (nothing calls the new body), or it ran and the functions it creates changed (the ones it
 * made, a route handler, a closure it returned, keep the old code). Null when neither.
 */
function ranCodeChanged(entry: HotEntry, hash: string): "ran-at-start-changed" | "made-functions-changed" | null {
  if (entry.ran === "at-start") return "ran-at-start-changed";
  if (entry.ran === "later" && madePart(entry.hash) !== madePart(hash)) return "made-functions-changed";
  return null;
}

/** A member's label (`get name`, `static name`) as keys name members: `name`, `static.name`. */
const memberKeyOf = (label: string): string =>
  label.replace(/^(static )?(?:get |set )?/, (_, isStatic) => (isStatic ? "static." : ""));

const madePart = (hash: string): string => hash.slice(hash.indexOf(":") + 1 || hash.length);

function runDisposers(version: ModuleVersion, notices: Notice[]): void {
  for (const dispose of version.disposers.splice(0)) {
    try {
      dispose();
    } catch (error) {
      notices.push({ kind: "dispose-failed", key: version.key, error });
    }
  }
}

/** The process-wide registry, created on first use. */
export function getRegistry(): Registry {
  const holder = globalThis as { [REGISTRY_SYMBOL]?: Registry };
  let registry = holder[REGISTRY_SYMBOL];
  if (!registry) {
    registry = new Registry();
    Object.defineProperty(holder, REGISTRY_SYMBOL, { value: registry, configurable: true });
  }
  return registry;
}

/**
 * Entry point of compiled code: `const _chaud = chaudModule("pkg/src/file.ts", { shape })`.
 * (`"hot-only"` as the second argument is the form compiled code of earlier versions uses.)
 */
export function chaudModule(key: string, options?: ModuleOptions | "hot-only"): ModuleHandle {
  return getRegistry().module(key, options);
}
