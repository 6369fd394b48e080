// A real Express 5 app without a single marker, run by the chaud command with CHAUD_MODE=all
// and driven over HTTP while its files are edited: inline routes and middlewares in the entry,
// a Router module with inline and async handlers, a controller class whose bound methods are a
// route and an error middleware, an in-memory store. Every edit stays inside hot bodies, so the
// next request must run the new body while the store keeps its items, the controller its
// instance, the process its pid, and the app its one server and its routes (none registered
// twice). TypeScript compiled to CommonJS, TypeScript as ES modules, and plain CommonJS.

import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Child, sleep, stopWithLeakCheck } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { request, type Response } from "../helpers/http";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let project: TempProject;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-express-cache");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("listening") > 0);
  child = undefined;
  project?.remove();
});

/** The strings each edit changes, one per hot body under test. */
interface Versions {
  items: string;
  middleware: string;
  errors: string;
  ping: string;
  find: string;
  routerErrors: string;
  hello: string;
  controllerErrors: string;
  /** Whether the store's `list()` adds a field to each item. */
  listed: boolean;
}

const V1: Versions = {
  items: "items-1",
  middleware: "mw-1",
  errors: "errors-1",
  ping: "ping-1",
  find: "find-1",
  routerErrors: "router-errors-1",
  hello: "hello-1",
  controllerErrors: "controller-errors-1",
  listed: false,
};

interface Flavor {
  name: string;
  packageJson: Record<string, unknown>;
  files: { entry: string; routes: string; controller: string; store: string };
  entry(v: Versions): string;
  routes(v: Versions): string;
  controller(v: Versions): string;
  store(v: Versions): string;
}

/** The stdin `stop` command (for the leak check) and a line per reload, as the entry's last statements. */
const DRIVER_LINES = `
on("reload", (event) => console.log(JSON.stringify({ type: "reload", files: event.files, modules: event.modules })));

process.stdin.on("data", (data) => {
  if (data.toString().trim() !== "stop") return;
  stop();
  server.close();
  console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
  process.exit(0);
});
`;

/**
 * The entry and the router module in TypeScript, importing with the `.js` extensions that both
 * module formats resolve; `types: false` gives the CommonJS flavor's JavaScript.
 */
const APP = {
  entry: (v: Versions, imports: string, types = true) => {
    const t = (annotation: string): string => (types ? annotation : "");
    return `${imports}

const app = express();
let requests = 0;

app.use(express.json());

app.use((req${t(": Request")}, res${t(": Response")}, next${t(": NextFunction")}) => {
  requests++;
  res.setHeader("x-app", "${v.middleware}");
  next();
});

app.get("/items", (req${t(": Request")}, res${t(": Response")}) => {
  res.json({ version: "${v.items}", pid: process.pid, items: list() });
});

app.post("/items", (req${t(": Request")}, res${t(": Response")}) => {
  res.status(201).json(add(String(req.body.name)));
});

app.get("/boom", () => {
  throw new Error("boom");
});

app.get("/stats", (req${t(": Request")}, res${t(": Response")}) => {
  res.json({
    pid: process.pid,
    requests,
    appLayers: app.router.stack.length,
    routerLayers: router.stack.length,
    requestListeners: server.listenerCount("request"),
  });
});

app.use("/api", router);

app.use((error${t(": Error")}, req${t(": Request")}, res${t(": Response")}, next${t(": NextFunction")}) => {
  res.status(500).json({ error: error.message, handler: "${v.errors}" });
});

const server = app.listen(0, "127.0.0.1", () => {
  const { port } = server.address()${t(" as AddressInfo")};
  console.log(JSON.stringify({ type: "listening", port, pid: process.pid }));
});
${DRIVER_LINES}`;
  },
  routes: (v: Versions, imports: string, types = true) => {
    const t = (annotation: string): string => (types ? annotation : "");
    return `${imports}

${types ? "export " : ""}const router = Router();
const controller = new HelloController("hello");

function requireName(req${t(": Request")}, res${t(": Response")}, next${t(": NextFunction")})${t(": void")} {
  if (req.query.name === undefined) {
    res.status(400).json({ error: "name required" });
    return;
  }
  next();
}

router.get("/ping", (req, res) => {
  res.json({ pong: "${v.ping}", items: count() });
});

router.route("/items/:id").get(async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  const item = find(Number(req.params.id));
  if (item === undefined) res.status(404).json({ error: "no such item" });
  else res.json({ item, via: "${v.find}" });
});

router.get("/fail", async () => {
  throw new Error("rejected");
});

router.get("/hello", requireName, controller.hello.bind(controller));
router.get("/hello/fail", controller.fail.bind(controller));
router.use("/hello", controller.onError.bind(controller));

router.use((error${t(": Error")}, req${t(": Request")}, res${t(": Response")}, next${t(": NextFunction")}) => {
  res.status(500).json({ error: error.message, handler: "${v.routerErrors}" });
});
`;
  },
};

