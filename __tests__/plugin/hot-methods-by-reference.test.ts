// References to a hot class's members taken before a reload run the new body. Each case
// compiles a module with the plugin, evaluates it, takes references the way frameworks do
// (a bound handler, `Cls.prototype.m`, a descriptor's getter, a cached `instance[name]`),
// evaluates an edited version in a reload batch, and calls the old references. Runs under
// Babel 8 too (CHAUD_TEST_BABEL, see ../helpers/babel-under-test.ts).

import * as events from "node:events";
import { BABEL_VERSION, useBabelUnderTest } from "../helpers/babel-under-test";
import { load, resetRegistry } from "../helpers/compile";
import { getRegistry } from "../../runtime/registry/registry";

beforeAll(useBabelUnderTest);
beforeEach(resetRegistry);

const filename = "/virtual/app/src/controller.ts";
const modules = { "node:events": events };

/** Evaluates `source` as a reload of the module would: in a batch, committed. */
function reload(source: string): Record<string, any> {
  const batch = getRegistry().beginBatch();
  const exports = load(source, { filename, modules });
  batch.commit();
  return exports;
}

/** A module whose hot parts carry `tag` in their results; the edit changes only the tag. */
const version = (tag: string) => `
  import { EventEmitter } from "node:events";
  /* @chaud.hot */
  export class Controller {
    #hits = 0;
    static instances = 0;
    constructor(public name: string) {
      Controller.instances++;
      this.onEvent = this.onEvent.bind(this);
    }
    list(page: number) { this.#hits++; return "${tag} list " + this.name + " page " + page + " hits " + this.#hits; }
    onEvent(value: string) { return "${tag} event " + this.name + " " + value; }
    get summary() { return "${tag} summary " + this.name; }
    set label(value: string) { this.name = "${tag}:" + value; }
    static create(name: string) { return new this(name); }
    static get version() { return "${tag}"; }
    *[Symbol.iterator]() { yield "${tag}"; yield this.name; }
    async load(id: number) { await null; return "${tag} load " + id; }
  }
  /* @chaud.hot */
  export class Admin extends Controller {
    list(page: number) { return "${tag} admin+" + super.list(page); }
  }
  export class Plain extends Controller {
    list(page: number) { return "plain+" + super.list(page); }
  }
  export class Widget {
    /* @chaud.hot */
    render() { return "${tag} render"; }
  }
  export const emitter = new EventEmitter();
`;

describe(`references taken before a reload run the new body (Babel ${BABEL_VERSION})`, () => {
  test("handlers bound or cached the way routers, DI frameworks and event emitters keep them", () => {
    const v1 = load(version("v1"), { filename, modules });
    const ctrl = v1.Controller.create("c");
    // Express: router.get("/", ctrl.list.bind(ctrl)); NestJS: instance[methodName] at bootstrap.
    const route = ctrl.list.bind(ctrl);
    const cached = ["list", "onEvent"].map((name) => ctrl[name]);
    const fromPrototype = v1.Controller.prototype.list;
    const heard: string[] = [];
    v1.emitter.on("event", (value: string) => heard.push(ctrl.onEvent(value)));
    const onEvent = ctrl.onEvent; // bound in the constructor
    expect(route(1)).toBe("v1 list c page 1 hits 1");

    reload(version("v2"));

    expect(route(2)).toBe("v2 list c page 2 hits 2");
    expect(cached[0].call(ctrl, 3)).toBe("v2 list c page 3 hits 3");
    expect(fromPrototype.call(ctrl, 4)).toBe("v2 list c page 4 hits 4");
    expect(onEvent("x")).toBe("v2 event c x");
    v1.emitter.emit("event", "y");
    expect(heard).toEqual(["v2 event c y"]);
    expect(cached[1].call(ctrl, "z")).toBe("v2 event c z");
  });

  test("getters, setters, static methods and static accessors taken before", () => {
    const v1 = load(version("v1"), { filename, modules });
    const ctrl = new v1.Controller("c");
    const summary = Object.getOwnPropertyDescriptor(v1.Controller.prototype, "summary")!.get!;
    const label = Object.getOwnPropertyDescriptor(v1.Controller.prototype, "label")!.set!;
    const create = v1.Controller.create;
    const staticVersion = Object.getOwnPropertyDescriptor(v1.Controller, "version")!.get!;

    reload(version("v2"));

    label.call(ctrl, "b");
    expect([summary.call(ctrl), ctrl.name, staticVersion.call(v1.Controller)]).toEqual([
      "v2 summary v2:b",
      "v2:b",
      "v2",
    ]);
    const made = create.call(v1.Controller, "m");
    expect([made instanceof v1.Controller, made.list(1), v1.Controller.instances]).toEqual([
      true,
      "v2 list m page 1 hits 1",
      2,
    ]);
  });

  test("`super` from a hot subclass and from an unmarked subclass, with `#private` state of old instances", () => {
    const v1 = load(version("v1"), { filename, modules });
    const admin = new v1.Admin("a");
    const plain = new v1.Plain("p");
    const adminList = admin.list.bind(admin);
    const plainList = plain.list.bind(plain);
    expect(adminList(1)).toBe("v1 admin+v1 list a page 1 hits 1");

    const v2 = reload(version("v2"));

    expect(adminList(2)).toBe("v2 admin+v2 list a page 2 hits 2");
    expect(plainList(1)).toBe("plain+v2 list p page 1 hits 1");
    expect([v2.Admin, admin instanceof v2.Controller]).toEqual([v1.Admin, true]);
  });

  test("generator, async and symbol-keyed methods, and a single hot method of an unmarked class", async () => {
    const v1 = load(version("v1"), { filename, modules });
    const ctrl = new v1.Controller("c");
    const iterate = ctrl[Symbol.iterator].bind(ctrl);
    const loadById = ctrl.load.bind(ctrl);
    const widget = new v1.Widget();
    const render = widget.render.bind(widget);

    reload(version("v2"));

    expect([...{ [Symbol.iterator]: iterate }]).toEqual(["v2", "c"]);
    expect(await loadById(7)).toBe("v2 load 7");
    expect(render()).toBe("v2 render");
  });

  test("a reference's name and length follow the newest version; added and removed methods", () => {
    const source = (body: string) => `/* @chaud.hot */ export class Svc { ${body} }`;
    const v1 = load(source(`hello(a) { return "v1 " + a; } bye() { return "bye"; }`), { filename });
    const svc = new v1.Svc();
    const hello = svc.hello;
    expect([hello.name, hello.length]).toEqual(["hello", 1]);

    reload(source(`hello(a, b) { return "v2 " + a + b; } added() { return "added"; }`));

    expect([hello.name, hello.length, hello.call(svc, 1, 2)]).toEqual(["hello", 2, "v2 12"]);
    expect([svc.added(), "bye" in svc]).toEqual(["added", false]);
  });
});

test(`a stubbed hot class looks like the unmarked one to reflection (Babel ${BABEL_VERSION})`, () => {
  const code = `
    ${version("v1")}
    const describe = (o) => Reflect.ownKeys(o).map((key) => {
      const { value, get, set, ...attributes } = Object.getOwnPropertyDescriptor(o, key);
      const fns = [value, get, set].filter((f) => typeof f === "function");
      return [String(key), attributes, fns.map((f) => [f.name, f.length, f.constructor.name])];
    });
    export function run() { return [describe(Controller.prototype), describe(Controller), describe(Admin.prototype)]; }
  `;
  const plain = load(code, { filename, modules, enabled: false }).run();
  resetRegistry();
  expect(load(code, { filename, modules }).run()).toEqual(plain);
});
