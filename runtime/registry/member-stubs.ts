// The methods, getters and setters of a hot class stand behind stubs, as hot functions do, so
// a reference taken before a reload (`obj.m.bind(obj)`, `Cls.prototype.m`, a getter read from
// its descriptor, a framework's cached `instance[name]`) runs the newest body. Each one has its
// own registry entry; a reload switches the entries' targets and leaves the stubs in place.

import { createHotEntry, matchNameAndLength } from "./hot-stub";
import { redefineOwn } from "./own-properties";
import type { AnyFunction, MemberStubMap, MemberStubs, MemberWatching, StubNaming } from "./types";

// A method's own name ("hello", "get x", "[Symbol.iterator]") always names its stub.
const NAMING: StubNaming = { fallbackName: "" };

/** Whose members: a prototype's (all code) or the class's own (an enumerable function is a static field). */
export type Owner = "prototype" | "class";

/**
 * Gives `stable`'s members `keys` the code of `from`: its next version, or `stable` itself
 * when the class is first registered. Methods and accessors go through `stubs`; anything else
 * is copied. Members of `previous` (what the running version's body defined) that `keys` no
 * longer has are removed; their stubs stay in `stubs` and forward to their last body.
 * `watching`: a class mode "all" made hot, whose members are watched as its functions are.
 */
export function updateMembers(
  stable: object,
  from: object,
  stubs: MemberStubMap,
  keys: readonly PropertyKey[],
  previous: readonly PropertyKey[],
  owner: Owner,
  watching?: MemberWatching,
): void {
  const keep = new Set(keys);
  for (const key of previous) {
    if (!keep.has(key)) Reflect.deleteProperty(stable, key);
  }
  const changed = new Map<PropertyKey, PropertyDescriptor>();
  for (const key of keys) {
    const descriptor = Reflect.getOwnPropertyDescriptor(from, key);
    if (!descriptor) continue;
    const wanted = isCode(descriptor, owner)
      ? stubbed(descriptor, stubsFor(stubs, key), watching && memberWatch(watching, owner, key))
      : descriptor;
    if (!sameDescriptor(Reflect.getOwnPropertyDescriptor(stable, key), wanted)) changed.set(key, wanted);
  }
  // A stub already in place stays untouched, so code V8 optimized around it stays valid.
  redefineOwn(stable, changed);
}

// A class body defines methods and accessors non-enumerable and fields enumerable: a
// function-valued static field (`static make = () => …`) is data, copied as it is.
function isCode(descriptor: PropertyDescriptor, owner: Owner): boolean {
  if (descriptor.get !== undefined || descriptor.set !== undefined) return true;
  if (typeof descriptor.value !== "function") return false;
  return owner === "prototype" || descriptor.enumerable !== true;
}

function stubsFor(stubs: MemberStubMap, key: PropertyKey): MemberStubs {
  let found = stubs.get(key);
  if (!found) {
    found = {};
    stubs.set(key, found);
  }
  return found;
}

type Side = keyof MemberStubs;

/** What one member's stubs need of `watching`: their hash by side, and its callbacks with their label. */
interface MemberWatch {
  hash(side: Side): string | undefined;
  watching: MemberWatching;
  label(side: Side): string;
}

function memberWatch(watching: MemberWatching, owner: Owner, key: PropertyKey): MemberWatch | undefined {
  // The plugin hashes the members whose name the source spells (an identifier, a string): a
  // symbol or a computed name has no hash, and is not watched.
  if (typeof key !== "string") return undefined;
  const label = (side: Side): string =>
    `${owner === "class" ? "static " : ""}${side === "value" ? "" : `${side} `}${key}`;
  const hash = (side: Side): string | undefined => {
    const named = label(side);
    return Object.hasOwn(watching.hashes, named) ? watching.hashes[named] : undefined;
  };
  return { watching, label, hash };
}

/** The descriptor with each function replaced by its stub, now forwarding to that function. */
function stubbed(
  descriptor: PropertyDescriptor,
  stubs: MemberStubs,
  watch: MemberWatch | undefined,
): PropertyDescriptor {
  const { enumerable, configurable } = descriptor;
  if (descriptor.get !== undefined || descriptor.set !== undefined) {
    const get = stubFor(stubs, "get", descriptor.get, watch);
    const set = stubFor(stubs, "set", descriptor.set, watch);
    return { get, set, enumerable, configurable } as PropertyDescriptor;
  }
  const value = stubFor(stubs, "value", descriptor.value as AnyFunction, watch);
  return { value, writable: descriptor.writable, enumerable, configurable } as PropertyDescriptor;
}

function stubFor(
  stubs: MemberStubs,
  side: Side,
  impl: AnyFunction | undefined,
  watch: MemberWatch | undefined,
): AnyFunction | undefined {
  if (impl === undefined) return undefined;
  const hash = watch?.hash(side);
  let entry = stubs[side];
  if (!entry) {
    entry = createHotEntry(impl, NAMING, hash ?? "", hash !== undefined ? watch!.watching.watch : undefined);
    stubs[side] = entry;
  } else if (entry.impl !== impl) {
    if (hash !== undefined && entry.hash !== hash) {
      watch!.watching.changed?.(watch!.label(side), entry, hash);
      entry.hash = hash;
    }
    // Until a watched member has run outside start-up, `target.fn` is its watcher, which calls `impl`.
    if (entry.target.fn === entry.impl) entry.target.fn = impl;
    entry.impl = impl;
    matchNameAndLength(entry.stub, impl, entry.naming);
  }
  // Decorators record metadata on the method function itself (reflect-metadata keys it by the
  // function, and NestJS finds routes that way); with the body as its prototype, the stub
  // shows that metadata, the properties set on the body, and its kind (`AsyncFunction`).
  if (Object.getPrototypeOf(entry.stub) !== impl) Object.setPrototypeOf(entry.stub, impl);
  return entry.stub;
}

function sameDescriptor(current: PropertyDescriptor | undefined, wanted: PropertyDescriptor): boolean {
  if (!current) return false;
  return (
    current.value === wanted.value &&
    current.get === wanted.get &&
    current.set === wanted.set &&
    current.writable === wanted.writable &&
    current.enumerable === wanted.enumerable &&
    current.configurable === wanted.configurable
  );
}
