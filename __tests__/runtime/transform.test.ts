// transformFile: the Babel config chosen for a workspace file, what comes out, and the cache.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { clearModuleKindCache } from "../../runtime/modules/format";
import { transformFile, type TransformFileOptions } from "../../loader/transform";
import { createTransformCache } from "../../loader/transform-cache";
import { clearTsconfigCache } from "../../loader/tsconfig";
import { useTempDir } from "../helpers/temp-dir";

const tmp = useTempDir("chaud-transform");
let root: string;

function transform(relative: string, source: string, options: TransformFileOptions = {}): string {
  return transformFile(tmp.write(relative, source), source, { cwd: root, ...options }).code;
}

/** Runs CommonJS output with a stub registry; returns its exports. */
function runCommonJs(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const registryStub = { chaudModule: () => ({ fn: (_name: string, fn: unknown) => fn }) };
  const requireStub = (id: string): unknown => {
    if (id === "chaud/registry") return registryStub;
    throw new Error(`unexpected require(${id})`);
  };
  new Function("exports", "require", "module", code)(module.exports, requireStub, module);
  return module.exports;
}

function inlineMap(code: string): { sources: string[]; sourcesContent?: string[]; mappings: string } {
  const match = /\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,(\S+)\s*$/.exec(code);
  if (!match) throw new Error("no inline source map");
  return JSON.parse(Buffer.from(match[1]!, "base64").toString("utf8"));
}

const hotTs = `/* @chaud.hot */
export function greet(name: string): string {
  return "hello " + name;
}
`;

beforeEach(() => {
  root = tmp.dir;
  tmp.write("package.json", JSON.stringify({ name: "app" }));
  clearModuleKindCache();
  clearTsconfigCache();
});

