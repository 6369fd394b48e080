// A NestJS app under the chaud command (mode "all", its default), compiled by the project's own
// Babel config as NestJS projects write one (legacy decorators, TypeScript's metadata, class
// properties): a controller, a service injected by its type, a ValidationPipe DTO. Its classes
// are decorated, so they are hot classes whose decorators ran once: an edit of a service's or a
// controller's method body is served on the next request by the same process, with the data it
// created; validation still works, and no class-validator rule is registered twice.

import { join } from "node:path";
import { request } from "../helpers/http";
import { Child } from "../helpers/child";
import { CLI, chaudLines, endCli, program, until, watching } from "../helpers/cli-program";
import { atomicWrite } from "../helpers/hot-app";
import { linkPackages } from "../helpers/jest-project";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-cache-nestjs");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

const BABEL_CONFIG = `module.exports = {
  presets: ["@babel/preset-typescript"],
  plugins: [
    "babel-plugin-transform-typescript-metadata",
    ["@babel/plugin-proposal-decorators", { version: "legacy" }],
    ["@babel/plugin-transform-class-properties", { loose: true }],
    "@babel/plugin-transform-class-static-block",
  ],
};
`;

const MAIN = `import "reflect-metadata";
import { ValidationPipe } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { AddressInfo } from "node:net";
import { status, stop } from "chaud";
import { AppModule } from "./app.module";

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(0, "127.0.0.1");
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(JSON.stringify({ type: "listening", port, pid: process.pid }));
  process.stdin.on("data", (data) => {
    if (!data.toString().split("\\n").includes("stop")) return;
    stop();
    void app.close().then(() => {
      console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
      process.exit(0);
    });
  });
}

void bootstrap();
`;

const MODULE = `import { Module } from "@nestjs/common";
import { ItemsController } from "./items.controller";
import { ItemsService } from "./items.service";

@Module({ controllers: [ItemsController], providers: [ItemsService] })
export class AppModule {}
`;

const DTO = `import { IsInt, IsString, Min, MinLength } from "class-validator";

export class CreateItemDto {
  @IsString()
  @MinLength(2)
  name: string;

  @IsInt()
  @Min(1)
  quantity: number;
}
`;

const SERVICE = (
  version: string,
  seed = "seed-1",
): string => `import { Injectable, type OnModuleInit } from "@nestjs/common";
import type { CreateItemDto } from "./create-item.dto";

export interface Item extends CreateItemDto {
  id: number;
}

@Injectable()
export class ItemsService implements OnModuleInit {
  private readonly items: Item[] = [];
  seed = "";

  onModuleInit(): void {
    this.seed = "${seed}";
  }

  create(dto: CreateItemDto): Item {
    const item = { id: this.items.length + 1, name: dto.name, quantity: dto.quantity };
    this.items.push(item);
    return item;
  }

  list(): Array<Item & { by: string }> {
    return this.items.map((item) => ({ ...item, by: "${version}" }));
  }
}
`;

const CONTROLLER = (version: string): string => `import { Body, Controller, Get, Post } from "@nestjs/common";
import { getMetadataStorage } from "class-validator";
import { CreateItemDto } from "./create-item.dto";
import { ItemsService } from "./items.service";

@Controller("items")
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get()
  list() {
    return { controller: "${version}", pid: process.pid, items: this.items.list() };
  }

  @Post()
  create(@Body() dto: CreateItemDto) {
    return this.items.create(dto);
  }

  @Get("rules")
  rules() {
    return { rules: getMetadataStorage().getTargetValidationMetadatas(CreateItemDto, "", true, false).length };
  }

  @Get("seed")
  seed() {
    return { seed: this.items.seed, pid: process.pid };
  }
}
`;

