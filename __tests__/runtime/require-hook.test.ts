// installRequireHook against a stand-in for `node:module` (Jest's own registry is not Node's
// loader); the real thing runs in __tests__/e2e/require-hook.test.ts.

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { clearModuleKindCache } from "../../runtime/modules/format";
import {
  installRequireHook,
  type ExtensionHandler,
  type LoadingModule,
  type ModuleInternals,
  type RequireHookOptions,
} from "../../loader/require-hook";
import { useTempDir } from "../helpers/temp-dir";

const tmp = useTempDir("chaud-hook");
let root: string;
let loaded: string[];
let transformed: string[];

/** A file whose content these tests never look at: a comment naming it. */
const touch = (relative: string): string => tmp.write(relative, "// " + relative);

function fakeModuleApi(): ModuleInternals & { jsLoader: ExtensionHandler; jsonLoader: ExtensionHandler } {
  const jsLoader: ExtensionHandler = (_module, filename) => void loaded.push(`node:${filename}`);
  const jsonLoader: ExtensionHandler = (_module, filename) => void loaded.push(`json:${filename}`);
  return {
    jsLoader,
    jsonLoader,
    _extensions: { ".js": jsLoader, ".json": jsonLoader, ".node": jsLoader },
    _resolveFilename(request, parent) {
      const file = resolve(dirname((parent as { filename: string }).filename), request);
      if (existsSync(file)) return file;
      throw Object.assign(new Error(`Cannot find module '${request}'`), { code: "MODULE_NOT_FOUND" });
    },
  };
}

function compiledModule(): LoadingModule & { compiled: Array<[string, string]> } {
  const compiled: Array<[string, string]> = [];
  return { compiled, _compile: (code, filename) => compiled.push([code, filename]) };
}

function hookOptions(workspace = root): RequireHookOptions {
  return {
    shouldTransform: (file) => file.startsWith(workspace + "/") && !file.includes("/node_modules/"),
    transform: (file, source) => {
      transformed.push(file);
      return `/* compiled */ ${source}`;
    },
  };
}

function load(api: ModuleInternals, file: string): ReturnType<typeof compiledModule> {
  const module = compiledModule();
  const ext =
    [".tsx", ".ts", ".cts", ".jsx", ".cjs", ".js"].find((e) => file.endsWith(e) && api._extensions[e]) ?? ".js";
  api._extensions[ext]!(module, file);
  return module;
}

beforeEach(() => {
  root = tmp.dir;
  tmp.write("package.json", JSON.stringify({ name: "app" }));
  loaded = [];
  transformed = [];
  clearModuleKindCache();
});

test("adds .ts, .cts, .tsx and .jsx after Node's extensions and wraps .js", () => {
  const api = fakeModuleApi();
  installRequireHook(hookOptions(), api);
  expect(Object.keys(api._extensions)).toEqual([".js", ".json", ".node", ".ts", ".cts", ".tsx", ".jsx"]);
  expect(api._extensions[".js"]).not.toBe(api.jsLoader);
  expect(api._extensions[".json"]).toBe(api.jsonLoader);
});

test("a claimed file is read, transformed and compiled under its own name", () => {
  const api = fakeModuleApi();
  installRequireHook(hookOptions(), api);
  const file = tmp.write("src/a.ts", "export const a: number = 1;");
  const module = load(api, file);
  expect(module.compiled).toEqual([["/* compiled */ export const a: number = 1;", file]]);
  expect(transformed).toEqual([file]);
});

test("a file the hook does not claim goes to the handler that was there before", () => {
  const api = fakeModuleApi();
  installRequireHook(hookOptions(join(root, "src")), api);
  const outside = touch("lib/a.js");
  const dependency = touch("src/node_modules/dep/index.ts");
  expect(load(api, outside).compiled).toEqual([]);
  expect(load(api, dependency).compiled).toEqual([]);
  expect(loaded).toEqual([`node:${outside}`, `node:${dependency}`]);
  expect(transformed).toEqual([]);
});

test('a .js file in a "type": "module" package is left to Node; a .ts file there is compiled', () => {
  const api = fakeModuleApi();
  installRequireHook(hookOptions(), api);
  tmp.write("esm/package.json", JSON.stringify({ type: "module" }));
  const js = touch("esm/a.js");
  const ts = touch("esm/b.ts");
  load(api, js);
  load(api, ts);
  expect(loaded).toEqual([`node:${js}`]);
  expect(transformed).toEqual([ts]);
});

test("files of other extensions that reach the .js handler (.mjs) are left to Node", () => {
  const api = fakeModuleApi();
  installRequireHook(hookOptions(), api);
  const mjs = touch("src/a.mjs");
  api._extensions[".js"]!(compiledModule(), mjs);
  expect(loaded).toEqual([`node:${mjs}`]);
});

test(".cjs files, which Node hands to the .js handler, are claimed; a registered .cjs handler is wrapped", () => {
  const api = fakeModuleApi();
  const cjsLoader: ExtensionHandler = (_m, filename) => void loaded.push(`cjs:${filename}`);
  api._extensions[".cjs"] = cjsLoader;
  installRequireHook(hookOptions(join(root, "src")), api);
  expect(api._extensions[".cjs"]).not.toBe(cjsLoader);
  const inside = touch("src/a.cjs");
  const outside = touch("other/b.cjs");
  load(api, inside);
  load(api, outside);
  expect(transformed).toEqual([inside]);
  expect(loaded).toEqual([`cjs:${outside}`]);
});

