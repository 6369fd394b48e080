// Hot classes with decorators, compiled as a NestJS project compiles them (Babel's legacy
// decorators with TypeScript's metadata, Babel's standard 2023-11 decorators, and TypeScript's
// own output as ts-jest and `tsc` give it), reloaded through the registry as the reloader does:
// an edit of method bodies updates the module in place (hot-only), any other edit evaluates it
// again. The class stays; its methods update by reference; what decorators registered for it
// (reflect-metadata, NestJS routes and parameters, class-validator rules) is neither lost nor
// registered twice; a change of decorator text is a notice.

import "reflect-metadata";
import { transformSync, type PluginItem } from "@babel/core";
import { getMetadataStorage } from "class-validator";
import * as ts from "typescript";
import chaudPlugin from "../../plugin/index";
import { evaluate, resetRegistry } from "../helpers/compile";
import { getRegistry } from "../../runtime/registry/registry";
import { SHAPE_CHANGED, type CommitReport } from "../../runtime/registry/types";

const FILE = "/virtual/app/src/items.ts";

beforeEach(resetRegistry);

/** What the decorators of `count` saw: a label and the class (or prototype's class) they decorated. */
let seen: Array<{ label: string; target: unknown }> = [];
beforeEach(() => {
  seen = [];
});
const counting = {
  count:
    (label: string) =>
    (target: object, _key?: unknown, descriptor?: unknown): any => {
      // Legacy: (class) or (prototype, key, descriptor); standard: (value, context).
      const owner = typeof target === "function" ? target : (target as { constructor: unknown }).constructor;
      seen.push({ label, target: owner });
      return typeof _key === "object" ? undefined : descriptor;
    },
};
const timesSeen = (label: string, target: unknown): number =>
  seen.filter((entry) => entry.label === label && entry.target === target).length;

const modules = (): Record<string, unknown> => ({
  "@nestjs/common": require("@nestjs/common"),
  "class-validator": require("class-validator"),
  "reflect-metadata": {},
  tslib: require("tslib"),
  counting,
});

function babelCompile(source: string, decorators: "legacy" | "2023-11", hotOnly: boolean): string {
  const plugins: PluginItem[] =
    decorators === "legacy"
      ? [
          require("babel-plugin-transform-typescript-metadata"),
          [require("@babel/plugin-proposal-decorators"), { version: "legacy" }],
        ]
      : [[require("@babel/plugin-proposal-decorators"), { version: "2023-11" }]];
  return transformSync(source, {
    babelrc: false,
    configFile: false,
    filename: FILE,
    cwd: "/virtual/app",
    presets: [[require("@babel/preset-typescript"), { onlyRemoveTypeImports: false }]],
    plugins: [
      ...plugins,
      [chaudPlugin, { enabled: true, mode: "all", ...(hotOnly ? { hotOnly } : {}) }],
      require("@babel/plugin-transform-modules-commonjs"),
    ],
  })!.code!;
}

/** TypeScript's own output (as ts-jest gives it to Babel), then chaud alone. */
function tscCompile(source: string, hotOnly: boolean): string {
  const emitted = ts.transpileModule(source, {
    fileName: FILE,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      removeComments: false,
    },
  }).outputText;
  return transformSync(emitted, {
    babelrc: false,
    configFile: false,
    filename: FILE,
    cwd: "/virtual/app",
    plugins: [[chaudPlugin, { enabled: true, mode: "all", ...(hotOnly ? { hotOnly } : {}) }]],
  })!.code!;
}

type Compile = (source: string, hotOnly: boolean) => string;

/** The first evaluation, outside any batch, as when the program starts. */
function start(compile: Compile, source: string): Record<string, any> {
  return evaluate(compile(source, false), modules());
}

/**
 * One reload as the reloader runs it for a changed module: in place when its hot-only version
 * keeps the module's shape, else evaluated again.
 */
