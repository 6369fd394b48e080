// The registry as a unit: what compiled code calls, driven by hand.

import { getRegistry, type Notice } from "../../runtime/registry/registry";
import { resetRegistry } from "../helpers/compile";

beforeEach(resetRegistry);

test("is one object per process, shared by every copy of the module", () => {
  let otherCopy: typeof import("../../runtime/registry/registry") | undefined;
  jest.isolateModules(() => {
    otherCopy = require("../../runtime/registry/registry");
  });
  expect(otherCopy!.getRegistry).not.toBe(getRegistry);
  expect(otherCopy!.getRegistry()).toBe(getRegistry());
});

test("a stub forwards `this`, arguments and `new`, on both the fast and the exact path", () => {
  const handle = getRegistry().module("app/a.js");
  const impl = function (this: unknown, a: unknown, b: unknown) {
    return { self: this, a, b, count: arguments.length };
  };
  // Called with fewer and more arguments than declared, as JavaScript callers may.
  const stub = handle.fn("pair", impl, "h1") as (this: unknown, ...args: unknown[]) => unknown;
  const self = { tag: 1 };
  expect(stub.call(self, 1, 2)).toEqual({ self, a: 1, b: 2, count: 2 });
  expect(stub(1)).toEqual({ self: undefined, a: 1, b: undefined, count: 1 });
  expect(stub(1, 2, 3)).toEqual({ self: undefined, a: 1, b: 2, count: 3 });
  expect([stub.name, stub.length]).toEqual(["impl", 2]);

  const Made = handle.fn(
    "Made",
    function Made(this: { x: number }, x: number) {
      this.x = x;
    },
    "h2",
  ) as unknown as new (x: number) => { x: number };
  const made = new Made(3);
  expect(made.x).toBe(3);
  expect(made).toBeInstanceOf(Made);
});

test("a stub takes the name and length of each new version", () => {
  const registry = getRegistry();
  const stub = registry.module("app/a.js").fn("f", (a: number) => a, "h1") as (...args: number[]) => number;
  expect([stub.name, stub.length]).toEqual(["f", 1]);
  const batch = registry.beginBatch();
  registry.module("app/a.js").fn(
    "f",
    function renamed(a: number, b: number, c: number) {
      return a + b + c;
    },
    "h2",
  );
  batch.commit();
  expect([stub.name, stub.length, stub(1, 2, 3)]).toEqual(["renamed", 3, 6]);
});

test("functions with many parameters get a stub too", () => {
  const impl = (
    a: number,
    b: number,
    c: number,
    d: number,
    e: number,
    f: number,
    g: number,
    h: number,
    i: number,
    j: number,
  ) => a + b + c + d + e + f + g + h + i + j;
  const stub = getRegistry().module("app/a.js").fn("wide", impl, "h");
  expect(stub(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).toBe(10);
  expect(stub.length).toBe(10);
});

test("a persisted cell runs its initializer once and reports a changed initializer", () => {
  const registry = getRegistry();
  const notices: Notice[] = [];
  registry.noticeListeners.add((notice) => notices.push(notice));
  const first = registry.module("app/a.js").cell("state", "h1");
  expect(first.ready).toBe(false);
  first.init({ n: 1 });

  const second = registry.module("app/a.js").cell("state", "h1");
  expect(second).toBe(first);
  expect(second.ready && second.v).toEqual({ n: 1 });
  expect(notices).toEqual([]);

  const batch = registry.beginBatch();
  registry.module("app/a.js").cell("state", "h2");
  const report = batch.commit();
  expect(report.notices).toEqual([{ kind: "persist-initializer-changed", key: "app/a.js#state" }]);
});

test("a rolled-back batch leaves no trace of new entries or cells", () => {
  const registry = getRegistry();
  const batch = registry.beginBatch();
  const handle = registry.module("app/new.js");
  handle.fn("f", () => 1, "h");
  handle.cell("c", "h").init(1);
  batch.rollback();
  expect(registry.hot.size).toBe(0);
  expect(registry.cells.size).toBe(0);
  expect(registry.modules.size).toBe(0);
  expect(registry.activeBatch).toBeNull();
});

test("only one batch is open at a time, and a batch closes once", () => {
  const registry = getRegistry();
  const batch = registry.beginBatch();
  expect(() => registry.beginBatch()).toThrow(/already open/);
  batch.commit();
  expect(() => batch.commit()).toThrow(/already committed/);
});

test("a hot class keeps static data, replaces static methods, and removes dropped members", () => {
  const registry = getRegistry();
  // Compiled code hands over an anonymous class expression; it takes the declaration's name.
  const V1 = [
    class {
      static count = 1;
      static make() {
        return "v1";
      }
      old() {
        return "old";
      }
      kept() {
        return "v1";
      }
    },
  ][0]!;
  const Stable = registry.module("app/c.js").cls("C", V1, "h1", "s1");
  expect(Stable).toBe(V1);
  expect(Stable.name).toBe("C");
  Stable.count = 5;
  const instance = new Stable();

  const batch = registry.beginBatch();
  const V2 = class {
    static count = 0;
    static make() {
      return "v2";
    }
    kept() {
      return "v2";
    }
    added() {
      return "new";
    }
  };
  expect(registry.module("app/c.js").cls("C", V2, "h2", "s2")).toBe(Stable);
  expect(instance.kept()).toBe("v1"); // staged until commit
  const report = batch.commit();

  expect(instance.kept()).toBe("v2");
  expect((instance as any).added()).toBe("new");
  expect((instance as any).old).toBeUndefined();
  expect(Stable.make()).toBe("v2");
  expect(Stable.count).toBe(5);
  expect(report.notices).toEqual([{ kind: "class-shape-changed", key: "app/c.js#C" }]);
});

test("a class with a name of its own keeps it", () => {
  const Named = getRegistry()
    .module("app/n.js")
    .cls("Outer", class Inner {}, "h", "s");
  expect(Named.name).toBe("Inner");
});

test("members added to a hot class outside its body survive a reload", () => {
  const registry = getRegistry();
  const Stable = registry.module("app/c.js").cls(
    "C",
    class {
      m() {
        return 1;
      }
    },
    "h1",
    "s",
  );
  (Stable.prototype as any).patched = () => "patched";
  const batch = registry.beginBatch();
  registry.module("app/c.js").cls(
    "C",
    class {
      m() {
        return 2;
      }
    },
    "h2",
    "s",
  );
  batch.commit();
  expect((new Stable() as any).patched()).toBe("patched");
});

test("dropping a module runs its disposers once and reports a disposer that throws", () => {
  const registry = getRegistry();
  const calls: string[] = [];
  const handle = registry.module("app/d.js");
  handle.dispose(() => calls.push("a"));
  handle.dispose(() => {
    throw new Error("bad");
  });
  const notices = registry.dropModule("app/d.js");
  expect(calls).toEqual(["a"]);
  expect(notices).toEqual([{ kind: "dispose-failed", key: "app/d.js", error: expect.any(Error) }]);
  expect(registry.dropModule("app/d.js")).toEqual([]);
  expect(calls).toEqual(["a"]);
});

test("private names are the same symbol for every version of a module", () => {
  const registry = getRegistry();
  const first = registry.module("app/p.js").priv("C.#x");
  const second = registry.module("app/p.js").priv("C.#x");
  expect(typeof first).toBe("symbol");
  expect(second).toBe(first);
  expect(registry.module("app/q.js").priv("C.#x")).not.toBe(first);
});
