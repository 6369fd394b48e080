// Putting a stub where a class body's method was. Defining a new value over a method marks
// that slot as one that changes, so V8's optimized callers load and check it on every call
// instead of inlining the function it holds. Deleting it first drops the object to dictionary
// mode, and V8 makes it fast again, with slots it trusts to stay put, on its next lookup; a
// stub never moves once installed, so each later reload only switches what stands behind it.

/**
 * Gives `owner` the descriptors in `replacements`, each deleted and defined again. Every key
 * from the first replaced one on is redefined in order, so `Reflect.ownKeys` keeps its order.
 */
export function redefineOwn(owner: object, replacements: ReadonlyMap<PropertyKey, PropertyDescriptor>): void {
  if (replacements.size === 0) return;
  const current = (key: PropertyKey) => Reflect.getOwnPropertyDescriptor(owner, key);
  const keys = Reflect.ownKeys(owner);
  const first = keys.findIndex((key) => replacements.has(key));
  const tail = first < 0 ? [] : keys.slice(first);
  // A property that cannot be deleted keeps its place; then only the replaced keys move.
  const moved: [PropertyKey, PropertyDescriptor][] = tail.every((key) => current(key)?.configurable)
    ? tail.map((key) => [key, replacements.get(key) ?? current(key) ?? {}])
    : [...replacements];
  for (const [key] of moved) Reflect.deleteProperty(owner, key);
  for (const [key, descriptor] of moved) Reflect.defineProperty(owner, key, descriptor);
  // Keys the owner did not have yet come last.
  for (const [key, descriptor] of replacements) {
    if (!current(key)) Reflect.defineProperty(owner, key, descriptor);
  }
}
