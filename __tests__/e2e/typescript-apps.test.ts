// TypeScript programs that need what their tsconfig.json says, started with `npx chaud
// src/main.ts` and no Babel config: a NestJS app (legacy decorators, their metadata for
// dependency injection by type, a ValidationPipe DTO), a page rendered by react-dom/server
// from TSX, a tsconfig that extends one from a package, and a tsconfig that cannot be read.

import { mkdirSync, symlinkSync } from "node:fs";
import { dirname } from "node:path";
import { Child } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { request } from "../helpers/http";
import { CLI, chaudLines, endCli, freePort, get, until, watching, type Response } from "../helpers/cli-program";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const { env } = sharedCacheDir("chaud-ts-apps-cache");
let project: TempProject | undefined;
let child: Child | undefined;

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

/** Links packages of this checkout into the project (chaud leaves node_modules alone). */
function link(target: TempProject, ...names: string[]): void {
  for (const name of names) {
    const to = target.path("node_modules", name);
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(`${REPO_ROOT}/node_modules/${name}`, to, "dir");
  }
}

function post(port: number, path: string, body: unknown): Promise<Response> {
  return request(port, "POST", path, body);
}

const STOP_ON_STDIN = `
import { status, stop } from "chaud";
process.stdin.on("data", (data) => {
  if (data.toString().trim() !== "stop") return;
  stop();
  console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
  process.exit(0);
});
`;

const serviceSource = (suffix: string): string => `import { Injectable } from "@nestjs/common";

@Injectable()
export class ItemsService {
  private readonly items: string[] = [];

  add(name: string): number {
    this.items.push(name);
    return this.items.length;
  }

  all(): string[] {
    return this.items.map((item) => item + "${suffix}");
  }
}
`;

function writeNestApp(target: TempProject): void {
  link(target, "@nestjs", "reflect-metadata", "rxjs", "class-validator", "class-transformer");
  target.write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        module: "commonjs",
        target: "ES2021",
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    }),
  );
  target.write("src/items.service.ts", serviceSource("-v1"));
  target.write(
    "src/create-item.dto.ts",
    `import { IsString, MinLength } from "class-validator";

export class CreateItemDto {
  @IsString()
  @MinLength(2)
  name!: string;
}
`,
  );
  target.write(
    "src/items.controller.ts",
    `import { Body, Controller, Get, Post } from "@nestjs/common";
import { ItemsService } from "./items.service";
import { CreateItemDto } from "./create-item.dto";

@Controller("items")
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get()
  list() {
    return { pid: process.pid, items: this.items.all() };
  }

  @Post()
  create(@Body() body: CreateItemDto) {
    return { count: this.items.add(body.name) };
  }
}
`,
  );
  target.write(
    "src/app.module.ts",
    `import { Module } from "@nestjs/common";
import { ItemsController } from "./items.controller";
import { ItemsService } from "./items.service";

@Module({ controllers: [ItemsController], providers: [ItemsService] })
export class AppModule {}
`,
  );
  target.write(
    "src/main.ts",
    `import "reflect-metadata";
import { NestFactory } from "@nestjs/core";
import { ValidationPipe } from "@nestjs/common";
import { AppModule } from "./app.module";
${STOP_ON_STDIN}
async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(Number(process.env.APP_PORT), "127.0.0.1");
  console.log(JSON.stringify({ type: "listening", port: Number(process.env.APP_PORT), pid: process.pid }));
}
void bootstrap();
`,
  );
}

test("a NestJS app runs with no Babel config: injection by type, validation, and a service edit is served", async () => {
  project = createTempProject("nest-app");
  writeNestApp(project);
  const port = await freePort();
  child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env({ APP_PORT: String(port) }) });
  const { pid } = await child.message("listening", 0, 40000);
  await watching(child);

  expect(await post(port, "/items", { name: "apple" })).toMatchObject({ status: 201, body: { count: 1 } });
  const invalid = await post(port, "/items", { name: 1 });
  expect(invalid.status).toBe(400);
  expect(invalid.body.message).toEqual(["name must be longer than or equal to 2 characters", "name must be a string"]);
  expect(await get(port, "/items")).toMatchObject({ status: 200, body: { pid, items: ["apple-v1"] } });

  atomicWrite(project.path("src/items.service.ts"), serviceSource("-v2"));
  const served = await until(
    child,
    "the edited service method",
    async () => {
      const response = await get(port, "/items");
      return response.body?.items?.every((item: string) => item.endsWith("-v2")) ? response : undefined;
    },
    40000,
  );
  // In place: the same process, "apple" kept, no restart (the service is a hot decorated class).
  expect(served.body).toEqual({ pid, items: ["apple-v2"] });
  expect(chaudLines(child, /^\[chaud\] restarting: /)).toEqual([]);
  // It still validates and injects as before the edit.
  expect((await post(port, "/items", { name: "" })).status).toBe(400);
}, 90000);

