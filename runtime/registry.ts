// The registry: the one place compiled code and the runtime meet. The Babel plugin emits
// calls to a per-module handle (`chaudModule(key)`); the runtime opens reload batches around
// re-evaluation and commits or discards them. It lives on `globalThis` under a well-known
// symbol, so every copy of chaud in the process shares it, and it works with no runtime at
// all: without a batch, registrations apply at once. Nothing here imports Node.

import { createStub, matchNameAndLength, type HotTarget, type StubNaming } from "./hot-stub";
import { membersOf, nameClass, updateClassInPlace, type ClassMembers } from "./hot-class";

const REGISTRY_SYMBOL = Symbol.for("chaud.registry.v1");

interface HotEntry extends HotTarget {
  readonly stub: Function;
  readonly naming: StubNaming;
  hash: string;
}

interface ClassEntry {
  readonly cls: Function;
  hash: string;
  /** Hash of the constructor and field initializers the live class runs (never replaced). */
  readonly shapeHash: string;
  members: ClassMembers;
}

/** A persisted binding's storage. Compiled code reads `ready`/`v` and calls `init`/`w`. */
export class PersistCell {
  ready = false;
  v: unknown = undefined;
  constructor(public hash: string) {}
  /** Stores the initializer's value on first evaluation; returns it. */
  init<T>(value: T): T {
    this.v = value;
    this.ready = true;
    return value;
  }
  /** Write-through for `x = …`, `x++`, `x += …`: stores `value`, returns the expression's `result`. */
  w<T>(result: T, value: unknown): T {
    this.v = value;
    return result;
  }
}

export type Notice =
  | { kind: "persist-initializer-changed"; key: string }
  | { kind: "class-shape-changed"; key: string }
  | { kind: "dispose-failed"; key: string; error: unknown };

/** What a committed batch changed, for the reload report. */
export interface CommitReport {
  modules: string[];
  hotUpdated: string[];
  hotAdded: string[];
  hotUnchanged: number;
  classesUpdated: string[];
  notices: Notice[];
}

interface ModuleVersion {
  readonly key: string;
  /** The file (or file: URL, for ES modules) this version was evaluated from, when known. */
  readonly file: string | null;
  readonly disposers: Function[];
  /** Getters for the module's unmarked top-level bindings, read by a hot-only evaluation. */
  scope: object | null;
}

type Staged =
  | { kind: "hot"; key: string; entry: HotEntry; fn: Function; hash: string; isNew: boolean }
  | { kind: "class"; key: string; entry: ClassEntry; next: Function; hash: string; shapeHash: string; members: ClassMembers; isNew: boolean }
  | { kind: "cell"; key: string; cell: PersistCell }
  | { kind: "cell-hash"; key: string; cell: PersistCell; hash: string };

/** Registrations of one or more module evaluations, applied together or not at all. */
export class Batch {
  private readonly staged: Staged[] = [];
  private readonly versions = new Map<string, ModuleVersion>();
  private open = true;

  constructor(private readonly registry: Registry, private readonly immediate: boolean) {}

  get isOpen(): boolean {
    return this.open;
  }

  addVersion(version: ModuleVersion): void {
    this.versions.set(version.key, version);
    if (this.immediate) {
      const report = emptyReport();
      this.registry.installVersion(version, report.notices);
      this.registry.announce(report.notices);
    }
  }

  stage(item: Staged): void {
    if (!this.immediate) {
      this.staged.push(item);
      return;
    }
    const report = emptyReport();
    this.registry.apply([item], report);
    this.registry.announce(report.notices);
  }

  /** Switches every staged entry to its new version at once and runs replaced modules' disposers. */
  commit(): CommitReport {
    this.close();
    const report = emptyReport();
    report.modules = [...this.versions.keys()];
    for (const version of this.versions.values()) this.registry.installVersion(version, report.notices);
    this.registry.apply(this.staged, report);
    return report;
  }

  /** Drops everything staged: the previous versions keep running. */
  rollback(): void {
    this.close();
  }

  private close(): void {
    if (!this.open) throw new Error("[chaud] reload batch was already committed or rolled back");
    this.open = false;
    if (this.registry.activeBatch === this) this.registry.activeBatch = null;
  }
}

function emptyReport(): CommitReport {
  return { modules: [], hotUpdated: [], hotAdded: [], hotUnchanged: 0, classesUpdated: [], notices: [] };
}

/** The handle one evaluation of one module registers through. */
export class ModuleHandle {
  private readonly version: ModuleVersion;

  /**
   * `hotOnly`: an entry module's hot parts evaluated again without its top-level code. It
   * registers new code but is not a new version of the module: nothing is disposed.
   */
  constructor(private readonly registry: Registry, readonly key: string, private readonly batch: Batch, private readonly hotOnly = false) {
    this.version = { key, file: callerFile(), disposers: [], scope: null };
    if (!hotOnly) batch.addVersion(this.version);
  }

  /** The file this evaluation runs from (a file: URL for ES modules), when the stack tells. */
  get file(): string | null {
    return this.version.file;
  }

  /** Records the getters of this version's unmarked top-level bindings. */
  scope(getters: object): void {
    this.version.scope = getters;
  }

  /** The running version's binding getters, for a hot-only evaluation. */
  previous(): Record<string, unknown> {
    return (this.registry.modules.get(this.key)?.scope ?? {}) as Record<string, unknown>;
  }

