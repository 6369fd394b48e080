// Never stale, for methods: under the chaud command (mode "all"), a method of a class watched
// like a function. An Express-style `App` class whose constructor calls `initRoutes()` at the
// top level: an edit of a handler `initRoutes()` registered restarts, an edit of a method called
// per request applies in place. A service whose `onModuleInit()` a framework calls once while
// `bootstrap()` awaits it (NestJS's lifecycle hooks): its edit restarts too.

import { Child } from "../helpers/child";
import {
  CLI,
  endCli,
  listenAndStop,
  program,
  restartedServing,
  restartLines,
  servedWhen,
  watching,
} from "../helpers/cli-program";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-ran-at-start-methods-cache");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

interface Versions {
  /** The "/" handler `initRoutes()` registers. */
  home: string;
  /** Returned by `greet()`, called per request. */
  greet: string;
  /** Set by `onModuleInit()`, which the framework calls once, after an await. */
  init: string;
}

const V1: Versions = { home: "home-1", greet: "greet-1", init: "init-1" };

const appSource = (v: Versions): string => `export class App {
  readonly routes = new Map<string, () => string>();
  constructor() {
    this.initRoutes();
  }
  initRoutes(): void {
    this.routes.set("/", () => "${v.home}");
  }
  greet(): string {
    return "${v.greet}";
  }
}

export class Service {
  state = "";
  onModuleInit(): void {
    this.state = "${v.init}";
  }
}
`;

// The framework: a module outside the program's own code (node_modules) that calls the
// lifecycle hook of each service after awaits, as NestFactory.create() and app.init() do.
const FRAMEWORK = `exports.create = async function create(services) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  await Promise.all(services.map(async (service) => {
    await null;
    service.onModuleInit();
  }));
};
`;

const mainSource = (esm: boolean): string => `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { status, stop } from "chaud";
import { create } from "framework";
import { App, Service } from "./app${esm ? ".js" : ""}";

const app = new App();
const service = new Service();
let hits = 0;

async function bootstrap(): Promise<void> {
  await create([service]);
}
bootstrap();

export const server = createServer((req, res) => {
  hits++;
  const handler = app.routes.get(req.url ?? "/");
  res.end(JSON.stringify({ home: handler ? handler() : null, greet: app.greet(), init: service.state, hits, pid: process.pid }));
});
${listenAndStop()}`;

describe.each([
  { name: "TypeScript to CommonJS", esm: false },
  { name: "TypeScript ES modules", esm: true },
])("$name", ({ esm }) => {
  test("an edit of a method called per request applies in place; of one that ran at start-up, restarts", async () => {
    project = createTempProject("ran-at-start-methods", esm ? { type: "module" } : {});
    project.write("node_modules/framework/package.json", JSON.stringify({ name: "framework", main: "index.js" }));
    project.write("node_modules/framework/index.js", FRAMEWORK);
    project.write("src/app.ts", appSource(V1));
    project.write("src/main.ts", mainSource(esm));
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const first = await program(child, 0);
    await watching(child);
    expect(await servedWhen(child, first.port, (body) => body.init === "init-1", "the first version")).toMatchObject({
      home: "home-1",
      greet: "greet-1",
    });

    // greet() runs per request: in place, the request count kept.
    const v2 = { ...V1, greet: "greet-2" };
    atomicWrite(project.path("src/app.ts"), appSource(v2));
    const second = await servedWhen(child, first.port, (body) => body.greet === "greet-2", "greet()'s new body");
    expect(second.pid).toBe(first.pid);
    expect(second.hits).toBeGreaterThan(1);
    expect(restartLines(child)).toEqual([]);

    const restartsFor = (v: Versions, n: number, check: (body: any) => boolean, what: string): Promise<any> => {
      atomicWrite(project!.path("src/app.ts"), appSource(v));
      return restartedServing(child!, n, first.pid, check, what);
    };
    // initRoutes() ran once, from the constructor of the object the top level made: its edit restarts.
    const v3 = { ...v2, home: "home-3" };
    expect(await restartsFor(v3, 1, (body) => body.home === "home-3", "the new route")).toMatchObject({
      greet: "greet-2",
    });
    // onModuleInit() ran once, called by the framework while bootstrap() awaited it: its edit restarts.
    const v4 = { ...v3, init: "init-4" };
    expect(await restartsFor(v4, 2, (body) => body.init === "init-4", "onModuleInit()'s new body")).toMatchObject({
      home: "home-3",
    });
    expect(restartLines(child)).toEqual([
      expect.stringMatching(/restarting: src\/app\.ts: App\.initRoutes changed, and it ran only at start-up/),
      expect.stringMatching(/restarting: src\/app\.ts: Service\.onModuleInit changed, and it ran only at start-up/),
    ]);
  }, 120000);
});