describe("without a Babel config", () => {
  test("TypeScript types are stripped", () => {
    const code = transform(
      "src/types.ts",
      `interface Box { v: number }\nconst unwrap = (b: Box): number => b.v as number;\nexport enum Level { Low = 1 }\nexport const out: number = unwrap({ v: 41 }) + Level.Low;\n`,
    );
    expect(code).not.toMatch(/interface|: number|as number/);
    expect(runCommonJs(code)["out"]).toBe(42);
  });

  test("import and export compile to CommonJS in a file Node treats as CommonJS", () => {
    const code = transform(
      "src/esm-syntax.ts",
      `import { helper } from "./helper.js";\nimport type { T } from "./types";\nexport default function main(t: T) { return helper(t); }\nexport const answer = 42;\n`,
    );
    expect(code).not.toMatch(/^\s*(import|export)\b/m);
    expect(code).toContain('require("./helper.js")');
    expect(code).not.toContain("./types");
    expect(code).toMatch(/exports\.answer = /);
    expect(code).toMatch(/exports\.default = /);
  });

  test("import.meta in a file Node runs as CommonJS reads the module's own url, filename, dirname and resolve; an ES module keeps its own", () => {
    const source = `export const meta = import.meta;
export const url = import.meta.url;
export const filename = import.meta.filename;
export const dirname = import.meta.dirname;
export const sibling = import.meta.resolve("./sibling.js");
`;
    const file = tmp.write("src/meta.ts", source);
    tmp.write("src/sibling.js", "");
    const code = transformFile(file, source, { cwd: root }).code;
    expect(code).not.toContain("import.meta");
    const module = { exports: {} as Record<string, any> };
    const localRequire = require("node:module").createRequire(file);
    new Function("exports", "require", "module", "__filename", "__dirname", code)(
      module.exports,
      localRequire,
      module,
      file,
      tmp.path("src"),
    );
    const { meta, url, filename, dirname, sibling } = module.exports;
    expect(url).toBe(pathToFileURL(file).href);
    expect(filename).toBe(file);
    expect(dirname).toBe(tmp.path("src"));
    expect(sibling).toBe(pathToFileURL(tmp.path("src/sibling.js")).href);
    expect(Object.keys(meta)).toEqual(["url", "filename", "dirname", "resolve"]);
    expect(meta.url).toBe(url);

    tmp.write("esm/package.json", JSON.stringify({ type: "module" }));
    expect(transform("esm/meta.ts", source)).toContain("import.meta.url");
    // An ES module's hot-only version is CommonJS too, but reads its module's own import.meta.
    const hot = `/* @chaud.hot */\nexport function where(): string {\n  return import.meta.url;\n}\n`;
    expect(transform("esm/where.ts", hot, { commonjs: true, hotOnly: true })).toContain("import.meta.url");
  });

  test("a CommonJS script without import or export stays a sloppy-mode script", () => {
    const code = transform(
      "src/legacy.cjs",
      `/* @chaud.hot */\nfunction legacy() { with (Math) { return max(1, 2); } }\nmodule.exports = { legacy, octal: 010 };\n`,
    );
    expect(code).not.toContain("use strict");
    expect(code).toContain('require("chaud/registry")');
    expect(runCommonJs(code)).toMatchObject({ octal: 8 });
  });

  test('ESM is kept in .mjs and .mts files, and in .ts files of a "type": "module" package', () => {
    tmp.write("esm/package.json", JSON.stringify({ name: "esm", type: "module" }));
    for (const file of ["src/a.mjs", "src/b.mts", "esm/c.ts"]) {
      const code = transform(file, `/* @chaud.hot */\nexport function f() { return 1; }\nimport "./side.js";\n`);
      expect(code).toMatch(/^import \{ chaudModule as _chaudModule \} from "chaud\/registry";$/m);
      expect(code).toMatch(/^export \{ f \};|^export function f|export \{/m);
      expect(code).not.toContain("require(");
    }
  });

  test("commonjs: true compiles an ESM-package file to CommonJS (what a require hook needs)", () => {
    tmp.write("esm/package.json", JSON.stringify({ name: "esm", type: "module" }));
    const code = transform("esm/c.ts", "export const c: number = 3;\n", { commonjs: true });
    expect(runCommonJs(code)["c"]).toBe(3);
  });

  test("the chaud plugin is applied, so markers are rewritten; enabled: false leaves them", () => {
    const on = transform("src/hot.ts", hotTs);
    expect(on).toMatch(/chaudModule\)\("app\/src\/hot\.ts", \{/);
    expect(on).toMatch(/_chaud\.fn\("greet", greet, "\w+"\)/);
    expect((runCommonJs(on)["greet"] as (n: string) => string)("you")).toBe("hello you");
    const off = transform("src/hot.ts", hotTs, { enabled: false });
    expect(off).not.toContain("chaud/registry");
  });

  test("the source map is inline and names the original file with its text", () => {
    const file = join(root, "src/hot.ts");
    const code = transform("src/hot.ts", hotTs);
    const map = inlineMap(code);
    expect(map.sources).toEqual([file]);
    expect(map.sourcesContent).toEqual([hotTs]);
    expect(map.mappings).not.toBe("");
  });

  test('JSX in a .tsx file compiles with React\'s automatic runtime; a tsconfig\'s "jsx": "preserve" is refused with a message naming the fix', () => {
    expect(transform("src/view.tsx", "export const v = <div/>;\n")).toContain('require("react/jsx-runtime")');
    expect(transform("src/plain.tsx", "export const n: number = 1;\n")).toContain("exports.n");
    tmp.write("kept/tsconfig.json", JSON.stringify({ compilerOptions: { jsx: "preserve" } }));
    expect(() => transform("kept/view.tsx", "export const v = <div/>;\n")).toThrow(
      /"jsx": "preserve", which leaves JSX that Node cannot run.*"jsx": "react-jsx"/s,
    );
  });

  test("a plain CommonJS script with no marker and no module syntax is returned as it is", () => {
    const cache = createTransformCache({ dir: join(root, "cache") });
    const source = "module.exports = function add(a, b) { return a + b; };\n";
    const result = transformFile(tmp.write("src/add.js", source), source, { cwd: root, cache });
    expect(result).toEqual({ code: source, fromCache: false });
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, transformed: 0 });
  });

  test('mode: "all" makes unmarked functions hot, in a plain CommonJS script too; CHAUD_MODE decides without the option', () => {
    const source = "module.exports = function add(a, b) { return a + b; };\n";
    const all = transform("src/add.js", source, { mode: "all" });
    expect(all).toMatch(/_chaud\.fn\("module\.exports", function add\(a, b\)/);
    expect((runCommonJs(all) as unknown as (a: number, b: number) => number)(2, 3)).toBe(5);
    expect(transform("src/add.js", source, { mode: "marked" })).toBe(source);
    const saved = process.env["CHAUD_MODE"];
    try {
      process.env["CHAUD_MODE"] = "all";
      expect(transform("src/add.js", source)).toBe(all);
      expect(transform("src/add.js", source, { mode: "marked" })).toBe(source);
    } finally {
      if (saved === undefined) delete process.env["CHAUD_MODE"];
      else process.env["CHAUD_MODE"] = saved;
    }
  });

  test("a syntax error is thrown with the file and a code frame", () => {
    expect(() => transform("src/broken.ts", "export const x = ;\n")).toThrow(
      /broken\.ts: Unexpected token \(1:17\)[\s\S]*> 1 \| export const x = ;/,
    );
  });
});

describe("with the user's Babel config", () => {
  const shout = `module.exports = {
  plugins: [() => ({ visitor: { StringLiteral(path) { if (path.node.value === "hello ") path.node.value = "BONJOUR "; } } })],
};
`;

  test("babel.config.js is honoured, with TypeScript and the chaud plugin added", () => {
    tmp.write("babel.config.js", shout);
    const code = transform("src/hot.ts", hotTs);
    expect(code).toContain('"BONJOUR "');
    expect(code).toMatch(/_chaud\.fn\("greet"/);
    expect((runCommonJs(code)["greet"] as (n: string) => string)("toi")).toBe("BONJOUR toi");
  });

  test("a .babelrc in the package is honoured", () => {
    tmp.write(".babelrc.js", shout);
    expect(transform("src/hot.ts", hotTs)).toContain('"BONJOUR "');
  });

  test("a config that brings its own TypeScript preset and module transform gets neither twice", () => {
    tmp.write(
      "babel.config.js",
      `module.exports = { presets: [[${JSON.stringify(require.resolve("@babel/preset-typescript"))}, { onlyRemoveTypeImports: true }]], plugins: [${JSON.stringify(require.resolve("@babel/plugin-transform-modules-commonjs"))}] };\n`,
    );
    const code = transform("src/hot.ts", `import type { X } from "./x";\nimport { y } from "./y";\n${hotTs}`);
    expect(code.match(/Object\.defineProperty\(exports, "__esModule"/g)).toHaveLength(1);
    expect(code).toContain('require("./y")');
    expect(code).not.toContain('"./x"');
  });

  test("a user config that ignores the file does not stop TypeScript from being compiled", () => {
    tmp.write(
      "babel.config.js",
      `module.exports = { ignore: ["./src"], ${shout.slice("module.exports = {".length).trim().slice(0, -2)} };\n`,
    );
    const code = transform("src/hot.ts", hotTs);
    expect(code).not.toContain("BONJOUR");
    expect(code).not.toContain(": string");
    expect(code).toMatch(/_chaud\.fn\("greet"/);
  });

  test("the user's sourceType wins over chaud's", () => {
    tmp.write("babel.config.js", `module.exports = { sourceType: "script" };\n`);
    expect(() => transform("src/esm.ts", "export const a = 1;\n")).toThrow(
      /sourceType: "module"|'import' and 'export' may appear only/,
    );
  });
});

describe("through the cache", () => {
  test("a second transform of the same file is served from the cache", () => {
    const cache = createTransformCache({ dir: join(root, "cache") });
    const file = tmp.write("src/hot.ts", hotTs);
    const first = transformFile(file, hotTs, { cwd: root, cache });
    const second = transformFile(file, hotTs, { cwd: root, cache });
    expect(first.fromCache).toBe(false);
    expect(second).toEqual({ code: first.code, fromCache: true });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, transformed: 1 });
    expect(cache.stats().transformMs).toBeGreaterThan(0);
  });

  test("a change of content or of the Babel config transforms again", async () => {
    const cache = createTransformCache({ dir: join(root, "cache") });
    const file = tmp.write("src/hot.ts", hotTs);
    transformFile(file, hotTs, { cwd: root, cache });
    const edited = hotTs.replace("hello", "hi");
    expect(transformFile(file, edited, { cwd: root, cache }).fromCache).toBe(false);
    tmp.write("babel.config.js", shout());
    await Promise.resolve(); // config lookups are remembered for one synchronous run
    const withConfig = transformFile(file, edited, { cwd: root, cache });
    expect(withConfig.fromCache).toBe(false);
    expect(withConfig.code).toContain('"HI "');
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 3, transformed: 3 });

    function shout(): string {
      return `module.exports = { plugins: [() => ({ visitor: { StringLiteral(p) { if (p.node.value === "hi ") p.node.value = "HI "; } } })] };\n`;
    }
  });

  test("the mode is part of the key: marked and all outputs are kept apart", () => {
    const cache = createTransformCache({ dir: join(root, "cache") });
    const source = "export function greet(name: string): string {\n  return 'hello ' + name;\n}\n";
    const file = tmp.write("src/greet.ts", source);
    const marked = transformFile(file, source, { cwd: root, cache, mode: "marked" });
    const all = transformFile(file, source, { cwd: root, cache, mode: "all" });
    expect(all.fromCache).toBe(false);
    expect(all.code).toMatch(/_chaud\.fn\("greet", greet,/);
    expect(marked.code).not.toContain("chaud/registry");
    expect(transformFile(file, source, { cwd: root, cache, mode: "marked" })).toEqual({ ...marked, fromCache: true });
    expect(transformFile(file, source, { cwd: root, cache, mode: "all" })).toEqual({ ...all, fromCache: true });
  });

  test("a tampered entry is rejected and the file transformed again", () => {
    const warnings: string[] = [];
    const cache = createTransformCache({ dir: join(root, "cache"), onWarn: (m) => warnings.push(m) });
    const file = tmp.write("src/hot.ts", hotTs);
    const { code } = transformFile(file, hotTs, { cwd: root, cache });
    const [entry] = readdirSync(join(root, "cache"));
    const entryPath = join(root, "cache", entry!);
    writeFileSync(entryPath, readFileSync(entryPath, "utf8").replace('"hello "', '"pwned "'));
    const again = transformFile(file, hotTs, { cwd: root, cache });
    expect(again).toEqual({ code, fromCache: false });
    expect(warnings).toEqual([expect.stringContaining("does not match its sha256")]);
    expect(transformFile(file, hotTs, { cwd: root, cache })).toEqual({ code, fromCache: true });
  });
});
