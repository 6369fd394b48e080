// Never stale, under the chaud command: an edit of a function that already ran and will not run
// again restarts the program, an edit of one that runs again applies in place. The program has
// each kind: `main()` (called at the top level, ran only at start-up), `configure()` (called
// once by main() after an await: start-up too), `setupRoutes()` (called once from a timer, as a
// framework calls a plugin, and the route handlers it registered are kept), `tick()` (called at
// the top level and by a timer), `list()` (called per request, its `.map` callback done when it
// returns), a callback passed to `.then()` at the top level (it runs once), and `createWindow()`,
// used only as `whenReady().then(createWindow)` (it runs once too).

import { Child } from "../helpers/child";
import {
  CLI,
  endCli,
  get,
  listenAndStop,
  program,
  restartedServing,
  restartLines,
  servedWhen,
  until,
  watching,
} from "../helpers/cli-program";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-ran-at-start-cache");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

interface Versions {
  /** Set by main() after an await. */
  label: string;
  /** Set by configure(), which main() calls after an await. */
  mode: string;
  /** Set by tick() on each tick. */
  tick: string;
  /** The "/" handler registered by setupRoutes(). */
  home: string;
  /** Whether setupRoutes() registers "/extra" too. */
  extra: boolean;
  /** Appended by list()'s map callback. */
  suffix: string;
  /** Set by a callback the top level passes to \`.then()\`, which runs once. */
  ready: string;
  /** Set by createWindow(), whose one use is \`whenReady().then(createWindow)\` (Electron's start). */
  window: string;
}

const V1: Versions = {
  label: "label-1",
  mode: "mode-1",
  tick: "tick-1",
  home: "home-1",
  extra: false,
  suffix: "1",
  ready: "ready-1",
  window: "window-1",
};

const routesSource = (v: Versions): string => `export const routes = new Map<string, () => string>();
const items = ["a", "b"];

export function setupRoutes(table: Map<string, () => string>): void {
  table.set("/", () => "${v.home}");${v.extra ? `\n  table.set("/extra", () => "extra");` : ""}
}

export function list(): string[] {
  return items.map((item) => item + "${v.suffix}");
}
`;

const mainSource = (esm: boolean, v: Versions): string => `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { status, stop } from "chaud";
import { list, routes, setupRoutes } from "./routes${esm ? ".js" : ""}";

let label = "";
let mode = "";
let ready = "";
let window = "";
let ticked = "";
let ticks = 0;
function tick(): void {
  ticks++;
  ticked = "${v.tick}";
}
tick();
const timer = setInterval(tick, 20);

function configure(): void {
  mode = "${v.mode}";
}

async function main(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  label = "${v.label}";
  configure();
}
main();
Promise.resolve().then(() => {
  ready = "${v.ready}";
});
const whenReady = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
function createWindow(): void {
  window = "${v.window}";
}
whenReady().then(createWindow);
// Called later, as Fastify calls a plugin.
setTimeout(() => setupRoutes(routes), 5);

export const server = createServer((req, res) => {
  const handler = routes.get(req.url ?? "/");
  res.end(JSON.stringify({ label, mode, ready, window, ticked, ticks, list: list(), body: handler ? handler() : null, pid: process.pid }));
});
${listenAndStop("clearInterval(timer);")}`;

function write(v: Versions, esm: boolean): void {
  atomicWrite(project!.path("src/routes.ts"), routesSource(v));
  atomicWrite(project!.path("src/main.ts"), mainSource(esm, v));
}

