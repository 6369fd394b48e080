// The members of a hot class, driven by hand through the registry: references taken before a
// reload (bound, read off the prototype, from a descriptor, cached by a listener) run the
// newest body, with `this`, `super`, names and lengths as unmarked code has them.

import { EventEmitter } from "node:events";
import { getRegistry } from "../../runtime/registry/registry";
import { resetRegistry } from "../helpers/compile";

beforeEach(resetRegistry);

const MODULE = "app/svc.js";

/** The first version of a hot class, as compiled code registers it. */
function register<C extends abstract new (...args: any) => any>(name: string, cls: C): C {
  return getRegistry().module(MODULE).cls(name, cls, "h1", "shape");
}

/** A reload that re-evaluates the module with new versions of its hot classes. */
function reload(classes: Record<string, abstract new (...args: any) => any>, hash = "h2"): void {
  const registry = getRegistry();
  const batch = registry.beginBatch();
  const handle = registry.module(MODULE);
  for (const [name, cls] of Object.entries(classes)) handle.cls(name, cls, hash, "shape");
  batch.commit();
}

test("bound, prototype and listener references taken before a reload run the new body", () => {
  const Svc = register(
    "Svc",
    class {
      tag = "s";
      hello(punctuation = "") {
        return `v1 ${this.tag}${punctuation}`;
      }
    },
  );
  const s = new Svc();
  const bound = s.hello.bind(s);
  const fromPrototype = Svc.prototype.hello;
  const emitter = new EventEmitter();
  const heard: string[] = [];
  const listener = s.hello;
  emitter.on("ping", function (this: unknown) {
    heard.push(listener.call(s, "!"));
  });
  emitter.on("bound", (p: string) => heard.push(bound(p)));

  reload({
    Svc: class {
      tag = "ignored";
      hello(punctuation = "") {
        return `v2 ${(this as { tag: string }).tag}${punctuation}`;
      }
    },
  });

  expect(bound()).toBe("v2 s");
  expect(fromPrototype.call(s, "?")).toBe("v2 s?");
  expect(s.hello()).toBe("v2 s");
  emitter.emit("ping");
  emitter.emit("bound", ".");
  expect(heard).toEqual(["v2 s!", "v2 s."]);
  expect(s).toBeInstanceOf(Svc);
});

test("a method bound in the constructor runs the new body on an instance made before", () => {
  const Button = register(
    "Button",
    class {
      label = "ok";
      constructor() {
        this.onClick = this.onClick.bind(this);
      }
      onClick() {
        return `v1:${this.label}`;
      }
    },
  );
  const made = new Button();
  const { onClick } = made;
  reload({
    Button: class {
      label = "";
      onClick() {
        return `v2:${this.label}`;
      }
    },
  });
  expect(onClick()).toBe("v2:ok");
  expect(new Button().onClick()).toBe("v2:ok");
});

test("getters and setters taken from their descriptor follow the newest version, side by side", () => {
  const Temp = register(
    "Temp",
    class {
      c = 0;
      get f() {
        return this.c * 2;
      }
      set f(value: number) {
        this.c = value / 2;
      }
    },
  );
  const t = new Temp();
  const before = Object.getOwnPropertyDescriptor(Temp.prototype, "f")!;
  reload({
    Temp: class {
      c = 0;
      get f() {
        return this.c * 9;
      }
      set f(value: number) {
        this.c = value / 2;
      }
    },
  });
  before.set!.call(t, 10);
  expect([t.c, before.get!.call(t), t.f]).toEqual([5, 45, 45]);

  // Only the setter changes: the getter stub stays where it was.
  reload(
    {
      Temp: class {
        c = 0;
        get f() {
          return this.c * 9;
        }
        set f(value: number) {
          this.c = value;
        }
      },
    },
    "h3",
  );
  t.f = 4;
  expect([t.c, t.f]).toEqual([4, 36]);
  expect(Object.getOwnPropertyDescriptor(Temp.prototype, "f")!.get).toBe(before.get);

  // The setter goes: assigning throws in strict code, as for any getter-only accessor.
  reload(
    {
      Temp: class {
        c = 0;
        get f() {
          return this.c;
        }
      },
    },
    "h4",
  );
  expect(() => {
    t.f = 1;
  }).toThrow(TypeError);
  expect([before.get!.call(t), Object.getOwnPropertyDescriptor(Temp.prototype, "f")!.set]).toEqual([4, undefined]);
});

