// Structural helpers: deep merge, deep equality and deep freeze, with cycle handling.

const isPlainObject = (value) => {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

export const REPLACE = Symbol("deep-merge.replace");

export function replace(value) {
  return { [REPLACE]: true, value };
}

export function deepMerge(target, ...sources) {
  const seen = new WeakMap();
  const mergeInto = (base, patch) => {
    if (patch?.[REPLACE]) return patch.value;
    if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
    if (seen.has(patch)) return seen.get(patch);
    const out = { ...base };
    seen.set(patch, out);
    for (const key of Reflect.ownKeys(patch)) out[key] = mergeInto(base[key], patch[key]);
    return out;
  };
  return sources.reduce(mergeInto, target);
}

export function deepEqual(a, b, seen = new Map()) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Map || a instanceof Set) {
    if (a.size !== b.size) return false;
    return a instanceof Map ? [...a].every(([k, v]) => b.has(k) && deepEqual(v, b.get(k), seen)) : [...a].every((v) => b.has(v));
  }
  const keysA = Reflect.ownKeys(a);
  const keysB = Reflect.ownKeys(b);
  return keysA.length === keysB.length && keysA.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key], seen));
}

export function deepFreeze(value, seen = new WeakSet()) {
  if (value === null || typeof value !== "object" || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze(value[key], seen);
  return Object.freeze(value);
}
