// The methods, getters and setters of a hot class stand behind stubs, as hot functions do, so
// a reference taken before a reload (`obj.m.bind(obj)`, `Cls.prototype.m`, a getter read from
// its descriptor, a framework's cached `instance[name]`) runs the newest body. Each one has its
// own registry entry; a reload switches the entries' targets and leaves the stubs in place.

import { createHotEntry, matchNameAndLength } from "./hot-stub";
import { redefineOwn } from "./own-properties";
import type { AnyFunction, MemberStubMap, MemberStubs, StubNaming } from "./types";

// A method's own name ("hello", "get x", "[Symbol.iterator]") always names its stub.
const NAMING: StubNaming = { fallbackName: "" };

/** Whose members: a prototype's (all code) or the class's own (an enumerable function is a static field). */
export type Owner = "prototype" | "class";

/**
 * Gives `stable`'s members `keys` the code of `from`: its next version, or `stable` itself
 * when the class is first registered. Methods and accessors go through `stubs`; anything else
 * is copied. Members of `previous` (what the running version's body defined) that `keys` no
 * longer has are removed; their stubs stay in `stubs` and forward to their last body.
 */
export function updateMembers(
  stable: object,
  from: object,
  stubs: MemberStubMap,
  keys: readonly PropertyKey[],
  previous: readonly PropertyKey[],
  owner: Owner,
): void {
  const keep = new Set(keys);
  for (const key of previous) {
    if (!keep.has(key)) Reflect.deleteProperty(stable, key);
  }
  const changed = new Map<PropertyKey, PropertyDescriptor>();
  for (const key of keys) {
    const descriptor = Reflect.getOwnPropertyDescriptor(from, key);
    if (!descriptor) continue;
    const wanted = isCode(descriptor, owner) ? stubbed(descriptor, stubsFor(stubs, key)) : descriptor;
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

/** The descriptor with each function replaced by its stub, now forwarding to that function. */
function stubbed(descriptor: PropertyDescriptor, stubs: MemberStubs): PropertyDescriptor {
  const { enumerable, configurable } = descriptor;
  if (descriptor.get !== undefined || descriptor.set !== undefined) {
    const get = stubFor(stubs, "get", descriptor.get);
    const set = stubFor(stubs, "set", descriptor.set);
    return { get, set, enumerable, configurable } as PropertyDescriptor;
  }
  const value = stubFor(stubs, "value", descriptor.value as AnyFunction);
  return { value, writable: descriptor.writable, enumerable, configurable } as PropertyDescriptor;
}

function stubFor(stubs: MemberStubs, side: keyof MemberStubs, impl: AnyFunction | undefined): AnyFunction | undefined {
  if (impl === undefined) return undefined;
  let entry = stubs[side];
  if (!entry) {
    entry = createHotEntry(impl, NAMING, "");
    stubs[side] = entry;
  } else if (entry.target.fn !== impl) {
    entry.target.fn = entry.impl = impl;
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
