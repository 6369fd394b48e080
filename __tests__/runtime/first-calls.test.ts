// Where a hot function ran, and what that makes of an edit: a function that ran only while
// modules were evaluated (start-up) or that made functions which are kept cannot take an edit
// in place without leaving stale code running, and the commit says so. Where a call came
// from is read in real Node processes (CommonJS and ES module evaluation); the commit's
// notices are driven by hand.

import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { getRegistry, type Notice } from "../../runtime/registry/registry";
import { resetRegistry } from "../helpers/compile";
import { useTempDir } from "../helpers/temp-dir";
import { REPO_ROOT } from "../helpers/temp-project";

beforeEach(resetRegistry);
const dir = useTempDir("chaud-first-calls");

const REGISTRY = join(REPO_ROOT, "dist/runtime/registry/registry.js");

/** A module that registers hot functions like compiled code does, calls them, and prints where each ran. */
const moduleSource = (importRegistry: string): string => `${importRegistry}
const handle = chaudModule("app/main.js");
const atStartOnly = handle.fn("atStartOnly", function atStartOnly() { return 1; }, "h:");
const alsoLater = handle.fn("alsoLater", function alsoLater() { return 2; }, "h:");
const onlyLater = handle.fn("onlyLater", function onlyLater() { return 3; }, "h:");
const neverCalled = handle.fn("neverCalled", function neverCalled() { return 4; }, "h:");
const marked = handle.fn("marked", function marked() { return 5; }, "h");
const afterAwait = handle.fn("afterAwait", function afterAwait() { return 6; }, "h:");
const inALoop = handle.fn("inALoop", function inALoop() { return 7; }, "h:");
const main = handle.fn("main", async function main() {
  await null;
  afterAwait();
  for (let i = 0; i < 3; i++) {
    inALoop();
    await null;
  }
}, "h:");
// An arrow, named by a property as the plugin compiles \`const arrowMain = async () => …\`.
const afterArrow = handle.fn("afterArrow", function afterArrow() { return 8; }, "h:");
const arrowMain = handle.fn("arrowMain", { arrowMain: async () => { await null; afterArrow(); } }.arrowMain, "h:");
function nested() { return atStartOnly() + alsoLater() + marked(); }
nested();
main();
arrowMain();
// Passed to a call that calls it once (\`.then(fn)\`): its call is at start-up wherever it comes from.
const once = handle.fn("once", function () { return 9; }, "h:", "", "once");
setTimeout(() => {
  once();
  alsoLater();
  onlyLater();
  const entries = [...getRegistry().hot].map(([key, entry]) => [key.slice(key.indexOf("#") + 1), entry.ran, entry.target.fn === entry.impl]);
  console.log(JSON.stringify(Object.fromEntries(entries.map(([name, ...rest]) => [name, rest]))));
}, 10);
`;

const EXPECTED = {
  // Called only from the module's top-level code (a call inside it): the watcher stays, as it may run later.
  atStartOnly: ["at-start", false],
  // Called at start-up and again from a timer: later, and from then on called directly.
  alsoLater: ["later", true],
  onlyLater: ["later", true],
  neverCalled: ["not-yet", false],
  main: ["at-start", false],
  // Called once by main() resumed after an await: start-up too.
  afterAwait: ["at-start", false],
  arrowMain: ["at-start", false],
  once: ["at-start", false],
  afterArrow: ["at-start", false],
  // Called again and again by main() resumed: a loop's, so later.
  inALoop: ["later", true],
  // A marked function (its hash has no ":") is not watched: its stub calls it directly throughout.
  marked: ["not-yet", true],
};