const TS_CONTROLLER = (v: Versions): string => `import type { NextFunction, Request, Response } from "express";

export class HelloController {
  private hits = 0;

  constructor(private readonly greeting: string) {}

  hello(req: Request, res: Response): void {
    this.hits++;
    res.json({ message: \`\${this.greeting} \${String(req.query.name)}\`, version: "${v.hello}", hits: this.hits });
  }

  fail(req: Request): void {
    throw new Error(\`no \${String(req.query.name)}\`);
  }

  onError(error: Error, req: Request, res: Response, next: NextFunction): void {
    res.status(500).json({ error: error.message, handler: "${v.controllerErrors}", hits: this.hits });
  }
}
`;

const TS_STORE = (v: Versions): string => `export interface Item {
  id: number;
  name: string;
}

const items = new Map<number, Item>();
let nextId = 1;

export function add(name: string): Item {
  const item = { id: nextId++, name };
  items.set(item.id, item);
  return item;
}

export function list(): Item[] {
  return [...items.values()]${v.listed ? ".map((item) => ({ ...item, listed: true }))" : ""};
}

export function find(id: number): Item | undefined {
  return items.get(id);
}

export function count(): number {
  return items.size;
}
`;

const TS_ENTRY_IMPORTS = `import express from "express";
import type { NextFunction, Request, Response } from "express";
import type { AddressInfo } from "node:net";
import { on, status, stop } from "chaud";
import { add, list } from "./store.js";
import { router } from "./routes.js";`;

const TS_ROUTES_IMPORTS = `import { Router } from "express";
import type { NextFunction, Request, Response } from "express";
import { HelloController } from "./controller.js";
import { count, find } from "./store.js";`;

function typescript(name: string, packageJson: Record<string, unknown>): Flavor {
  return {
    name,
    packageJson,
    files: { entry: "src/server.ts", routes: "src/routes.ts", controller: "src/controller.ts", store: "src/store.ts" },
    entry: (v) => APP.entry(v, TS_ENTRY_IMPORTS),
    routes: (v) => APP.routes(v, TS_ROUTES_IMPORTS),
    controller: TS_CONTROLLER,
    store: TS_STORE,
  };
}

const COMMONJS: Flavor = {
  name: "CommonJS",
  packageJson: { type: "commonjs" },
  files: { entry: "src/server.js", routes: "src/routes.js", controller: "src/controller.js", store: "src/store.js" },
  entry: (v) =>
    APP.entry(
      v,
      `const express = require("express");
const { on, status, stop } = require("chaud");
const { add, list } = require("./store.js");
const { router } = require("./routes.js");`,
      false,
    ),
  routes: (v) =>
    APP.routes(
      v,
      `const { Router } = require("express");
const { HelloController } = require("./controller.js");
const store = require("./store.js");
const { count, find } = store;`,
      false,
    ) + "\nmodule.exports = { router };\n",
  controller: (v) => `class HelloController {
  constructor(greeting) {
    this.greeting = greeting;
    this.hits = 0;
  }

  hello(req, res) {
    this.hits++;
    res.json({ message: \`\${this.greeting} \${String(req.query.name)}\`, version: "${v.hello}", hits: this.hits });
  }

  fail(req) {
    throw new Error(\`no \${String(req.query.name)}\`);
  }

  onError(error, req, res, next) {
    res.status(500).json({ error: error.message, handler: "${v.controllerErrors}", hits: this.hits });
  }
}

module.exports = { HelloController };
`,
  store: (v) => `const items = new Map();
let nextId = 1;

module.exports = {
  add(name) {
    const item = { id: nextId++, name };
    items.set(item.id, item);
    return item;
  },
  list() {
    return [...items.values()]${v.listed ? ".map((item) => ({ ...item, listed: true }))" : ""};
  },
  find: (id) => items.get(id),
  count: () => items.size,
};
`,
};

