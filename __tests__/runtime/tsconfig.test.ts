// What a tsconfig.json makes of a file's compile when no Babel config applies: the options
// derived from it (extends included, from a package too), a broken one (one warning, then
// chaud's defaults), and the transform's output under those options.

import { clearModuleKindCache } from "../../runtime/modules/format";
import { configureLogger, log } from "../../runtime/logger";
import { transformFile } from "../../loader/transform";
import { createTransformCache } from "../../loader/transform-cache";
import { clearTsconfigCache, compileOptionsFor, tsconfigFor, type CompileOptions } from "../../loader/tsconfig";
import { useTempDir } from "../helpers/temp-dir";

const tmp = useTempDir("chaud-tsconfig");
let warnings: string[];
let debugs: string[];

// Configured once before the spies: configuring later would replace them.
beforeAll(() => configureLogger());

beforeEach(() => {
  tmp.write("package.json", JSON.stringify({ name: "app" }));
  clearModuleKindCache();
  clearTsconfigCache();
  warnings = [];
  debugs = [];
  jest.spyOn(log, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.join(" ")));
  jest.spyOn(log, "debug").mockImplementation((...args: unknown[]) => void debugs.push(args.join(" ")));
});

afterEach(() => jest.restoreAllMocks());

const DEFAULTS: CompileOptions = {
  tsconfig: null,
  decorators: "2023-11",
  metadata: false,
  strictNullChecks: false,
  jsx: null,
  defineClassFields: true,
  onlyRemoveTypeImports: false,
  resourceManagement: false,
};

function optionsOf(relative: string, source = "@dec class A {}\n"): CompileOptions {
  return compileOptionsFor(tmp.path(relative), source);
}

