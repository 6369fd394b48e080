// The per-module handle compiled code registers through: hot functions, classes, persisted cells.

import { callerFile, markRegistryFile } from "./caller-file";
import { membersOf, nameClass, stubClass } from "./hot-class";
import { watcherOf } from "./first-calls";
import { createHotEntry, type StubNaming } from "./hot-stub";
import { redefineOwn } from "./own-properties";
import { PersistCell } from "./persist-cell";
import {
  SHAPE_CHANGED,
  type AnyFunction,
  type ClassEntry,
  type HotEntry,
  type MemberHashes,
  type ModuleVersion,
  type RegistryState,
} from "./types";
import type { Batch } from "./batch";

markRegistryFile();

/** The handle one evaluation of one module registers through. */
export class ModuleHandle {
  private readonly version: ModuleVersion;
  /** The hot classes this evaluation registered, by name, and whether each is new. */
  private readonly classes = new Map<string, { entry: ClassEntry; isNew: boolean }>();

  /**
   * `hotOnly`: an entry module's hot parts evaluated again without its top-level code. It
   * registers new code but is not a new version of the module: nothing is disposed.
   */
  constructor(
    private readonly registry: RegistryState,
    readonly key: string,
    private readonly batch: Batch,
    private readonly hotOnly = false,
    shape: string | null = null,
  ) {
    this.version = { key, file: callerFile(), disposers: [], scope: null, shape };
    if (!hotOnly) {
      batch.addVersion(this.version);
      return;
    }
    // A hot-only evaluation switches the running version's hot items to new bodies; that is
    // all an edit did only when the rest of the module is the same.
    const running = registry.modules.get(key);
    if (running !== undefined && shape !== null && running.shape === shape) return;
    batch.shapeChanged.add(key);
    if (batch.updatingInPlace) {
      throw Object.assign(new Error(`[chaud] ${key} changed beyond its hot bodies: it must be evaluated again`), {
        code: SHAPE_CHANGED,
      });
    }
  }

  /** The file this evaluation runs from (a file: URL for ES modules), when the stack tells. */
  get file(): string | null {
    return this.version.file;
  }

  /** Records the getters of this version's unmarked top-level bindings. */
  scope(getters: object): void {
    this.version.scope = getters;
  }

  /** The running version's binding accessors, for a hot-only evaluation. */
  previous(): Record<string, unknown> {
    return (this.registry.modules.get(this.key)?.scope ?? {}) as Record<string, unknown>;
  }

  /**
   * A hot function: returns the key's stable stub; the stub runs `impl` once committed.
   * `displayName` names the stub when the source's name is not the function's own
   * (`export default function () {}` is named "default"). `runs: "once"`: passed to a call
   * that calls it once at most (`.then(fn)`), so any call of it is at start-up.
   */
  fn<F extends AnyFunction>(name: string, impl: F, hash: string, displayName?: string, runs?: "once"): F {
    const key = `${this.key}#${name}`;
    const existing = this.registry.hot.get(key);
    if (existing) {
      this.batch.stage({ kind: "hot", key, entry: existing, fn: impl, hash, isNew: false });
      return existing.stub as unknown as F;
    }
    // An arrow passed to the registry has no name of its own: it takes its binding's.
    const naming: StubNaming = { displayName, fallbackName: name.slice(name.lastIndexOf(".") + 1) };
    // A function hot without a marker (its hash has a ":") is watched; a marked one keeps
    // the marker's meaning: its new body from the next call on, wherever it ran.
    const file = this.version.file;
    const entry = createHotEntry(
      impl,
      naming,
      hash,
      hash.includes(":") ? (e) => watcherOf(e, file, runs === "once") : undefined,
    );
    this.batch.stage({ kind: "hot", key, entry, fn: impl, hash, isNew: true });
    return entry.stub as unknown as F;
  }

  /**
   * A hot class: returns the first class evaluated for the key; later versions' code goes
   * behind its member stubs. `decoratorsHash`: the text of its decorators, when it has some.
   * `memberHashes`: a class mode "all" made hot, whose methods are watched as its functions are.
   */
  cls<C extends AnyFunction>(
    name: string,
    next: C,
    hash: string,
    shapeHash: string,
    decoratorsHash?: string,
    memberHashes?: MemberHashes,
  ): C {
    const key = `${this.key}#${name}`;
    // Decorators compile to a class held in a temporary (`_class = class {…}`), which names it.
    nameClass(next, name, decoratorsHash !== undefined);
    const members = membersOf(next);
    const existing = this.registry.classes.get(key);
    const staged = { kind: "class", key, next, hash, shapeHash, decoratorsHash, members, memberHashes } as const;
    if (existing) {
      this.batch.stage({ ...staged, entry: existing, isNew: false });
      this.classes.set(name, { entry: existing, isNew: false });
      return existing.cls as C;
    }
    const file = this.version.file;
    const watching = memberHashes && {
      hashes: memberHashes,
      watch: (e: HotEntry): AnyFunction => watcherOf(e, file),
    };
    // Stubbed at once, so that references the module's own code takes already forward.
    const entry: ClassEntry = {
      cls: next,
      hash,
      shapeHash,
      decoratorsHash,
      decorations: new Map(),
      members,
      stubs: stubClass(next, members, watching),
      watch: watching ? watching.watch : null,
    };
    this.batch.stage({ ...staged, entry, isNew: true });
    this.classes.set(name, { entry, isNew: true });
    return next;
  }

  /**
   * A compiled decorator statement of hot class `name` (`__decorate([…], C.prototype, "m")`):
   * runs it once per live class and text, and gives later evaluations what it returned, so a
   * re-evaluated module neither registers unchanged decorators again nor loses a class that a
   * class decorator returned. Applied at once: decorators cannot be taken back.
   */
  decorate<T>(name: string, hash: string, run: () => T): T {
    const registered = this.classes.get(name);
    if (!registered) return run();
    const { decorations } = registered.entry;
    if (!registered.isNew && decorations.has(hash)) return decorations.get(hash) as T;
    const result = run();
    decorations.set(hash, result);
    return result;
  }

  /** A single hot method of an unmarked class: replaces it on `target` with the key's stub. */
  method(
    name: string,
    target: object,
    property: PropertyKey,
    hash: string,
    kind: "method" | "get" | "set" = "method",
  ): void {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, property);
    const slot = kind === "method" ? "value" : kind;
    const impl: unknown = descriptor?.[slot];
    if (!descriptor || typeof impl !== "function") return;
    const stub = this.fn(name, impl, hash);
    redefineOwn(target, new Map([[property, { ...descriptor, [slot]: stub }]]));
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
  dispose(fn: AnyFunction): void {
    if (!this.hotOnly) this.version.disposers.push(fn);
  }
}
