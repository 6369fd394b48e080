// The registry's shared types. The registry, its batches and its module handles refer to one
// another; their types live here so that none of those files imports another for types alone.

import type { PersistCell } from "./persist-cell";

/**
 * Any function or class. Hot entries forward calls and `new` alike, and hot classes are
 * classes, so the registry cannot narrow what it holds to a call signature.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type AnyFunction = Function;

/** The mutable cell a stub reads on every call. */
export interface HotTarget {
  fn: AnyFunction;
}

/** How a stub names itself: the plugin's display name, else the implementation's own name, else the fallback. */
export interface StubNaming {
  readonly displayName?: string | undefined;
  readonly fallbackName: string;
}

/**
 * Where a hot function's code has run: not yet, only while modules were being evaluated
 * (start-up: a `main()`, a `setupRoutes(app)` called at the top level), or also later (a
 * request, a timer). An edit of a function that ran only at start-up reaches nothing that runs.
 */
export type RanWhen = "not-yet" | "at-start" | "later";

export interface HotEntry {
  /** What the stub reads: an object of its own (hot-stub.ts says why). */
  readonly target: HotTarget;
  readonly stub: AnyFunction;
  readonly naming: StubNaming;
  /**
   * The plugin's hash of the body; for a function mode "all" made hot without a marker, then
   * a ":" and the hash of the functions the body creates that may outlive a call (a handler it
   * registers, a closure it returns), empty when none.
   */
  hash: string;
  /** The newest implementation: until the function has run outside start-up, `target.fn` is a watcher that forwards to it. */
  impl: AnyFunction;
  ran: RanWhen;
}

/** Own keys a class body defined, remembered so a reload removes only what the body made. */
export interface ClassMembers {
  proto: PropertyKey[];
  statics: PropertyKey[];
}

/** The stubs standing for one member of a hot class: its method, or its getter and setter. */
export interface MemberStubs {
  value?: HotEntry;
  get?: HotEntry;
  set?: HotEntry;
}

/** Per member key, its stubs; kept after a version drops the member, so it can come back. */
export type MemberStubMap = Map<PropertyKey, MemberStubs>;

/**
 * A class mode "all" made hot: the plugin's hash of each method and accessor (as a hot
 * function's, `code:made`) by its label (`name`, `get name`, `static set name`). Those stubs are
 * watched as such functions are (first-calls.ts).
 */
export type MemberHashes = Readonly<Record<string, string>>;

/** How the stubs of a class mode "all" made hot are watched, and told of their new hashes. */
export interface MemberWatching {
  readonly hashes: MemberHashes;
  /** Makes the watcher of a member's new entry (first-calls.ts's watcherOf). */
  watch(entry: HotEntry): AnyFunction;
  /** A member whose code ran gets a new hash: the registry decides whether that leaves stale code. */
  changed?(label: string, entry: HotEntry, hash: string): void;
}

export interface ClassEntry {
  readonly cls: AnyFunction;
  hash: string;
  /** Hash of the constructor and field initializers the live class runs (never replaced). */
  readonly shapeHash: string;
  /** Hash of the decorators that decorated the live class (never replaced); undefined when it has none. */
  readonly decoratorsHash?: string | undefined;
  /**
   * Compiled decorator statements (`__decorate(…)`) already applied to the live class, by
   * their text's hash, with what each returned.
   */
  readonly decorations: Map<string, unknown>;
  members: ClassMembers;
  /** Stubs of the prototype's and the class's own methods and accessors. */
  readonly stubs: { readonly proto: MemberStubMap; readonly statics: MemberStubMap };
  /** Mode "all": how the stubs are watched (null for a class a marker made hot). */
  readonly watch: ((entry: HotEntry) => AnyFunction) | null;
}

export type Notice =
  | { kind: "persist-initializer-changed"; key: string }
  | { kind: "class-shape-changed"; key: string }
  | { kind: "class-decorators-changed"; key: string }
  /** A hot function that ran only while modules were evaluated changed: nothing calls the new body. */
  | { kind: "ran-at-start-changed"; key: string }
  /** A hot function that ran changed the functions it creates: those it made keep the old code. */
  | { kind: "made-functions-changed"; key: string }
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

export interface ModuleVersion {
  readonly key: string;
  /** The file (or file: URL, for ES modules) this version was evaluated from, when known. */
  readonly file: string | null;
  readonly disposers: AnyFunction[];
  /** Accessors of the module's unmarked top-level bindings, for hot-only evaluations. */
  scope: object | null;
  /** Its source with the hot bodies set aside (the plugin's hash); null from older compiled code. */
  readonly shape: string | null;
}

/** What compiled code tells the registry about one evaluation of a module. */
export interface ModuleOptions {
  /** Only the module's hot parts run again: it is not a new version of the module. */
  hotOnly?: boolean;
  /** The plugin's hash of the module's source with its hot bodies set aside. */
  shape?: string;
}

/** Thrown by a hot-only evaluation whose module's shape changed, when the batch asks for an update in place. */
export const SHAPE_CHANGED = "CHAUD_SHAPE_CHANGED";

/** A registration of a module evaluation, staged until its batch commits. */
export type Staged =
  | { kind: "hot"; key: string; entry: HotEntry; fn: AnyFunction; hash: string; isNew: boolean }
  | {
      kind: "class";
      key: string;
      entry: ClassEntry;
      next: AnyFunction;
      hash: string;
      shapeHash: string;
      decoratorsHash: string | undefined;
      members: ClassMembers;
      memberHashes: MemberHashes | undefined;
      isNew: boolean;
    }
  | { kind: "cell"; key: string; cell: PersistCell }
  | { kind: "cell-hash"; key: string; cell: PersistCell; hash: string };

/** What batches and module handles use of the registry (the Registry class implements it). */
export interface RegistryState {
  readonly hot: Map<string, HotEntry>;
  readonly classes: Map<string, ClassEntry>;
  readonly cells: Map<string, PersistCell>;
  readonly privateNames: Map<string, symbol>;
  readonly modules: Map<string, ModuleVersion>;
  activeBatch: { readonly isOpen: boolean } | null;
  installVersion(version: ModuleVersion, notices: Notice[]): void;
  apply(items: Staged[], report: CommitReport): void;
  announce(notices: Notice[]): void;
}
