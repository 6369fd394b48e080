// Hot classes keep their identity: the first class object evaluated for a key stays the one
// every binding, `instanceof` check and existing instance refers to. Each later version's
// methods, getters, setters and static methods are copied onto it in place, and members the
// new version no longer has are removed. Constructors and field initializers cannot be
// swapped on a live class (instances already ran them), so they stay; the registry reports
// when they changed.

import type { AnyFunction, ClassMembers } from "./types";

export type { ClassMembers };

const STATIC_BUILTINS = new Set<PropertyKey>(["prototype", "length", "name"]);

/** Records the members a freshly evaluated class body defined. */
export function membersOf(cls: AnyFunction): ClassMembers {
  return {
    proto: Reflect.ownKeys(cls.prototype).filter((key) => key !== "constructor"),
    statics: Reflect.ownKeys(cls).filter((key) => !STATIC_BUILTINS.has(key) && isReplaceable(cls, key)),
  };
}

// Static data fields (`static count = 0`) are state: keep them. Static methods, accessors and
// function-valued fields are code: replace them.
function isReplaceable(cls: AnyFunction, key: PropertyKey): boolean {
  const descriptor = Reflect.getOwnPropertyDescriptor(cls, key);
  if (!descriptor) return false;
  return descriptor.get !== undefined || descriptor.set !== undefined || typeof descriptor.value === "function";
}

function copyMembers(from: object, to: object, next: PropertyKey[], previous: PropertyKey[]): void {
  const keep = new Set(next);
  for (const key of previous) {
    if (!keep.has(key)) Reflect.deleteProperty(to, key);
  }
  for (const key of next) {
    const descriptor = Reflect.getOwnPropertyDescriptor(from, key);
    if (descriptor) Reflect.defineProperty(to, key, descriptor);
  }
}

/**
 * Moves the code of `next` onto `stable`: prototype and static members, and the parent
 * class if the new version extends a different one (so `super` and inherited members agree
 * with the new methods).
 */
export function updateClassInPlace(
  stable: AnyFunction,
  next: AnyFunction,
  previous: ClassMembers,
  nextMembers: ClassMembers,
): void {
  copyMembers(next.prototype, stable.prototype, nextMembers.proto, previous.proto);
  copyMembers(next, stable, nextMembers.statics, previous.statics);
  const nextParent = Object.getPrototypeOf(next);
  if (Object.getPrototypeOf(stable) !== nextParent) Object.setPrototypeOf(stable, nextParent);
  const nextProtoParent = Object.getPrototypeOf(next.prototype);
  if (Object.getPrototypeOf(stable.prototype) !== nextProtoParent) {
    Object.setPrototypeOf(stable.prototype, nextProtoParent);
  }
}

/** Gives an anonymous class expression the name its declaration had. */
export function nameClass(cls: AnyFunction, name: string): void {
  const own = Reflect.getOwnPropertyDescriptor(cls, "name");
  // A class with its own `static name` member keeps it.
  if (own && "value" in own && own.value === "" && !own.writable) {
    Object.defineProperty(cls, "name", { value: name, configurable: true });
  }
}
