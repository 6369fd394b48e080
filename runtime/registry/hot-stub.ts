// A hot function's stable face. Every version of a module hands out the same stub for one
// registry key, and the stub forwards each call to whatever implementation is current.
//
// The call path is one property load (`target.fn`) and one call: `Reflect.apply(f, this,
// arguments)` is a pattern V8's optimizing compiler forwards without materializing
// `arguments`, so a stub costs what a direct call does (bench/hot-call.js compares them, also
// against `f.call(this, a0)` with an arity check, which is slower). Forwarding `arguments` whole keeps
// `arguments.length`, rest and default parameters exact; `new` goes through
// `Reflect.construct` so `new.target` is kept. Stubs are generated per arity only so that
// `fn.length` and `fn.toString()` look natural.

import type { AnyFunction, HotEntry, HotTarget, StubNaming } from "./types";

export type { HotTarget, StubNaming };

const MAX_FAST_ARITY = 8;
type StubFactory = (target: HotTarget) => AnyFunction;
const factories: StubFactory[] = [];

function factoryFor(arity: number): StubFactory {
  const cached = factories[arity];
  if (cached) return cached;
  const params = Array.from({ length: arity }, (_, i) => `a${i}`);
  const list = params.join(", ");
  const passThrough = ["this", ...params].join(", ");
  // Strict mode so an undefined `this` reaches the implementation unchanged.
  // The named parameters only give the stub its natural `length`.
  void passThrough;
  const source = `"use strict";
return function (${list}) {
  if (new.target !== undefined) return Reflect.construct(target.fn, arguments, new.target);
  return Reflect.apply(target.fn, this, arguments);
};`;
  const factory = new Function("target", source) as StubFactory;
  factories[arity] = factory;
  return factory;
}

function genericStub(target: HotTarget): AnyFunction {
  return function (this: unknown, ...args: unknown[]) {
    if (new.target !== undefined) return Reflect.construct(target.fn, args, new.target);
    return Reflect.apply(target.fn, this, args);
  };
}

/** Makes a stub that forwards to `target.fn`, named and sized like `impl`. */
export function createStub(target: HotTarget, impl: AnyFunction, naming: StubNaming): AnyFunction {
  const arity = impl.length;
  const stub = arity <= MAX_FAST_ARITY ? factoryFor(arity)(target) : genericStub(target);
  matchNameAndLength(stub, impl, naming);
  return stub;
}

/**
 * A registry entry: the target its stub reads, and the stub. Each target has a prototype of its
 * own, and so a V8 shape (hidden class) of its own: V8 tracks per shape whether a field was
 * ever written after it was set, and while `fn` was not, an optimized caller calls the
 * implementation inline, as if there were no stub. With one shared shape, the first reload of
 * any hot function would cost every other stub that (about 4 ns a call, bench/hot-call.js).
 * The target holds `fn` alone, as each shape costs memory per property.
 *
 * `watch`: the watcher of first-calls.ts. It sits on the prototype, so that the switch to the
 * implementation sets the target's own `fn` for the first time rather than overwriting it.
 */
export function createHotEntry(
  impl: AnyFunction,
  naming: StubNaming,
  hash: string,
  watch?: (entry: HotEntry) => AnyFunction,
): HotEntry {
  const prototype: { fn?: AnyFunction } = {};
  const target = Object.create(prototype) as HotTarget;
  if (!watch) target.fn = impl;
  const entry: HotEntry = { target, stub: createStub(target, impl, naming), naming, hash, impl, ran: "not-yet" };
  if (watch) prototype.fn = watch(entry);
  return entry;
}

/** Keeps `fn.name` and `fn.length` of the stub equal to the newest implementation's. */
export function matchNameAndLength(stub: AnyFunction, impl: AnyFunction, naming: StubNaming): void {
  const name = naming.displayName ?? (impl.name || naming.fallbackName);
  if (stub.name !== name) Object.defineProperty(stub, "name", { value: name, configurable: true });
  if (stub.length !== impl.length) {
    Object.defineProperty(stub, "length", { value: impl.length, configurable: true });
  }
}