const FLAVORS = [
  typescript("TypeScript compiled to CommonJS", {}),
  typescript("TypeScript as ES modules", { type: "module" }),
  COMMONJS,
];

describe.each(FLAVORS)("$name", (flavor) => {
  test("each edit of an inline route, a middleware, an error middleware, a router's handlers, a controller method and a store function answers the next request; the store, the pid, the routes and the one server stay", async () => {
    project = createTempProject(`express-${flavor.name.split(" ").join("-").toLowerCase()}`, flavor.packageJson);
    // Linked, not installed: Node resolves the link's real path, so express finds its own
    // dependencies in this checkout's node_modules, and chaud (which compiles and watches only
    // the project's files) leaves it alone.
    symlinkSync(join(REPO_ROOT, "node_modules/express"), project.path("node_modules/express"), "dir");
    let v = V1;
    project.write(flavor.files.store, flavor.store(v));
    project.write(flavor.files.controller, flavor.controller(v));
    project.write(flavor.files.routes, flavor.routes(v));
    project.write(flavor.files.entry, flavor.entry(v));

    child = new Child([CLI, flavor.files.entry], { cwd: project.dir, env: env({ CHAUD_MODE: "all" }) });
    const { port, pid } = await child.message("listening");
    const get = (path: string): Promise<Response> => request(port, "GET", path);
    const post = async (name: string): Promise<{ id: number; name: string }> => {
      const response = await request(port, "POST", "/items", { name });
      expect(response.status).toBe(201);
      return response.body;
    };

    const posted = [await post("alice"), await post("bob")];
    expect(posted).toEqual([
      { id: 1, name: "alice" },
      { id: 2, name: "bob" },
    ]);
    const items = await get("/items");
    expect(items.body).toEqual({ version: "items-1", pid, items: posted });
    expect(items.headers["x-app"]).toBe("mw-1");
    expect((await get("/api/ping")).body).toEqual({ pong: "ping-1", items: 2 });
    expect((await get("/api/items/2")).body).toEqual({ item: posted[1], via: "find-1" });
    expect((await get("/api/items/9")).status).toBe(404);
    expect((await get("/api/hello?name=ada")).body).toEqual({ message: "hello ada", version: "hello-1", hits: 1 });
    expect(await get("/api/hello")).toMatchObject({ status: 400, body: { error: "name required" } });
    // Error middlewares are told apart by their four parameters: their hot stubs must keep them,
    // inline ones and a hot class's bound method alike.
    expect(await get("/api/hello/fail?name=x")).toMatchObject({
      status: 500,
      body: { error: "no x", handler: "controller-errors-1", hits: 1 },
    });
    expect(await get("/boom")).toMatchObject({ status: 500, body: { error: "boom", handler: "errors-1" } });
    expect(await get("/api/fail")).toMatchObject({
      status: 500,
      body: { error: "rejected", handler: "router-errors-1" },
    });
    const { requests: _, ...stats } = (await get("/stats")).body;
    expect(stats).toMatchObject({ pid, requestListeners: 1 });

    let reloads = 0;
    /**
     * Saves `file` (by rename when `atomic`), polls `path` until `answered` holds, then checks
     * that nothing else moved: same pid, same routes, one server, the items still stored.
     */
    async function edit(
      file: string,
      content: string,
      atomic: boolean,
      path: string,
      answered: (response: Response) => boolean,
    ): Promise<Response> {
      if (atomic) atomicWrite(project.path(file), content);
      else writeFileSync(project.path(file), content);
      const deadline = Date.now() + 15000;
      let response = await get(path);
      while (!answered(response)) {
        if (Date.now() > deadline)
          throw new Error(
            `GET ${path} still answers ${JSON.stringify(response.body)} after saving ${file}\nstdout:\n${child!.stdout}\nstderr:\n${child!.stderr}`,
          );
        await sleep(50);
        response = await get(path);
      }
      reloads++;
      const reload = await child!.message("reload", reloads - 1);
      expect(reload["files"]).toEqual([file]);
      expect(child!.count("reload")).toBe(reloads);
      expect(child!.stderr).toMatch(new RegExp(`\\[chaud\\] (updated|reloaded) ${file.replace(/[.]/g, "\\.")}`));

      const now = (await get("/items")).body;
      expect(now.pid).toBe(pid);
      expect(now.items.map(({ id, name }: { id: number; name: string }) => ({ id, name }))).toEqual(posted);
      const { requests, ...stillStats } = (await get("/stats")).body;
      expect(stillStats).toEqual(stats);
      expect(requests).toBeGreaterThan(0);
      expect(child!.count("listening")).toBe(1);
      // No failed reload, and nothing the entry's hot-only version left for a restart.
      expect(child!.stderr).not.toMatch(/\[chaud\] .*(failed|does not re-run|restart)/i);
      return response;
    }

    // An inline route handler in the entry, saved in place.
    v = { ...v, items: "items-2" };
    await edit(flavor.files.entry, flavor.entry(v), false, "/items", (r) => r.body.version === "items-2");
    posted.push(await post("carol"));
    expect(posted[2]).toEqual({ id: 3, name: "carol" });

    // Two inline handlers of the router module in one save, by rename: a route and the router's
    // error middleware.
    v = { ...v, ping: "ping-2", routerErrors: "router-errors-2" };
    const ping = await edit(flavor.files.routes, flavor.routes(v), true, "/api/ping", (r) => r.body.pong === "ping-2");
    expect(ping.body).toEqual({ pong: "ping-2", items: 3 });
    expect(await get("/api/fail")).toMatchObject({
      status: 500,
      body: { error: "rejected", handler: "router-errors-2" },
    });

    // Two methods of the controller, registered bound (one behind a middleware, one as an error
    // middleware): the instance keeps its hits (every poll counted one).
    v = { ...v, hello: "hello-2", controllerErrors: "controller-errors-2" };
    const hello = await edit(
      flavor.files.controller,
      flavor.controller(v),
      false,
      "/api/hello?name=ada",
      (r) => r.body.version === "hello-2",
    );
    expect(hello.body.message).toBe("hello ada");
    expect(hello.body.hits).toBeGreaterThan(1);
    expect(await get("/api/hello")).toMatchObject({ status: 400, body: { error: "name required" } });
    expect(await get("/api/hello/fail?name=y")).toMatchObject({
      status: 500,
      body: { error: "no y", handler: "controller-errors-2", hits: hello.body.hits },
    });

    // A store function, saved by rename: the Map keeps its items, list() adds a field.
    v = { ...v, listed: true };
    const listed = await edit(flavor.files.store, flavor.store(v), true, "/items", (r) => r.body.items?.[0]?.listed);
    expect(listed.body.items).toEqual(posted.map((item) => ({ ...item, listed: true })));
    posted.push(await post("dave"));
    expect(posted[3]).toEqual({ id: 4, name: "dave" });

    // The entry's middleware and error middleware in one save: the middleware's writes to the
    // entry's `let requests` keep counting in the running module.
    const requestsBefore = (await get("/stats")).body.requests as number;
    v = { ...v, middleware: "mw-2", errors: "errors-2" };
    const boom = await edit(flavor.files.entry, flavor.entry(v), false, "/boom", (r) => r.body.handler === "errors-2");
    expect(boom).toMatchObject({
      status: 500,
      body: { error: "boom", handler: "errors-2" },
      headers: { "x-app": "mw-2" },
    });
    expect((await get("/stats")).body.requests).toBeGreaterThan(requestsBefore + 1);

    // The async handler of a route chain in the router module, after the module's first update.
    v = { ...v, find: "find-2" };
    const found = await edit(
      flavor.files.routes,
      flavor.routes(v),
      false,
      "/api/items/4",
      (r) => r.body.via === "find-2",
    );
    expect(found.body).toEqual({ item: { id: 4, name: "dave" }, via: "find-2" });

    expect((await get("/api/hello?name=bo")).body).toEqual({
      message: "hello bo",
      version: "hello-2",
      hits: hello.body.hits + 1,
    });
    expect(await get("/items")).toMatchObject({
      headers: { "x-app": "mw-2" },
      body: { version: "items-2", pid, items: posted.map((item) => ({ ...item, listed: true })) },
    });
  });
});
