// The second part of a hot function's hash: the functions it creates that may outlive a call.
// Callbacks that are done when the work they belong to is (array methods', promise reactions,
// one-shot timers, a function called at once) are left out, so editing them stays an update
// in place; everything else a body creates is in, with the functions inside it.

import { parseSync, transformSync } from "@babel/core";
import traverse, { type NodePath } from "@babel/traverse";
import chaudPlugin from "../../plugin/index";
import { madeFunctionsText } from "../../plugin/made-functions";

/** The made-functions text of the first function (or cast around one) in `source`. */
function made(source: string): string {
  const ast = parseSync(source, {
    babelrc: false,
    configFile: false,
    filename: "x.ts",
    presets: ["@babel/preset-typescript"],
  })!;
  let found: NodePath | undefined;
  traverse(ast, {
    enter(path) {
      if (!found && (path.isFunction() || path.isTSAsExpression())) {
        found = path;
        path.stop();
      }
    },
  });
  return madeFunctionsText(found!, (node) => source.slice(node.start ?? 0, node.end ?? 0));
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

test("a function declared or held in a const that the body only calls lives with the call; one passed on is kept", () => {
  expect(
    made(`function handle(req, res) {
  const send = (status, body) => res.status(status).json(body);
  function fail(error) { send(500, { error }); }
  if (!req.ok) return fail("no");
  send(200, {});
}`),
  ).toBe("");
  expect(made(`function handle(app) { const h = () => 1; app.get("/", h); h(); }`)).toBe(`() => 1`);
  expect(made(`function handle(app) { let h = () => 1; h = () => 2; h(); }`)).toBe(`() => 1\n() => 2`);
});

test("a cast or parentheses around a function change nothing, and destructured or optional parameters count", () => {
  expect(made(`function once() { return ((() => 4) as () => number)(); }`)).toBe("");
  expect(made(`function list(items) { return items.map(((x) => x * 2) as any); }`)).toBe("");
  expect(made(`function setup(app) { app.get("/", ((req, res) => res.end()) as any); }`)).toBe(
    `(req, res) => res.end()`,
  );
  expect(made(`function handle({ req }) { req?.on("end", () => 1); }`)).toBe("");
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

test("in mode all, a hot function's hash leaves out comments, in its body and in the functions it makes", () => {
  const hashOf = (source: string): string => {
    const { code } = transformSync(source, {
      babelrc: false,
      configFile: false,
      filename: "/virtual/app/src/main.ts",
      presets: ["@babel/preset-typescript"],
      plugins: [[chaudPlugin, { enabled: true, mode: "all" }]],
    })!;
    return /_chaud\.fn\("main", main, "([^"]+)"\)/.exec(code!)![1]!;
  };
  const source = (comment: string, port: number): string => `export function main(app: any): void {
  // ${comment}
  app.get("/", (req: any, res: any) => {
    /* ${comment} */ res.end("home");
  });
  app.listen(${port});
}
`;
  expect(hashOf(source("one", 3000))).toBe(hashOf(source("two", 3000)));
  expect(hashOf(source("one", 3000))).not.toBe(hashOf(source("one", 4000)));
  expect(hashOf(source("one", 3000))).toMatch(/^[0-9a-z]+:[0-9a-z]+$/);
});