const pageSource = (greeting: string): string => `export function Page({ name }: { name: string }) {
  return (
    <main>
      <h1>${greeting}, {name}</h1>
      <>
        <p>rendered by react-dom/server</p>
      </>
    </main>
  );
}
`;

test("a TSX page rendered by react-dom/server needs no Babel config, and its edit is served", async () => {
  project = createTempProject("tsx-page");
  link(project, "react", "react-dom");
  project.write(
    "tsconfig.json",
    JSON.stringify({ compilerOptions: { jsx: "react-jsx", target: "es2022", strict: true } }),
  );
  project.write("src/page.tsx", pageSource("Hello"));
  project.write(
    "src/main.tsx",
    `import { createServer } from "node:http";
import { renderToString } from "react-dom/server";
import { Page } from "./page.js";
${STOP_ON_STDIN}
const server = createServer((req, res) => {
  res.setHeader("content-type", "text/html");
  res.end(renderToString(<Page name="Ada" />));
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ type: "listening", port, pid: process.pid }));
});
`,
  );
  child = new Child([CLI, "src/main.tsx"], { cwd: project.dir, env: env() });
  const { port, pid } = await child.message("listening", 0, 30000);
  await watching(child);
  expect((await get(port, "/")).body).toBe(
    "<main><h1>Hello, <!-- -->Ada</h1><p>rendered by react-dom/server</p></main>",
  );

  atomicWrite(project.path("src/page.tsx"), pageSource("Bonjour"));
  await until(child, "the edited page", async () =>
    String((await get(port, "/")).body).includes("Bonjour, <!-- -->Ada"),
  );
  expect(child.messages.filter((m) => m.type === "listening").map((m) => m["pid"])).toEqual([pid]);
}, 60000);

const leaseSource = (version: string): string => `import { pool } from "./pool.js";

export function handle(): { version: string; disposed: number } {
  using lease = pool.lease();
  return { version: "${version}:" + lease.id, disposed: pool.disposed };
}

export async function handleLater(): Promise<number> {
  await using lease = pool.leaseAsync();
  await Promise.resolve(lease.id);
  return pool.disposed;
}
`;

test("`using` and `await using` declarations (TypeScript 5.2) run on Node versions without them, as under tsx, and an edit of a function holding one applies in place", async () => {
  project = createTempProject("using-app");
  project.write("tsconfig.json", JSON.stringify({ compilerOptions: { target: "es2022", strict: true } }));
  project.write(
    "src/pool.ts",
    `// Symbol.dispose comes with Node 20's own polyfill; the fallback is Babel's helper's.
const dispose: typeof Symbol.dispose = Symbol.dispose ?? (Symbol.for("Symbol.dispose") as never);
const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as never);

export const pool = {
  disposed: 0,
  next: 0,
  lease() {
    return { id: ++this.next, [dispose]: () => void this.disposed++ };
  },
  leaseAsync() {
    return { id: ++this.next, [asyncDispose]: async () => void this.disposed++ };
  },
};
`,
  );
  project.write("src/lease.ts", leaseSource("v1"));
  project.write(
    "src/main.ts",
    `import { createServer } from "node:http";
import { handle, handleLater } from "./lease.js";
${STOP_ON_STDIN}
const server = createServer(async (req, res) => {
  const later = await handleLater();
  res.end(JSON.stringify({ ...handle(), later, pid: process.pid }));
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ type: "listening", port, pid: process.pid }));
});
`,
  );
  child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
  const { port, pid } = await child.message("listening", 0, 30000);
  await watching(child);
  // A function's return value is taken before its leases are disposed of: the first request's
  // `await using` lease (1) goes after `handleLater()` read 0, `handle()`'s (2) after it read 1.
  expect((await get(port, "/")).body).toEqual({ version: "v1:2", disposed: 1, later: 0, pid });

  atomicWrite(project.path("src/lease.ts"), leaseSource("v2"));
  const edited = await until(child, "the edited function", async () => {
    const { body } = await get(port, "/");
    return String(body.version).startsWith("v2:") && body;
  });
  // Same process, the pool's counts kept: the function was updated in place.
  expect(edited.pid).toBe(pid);
  expect(edited.disposed).toBeGreaterThan(1);
  expect(chaudLines(child, /updated src\/lease\.ts .*module state kept/)).toHaveLength(1);
}, 60000);