describe("the options a tsconfig gives", () => {
  test("without a tsconfig: standard decorators, standard class fields, the automatic JSX runtime", () => {
    expect(optionsOf("src/a.ts")).toEqual(DEFAULTS);
    expect(optionsOf("src/view.tsx").jsx).toEqual({ runtime: "automatic", development: false, importSource: "react" });
    expect(optionsOf("src/plain.ts", "class A {}\n").decorators).toBeNull();
  });

  test("experimentalDecorators and emitDecoratorMetadata give legacy decorators with metadata; fields follow the target", () => {
    tmp.write(
      "tsconfig.json",
      JSON.stringify({
        compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, target: "ES2021" },
      }),
    );
    expect(optionsOf("src/a.ts")).toEqual({
      ...DEFAULTS,
      tsconfig: tmp.path("tsconfig.json"),
      decorators: "legacy",
      metadata: true,
      defineClassFields: false,
    });
    // no `@` in the source: nothing to decorate, no plugin
    expect(optionsOf("src/b.ts", "class B {}\n")).toMatchObject({ decorators: null, metadata: false });
  });

  test.each([
    [{}, false],
    [{ target: "es2022" }, true],
    [{ target: "ESNext" }, true],
    [{ target: "es2020" }, false],
    [{ target: "es2020", useDefineForClassFields: true }, true],
    [{ target: "esnext", useDefineForClassFields: false }, false],
  ])("compilerOptions %j define class fields: %s (as tsc)", (compilerOptions, define) => {
    tmp.write("tsconfig.json", JSON.stringify({ compilerOptions }));
    expect(optionsOf("src/a.ts").defineClassFields).toBe(define);
  });

  test.each([
    [{ jsx: "react-jsx" }, { runtime: "automatic", development: false, importSource: "react" }],
    [
      { jsx: "react-jsxdev", jsxImportSource: "preact" },
      { runtime: "automatic", development: true, importSource: "preact" },
    ],
    [{ jsx: "react" }, { runtime: "classic", pragma: "React.createElement", pragmaFrag: "React.Fragment" }],
    [
      { jsx: "react", jsxFactory: "h", jsxFragmentFactory: "Fragment" },
      { runtime: "classic", pragma: "h", pragmaFrag: "Fragment" },
    ],
    [{ jsx: "preserve" }, "preserve"],
  ])("compilerOptions %j compile JSX as %j", (compilerOptions, jsx) => {
    tmp.write("tsconfig.json", JSON.stringify({ compilerOptions }));
    expect(optionsOf("src/view.tsx").jsx).toEqual(jsx);
    expect(optionsOf("src/a.ts").jsx).toBeNull();
  });

  test("verbatimModuleSyntax keeps imports not marked type; isolatedModules alone does not", () => {
    tmp.write("tsconfig.json", JSON.stringify({ compilerOptions: { verbatimModuleSyntax: true } }));
    expect(optionsOf("src/a.ts").onlyRemoveTypeImports).toBe(true);
    clearTsconfigCache();
    tmp.write("tsconfig.json", JSON.stringify({ compilerOptions: { isolatedModules: true } }));
    expect(optionsOf("src/a.ts").onlyRemoveTypeImports).toBe(false);
  });

  test("a `using` declaration asks for its transform, in any file; `using` as a name does not", () => {
    expect(optionsOf("src/a.ts", "{ using lease = open(); }\n").resourceManagement).toBe(true);
    expect(optionsOf("src/b.js", "async function f() { await using x = g(); }\n").resourceManagement).toBe(true);
    expect(optionsOf("src/c.ts", "const using = 1;\nf(using, [using]);\n").resourceManagement).toBe(false);
  });

  test("JavaScript files follow the tsconfig only with allowJs", () => {
    tmp.write("tsconfig.json", JSON.stringify({ compilerOptions: { experimentalDecorators: true } }));
    expect(optionsOf("src/a.js")).toEqual(DEFAULTS);
    clearTsconfigCache();
    tmp.write("tsconfig.json", JSON.stringify({ compilerOptions: { experimentalDecorators: true, allowJs: true } }));
    expect(optionsOf("src/a.js")).toMatchObject({ tsconfig: tmp.path("tsconfig.json"), decorators: "legacy" });
  });

  test("extends from a package is followed, and the nearest tsconfig governs", () => {
    tmp.write("node_modules/@company/tsconfig/package.json", JSON.stringify({ name: "@company/tsconfig" }));
    tmp.write(
      "node_modules/@company/tsconfig/base.json",
      JSON.stringify({ compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, jsx: "react" } }),
    );
    tmp.write("tsconfig.json", JSON.stringify({ extends: "@company/tsconfig/base.json" }));
    tmp.write("packages/web/tsconfig.json", JSON.stringify({ compilerOptions: { jsx: "react-jsx" } }));
    expect(optionsOf("src/a.ts")).toMatchObject({ decorators: "legacy", metadata: true });
    expect(optionsOf("src/view.tsx").jsx).toMatchObject({ runtime: "classic" });
    expect(optionsOf("packages/web/view.tsx")).toMatchObject({
      tsconfig: tmp.path("packages/web/tsconfig.json"),
      decorators: "2023-11",
      jsx: { runtime: "automatic" },
    });
    expect(tsconfigFor(tmp.path("src/a.ts"))?.path).toBe(tmp.path("tsconfig.json"));
  });

  test("which tsconfig governs which package is said once, at debug level", () => {
    tmp.write("tsconfig.json", JSON.stringify({ compilerOptions: { experimentalDecorators: true } }));
    optionsOf("src/a.ts");
    optionsOf("src/b.ts");
    optionsOf("lib/c.ts");
    expect(debugs).toEqual([expect.stringMatching(/tsconfig\.json governs app: legacy decorators/)]);
  });
});

describe("a tsconfig that cannot be read", () => {
  test.each([
    ["its JSON is broken", '{ "compilerOptions": { "experimentalDecorators": true,, } oops', /not valid JSON/],
    [
      "it extends a file that is missing",
      JSON.stringify({ extends: "@nowhere/tsconfig/base.json" }),
      /@nowhere\/tsconfig\/base\.json/,
    ],
    [
      "its compilerOptions is not an object",
      JSON.stringify({ compilerOptions: 5 }),
      /"compilerOptions" is not an object/,
    ],
  ])("is one warning naming the file and the error when %s, then chaud's defaults", (_, text, error) => {
    const path = tmp.write("tsconfig.json", text);
    expect(optionsOf("src/a.ts")).toEqual(DEFAULTS);
    expect(optionsOf("src/b.ts")).toEqual(DEFAULTS);
    expect(optionsOf("lib/c.ts")).toEqual(DEFAULTS);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path.replace(`${process.cwd()}/`, ""));
    expect(warnings[0]).toMatch(error);
    expect(warnings[0]).toMatch(/compiling with chaud's defaults$/);
  });

  test("comments and trailing commas are not errors (TypeScript accepts them)", () => {
    tmp.write(
      "tsconfig.json",
      `{\n  // decorators\n  "compilerOptions": { "experimentalDecorators": true, /* yes */ },\n}\n`,
    );
    expect(optionsOf("src/a.ts").decorators).toBe("legacy");
    expect(warnings).toEqual([]);
  });
});

