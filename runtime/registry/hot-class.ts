// Hot classes keep their identity: the first class object evaluated for a key stays the one
// every binding, `instanceof` check and existing instance refers to. Its methods, getters,
// setters and static methods become stubs (member-stubs.ts) that each later version's code
// goes behind, and members the new version no longer has are removed. Constructors and field
// initializers cannot be swapped on a live class (instances already ran them), so they stay;
// the registry reports when they changed.

import { updateMembers } from "./member-stubs";
import type { AnyFunction, ClassEntry, ClassMembers, MemberWatching } from "./types";

export type { ClassMembers };

const STATIC_BUILTINS = new Set<PropertyKey>(["prototype", "length", "name"]);

/** Records the members a freshly evaluated class body defined. */
export function membersOf(cls: AnyFunction): ClassMembers {
  return {
    proto: Reflect.ownKeys(cls.prototype).filter((key) => key !== "constructor"),
    statics: Reflect.ownKeys(cls).filter((key) => !STATIC_BUILTINS.has(key) && isReplaceable(cls, key)),
  };
}

// Static data fields (`static count = 0`) are state: keep them. Static methods and accessors
// are code, stubbed; function-valued fields are replaced by the new version's value.
function isReplaceable(cls: AnyFunction, key: PropertyKey): boolean {
  const descriptor = Reflect.getOwnPropertyDescriptor(cls, key);
  if (!descriptor) return false;
  return descriptor.get !== undefined || descriptor.set !== undefined || typeof descriptor.value === "function";
}

/**
 * Puts stubs in place of a newly registered class's methods and accessors; `watching`: those
 * of a class mode "all" made hot are watched as its functions are.
 */
export function stubClass(cls: AnyFunction, members: ClassMembers, watching?: MemberWatching): ClassEntry["stubs"] {
  const stubs = { proto: new Map(), statics: new Map() };
  const proto = cls.prototype as object;
  updateMembers(proto, proto, stubs.proto, members.proto, [], "prototype", watching);
  updateMembers(cls, cls, stubs.statics, members.statics, [], "class", watching);
  return stubs;
}

/**
 * Moves the code of `next` behind the stubs of `entry`'s class: prototype and static members,
 * and the parent class if the new version extends a different one (so `super` and inherited
 * members agree with the new methods).
 */
export function updateClassInPlace(
  entry: ClassEntry,
  next: AnyFunction,
  nextMembers: ClassMembers,
  watching?: MemberWatching,
): void {
  const { cls: stable, stubs, members: previous } = entry;
  const [stableProto, nextProto] = [stable.prototype as object, next.prototype as object];
  updateMembers(stableProto, nextProto, stubs.proto, nextMembers.proto, previous.proto, "prototype", watching);
  updateMembers(stable, next, stubs.statics, nextMembers.statics, previous.statics, "class", watching);
  const nextParent = Object.getPrototypeOf(next);
  if (Object.getPrototypeOf(stable) !== nextParent) Object.setPrototypeOf(stable, nextParent);
  const nextProtoParent = Object.getPrototypeOf(nextProto);
  if (Object.getPrototypeOf(stableProto) !== nextProtoParent) Object.setPrototypeOf(stableProto, nextProtoParent);
}

/**
 * Gives an anonymous class expression the name its declaration had; `decorated`: also a name
 * inferred from a compiler's temporary (`_class`), which the source never wrote.
 */
export function nameClass(cls: AnyFunction, name: string, decorated = false): void {
  const own = Reflect.getOwnPropertyDescriptor(cls, "name");
  // A class with its own `static name` member keeps it (a field is writable, a getter has no value).
  if (own && "value" in own && (own.value === "" || decorated) && !own.writable && !own.enumerable) {
    Object.defineProperty(cls, "name", { value: name, configurable: true });
  }
}