test("static methods and accessors taken before a reload run the new body, and static data stays", () => {
  const Repo = register(
    "Repo",
    class {
      static count: number = 1;
      static make: () => string = () => "field v1";
      static create(): string {
        return `v1 #${this.count}`;
      }
      static get label() {
        return "v1";
      }
    },
  );
  const create = Repo.create;
  const boundCreate = Repo.create.bind(Repo);
  const label = Object.getOwnPropertyDescriptor(Repo, "label")!.get!;
  Repo.count = 7;
  reload({
    Repo: class {
      static count = 0;
      static make = () => "field v2";
      static create() {
        return `v2 #${this.count}`;
      }
      static get label() {
        return "v2";
      }
    },
  });
  expect([create.call(Repo), boundCreate(), Repo.create(), label.call(Repo), Repo.label]).toEqual([
    "v2 #7",
    "v2 #7",
    "v2 #7",
    "v2",
    "v2",
  ]);
  // A function-valued static field is data: replaced by the new version's value, not stubbed.
  expect([Repo.count, Repo.make()]).toEqual([7, "field v2"]);
});

test("`super` reaches the newest methods: from a subclass of a hot class, and in a hot class whose hot base changes", () => {
  const Base = register(
    "Base",
    class {
      greet() {
        return "base v1";
      }
      static kind() {
        return "Base v1";
      }
    },
  );
  class Plain extends Base {
    override greet() {
      return `plain+${super.greet()}`;
    }
  }
  const Child = register(
    "Child",
    class extends Base {
      override greet() {
        return `child v1+${super.greet()}`;
      }
      static override kind() {
        return `Child+${super.kind()}`;
      }
    },
  );
  const child = new Child();
  const childGreet = child.greet.bind(child);
  const plainGreet = Plain.prototype.greet;
  const kind = Child.kind;

  // The base alone changes.
  reload({
    Base: class {
      greet() {
        return "base v2";
      }
      static kind() {
        return "Base v2";
      }
    },
  });
  expect([childGreet(), plainGreet.call(new Plain()), kind.call(Child)]).toEqual([
    "child v1+base v2",
    "plain+base v2",
    "Child+Base v2",
  ]);

  // The child changes too, extending the same (stable) base, as its module's new version does.
  reload(
    {
      Child: class extends Base {
        override greet() {
          return `child v3+${super.greet()}`;
        }
      },
    },
    "h3",
  );
  expect([childGreet(), child instanceof Base, Object.getPrototypeOf(Child.prototype)]).toEqual([
    "child v3+base v2",
    true,
    Base.prototype,
  ]);
});

test("a stub takes the name and length of the newest version of its member", () => {
  const Shape = register(
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
  reload({
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
  const Svc = register(
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
  reload({
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
  reload(
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
  const balance: unique symbol = getRegistry().module(MODULE).priv("Account.#balance") as never;
  const Account = register(
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
  reload({
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
  const Jobs = register(
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
  registry.module(MODULE).cls(
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
  reload({
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
  const Hot = register("Hot", Plain);
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
  const Ctrl = register("Ctrl", V1);
  const list = Ctrl.prototype.list;
  expect([getMetadata(list), list.constructor.name, Ctrl.prototype.load.constructor.name]).toEqual([
    "GET /v1",
    "Function",
    "AsyncFunction",
  ]);
  const V2 = controller("/v2");
  metadata.set(V2.prototype.list, "GET /v2");
  reload({ Ctrl: V2 });
  expect([getMetadata(list), list.call(null)]).toEqual(["GET /v2", "/v2"]);
});