describe("the transform under a tsconfig", () => {
  const decorated = `function Log(target: any, key: string) { (target.constructor.logged ??= []).push(key); }
export class Service {
  declare skipped: string;
  untouched: string;
  @Log name: string = "n";
  constructor(public readonly id: number) {}
  @Log run(input: string): number { return input.length + this.id; }
}
export const instance = new Service(2);
`;

  function run(code: string): Record<string, any> {
    const module = { exports: {} as Record<string, any> };
    new Function("exports", "require", "module", code)(module.exports, require, module);
    return module.exports;
  }

  test("legacy decorators run as TypeScript runs them, fields assigned after parameter properties", () => {
    tmp.write("tsconfig.json", JSON.stringify({ compilerOptions: { experimentalDecorators: true, target: "es2020" } }));
    const code = transformFile(tmp.write("src/service.ts", decorated), decorated, {
      cwd: tmp.dir,
      enabled: false,
    }).code;
    const { Service, instance } = run(code);
    expect(Service.logged).toEqual(["name", "run"]);
    expect(instance.run("abc")).toBe(5);
    expect(Object.keys(instance)).toEqual(["id", "name"]);
  });

  test("`using` and `await using` are lowered: each resource is disposed of when its block ends, last first", async () => {
    const source = `export const log: string[] = [];
const open = (name: string) => ({ [Symbol.dispose ?? Symbol.for("Symbol.dispose")]: () => void log.push("closed " + name) });
export function work(): void {
  using a = open("a"), b = open("b");
  log.push("work");
}
export async function later(): Promise<void> {
  await using c = { [Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose")]: async () => void log.push("closed c") };
  log.push("later");
}
`;
    const code = transformFile(tmp.write("src/using.ts", source), source, { cwd: tmp.dir }).code;
    expect(code).not.toMatch(/\busing\s+[abc]\b/);
    const { log, work, later } = run(code);
    work();
    await later();
    expect(log).toEqual(["work", "closed b", "closed a", "later", "closed c"]);
  });

  test("standard decorators without experimentalDecorators", () => {
    const source = `function bound(method: any, context: ClassMethodDecoratorContext) { context.addInitializer(function (this: any) { this[context.name] = method.bind(this); }); }
export class Counter { n = 1; @bound get() { return this.n; } }
`;
    const code = transformFile(tmp.write("src/counter.ts", source), source, { cwd: tmp.dir, enabled: false }).code;
    const { Counter } = run(code);
    const { get } = new Counter();
    expect(get()).toBe(1);
  });

  test("the cache key follows the tsconfig: an edit of a base config compiles again", () => {
    const cache = createTransformCache({ dir: tmp.path("cache") });
    tmp.write("base.json", JSON.stringify({ compilerOptions: { experimentalDecorators: false } }));
    tmp.write("tsconfig.json", JSON.stringify({ extends: "./base.json" }));
    const file = tmp.write("src/service.ts", decorated);
    const standard = transformFile(file, decorated, { cwd: tmp.dir, cache, enabled: false });
    expect(transformFile(file, decorated, { cwd: tmp.dir, cache, enabled: false }).fromCache).toBe(true);
    tmp.write("base.json", JSON.stringify({ compilerOptions: { experimentalDecorators: true } }));
    clearTsconfigCache(); // a new process
    const legacy = transformFile(file, decorated, { cwd: tmp.dir, cache, enabled: false });
    expect(legacy.fromCache).toBe(false);
    expect(legacy.code).not.toBe(standard.code);
  });

  test("a Babel config of the user's rules: the tsconfig is not read", () => {
    tmp.write("tsconfig.json", "broken");
    tmp.write("babel.config.json", JSON.stringify({ presets: [] }));
    const source = "export const n: number = 1;\n";
    expect(transformFile(tmp.write("src/a.ts", source), source, { cwd: tmp.dir }).code).toContain("exports.n = ");
    expect(warnings).toEqual([]);
  });

  test("a plain CommonJS script that needs no Babel asks for no tsconfig", () => {
    tmp.write("tsconfig.json", "broken");
    const source = "module.exports = 1;\n";
    expect(transformFile(tmp.write("src/a.js", source), source, { cwd: tmp.dir, mode: "marked" }).code).toBe(source);
    expect(warnings).toEqual([]);
  });
});
