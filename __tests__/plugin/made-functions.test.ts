// The second part of a hot function's hash: the functions it creates that may outlive a call.
// Callbacks that are done when the work they belong to is (array methods', promise reactions,
// one-shot timers, a function called at once) are left out, so editing them stays an update
// in place; everything else a body creates is in, with the functions inside it.

import { parseSync } from "@babel/core";
import * as t from "@babel/types";
import { madeFunctionsText } from "../../plugin/made-functions";

/** The made-functions text of the first function in `source`. */
function made(source: string): string {
  const ast = parseSync(source, {
    babelrc: false,
    configFile: false,
    filename: "x.ts",
    presets: ["@babel/preset-typescript"],
  })!;
  let fn: t.Node | undefined;
  t.traverseFast(ast.program, (node) => {
    if (!fn && (t.isFunction(node) || t.isTSAsExpression(node))) fn = node;
  });
  return madeFunctionsText(fn!, source);
}

test("a handler registered, a closure returned and a function declared inside are made", () => {
  expect(made(`function setup(app) { app.get("/", (req, res) => res.end("a")); }`)).toBe(`(req, res) => res.end("a")`);
  expect(made(`function counter() { let n = 0; return () => ++n; }`)).toBe(`() => ++n`);
  expect(made(`function outer() { function inner() { return 1; } return inner; }`)).toBe(
    `function inner() { return 1; }`,
  );
  expect(made(`function make() { return { get() { return 1; } }; }`)).toBe(`get() { return 1; }`);
  expect(made(`function make() { return class { run() { return 1; } }; }`)).toBe(`run() { return 1; }`);
});

test("callbacks done when their work is are left out, but what they make is not", () => {
  expect(made(`function list(items) { return items.map((x) => x * 2).filter(Boolean); }`)).toBe("");
  expect(
    made(`async function load(db) { return db.query().then((rows) => rows).catch(() => []).finally(() => {}); }`),
  ).toBe("");
  expect(made(`function wait() { return new Promise((resolve) => setTimeout(() => resolve(1), 10)); }`)).toBe("");
  expect(
    made(
      `function once() { queueMicrotask(() => 1); setImmediate(() => 2); process.nextTick(() => 3); return (() => 4)(); }`,
    ),
  ).toBe("");
  expect(made(`function later(app) { return start().then(() => app.on("x", () => "kept")); }`)).toBe(`() => "kept"`);
  expect(
    made(`async function save(req, res, next) {
  als.run(new Map(), () => next());
  await prisma.$transaction(async (tx) => tx.user.create({}));
  fs.readFile("x", (error, data) => res.end(data));
}`),
  ).toBe("");
});

test("a function kept counts once, with what is inside it", () => {
  expect(made(`function setup(app) { app.use((req, res, next) => { res.on("finish", () => log()); next(); }); }`)).toBe(
    `(req, res, next) => { res.on("finish", () => log()); next(); }`,
  );
});

test("the hot function itself is not one it makes, also behind a cast", () => {
  expect(made(`function plain() { return 1; }`)).toBe("");
  expect(made(`const f = ((x: number) => () => x) as unknown as () => void;`)).toBe(`() => x`);
});

test("a listener of a stream event on a parameter belongs to the call; other listeners are kept", () => {
  const handler = `function handle(req, res) {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => res.end(body));
  res.once("finish", () => log());
}`;
  expect(made(handler)).toBe("");
  // Not a parameter, not a stream event, or not a listener method: kept.
  expect(made(`function setup() { server.on("close", () => 1); }`)).toBe(`() => 1`);
  expect(made(`function setup(app) { app.on("mounted", () => 1); }`)).toBe(`() => 1`);
  expect(made(`function setup(wss) { wss.on("connection", (ws) => { ws.on("close", () => 1); }); }`)).toBe(
    `(ws) => { ws.on("close", () => 1); }`,
  );
  expect(made(`function setup(req) { req.get("end", () => 1); }`)).toBe(`() => 1`);
});
