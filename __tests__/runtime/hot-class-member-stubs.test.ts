// The stubs that stand for a hot class's members, driven by hand through the registry: names
// and lengths, members added and removed, `#private` state, async and generator bodies,
// rollback, attributes and key order, and decorator metadata.

import { getRegistry } from "../../runtime/registry/registry";
import { resetRegistry } from "../helpers/compile";
import { CLASS_MODULE, registerClass, reloadClasses } from "../helpers/hot-classes";

beforeEach(resetRegistry);

test("a stub takes the name and length of the newest version of its member", () => {
  const Shape = registerClass(
    "Shape",
    class {
      area(w: number) {
        return w;
      }
      get size() {
        return 1;
      }
      set size(_v: number) {}
      *[Symbol.iterator]() {
        yield 1;
      }
      static of() {
        return 1;
      }
    },
  );
  const area = Shape.prototype.area;
  const size = Object.getOwnPropertyDescriptor(Shape.prototype, "size")!;
  const iterator = Shape.prototype[Symbol.iterator];
  const names = () => [area.name, area.length, size.get!.name, size.set!.name, size.set!.length, iterator.name];
  expect(names()).toEqual(["area", 1, "get size", "set size", 1, "[Symbol.iterator]"]);
  expect([Shape.of.name, Shape.of.length]).toEqual(["of", 0]);
  reloadClasses({
    Shape: class {
      area(w: number, h: number) {
        return w * h;
      }
      get size() {
        return 2;
      }
      set size(_v: number) {}
      *[Symbol.iterator]() {
        yield 2;
      }
    },
  });
  expect([area.name, area.length, (area as any).call(null, 2, 3)]).toEqual(["area", 2, 6]);
  expect([...new Shape()]).toEqual([2]);
});

test("a method the new version adds gets a stub; one it removes goes, and comes back with its stub", () => {
  const Svc = registerClass(
    "Svc",
    class {
      kept() {
        return "kept v1";
      }
      dropped() {
        return "dropped v1";
      }
    },
  );
  const s = new Svc() as any;
  const dropped = s.dropped;
  reloadClasses({
    Svc: class {
      kept() {
        return "kept v2";
      }
      added() {
        return "added";
      }
    },
  });
  expect([s.kept(), s.added(), "dropped" in s]).toEqual(["kept v2", "added", false]);
  // A reference kept to a removed method runs its last body, as a removed hot function's stub does.
  expect(dropped.call(s)).toBe("dropped v1");
  const added = s.added;
  reloadClasses(
    {
      Svc: class {
        added() {
          return "added v3";
        }
        dropped() {
          return "dropped v3";
        }
      },
    },
    "h3",
  );
  expect([s.dropped, dropped.call(s), added.call(s), "kept" in s]).toEqual([dropped, "dropped v3", "added v3", false]);
});

test("a bound reference from before the reload reaches `#private` state of an old instance", () => {
  // Compiled code keys `#balance` by a symbol the registry keeps for the process.
  const balance: unique symbol = getRegistry().module(CLASS_MODULE).priv("Account.#balance") as never;
  const Account = registerClass(
    "Account",
    class {
      [balance] = 5;
      report() {
        return `v1 ${this[balance]}`;
      }
    },
  );
  const old = new Account();
  const report = old.report.bind(old);
  reloadClasses({
    Account: class {
      [balance] = 0;
      report() {
        return `v2 ${this[balance] * 10}`;
      }
    },
  });
  expect(report()).toBe("v2 50");
});

test("async and generator methods, and a rolled-back reload, keep working through stubs", async () => {
  const Jobs = registerClass(
    "Jobs",
    class {
      async run(x: number) {
        await null;
        return x + 1;
      }
      *ids() {
        yield* [1, 2];
      }
    },
  );
  const jobs = new Jobs();
  const run = jobs.run.bind(jobs);
  const registry = getRegistry();
  const batch = registry.beginBatch();
  registry.module(CLASS_MODULE).cls(
    "Jobs",
    class {
      async run() {
        return "rolled back";
      }
    },
    "h2",
    "shape",
  );
  batch.rollback();
  expect([await run(1), [...jobs.ids()]]).toEqual([2, [1, 2]]);
  reloadClasses({
    Jobs: class {
      async run(x: number) {
        return x * 10;
      }
      *ids() {
        yield 3;
      }
    },
  });
  expect([await run(2), [...jobs.ids()], run(1) instanceof Promise]).toEqual([20, [3], true]);
});

test("stubs keep the members' attributes and key order, and are not constructors", () => {
  const Plain = class {
    static count = 0;
    static make() {}
    a() {}
    get b() {
      return 1;
    }
    [Symbol.toPrimitive]() {
      return 1;
    }
  };
  const keys = (cls: typeof Plain) => [Reflect.ownKeys(cls.prototype), Reflect.ownKeys(cls)];
  const plainKeys = keys(Plain);
  const attributes = Object.getOwnPropertyDescriptor(Plain.prototype, "a")!;
  const Hot = registerClass("Hot", Plain);
  expect(keys(Hot)).toEqual(plainKeys);
  expect(Object.getOwnPropertyDescriptor(Hot.prototype, "a")).toEqual({ ...attributes, value: expect.any(Function) });
  expect(Hot.prototype.a).not.toBe(attributes.value);
  expect(() => new (Hot.prototype.a as any)()).toThrow(TypeError);
});

test("what decorators recorded on a method's function stays visible through its stub", () => {
  // reflect-metadata keys metadata by the function and looks it up along the prototype chain;
  // NestJS finds a controller's routes that way, from `prototype[name]`.
  const metadata = new WeakMap<object, string>();
  const getMetadata = (target: object): string | undefined => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) if (metadata.has(o)) return metadata.get(o);
    return undefined;
  };
  const controller = (route: string) =>
    class {
      list() {
        return route;
      }
      async load() {
        return route;
      }
    };
  const V1 = controller("/v1");
  metadata.set(V1.prototype.list, "GET /v1");
  const Ctrl = registerClass("Ctrl", V1);
  const list = Ctrl.prototype.list;
  expect([getMetadata(list), list.constructor.name, Ctrl.prototype.load.constructor.name]).toEqual([
    "GET /v1",
    "Function",
    "AsyncFunction",
  ]);
  const V2 = controller("/v2");
  metadata.set(V2.prototype.list, "GET /v2");
  reloadClasses({ Ctrl: V2 });
  expect([getMetadata(list), list.call(null)]).toEqual(["GET /v2", "/v2"]);
});