function reload(
  compile: Compile,
  source: string,
): { exports: Record<string, any> | null; inPlace: boolean; report: CommitReport } {
  const batch = getRegistry().beginBatch();
  batch.updatingInPlace = true;
  try {
    evaluate(compile(source, true), modules());
    batch.updatingInPlace = false;
    return { exports: null, inPlace: true, report: batch.commit() };
  } catch (error) {
    if ((error as { code?: string }).code !== SHAPE_CHANGED) {
      batch.rollback();
      throw error;
    }
  }
  batch.updatingInPlace = false;
  const exports = evaluate(compile(source, false), modules());
  return { exports, inPlace: false, report: batch.commit() };
}

/** A full evaluation of a new version, as Jest's module registry does on every reload. */
function reevaluate(compile: Compile, source: string): { exports: Record<string, any>; report: CommitReport } {
  const batch = getRegistry().beginBatch();
  const exports = evaluate(compile(source, false), modules());
  return { exports, report: batch.commit() };
}

const NEST_APP = `
import { Body, Controller, Get, Injectable, Param, Post, SetMetadata } from "@nestjs/common";
import { IsString, Length } from "class-validator";
import { count } from "counting";

export class CreateItemDto {
  @IsString()
  @Length(1, 20)
  @count("title")
  title: string;
}

@Injectable()
@count("service")
export class ItemsService {
  list(): string {
    return "service v1";
  }
}

@Controller("items")
@count("controller")
export class ItemsController {
  constructor(private readonly service: ItemsService) {}

  @Get()
  @SetMetadata("roles", ["reader"])
  @count("list")
  list(): string {
    return this.service.list() + " / controller v1";
  }

  @Post(":id")
  create(@Param("id") id: string, @Body() dto: CreateItemDto): string {
    return id + ":" + dto.title + " v1";
  }
}
`;

const rules = (target: new (...args: never[]) => unknown): number =>
  getMetadataStorage().getTargetValidationMetadatas(target, "", true, false).length;

