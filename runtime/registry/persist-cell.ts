// A persisted binding's storage: the value a `@chaud.persist` binding keeps across reloads.

/** A persisted binding's storage. Compiled code reads `ready`/`v` and calls `init`/`w`. */
export class PersistCell {
  ready = false;
  v: unknown = undefined;
  constructor(public hash: string) {}
  /** Stores the initializer's value on first evaluation; returns it. */
  init<T>(value: T): T {
    this.v = value;
    this.ready = true;
    return value;
  }
  /** Makes `target[name]` (an exports object's property) read and write this cell. */
  bind(target: object, name: string): void {
    Object.defineProperty(target, name, {
      get: () => this.v,
      set: (value: unknown) => {
        this.v = value;
      },
      enumerable: true,
      configurable: true,
    });
  }
  /** Write-through for `x = …`, `x++`, `x += …`: stores `value`, returns the expression's `result`. */
  w<T>(result: T, value: unknown): T {
    this.v = value;
    return result;
  }
}
