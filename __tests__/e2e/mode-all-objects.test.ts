// Mode "all" (the chaud command's default) on shapes common in unmarked programs: an object
// of handlers in a top-level declaration (`export const handlers = { list() {…}, show: () => … }`)
// and a server whose handler is passed in an exported declaration (`export const server =
// createServer((req, res) => …)`), and functions in an object passed to a call (route options,
// a router's procedures). An edit inside any of those functions applies in place: the
// same process, its state kept, no restart, and the next request runs the new body.

import { Child } from "../helpers/child";
import { CLI, endCli, get, listenAndStop, program, restartLines, until, watching } from "../helpers/cli-program";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-mode-all-objects-cache");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

interface Versions {
  list: string;
  show: string;
  server: string;
}

const V1: Versions = { list: "list-1", show: "show-1", server: "server-1" };

const handlersSource = (v: Versions): string => `let shown = 0;

export const handlers = {
  list(): string {
    return "${v.list}";
  },
  show: (id: string): string => \`${v.show} \${id} \${++shown}\`,
  limit: 10,
};
`;

const mainSource = (esm: boolean, v: Versions): string => `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { status, stop } from "chaud";
import { handlers } from "./handlers${esm ? ".js" : ""}";

let hits = 0;
export const server = createServer((req, res) => {
  hits++;
  res.end(JSON.stringify({ server: "${v.server}", list: handlers.list(), show: handlers.show("a"), hits, pid: process.pid }));
});
${listenAndStop()}`;

describe.each([
  { name: "TypeScript to CommonJS", esm: false },
  { name: "TypeScript ES modules", esm: true },
])("$name", ({ esm }) => {
  test("edits of an object's method and arrow property, and of a handler passed in an exported declaration, apply in place", async () => {
    project = createTempProject("mode-all-objects", esm ? { type: "module" } : {});
    project.write("src/handlers.ts", handlersSource(V1));
    project.write("src/main.ts", mainSource(esm, V1));
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const { port, pid } = await program(child, 0);
    await watching(child);
    const first = (await get(port, "/")).body;
    expect(first).toMatchObject({ server: "server-1", list: "list-1", show: "show-1 a 1", hits: 1 });

    /** Saves `v`'s files and waits until a request shows `check`; returns that answer. */
    const edit = async (v: Versions, what: string, check: (body: any) => boolean): Promise<any> => {
      atomicWrite(project!.path("src/handlers.ts"), handlersSource(v));
      atomicWrite(project!.path("src/main.ts"), mainSource(esm, v));
      return until(child!, what, async () => {
        const { body } = await get(port, "/");
        return check(body) && body;
      });
    };

    const v2 = { ...V1, show: "show-2" };
    const second = await edit(v2, "the arrow property's new body", (body) => body.show.startsWith("show-2"));
    const v3 = { ...v2, list: "list-3" };
    const third = await edit(v3, "the method's new body", (body) => body.list === "list-3");
    const v4 = { ...v3, server: "server-4" };
    const fourth = await edit(v4, "the server handler's new body", (body) => body.server === "server-4");

    // One process throughout, its module state kept: the counters count on.
    for (const body of [second, third, fourth]) expect(body.pid).toBe(pid);
    expect(Number(fourth.show.split(" ").at(-1))).toBeGreaterThan(Number(second.show.split(" ").at(-1)));
    expect(fourth.hits).toBeGreaterThan(second.hits);
    expect(restartLines(child)).toEqual([]);
    expect(child.messages.filter((m) => m.type === "listening")).toHaveLength(1);
  }, 60000);
});

const optionsSource = (handler: string, greet: string): string => `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { status, stop } from "chaud";

interface Route {
  url: string;
  handler: () => string;
}
const routes = new Map<string, Route>();
function route(options: Route): void {
  routes.set(options.url, options);
}
const procedure = { query: (resolve: () => string) => ({ resolve }) };
function router<T>(procedures: T): T {
  return procedures;
}

let hits = 0;
route({ url: "/", handler: () => "${handler}" });
const api = router({ greet: procedure.query(() => "${greet}") });

export const server = createServer((req, res) => {
  hits++;
  res.end(JSON.stringify({ body: routes.get(req.url ?? "/")?.handler(), greet: api.greet.resolve(), routes: routes.size, hits, pid: process.pid }));
});
${listenAndStop()}`;

test("edits of a function in route options passed to a call, and of a procedure in a router's object, apply in place", async () => {
  project = createTempProject("mode-all-options");
  project.write("src/main.ts", optionsSource("home-1", "greet-1"));
  child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
  const { port, pid } = await program(child, 0);
  await watching(child);
  expect((await get(port, "/")).body).toMatchObject({ body: "home-1", greet: "greet-1", hits: 1 });
  const edit = async (handler: string, greet: string, check: (body: any) => boolean): Promise<any> => {
    atomicWrite(project!.path("src/main.ts"), optionsSource(handler, greet));
    return until(child!, `${handler} and ${greet}`, async () => {
      const { body } = await get(port, "/");
      return check(body) && body;
    });
  };
  const second = await edit("home-2", "greet-1", (body) => body.body === "home-2");
  const third = await edit("home-2", "greet-3", (body) => body.greet === "greet-3");
  for (const body of [second, third]) expect(body).toMatchObject({ pid, routes: 1 });
  expect(third.hits).toBeGreaterThan(second.hits);
  expect(restartLines(child)).toEqual([]);
}, 60000);