describe.each([
  [
    "Babel, legacy decorators and TypeScript's metadata",
    (source: string, hotOnly: boolean) => babelCompile(source, "legacy", hotOnly),
  ],
  ["TypeScript's output (ts-jest, tsc)", tscCompile],
] as const)("%s", (_title, compile) => {
  test("a method body edit updates in place: same classes, new bodies by reference, metadata kept, nothing decorated again", () => {
    const v1 = start(compile, NEST_APP);
    const { ItemsController, ItemsService, CreateItemDto } = v1;
    const controller = new ItemsController(new ItemsService());
    const list = controller.list;
    const handler = ItemsController.prototype.list;
    expect(list.call(controller)).toBe("service v1 / controller v1");
    const metadataBefore = {
      path: Reflect.getMetadata("path", ItemsController),
      method: Reflect.getMetadata("path", handler),
      roles: Reflect.getMetadata("roles", handler),
      paramtypes: Reflect.getMetadata("design:paramtypes", ItemsController),
      createTypes: Reflect.getMetadata("design:paramtypes", ItemsController.prototype, "create"),
      args: Reflect.getMetadata("__routeArguments__", ItemsController, "create"),
      injectable: Reflect.getMetadata("__injectable__", ItemsService),
    };
    expect(metadataBefore.paramtypes).toEqual([ItemsService]);
    expect(metadataBefore.createTypes).toEqual([String, CreateItemDto]);
    expect(metadataBefore.roles).toEqual(["reader"]);
    expect(Object.keys(metadataBefore.args)).toHaveLength(2);
    expect(rules(CreateItemDto)).toBe(2);
    const counts = ["title", "service", "controller", "list"].map((label, i) =>
      timesSeen(label, [CreateItemDto, ItemsService, ItemsController, ItemsController][i]),
    );
    expect(counts).toEqual([1, 1, 1, 1]);

    const edited = NEST_APP.replace('"service v1"', '"service v2"').replace('" / controller v1"', '" / controller v2"');
    const { inPlace, report } = reload(compile, edited);

    expect(inPlace).toBe(true);
    expect(report.notices).toEqual([]);
    expect(list.call(controller)).toBe("service v2 / controller v2");
    expect(handler.call(controller)).toBe("service v2 / controller v2");
    expect(ItemsController.prototype.list).toBe(handler);
    expect({
      path: Reflect.getMetadata("path", ItemsController),
      method: Reflect.getMetadata("path", handler),
      roles: Reflect.getMetadata("roles", handler),
      paramtypes: Reflect.getMetadata("design:paramtypes", ItemsController),
      createTypes: Reflect.getMetadata("design:paramtypes", ItemsController.prototype, "create"),
      args: Reflect.getMetadata("__routeArguments__", ItemsController, "create"),
      injectable: Reflect.getMetadata("__injectable__", ItemsService),
    }).toEqual(metadataBefore);
    expect(rules(CreateItemDto)).toBe(2);
    expect(
      ["title", "service", "controller", "list"].map((label, i) =>
        timesSeen(label, [CreateItemDto, ItemsService, ItemsController, ItemsController][i]),
      ),
    ).toEqual(counts);
  });

  test("evaluated again (a top-level edit), the running classes are not decorated again and keep their names", () => {
    const v1 = start(compile, NEST_APP);
    const { ItemsController, ItemsService, CreateItemDto } = v1;
    const edited = `${NEST_APP.replace('" v1"', '" v2"')}\nexport const added = 1;\n`;
    const { inPlace, exports, report } = reload(compile, edited);

    expect(inPlace).toBe(false);
    expect(report.notices).toEqual([]);
    expect(exports!["ItemsController"]).toBe(ItemsController);
    expect(exports!["CreateItemDto"]).toBe(CreateItemDto);
    expect([ItemsController.name, ItemsService.name, CreateItemDto.name]).toEqual([
      "ItemsController",
      "ItemsService",
      "CreateItemDto",
    ]);
    expect(new ItemsController(new ItemsService()).create("7", { title: "t" })).toBe("7:t v2");
    expect(rules(CreateItemDto)).toBe(2);
    expect(timesSeen("title", CreateItemDto)).toBe(1);
    expect(timesSeen("controller", ItemsController)).toBe(1);
    expect(Reflect.getMetadata("design:paramtypes", ItemsController)).toEqual([ItemsService]);
    expect(Reflect.getMetadata("path", ItemsController.prototype.list)).toBe("/");
  });

  test("a decorator edit evaluates the module again and says the class's decorators changed", () => {
    start(compile, NEST_APP);
    const { inPlace, report } = reload(compile, NEST_APP.replace("@Get()", '@Get("all")'));
    expect(inPlace).toBe(false);
    expect(report.notices).toEqual([{ kind: "class-decorators-changed", key: "src/items.ts#ItemsController" }]);
  });

  test("a parameter type of a decorated method is decorator text too (design:paramtypes)", () => {
    start(compile, NEST_APP);
    const { inPlace, report } = reload(compile, NEST_APP.replace('@Param("id") id: string', '@Param("id") id: number'));
    expect(inPlace).toBe(false);
    expect(report.notices).toEqual([{ kind: "class-decorators-changed", key: "src/items.ts#ItemsController" }]);
  });
});