const wordSource = (word: string): string => `export function word(): string {
  return "${word}";
}
`;

test('ES modules with moduleResolution "bundler": imports without an extension, and of a folder\'s index, load as under tsx, and a save applies in place', async () => {
  project = createTempProject("bundler-app", { type: "module" });
  project.write(
    "tsconfig.json",
    JSON.stringify({ compilerOptions: { module: "preserve", moduleResolution: "bundler", strict: true } }),
  );
  project.write("src/word.ts", wordSource("w1"));
  project.write("src/lib/index.ts", `export const label = (): string => "from lib/index";\n`);
  project.write(
    "src/main.ts",
    `import { createServer } from "node:http";
import { word } from "./word";
import { label } from "./lib";
${STOP_ON_STDIN}
let hits = 0;
const server = createServer((req, res) => {
  hits++;
  res.end(JSON.stringify({ word: word(), label: label(), hits, pid: process.pid }));
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ type: "listening", port, pid: process.pid }));
});
`,
  );
  child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
  const { port, pid } = await child.message("listening", 0, 30000);
  await watching(child);
  expect((await get(port, "/")).body).toEqual({ word: "w1", label: "from lib/index", hits: 1, pid });

  atomicWrite(project.path("src/word.ts"), wordSource("w2"));
  const edited = await until(child, "the new word", async () => {
    const { body } = await get(port, "/");
    return body.word === "w2" && body;
  });
  expect(edited.pid).toBe(pid);
  expect(edited.hits).toBeGreaterThan(1);
}, 60000);

test("a tsconfig that extends one from a package governs the program, and the debug log says so", async () => {
  project = createTempProject("extends-app");
  link(project, "reflect-metadata");
  project.write(
    "node_modules/@company/tsconfig/package.json",
    JSON.stringify({ name: "@company/tsconfig", version: "1.0.0" }),
  );
  project.write(
    "node_modules/@company/tsconfig/base.json",
    JSON.stringify({
      compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, target: "ES2021" },
    }),
  );
  project.write("tsconfig.json", JSON.stringify({ extends: "@company/tsconfig/base.json" }));
  project.write(
    "src/main.ts",
    `import "reflect-metadata";
${STOP_ON_STDIN}
class Engine {}
const Injectable = (): ClassDecorator => () => {};

@Injectable()
class Car {
  constructor(readonly engine: Engine, readonly wheels: number) {}
}

const types = (Reflect.getMetadata("design:paramtypes", Car) as Function[]).map((type) => type.name);
console.log(JSON.stringify({ type: "ran", types }));
setInterval(() => {}, 1000);
`,
  );
  child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
  expect((await child.message("ran", 0, 30000))["types"]).toEqual(["Engine", "Number"]);
  await child.waitFor(
    "the governing tsconfig line",
    () =>
      chaudLines(child!, /^\[chaud\] tsconfig\.json governs extends-app: legacy decorators, metadata/).length === 1 ||
      undefined,
  );
}, 60000);

test.each([
  ["CommonJS", {}],
  ["ES modules (on Node 20, compiled on the hooks' own thread)", { type: "module" }],
])(
  "a tsconfig that cannot be read is one warning naming it, then the program runs with chaud's defaults (%s)",
  async (_, packageJson) => {
    project = createTempProject("broken-app", packageJson);
    project.write("tsconfig.json", `{ "compilerOptions": { "experimentalDecorators": true } oops`);
    project.write(
      "src/main.ts",
      `${STOP_ON_STDIN}
function logged(method: Function, context: ClassMethodDecoratorContext) {
  return function (this: unknown, ...args: unknown[]) {
    return "logged " + String(context.name) + ": " + method.apply(this, args);
  };
}

class Greeter {
  @logged greet(name: string) {
    return "hello " + name;
  }
}

console.log(JSON.stringify({ type: "ran", greeting: new Greeter().greet("Ada") }));
setInterval(() => {}, 1000);
`,
    );
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    expect((await child.message("ran", 0, 30000))["greeting"]).toBe("logged greet: hello Ada");
    const warnings = chaudLines(child, /tsconfig\.json/);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[chaud\] cannot read tsconfig\.json: not valid JSON .*; compiling with chaud's defaults$/,
      ),
    ]);
  },
  60000,
);
