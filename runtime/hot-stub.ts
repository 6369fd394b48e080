// A hot function's stable face. Every version of a module hands out the same stub for one
// registry key, and the stub forwards each call to whatever implementation is current.
//
// The call path is one property load (`entry.fn`) and one call. Stubs are generated per
// arity so the common case passes named parameters straight through: no `arguments`
// copying, no `apply`. A call with a different argument count, or with `new`, takes the
// exact but slower path so `arguments.length`, rest parameters and `new.target` behave as
// they would without chaud.

/** The mutable cell a stub reads on every call. */
export interface HotTarget {
  fn: Function;
}

const MAX_FAST_ARITY = 8;
type StubFactory = (target: HotTarget) => Function;
const factories: StubFactory[] = [];

function factoryFor(arity: number): StubFactory {
  const cached = factories[arity];
  if (cached) return cached;
  const params = Array.from({ length: arity }, (_, i) => `a${i}`);
  const list = params.join(", ");
  const passThrough = ["this", ...params].join(", ");
  // Strict mode so an undefined `this` reaches the implementation unchanged.
  const source = `"use strict";
return function (${list}) {
  if (new.target !== undefined) return Reflect.construct(target.fn, arguments, new.target);
  return arguments.length === ${arity}
    ? target.fn.call(${passThrough})
    : Reflect.apply(target.fn, this, arguments);
};`;
  const factory = new Function("target", source) as StubFactory;
  factories[arity] = factory;
  return factory;
}

function genericStub(target: HotTarget): Function {
  return function (this: unknown, ...args: unknown[]) {
    if (new.target !== undefined) return Reflect.construct(target.fn, args, new.target);
    return Reflect.apply(target.fn, this, args);
  };
}

/** How a stub is named: its own name if given, else the implementation's, else the binding's. */
export interface StubNaming {
  readonly displayName?: string | undefined;
  readonly fallbackName: string;
}

/** Makes a stub that forwards to `target.fn`, named and sized like `impl`. */
export function createStub(target: HotTarget, impl: Function, naming: StubNaming): Function {
  const arity = impl.length;
  const stub = arity <= MAX_FAST_ARITY ? factoryFor(arity)(target) : genericStub(target);
  matchNameAndLength(stub, impl, naming);
  return stub;
}

/** Keeps `fn.name` and `fn.length` of the stub equal to the newest implementation's. */
export function matchNameAndLength(stub: Function, impl: Function, naming: StubNaming): void {
  const name = naming.displayName ?? (impl.name || naming.fallbackName);
  if (stub.name !== name) Object.defineProperty(stub, "name", { value: name, configurable: true });
  if (stub.length !== impl.length) {
    Object.defineProperty(stub, "length", { value: impl.length, configurable: true });
  }
}