  /**
   * A hot function: returns the key's stable stub; the stub runs `impl` once committed.
   * `displayName` names the stub when the source's name is not the function's own
   * (`export default function () {}` is named "default").
   */
  fn<F extends Function>(name: string, impl: F, hash: string, displayName?: string): F {
    const key = `${this.key}#${name}`;
    const existing = this.registry.hot.get(key);
    if (existing) {
      this.batch.stage({ kind: "hot", key, entry: existing, fn: impl, hash, isNew: false });
      return existing.stub as unknown as F;
    }
    // An arrow passed to the registry has no name of its own: it takes its binding's.
    const naming: StubNaming = { displayName, fallbackName: name.slice(name.lastIndexOf(".") + 1) };
    const target: HotTarget = { fn: impl };
    const entry: HotEntry = Object.assign(target, { stub: createStub(target, impl, naming), naming, hash });
    this.batch.stage({ kind: "hot", key, entry, fn: impl, hash, isNew: true });
    return entry.stub as unknown as F;
  }

  /** A hot class: returns the first class evaluated for the key; later versions' members move onto it. */
  cls<C extends Function>(name: string, next: C, hash: string, shapeHash: string): C {
    const key = `${this.key}#${name}`;
    nameClass(next, name);
    const members = membersOf(next);
    const existing = this.registry.classes.get(key);
    if (existing) {
      this.batch.stage({ kind: "class", key, entry: existing, next, hash, shapeHash, members, isNew: false });
      return existing.cls as C;
    }
    const entry: ClassEntry = { cls: next, hash, shapeHash, members };
    this.batch.stage({ kind: "class", key, entry, next, hash, shapeHash, members, isNew: true });
    return next;
  }

  /** A single hot method of an unmarked class: replaces it on `target` with the key's stub. */
  method(name: string, target: object, property: PropertyKey, hash: string, kind: "method" | "get" | "set" = "method"): void {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, property);
    const slot = kind === "method" ? "value" : kind;
    const impl: unknown = descriptor?.[slot];
    if (!descriptor || typeof impl !== "function") return;
    const stub = this.fn(name, impl, hash);
    Reflect.defineProperty(target, property, { ...descriptor, [slot]: stub });
  }

  /** A persisted binding's cell: `ready` with the kept value after the first evaluation. */
  cell(name: string, hash: string): PersistCell {
    const key = `${this.key}#${name}`;
    const existing = this.registry.cells.get(key);
    if (existing) {
      if (existing.hash !== hash) this.batch.stage({ kind: "cell-hash", key, cell: existing, hash });
      return existing;
    }
    const cell = new PersistCell(hash);
    this.batch.stage({ kind: "cell", key, cell });
    return cell;
  }

  /** A private name of a hot class, the same symbol in every version of the module. */
  priv(name: string): symbol {
    const key = `${this.key}#${name}`;
    let symbol = this.registry.privateNames.get(key);
    if (!symbol) {
      symbol = Symbol(name);
      this.registry.privateNames.set(key, symbol);
    }
    return symbol;
  }

  /** A `@chaud.dispose` function: runs once when this version of the module is replaced or dropped. */
  dispose(fn: Function): void {
    if (!this.hotOnly) this.version.disposers.push(fn);
  }
}

export class Registry {
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
  module(key: string, mode?: "hot-only"): ModuleHandle {
    const batch = this.activeBatch ?? new Batch(this, true);
    const handle = new ModuleHandle(this, key, batch, mode === "hot-only");
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
          } else if (item.entry.hash !== item.hash || item.entry.fn !== item.fn) {
            if (item.entry.hash !== item.hash) report.hotUpdated.push(item.key);
            else report.hotUnchanged++;
            item.entry.fn = item.fn;
            item.entry.hash = item.hash;
            matchNameAndLength(item.entry.stub, item.fn, item.entry.naming);
          }
          break;
        case "class":
          if (item.isNew) {
            this.classes.set(item.key, item.entry);
            break;
          }
          updateClassInPlace(item.entry.cls, item.next, item.entry.members, item.members);
          item.entry.members = item.members;
          if (item.entry.hash !== item.hash) report.classesUpdated.push(item.key);
          item.entry.hash = item.hash;
          if (item.entry.shapeHash !== item.shapeHash) report.notices.push({ kind: "class-shape-changed", key: item.key });
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

  /** @internal Tells listeners about notices of registrations applied outside a batch. */
  announce(notices: Notice[]): void {
    for (const notice of notices) for (const listener of this.noticeListeners) listener(notice);
  }
}

/**
 * The file of the module whose top-level code called into the registry: the first stack
 * frame outside this file. Used where no loader reports modules (plain ESM calling init()).
 */
function callerFile(): string | null {
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    const sites = new Error().stack as unknown as Array<{ getFileName(): string | null | undefined }>;
    const own = sites[0]?.getFileName();
    for (const site of sites) {
      const file = site.getFileName();
      if (file && file !== own && !file.startsWith("node:")) return file;
    }
    return null;
  } catch {
    return null;
  } finally {
    Error.prepareStackTrace = original;
  }
}

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

/** Entry point of compiled code: `const _chaud = chaudModule("pkg/src/file.ts")`. */
export function chaudModule(key: string, mode?: "hot-only"): ModuleHandle {
  return getRegistry().module(key, mode);
}
