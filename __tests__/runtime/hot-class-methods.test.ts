// References to the members of a hot class taken before a reload, driven by hand through the
// registry: bound, read off the prototype, from a descriptor, cached by a listener, through
// `super`. Each runs the newest body with the `this` it was called with.

import { EventEmitter } from "node:events";
import { resetRegistry } from "../helpers/compile";
import { registerClass, reloadClasses } from "../helpers/hot-classes";

beforeEach(resetRegistry);

test("bound, prototype and listener references taken before a reload run the new body", () => {
  const Svc = registerClass(
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

  reloadClasses({
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
  const Button = registerClass(
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
  reloadClasses({
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
  const Temp = registerClass(
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
  reloadClasses({
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
  reloadClasses(
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
  reloadClasses(
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
  const Repo = registerClass(
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
  reloadClasses({
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
  const Base = registerClass(
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
  const Child = registerClass(
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
  reloadClasses({
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
  reloadClasses(
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