test("a service and a controller method body edit are served by the same process, with its data, validation and rules intact", async () => {
  project = createTempProject("nestjs-app");
  linkPackages(project.dir, [
    "@nestjs/core",
    "@nestjs/common",
    "@nestjs/platform-express",
    "reflect-metadata",
    "rxjs",
    "class-validator",
    "class-transformer",
    "@babel/preset-typescript",
    "babel-plugin-transform-typescript-metadata",
    "@babel/plugin-proposal-decorators",
    "@babel/plugin-transform-class-properties",
    "@babel/plugin-transform-class-static-block",
  ]);
  project.write("babel.config.js", BABEL_CONFIG);
  project.write("src/main.ts", MAIN);
  project.write("src/app.module.ts", MODULE);
  project.write("src/create-item.dto.ts", DTO);
  project.write("src/items.service.ts", SERVICE("s1"));
  project.write("src/items.controller.ts", CONTROLLER("c1"));

  child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
  const { port, pid } = await program(child, 0, 40000);
  await watching(child);

  expect(await request(port, "POST", "/items", { name: "tea", quantity: 2 })).toMatchObject({
    status: 201,
    body: { id: 1, name: "tea", quantity: 2 },
  });
  const invalid = await request(port, "POST", "/items", { name: "x", quantity: 0 });
  expect(invalid.status).toBe(400);
  const messages = [...(invalid.body.message as string[])].sort();
  expect(messages).toHaveLength(2);
  expect((await request(port, "GET", "/items/rules")).body).toEqual({ rules: 4 });

  // The service: the injected instance (same pid, same items) runs the new body.
  atomicWrite(join(project.dir, "src/items.service.ts"), SERVICE("s2"));
  const afterService = await until(child, "the service's new body", async () => {
    const { body } = await request(port, "GET", "/items");
    return body.items[0]?.by === "s2" && body;
  });
  expect(afterService).toEqual({ controller: "c1", pid, items: [{ id: 1, name: "tea", quantity: 2, by: "s2" }] });

  // The controller: the route NestJS mapped at start runs the new body.
  atomicWrite(join(project.dir, "src/items.controller.ts"), CONTROLLER("c2"));
  const afterController = await until(child, "the controller's new body", async () => {
    const { body } = await request(port, "GET", "/items");
    return body.controller === "c2" && body;
  });
  expect(afterController).toEqual({ controller: "c2", pid, items: [{ id: 1, name: "tea", quantity: 2, by: "s2" }] });

  // Validation as before, each rule once.
  const stillInvalid = await request(port, "POST", "/items", { name: "x", quantity: 0 });
  expect(stillInvalid.status).toBe(400);
  expect([...(stillInvalid.body.message as string[])].sort()).toEqual(messages);
  expect((await request(port, "GET", "/items/rules")).body).toEqual({ rules: 4 });
  expect((await request(port, "POST", "/items", { name: "cake", quantity: 1 })).body).toEqual({
    id: 2,
    name: "cake",
    quantity: 1,
  });

  expect(child.count("listening")).toBe(1);
  expect(chaudLines(child, /restarting|decorators of hot class/)).toEqual([]);

  // A decorator edit cannot apply to the running app (NestJS mapped its routes at start): the
  // command restarts it, and the new route is there.
  atomicWrite(
    join(project.dir, "src/items.controller.ts"),
    CONTROLLER("c3").replace("@Get()\n  list()", '@Get("all")\n  list()'),
  );
  const restarted = await program(child, 1, 40000);
  expect(restarted.pid).not.toBe(pid);
  const restarts = chaudLines(child, /restarting/);
  expect(restarts).toHaveLength(1);
  expect(restarts[0]).toMatch(
    /^\[chaud\] restarting: src\/items\.controller\.ts: the decorators of class ItemsController changed/,
  );
  expect((await request(restarted.port, "GET", "/items/all")).body).toEqual({
    controller: "c3",
    pid: restarted.pid,
    items: [],
  });

  // onModuleInit() ran once, as NestJS started the app (bootstrap() awaiting app.listen()): an
  // edit of it would never run, so the command restarts, and the new seed is there.
  expect((await request(restarted.port, "GET", "/items/seed")).body).toEqual({ seed: "seed-1", pid: restarted.pid });
  atomicWrite(join(project.dir, "src/items.service.ts"), SERVICE("s2", "seed-2"));
  const reseeded = await program(child, 2, 40000);
  expect((await request(reseeded.port, "GET", "/items/seed")).body).toEqual({ seed: "seed-2", pid: reseeded.pid });
  expect(chaudLines(child, /restarting/)[1]).toMatch(
    /^\[chaud\] restarting: src\/items\.service\.ts: ItemsService\.onModuleInit changed, and it ran only at start-up/,
  );
}, 90000);