describe("TypeScript's output, evaluated again on every reload (Jest's module registry)", () => {
  const POST = `
import { IsString, MinLength } from "class-validator";
import { count } from "counting";

@count("class")
export class Post {
  @IsString()
  @MinLength(2)
  @count("title")
  title: string;

  @IsString()
  @count("author")
  author: string;

  describe(): string {
    return "v1 " + this.title;
  }
}
`;

  test("an edited method: the decorator statements do not run again on the running class", () => {
    const { Post } = start(tscCompile, POST);
    const post = Object.assign(new Post(), { title: "hi" });
    expect(rules(Post)).toBe(3);
    const { exports, report } = reevaluate(tscCompile, POST.replace('"v1 "', '"v2 "'));
    expect(exports["Post"]).toBe(Post);
    expect(post.describe()).toBe("v2 hi");
    expect(rules(Post)).toBe(3);
    expect(["class", "title", "author"].map((label) => timesSeen(label, Post))).toEqual([1, 1, 1]);
    expect(report.notices).toEqual([]);
  });

  test("an added decorated property: only its decorators run, and the change is a notice", () => {
    const { Post } = start(tscCompile, POST);
    const added = POST.replace("  describe()", '  @IsString()\n  @count("body")\n  body: string;\n\n  describe()');
    const { exports, report } = reevaluate(tscCompile, added);
    expect(exports["Post"]).toBe(Post);
    expect(rules(Post)).toBe(4);
    expect(["class", "title", "author", "body"].map((label) => timesSeen(label, Post))).toEqual([1, 1, 1, 1]);
    expect(report.notices).toEqual([{ kind: "class-decorators-changed", key: "src/items.ts#Post" }]);
    // And the next edit of a method runs none of them again.
    reevaluate(tscCompile, added.replace('"v1 "', '"v3 "'));
    expect(rules(Post)).toBe(4);
    expect(["class", "title", "author", "body"].map((label) => timesSeen(label, Post))).toEqual([1, 1, 1, 1]);
  });

  test("a class decorator that returns another class: later evaluations get the class it returned", () => {
    const source = `
export function wrap<T extends new (...args: any[]) => object>(target: T): T {
  return class extends target { wrapped = true; };
}
@wrap
export class Model {
  kind(): string { return "v1"; }
}
`;
    const { Model } = start(tscCompile, source);
    expect(new Model().wrapped).toBe(true);
    const { exports } = reevaluate(tscCompile, source.replace('"v1"', '"v2"'));
    expect(exports["Model"]).toBe(Model);
    expect(new Model().kind()).toBe("v2");
  });
});

test("Babel, legacy decorators: a class decorator that returns a subclass; the subclass is the hot class, and inherited methods update", () => {
  const compile: Compile = (source, hotOnly) => babelCompile(source, "legacy", hotOnly);
  const source = `
function wrap(target: any): any {
  return class extends target {
    wrapped = true;
  };
}
@wrap
export class Model {
  kind(): string {
    return "v1";
  }
}
`;
  const { Model } = start(compile, source);
  const before = new Model();
  expect([before.wrapped, before.kind(), Model.name]).toEqual([true, "v1", "Model"]);
  const { inPlace } = reload(compile, source.replace('"v1"', '"v2"'));
  expect(inPlace).toBe(true);
  expect([before.kind(), new Model().kind(), new Model().wrapped]).toEqual(["v2", "v2", true]);
  expect(new Model()).toBeInstanceOf(Model);
});

/** Where standard decorators keep `context.metadata` (Babel's helper polyfills the symbol where Node lacks it). */
const METADATA: symbol = (Symbol as { metadata?: symbol }).metadata ?? Symbol.for("Symbol.metadata");

describe("Babel, standard decorators (2023-11)", () => {
  const compile: Compile = (source, hotOnly) => babelCompile(source, "2023-11", hotOnly);
  const SOURCE = `
import { count } from "counting";

function shout(method: Function, context: ClassMethodDecoratorContext) {
  context.metadata[String(context.name)] = "shouted";
  return function (this: unknown, ...args: unknown[]) {
    return String(method.apply(this, args)).toUpperCase();
  };
}

@count("class")
export class Greeter {
  @shout
  hello(name: string): string {
    return "hello v1 " + name;
  }
  plain(): string {
    return "plain v1";
  }
}
`;

  test("a method body edit updates in place: the decorated method keeps its decorator, the class its metadata", () => {
    const { Greeter } = start(compile, SOURCE);
    const greeter = new Greeter();
    const hello = greeter.hello;
    expect(hello.call(greeter, "ann")).toBe("HELLO V1 ANN");
    const metadata = (Greeter as Record<symbol, unknown>)[METADATA];
    expect(metadata).toEqual({ hello: "shouted" });

    const { inPlace, report } = reload(
      compile,
      SOURCE.replace('"hello v1 "', '"hello v2 "').replace('"plain v1"', '"plain v2"'),
    );

    expect(inPlace).toBe(true);
    expect(report.notices).toEqual([]);
    expect(hello.call(greeter, "ann")).toBe("HELLO V2 ANN");
    expect(greeter.plain()).toBe("plain v2");
    expect(timesSeen("class", Greeter)).toBe(1);
    expect((Greeter as Record<symbol, unknown>)[METADATA]).toBe(metadata);
    expect(Greeter.name).toBe("Greeter");
  });
});