describe.each([
  { name: "TypeScript to CommonJS", esm: false },
  { name: "TypeScript ES modules", esm: true },
])("$name", ({ esm }) => {
  test("edits of functions that run again apply in place; edits of main(), configure() and the handlers setupRoutes() registered restart", async () => {
    project = createTempProject("ran-at-start", esm ? { type: "module" } : {});
    project.write("src/routes.ts", routesSource(V1));
    project.write("src/main.ts", mainSource(esm, V1));
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const first = await program(child, 0);
    await watching(child);
    expect(await servedWhen(child, first.port, (body) => body.body === "home-1", "the first routes")).toMatchObject({
      label: "label-1",
      ticked: "tick-1",
      list: ["a1", "b1"],
    });

    // tick() ran at start-up and runs on every tick since: updated in place.
    const v2 = { ...V1, tick: "tick-2" };
    write(v2, esm);
    const second = await servedWhen(child, first.port, (body) => body.ticked === "tick-2", "tick()'s new body");
    // list() ran per request, and what changed is its map callback, which no one keeps.
    const v3 = { ...v2, suffix: "3" };
    write(v3, esm);
    const third = await servedWhen(child, first.port, (body) => body.list[0] === "a3", "list()'s new map callback");
    for (const body of [second, third]) expect(body.pid).toBe(first.pid);
    expect(third.ticks).toBeGreaterThan(second.ticks);
    expect(restartLines(child)).toEqual([]);

    /** Saves `v`, waits for the program restart `n` started, and returns what it serves once `check` holds. */
    const restartsFor = (v: Versions, n: number, check: (body: any) => boolean, what: string): Promise<any> => {
      write(v, esm);
      return restartedServing(child!, n, first.pid, check, what);
    };

    // The handler setupRoutes() registered is kept in the map: its edit restarts.
    const v4 = { ...v3, home: "home-4" };
    expect(await restartsFor(v4, 1, (body) => body.body === "home-4", "the new handler")).toMatchObject({
      label: "label-1",
      ticked: "tick-2",
    });
    // configure() ran once, called by main() after an await: an edit of it restarts.
    const v5 = { ...v4, mode: "mode-5" };
    expect(await restartsFor(v5, 2, (body) => body.mode === "mode-5", "configure()'s new body")).toMatchObject({
      body: "home-4",
    });
    // main() ran once, called at the top level: an edit of it restarts.
    const v6 = { ...v5, label: "label-6" };
    expect(await restartsFor(v6, 3, (body) => body.label === "label-6", "main()'s new body")).toMatchObject({
      mode: "mode-5",
      body: "home-4",
    });
    // The callback passed to .then() ran, once: an edit of it restarts.
    const v7 = { ...v6, ready: "ready-7" };
    expect(
      await restartsFor(v7, 4, (body) => body.ready === "ready-7", "the .then() callback's new body"),
    ).toMatchObject({
      label: "label-6",
    });
    // createWindow() ran once, passed by name to .then(), and is used nowhere else: its edit restarts.
    const v8 = { ...v7, window: "window-8" };
    expect(await restartsFor(v8, 5, (body) => body.window === "window-8", "createWindow()'s new body")).toMatchObject({
      ready: "ready-7",
    });
    expect(restartLines(child)).toEqual([
      expect.stringMatching(/restarting: src\/routes\.ts: the functions setupRoutes creates changed/),
      expect.stringMatching(/restarting: src\/main\.ts: configure changed, and it ran only at start-up/),
      expect.stringMatching(/restarting: src\/main\.ts: main changed, and it ran only at start-up/),
      expect.stringMatching(
        /restarting: src\/main\.ts: Promise\.resolve\(\)\.then\(\)#1 changed, and it ran only at start-up/,
      ),
      expect.stringMatching(/restarting: src\/main\.ts: createWindow changed, and it ran only at start-up/),
    ]);
  }, 120000);
});

test("with restarts off, an edit of a function that ran only at start-up says so and names what to do", async () => {
  project = createTempProject("ran-at-start-off");
  project.write("src/routes.ts", routesSource(V1));
  project.write("src/main.ts", mainSource(false, V1));
  child = new Child([CLI, "--restart=off", "src/main.ts"], { cwd: project.dir, env: env() });
  const { port } = await program(child, 0);
  await watching(child);
  await until(child, "the routes", async () => (await get(port, "/")).body.body === "home-1");
  write({ ...V1, label: "label-2", home: "home-2" }, false);
  await child.waitFor("the notices", () => /it ran only at start-up/.test(child!.stderr));
  await child.waitFor("the notices", () => /the functions "setupRoutes" creates changed/.test(child!.stderr));
  expect(child.stderr).toMatch(/"main" changed, and it ran only at start-up: .* Restart to apply it\./);
  expect(child.stderr).toMatch(/those it created \(handlers it registered, callbacks it kept\) run the previous code/);
  expect((await get(port, "/")).body).toMatchObject({ label: "label-1", body: "home-1" });
}, 60000);

test('a node:http handler that ran: an edit inside its req.on("end") listener applies in place (each request makes its own)', async () => {
  project = createTempProject("ran-at-start-listeners");
  const source = (word: string): string => `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { status, stop } from "chaud";

let hits = 0;
const server = createServer((req, res) => {
  hits++;
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => res.end(JSON.stringify({ word: "${word}", body, hits, pid: process.pid })));
});
${listenAndStop()}`;
  project.write("src/main.ts", source("one"));
  child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
  const { port, pid } = await program(child, 0);
  await watching(child);
  expect((await get(port, "/")).body).toMatchObject({ word: "one", hits: 1 });
  atomicWrite(project.path("src/main.ts"), source("two"));
  const after = await until(child, "the listener's new body", async () => {
    const { body } = await get(port, "/");
    return body.word === "two" && body;
  });
  expect(after.pid).toBe(pid);
  expect(after.hits).toBeGreaterThan(1);
  expect(restartLines(child)).toEqual([]);
}, 60000);