test("a transform error fails the load and compiles nothing", () => {
  const api = fakeModuleApi();
  installRequireHook(
    {
      shouldTransform: () => true,
      transform: () => {
        throw new SyntaxError("bad.ts: Unexpected token (1:2)");
      },
    },
    api,
  );
  const module = compiledModule();
  expect(() => api._extensions[".ts"]!(module, touch("bad.ts"))).toThrow("Unexpected token (1:2)");
  expect(module.compiled).toEqual([]);
});

describe("undo", () => {
  test("restores exactly the previous handlers and resolver, and is safe to call twice", () => {
    const api = fakeModuleApi();
    const before = { ...api._extensions };
    const resolveBefore = api._resolveFilename;
    const undo = installRequireHook(hookOptions(), api);
    undo();
    expect(api._extensions).toEqual(before);
    expect(Object.keys(api._extensions)).toEqual(Object.keys(before));
    expect(api._resolveFilename).toBe(resolveBefore);
    undo();
    expect(api._extensions).toEqual(before);
    expect(api._resolveFilename).toBe(resolveBefore);
  });

  test("keeps a handler someone installed over ours, which then passes straight through", () => {
    const api = fakeModuleApi();
    const undo = installRequireHook(hookOptions(), api);
    const ours = api._extensions[".ts"]!;
    const theirs: ExtensionHandler = (module, filename) => {
      loaded.push(`theirs:${filename}`);
      ours(module, filename);
    };
    api._extensions[".ts"] = theirs;
    undo();
    expect(api._extensions[".ts"]).toBe(theirs);
    const file = touch("src/a.ts");
    expect(load(api, file).compiled).toEqual([]);
    expect(transformed).toEqual([]);
    expect(loaded).toEqual([`theirs:${file}`, `node:${file}`]);
  });

  test("two hooks stack and undo in reverse order", () => {
    const api = fakeModuleApi();
    const before = { ...api._extensions };
    const undoFirst = installRequireHook(hookOptions(), api);
    const undoSecond = installRequireHook({ shouldTransform: () => false, transform: () => "" }, api);
    const file = touch("src/a.ts");
    expect(load(api, file).compiled).toHaveLength(1); // the second hook declines, the first compiles
    undoSecond();
    undoFirst();
    expect(api._extensions).toEqual(before);
  });
});

describe("resolving a .js specifier to its TypeScript sibling", () => {
  const parent = (): { filename: string } => ({ filename: join(root, "src/main.ts") });

  test("./x.js resolves to x.ts (then x.tsx) when only the TypeScript file exists", () => {
    const api = fakeModuleApi();
    installRequireHook(hookOptions(), api);
    const ts = touch("src/math.ts");
    const tsx = touch("src/view.tsx");
    const cts = touch("src/conf.cts");
    expect(api._resolveFilename("./math.js", parent(), false)).toBe(ts);
    expect(api._resolveFilename("./view.js", parent(), false)).toBe(tsx);
    expect(api._resolveFilename("./view.jsx", parent(), false)).toBe(tsx);
    expect(api._resolveFilename("./conf.cjs", parent(), false)).toBe(cts);
  });

  test("a real .js file wins over its TypeScript sibling", () => {
    const api = fakeModuleApi();
    installRequireHook(hookOptions(), api);
    touch("src/both.ts");
    const js = touch("src/both.js");
    expect(api._resolveFilename("./both.js", parent(), false)).toBe(js);
  });

  test("the original error stands for a sibling the hook would not compile, a bare specifier, or after undo", () => {
    const api = fakeModuleApi();
    const undo = installRequireHook(hookOptions(join(root, "src")), api);
    touch("lib/outside.ts");
    touch("src/inside.ts");
    expect(() => api._resolveFilename("../lib/outside.js", parent(), false)).toThrow(
      "Cannot find module '../lib/outside.js'",
    );
    expect(() => api._resolveFilename("inside.js", parent(), false)).toThrow("Cannot find module 'inside.js'");
    expect(api._resolveFilename("./inside.js", parent(), false)).toBe(join(root, "src/inside.ts"));
    undo();
    expect(() => api._resolveFilename("./inside.js", parent(), false)).toThrow("Cannot find module './inside.js'");
  });
});

describe("tsconfig paths", () => {
  const parent = (file = "src/main.ts"): { filename: string } => ({ filename: join(root, file) });
  const tsconfig = (relative: string, paths: Record<string, string[]>): void =>
    void tmp.write(relative, JSON.stringify({ compilerOptions: { baseUrl: ".", paths } }));

  test("a bare request from a claimed file resolves through an alias; Node's own resolution answers the rest", () => {
    const api = fakeModuleApi();
    installRequireHook(hookOptions(), api);
    tsconfig("tsconfig.json", { "@/*": ["src/*"] });
    const util = touch("src/lib/util.ts");
    expect(api._resolveFilename("@/lib/util", parent(), false)).toBe(util);
    expect(api._resolveFilename("@/lib/util.js", parent(), false)).toBe(util);
    expect(() => api._resolveFilename("@/lib/none", parent(), false)).toThrow("Cannot find module '@/lib/none'");
  });

  test("no alias for a file outside the workspace, nor after undo", () => {
    const api = fakeModuleApi();
    const undo = installRequireHook(hookOptions(join(root, "src")), api);
    tsconfig("tsconfig.json", { "@/*": ["src/*"] });
    const util = touch("src/util.ts");
    expect(() => api._resolveFilename("@/util", parent("lib/outside.ts"), false)).toThrow(
      "Cannot find module '@/util'",
    );
    expect(api._resolveFilename("@/util", parent(), false)).toBe(util);
    undo();
    expect(() => api._resolveFilename("@/util", parent(), false)).toThrow("Cannot find module '@/util'");
  });
});