test("a CommonJS module's top-level calls are at start-up, and so is a first call by main() after an await; a timer's are later", () => {
  const file = dir.write(
    "main.cjs",
    moduleSource(`const { chaudModule, getRegistry } = require(${JSON.stringify(REGISTRY)});`),
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual(EXPECTED);
});

test("an ES module's top-level calls are at start-up, and so is a first call by main() after an await; a timer's are later", () => {
  const file = dir.write(
    "main.mjs",
    moduleSource(`import { chaudModule, getRegistry } from ${JSON.stringify(pathToFileURL(REGISTRY).href)};`),
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual(EXPECTED);
});

test("an ES module's top-level code resumed after a top-level await calls at start-up, and so does a function it awaits; a loop there calls again later", () => {
  const file = dir.write(
    "main.mjs",
    `import { chaudModule, getRegistry } from ${JSON.stringify(pathToFileURL(REGISTRY).href)};
const handle = chaudModule("app/main.js");
const setupRoutes = handle.fn("setupRoutes", function setupRoutes() { configure(); }, "h:");
const configure = handle.fn("configure", function configure() { return 1; }, "h:");
const afterConnect = handle.fn("afterConnect", function afterConnect() { return 2; }, "h:");
const tick = handle.fn("tick", function tick() { return 3; }, "h:");
const handler = handle.fn("handler", function handler() { return 4; }, "h:");
const main = handle.fn("main", async function main() { await null; afterConnect(); }, "h:");
const afterPlain = handle.fn("afterPlain", function afterPlain() { return 5; }, "h:");
// Not hot: nothing but the top-level code awaiting it says that its callee runs at start-up.
async function connect() { await null; afterPlain(); }
await null; // await db.connect()
setupRoutes();
await main();
await connect();
for (let i = 0; i < 3; i++) {
  tick();
  await null;
}
setTimeout(() => {
  handler();
  const ran = Object.fromEntries([...getRegistry().hot].map(([key, entry]) => [key.slice(key.indexOf("#") + 1), entry.ran]));
  console.log(JSON.stringify(ran));
}, 10);
`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual({
    setupRoutes: "at-start",
    configure: "at-start",
    main: "at-start",
    afterConnect: "at-start",
    afterPlain: "at-start",
    tick: "later",
    handler: "later",
  });
});

test("later calls stay later: one made by a start-up function after it ran later, and one after a module required late ran", () => {
  dir.write(
    "late.cjs",
    `const { chaudModule } = require(${JSON.stringify(REGISTRY)});
chaudModule("app/late.js").fn("lateTopLevel", function lateTopLevel() { return 1; }, "h:")();
`,
  );
  const file = dir.write(
    "main.cjs",
    `const { chaudModule, getRegistry } = require(${JSON.stringify(REGISTRY)});
const handle = chaudModule("app/main.js");
let ticks = 0;
const sendReport = handle.fn("sendReport", function sendReport() { return 1; }, "h:");
// Called at the top level, then by a timer; from its third call on it reports.
const tick = handle.fn("tick", function tick() { if (++ticks >= 3) sendReport(); }, "h:");
const render = handle.fn("render", function render() { return 2; }, "h:");
tick();
const timer = setInterval(tick, 5);
setTimeout(() => {
  // A request handler that requires a module late (its top-level code calls a hot function), then renders.
  require("./late.cjs");
  render();
  clearInterval(timer);
  const ran = Object.fromEntries([...getRegistry().hot].map(([key, entry]) => [key.slice(key.indexOf("#") + 1), entry.ran]));
  console.log(JSON.stringify(ran));
}, 40);
`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual({
    sendReport: "later",
    tick: "later",
    render: "later",
    lateTopLevel: "at-start",
  });
});

test("under chaud's CommonJS load hook, a call while a module loads is at start-up however deep, and no stack is read for it", () => {
  const COMMONJS = join(REPO_ROOT, "dist/runtime/modules/commonjs.js");
  dir.write(
    "deep.cjs",
    `const { chaudModule } = require(${JSON.stringify(REGISTRY)});
const handle = chaudModule("app/deep.js");
const f = handle.fn("f", function f() { return 1; }, "h:");
const g = handle.fn("g", function g() { return 2; }, "h:");
// Further below the top-level code than a stack read reaches.
const down = (n) => (n === 0 ? f() : down(n - 1));
down(100);
for (let i = 0; i < 50; i++) g();
`,
  );
  const file = dir.write(
    "main.cjs",
    `const { getRegistry } = require(${JSON.stringify(REGISTRY)});
require(${JSON.stringify(COMMONJS)}).createCommonJsModules({ compileHotOnly: () => null }).watchLoads(() => {});
const capture = Error.captureStackTrace;
let reads = 0;
Error.captureStackTrace = function (...args) { reads++; return capture.apply(this, args); };
require("./deep.cjs");
const ran = Object.fromEntries([...getRegistry().hot].map(([key, entry]) => [key.slice(key.indexOf("#") + 1), entry.ran]));
console.log(JSON.stringify({ ran, reads }));
`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual({
    ran: { f: "at-start", g: "at-start" },
    reads: 0,
  });
});

test("a locked Error (read-only stackTraceLimit) leaves calls working, counted as later", () => {
  const file = dir.write(
    "main.cjs",
    `const { chaudModule, getRegistry } = require(${JSON.stringify(REGISTRY)});
Object.defineProperty(Error, "stackTraceLimit", { value: 10, writable: false });
const f = chaudModule("app/main.js").fn("f", function f(a) { return a + 1; }, "h:");
console.log(JSON.stringify([f(1), f(2), getRegistry().hot.get("app/main.js#f").ran]));
`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual([2, 3, "later"]);
});

test("a stub called outside module evaluation calls its implementation directly from then on, `this` and `new` kept", () => {
  const handle = getRegistry().module("app/a.js");
  const impl = function (this: unknown, a: number) {
    return { self: this, a };
  };
  const stub = handle.fn("f", impl, "h:") as (this: unknown, a: number) => unknown;
  const entry = getRegistry().hot.get("app/a.js#f")!;
  expect([entry.ran, entry.target.fn === impl]).toEqual(["not-yet", false]);
  const self = { tag: 1 };
  expect(stub.call(self, 1)).toEqual({ self, a: 1 });
  expect([entry.ran, entry.target.fn === impl]).toEqual(["later", true]);

  const Made = getRegistry()
    .module("app/a.js")
    .fn(
      "Made",
      function Made(this: { x: number }, x: number) {
        this.x = x;
      },
      "h:",
    ) as unknown as new (x: number) => { x: number };
  expect(new Made(2)).toMatchObject({ x: 2 });
  expect(new Made(3)).toBeInstanceOf(Made);
});

/** Registers `f` with `hash`, sets where it ran, then commits `next` and returns the notices. */
function noticesOfEdit(ran: "not-yet" | "at-start" | "later", hash: string, next: string): Notice[] {
  const registry = getRegistry();
  registry.module("app/a.js").fn("f", () => 1, hash);
  registry.hot.get("app/a.js#f")!.ran = ran;
  const batch = registry.beginBatch();
  registry.module("app/a.js").fn("f", () => 2, next);
  return batch.commit().notices;
}

test.each([
  { ran: "at-start", hash: "a:", next: "b:", notice: "ran-at-start-changed" },
  { ran: "at-start", hash: "a:m", next: "b:n", notice: "ran-at-start-changed" },
  { ran: "later", hash: "a:m", next: "b:n", notice: "made-functions-changed" },
  { ran: "later", hash: "a:", next: "b:n", notice: "made-functions-changed" },
  { ran: "later", hash: "a:m", next: "b:", notice: "made-functions-changed" },
  { ran: "later", hash: "a:m", next: "b:m", notice: null },
  { ran: "later", hash: "a:", next: "b:", notice: null },
  { ran: "not-yet", hash: "a:m", next: "b:n", notice: null },
  { ran: "at-start", hash: "a:m", next: "a:m", notice: null },
] as const)("ran $ran, hash $hash → $next: $notice", ({ ran, hash, next, notice }) => {
  expect(noticesOfEdit(ran, hash, next)).toEqual(notice === null ? [] : [{ kind: notice, key: "app/a.js#f" }]);
});

test("an edit applied to a function still watched keeps the watcher, which calls the new body", () => {
  const registry = getRegistry();
  const stub = registry.module("app/a.js").fn("f", () => 1, "a:") as () => number;
  const entry = registry.hot.get("app/a.js#f")!;
  const watcher = entry.target.fn;
  const batch = registry.beginBatch();
  registry.module("app/a.js").fn("f", () => 2, "b:");
  batch.commit();
  expect(entry.target.fn).toBe(watcher);
  expect(stub()).toBe(2);
  expect(entry.target.fn).toBe(entry.impl);
});

describe('methods of a class mode "all" made hot', () => {
  test("are watched like its functions: one the constructor calls at the top level ran at start-up, a timer's later; a marked class's are not watched", () => {
    const file = dir.write(
      "main.cjs",
      `const { chaudModule, getRegistry } = require(${JSON.stringify(REGISTRY)});
const handle = chaudModule("app/main.js");
const App = handle.cls("App", class App {
  constructor() { this.routes = []; this.initRoutes(); }
  initRoutes() { this.routes.push("/"); }
  handle() { return this.routes.length; }
  get size() { return this.routes.length; }
  static create() { return new App(); }
  idle() {}
}, "c", "s", void 0, { initRoutes: "i:", handle: "h:", "get size": "g:", "static create": "c:", idle: "d:" });
const Marked = handle.cls("Marked", class Marked { run() { return 1; } }, "m", "s");
const app = App.create();
new Marked().run();
setTimeout(() => {
  app.handle();
  void app.size;
  const member = (cls, key, side = "value", owner = "proto") => {
    const entry = getRegistry().classes.get("app/main.js#" + cls).stubs[owner].get(key)[side];
    return [entry.ran, entry.target.fn === entry.impl];
  };
  console.log(JSON.stringify({
    initRoutes: member("App", "initRoutes"),
    handle: member("App", "handle"),
    size: member("App", "size", "get"),
    create: member("App", "create", "value", "statics"),
    idle: member("App", "idle"),
    markedRun: member("Marked", "run"),
  }));
}, 10);
`,
    );
    expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual({
      initRoutes: ["at-start", false],
      handle: ["later", true],
      size: ["later", true],
      create: ["at-start", false],
      idle: ["not-yet", false],
      markedRun: ["not-yet", true],
    });
  });

  /** Registers class `C` with a method `m` whose hash is `hash`, sets where it ran, then commits `next`. */
  function noticesOfMethodEdit(ran: "not-yet" | "at-start" | "later", hash: string, next: string): Notice[] {
    const registry = getRegistry();
    const define = (body: number, hashes: Record<string, string>): void => {
      registry.module("app/a.js").cls(
        "C",
        class C {
          m(): number {
            return body;
          }
          static s(): number {
            return body;
          }
        },
        `c${body}`,
        "s",
        undefined,
        hashes,
      );
    };
    define(1, { m: hash, "static s": "s:" });
    registry.classes.get("app/a.js#C")!.stubs.proto.get("m")!.value!.ran = ran;
    registry.classes.get("app/a.js#C")!.stubs.statics.get("s")!.value!.ran = "at-start";
    const batch = registry.beginBatch();
    define(2, { m: next, "static s": "s:" });
    return batch.commit().notices;
  }

  test.each([
    { ran: "at-start", hash: "a:", next: "b:", notice: "ran-at-start-changed" },
    { ran: "later", hash: "a:m", next: "b:n", notice: "made-functions-changed" },
    { ran: "later", hash: "a:m", next: "b:m", notice: null },
    { ran: "not-yet", hash: "a:m", next: "b:n", notice: null },
    { ran: "at-start", hash: "a:m", next: "a:m", notice: null },
  ] as const)("ran $ran, hash $hash → $next: $notice (keyed Class.method)", ({ ran, hash, next, notice }) => {
    expect(noticesOfMethodEdit(ran, hash, next)).toEqual(
      notice === null ? [] : [{ kind: notice, key: "app/a.js#C.m" }],
    );
  });

  test("an edit of a method still watched keeps the watcher, which calls the new body; a method added later is watched", () => {
    const registry = getRegistry();
    const C = registry.module("app/a.js").cls(
      "C",
      class C {
        m(): number {
          return 1;
        }
      },
      "c1",
      "s",
      undefined,
      { m: "a:" },
    );
    const entry = registry.classes.get("app/a.js#C")!.stubs.proto.get("m")!.value!;
    const watcher = entry.target.fn;
    const batch = registry.beginBatch();
    registry.module("app/a.js").cls(
      "C",
      class C {
        m(): number {
          return 2;
        }
        n(): number {
          return 3;
        }
      },
      "c2",
      "s",
      undefined,
      { m: "b:", n: "n:" },
    );
    batch.commit();
    expect(entry.target.fn).toBe(watcher);
    const added = registry.classes.get("app/a.js#C")!.stubs.proto.get("n")!.value!;
    expect([added.ran, added.target.fn === added.impl, added.hash]).toEqual(["not-yet", false, "n:"]);
    const instance = new (C as new () => { m(): number; n(): number })();
    expect([instance.m(), instance.n()]).toEqual([2, 3]);
    expect([entry.target.fn === entry.impl, added.target.fn === added.impl]).toEqual([true, true]);
  });
});

test("a first call by a dependency that a start-up function awaits is at start-up (a framework's lifecycle hook); one by a dependency's timer is later", () => {
  dir.write(
    "node_modules/framework/index.js",
    `exports.init = async (hooks) => { await null; await Promise.all(hooks.map(async (hook) => { await null; hook(); })); };
exports.later = (fn) => setTimeout(() => fn(), 1);
`,
  );
  const file = dir.write(
    "main.cjs",
    `const { chaudModule, getRegistry } = require(${JSON.stringify(REGISTRY)});
const framework = require("framework");
const handle = chaudModule("app/main.js");
const onModuleInit = handle.fn("onModuleInit", function onModuleInit() { return 1; }, "h:");
const onEvent = handle.fn("onEvent", function onEvent() { return 2; }, "h:");
const bootstrap = handle.fn("bootstrap", async function bootstrap() {
  await framework.init([onModuleInit]);
  framework.later(onEvent);
}, "h:");
bootstrap();
setTimeout(() => {
  const ran = Object.fromEntries([...getRegistry().hot].map(([key, entry]) => [key.slice(key.indexOf("#") + 1), entry.ran]));
  console.log(JSON.stringify(ran));
}, 30);
`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual({
    onModuleInit: "at-start",
    onEvent: "later",
    bootstrap: "at-start",
  });
});

test("the caller is the nearest watched function below: past a constructor a framework calls, and not past a function that ran later", () => {
  dir.write(
    "node_modules/framework/index.js",
    `exports.create = async (Service) => { await null; return new Service(); };
`,
  );
  const file = dir.write(
    "main.cjs",
    `const { chaudModule, getRegistry } = require(${JSON.stringify(REGISTRY)});
const framework = require("framework");
const handle = chaudModule("app/main.js");
const Service = handle.cls("Service", class Service {
  constructor() { this.config = this.loadConfig(); }
  loadConfig() { return 1; }
}, "c", "s", void 0, { loadConfig: "l:" });
const firstSeen = handle.fn("firstSeen", function firstSeen() { return 2; }, "h:");
let round = 0;
// Called again and again by main(): later from its second call on, and so is what it calls first then.
const step = handle.fn("step", function step() { if (++round === 2) firstSeen(); }, "h:");
const bootstrap = handle.fn("bootstrap", async function bootstrap() {
  await framework.create(Service);
  for (let i = 0; i < 3; i++) { step(); await null; }
}, "h:");
bootstrap();
setTimeout(() => {
  const ran = Object.fromEntries([...getRegistry().hot].map(([key, entry]) => [key.slice(key.indexOf("#") + 1), entry.ran]));
  ran.loadConfig = getRegistry().classes.get("app/main.js#Service").stubs.proto.get("loadConfig").value.ran;
  console.log(JSON.stringify(ran));
}, 30);
`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual({
    loadConfig: "at-start",
    bootstrap: "at-start",
    step: "later",
    firstSeen: "later",
  });
});

test("two methods of one name in one module: one running later leaves the other one's start-up standing", () => {
  const file = dir.write(
    "main.cjs",
    `const { chaudModule, getRegistry } = require(${JSON.stringify(REGISTRY)});
const handle = chaudModule("app/main.js");
const A = handle.cls("A", class A {
  async start() { await new Promise((resolve) => setTimeout(resolve, 10)); this.setup(); }
  setup() { return 1; }
}, "a", "s", void 0, { start: "a:", setup: "u:" });
const B = handle.cls("B", class B { start() { return 2; } }, "b", "s", void 0, { start: "b:" });
new A().start();
setTimeout(() => new B().start(), 1);
setTimeout(() => {
  const ran = (cls, key) => getRegistry().classes.get("app/main.js#" + cls).stubs.proto.get(key).value.ran;
  console.log(JSON.stringify({ aStart: ran("A", "start"), setup: ran("A", "setup"), bStart: ran("B", "start") }));
}, 40);
`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }))).toEqual({
    aStart: "at-start",
    setup: "at-start",
    bStart: "later",
  });
});
