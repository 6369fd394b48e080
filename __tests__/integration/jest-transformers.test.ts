// The chaud/jest transformer and chaudTsJest(), in process: what the cache key covers, what
// passes through untouched, and the ts-jest config the helper builds. Real Jest runs of both
// are in e2e/jest-babel.test.ts and e2e/jest-ts-jest.test.ts.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as TransformerModule from "../../integration/jest/transformer";
import type { JestTransformOptions } from "../../integration/jest/transformer";
import { chaudTsJest } from "../../integration/jest/ts-jest";
import { useTempDir } from "../helpers/temp-dir";
import { REPO_ROOT } from "../helpers/temp-project";

const SOURCE = `/* @chaud.hot */\nexport function answer(): number {\n  return 42;\n}\n`;

const tmp = useTempDir("chaud-jest-transformer");
let dir: string;
beforeEach(() => {
  dir = tmp.dir;
  tmp.write("package.json", JSON.stringify({ name: "app" }));
});

const options = (): JestTransformOptions => ({
  config: { rootDir: dir, cwd: dir },
  configString: "{}",
  instrument: false,
});

/** The transformer module, with chaud's build key replaced by `buildKey`. */
function transformerWithBuild(buildKey: string): typeof TransformerModule {
  let loaded: typeof TransformerModule | undefined;
  jest.isolateModules(() => {
    jest.doMock("../../integration/jest/cache-key", () => ({
      ...jest.requireActual("../../integration/jest/cache-key"),
      chaudBuildKey: () => buildKey,
    }));
    loaded = require("../../integration/jest/transformer") as typeof TransformerModule;
  });
  return loaded!;
}

describe("the chaud/jest transformer", () => {
  test("its cache key changes with the plugin's flag, chaud's build, the source and the package's name", () => {
    const file = join(dir, "src/answer.ts");
    const key = (buildKey: string, enabled: boolean, source = SOURCE): string =>
      transformerWithBuild(buildKey).createTransformer({ enabled }).getCacheKey!(source, file, options());

    const base = key("chaud@1.0.0+aaaa", true);
    expect(key("chaud@1.0.0+aaaa", true)).toBe(base);
    expect(key("chaud@1.0.0+aaaa", false)).not.toBe(base);
    expect(key("chaud@1.0.0+bbbb", true)).not.toBe(base);
    expect(key("chaud@1.0.1+aaaa", true)).not.toBe(base);
    expect(key("chaud@1.0.0+aaaa", true, SOURCE.replace("42", "43"))).not.toBe(base);
    // The plugin names the package in registry keys: renaming it must not serve old keys.
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "renamed" }));
    expect(key("chaud@1.0.0+aaaa", true)).not.toBe(base);
  });

  test("its cache key and output follow the mode: the option, else CHAUD_MODE", () => {
    const { createTransformer } = transformerWithBuild("chaud@test");
    const file = join(dir, "src/answer.ts");
    const unmarked = SOURCE.replace("/* @chaud.hot */\n", "");
    const key = (transformerOptions: Record<string, unknown>): string =>
      createTransformer(transformerOptions).getCacheKey!(unmarked, file, options());
    const marked = key({ enabled: true, mode: "marked" });
    expect(key({ enabled: true, mode: "all" })).not.toBe(marked);
    expect(createTransformer({ enabled: true, mode: "all" }).process(unmarked, file, options()).code).toContain(
      '_chaud.fn("answer", answer,',
    );
    expect(createTransformer({ enabled: true, mode: "marked" }).process(unmarked, file, options()).code).not.toContain(
      "chaud/registry",
    );
    const previous = process.env["CHAUD_MODE"];
    try {
      process.env["CHAUD_MODE"] = "all";
      expect(key({ enabled: true })).toBe(key({ enabled: true, mode: "all" }));
      delete process.env["CHAUD_MODE"];
      expect(key({ enabled: true })).toBe(marked);
    } finally {
      if (previous === undefined) delete process.env["CHAUD_MODE"];
      else process.env["CHAUD_MODE"] = previous;
    }
  });

  test("compiles markers when enabled, and leaves them inert when not", () => {
    const { createTransformer } = transformerWithBuild("chaud@test");
    const file = join(dir, "src/answer.ts");
    const on = createTransformer({ enabled: true }).process(SOURCE, file, options()).code;
    const off = createTransformer({ enabled: false }).process(SOURCE, file, options()).code;

    expect(on).toContain(`require("chaud/registry")`);
    expect(on).toContain(`chaudModule)("app/src/answer.ts", {`);
    expect(off).not.toContain("chaud/registry");
    // No Babel config in the project: chaud's default preset compiled TypeScript and modules.
    expect(off).toContain("exports.answer = answer");
    expect(off).not.toContain(": number");
  });

  test("hands chaud's own built files back untouched", () => {
    const { createTransformer } = transformerWithBuild("chaud@test");
    const transformer = createTransformer({ enabled: true });
    const own = join(REPO_ROOT, "dist/runtime/registry/registry.js");
    const text = "/* @chaud.hot mentioned in a comment */ exports.x = 1;";

    expect(transformer.process(text, own, options())).toEqual({ code: text });
    expect(transformer.getCacheKey!(text, own, options())).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("chaudTsJest()", () => {
  const pluginEntry = (enabled: boolean, mode = "marked"): unknown[] => [
    expect.stringMatching(/dist\/plugin\/index\.js$/),
    { enabled, mode },
  ];

  test("returns ts-jest with chaud's plugin in babelConfig, keyed on chaud's build, and comments kept", () => {
    const [transformer, config] = chaudTsJest({ isolatedModules: false }, { enabled: true, rootDir: dir });

    expect(transformer).toBe("ts-jest");
    expect(config).toEqual({
      isolatedModules: false,
      tsconfig: { removeComments: false },
      babelConfig: {
        babelrc: false,
        configFile: false,
        plugins: [pluginEntry(true)],
        caller: { chaud: expect.stringMatching(/^chaud@\d+\.\d+\.\d+.*\+[0-9a-f]{12}$/) },
      },
    });
  });

  test("follows CHAUD_HOT when enabled is not given", () => {
    const previous = process.env["CHAUD_HOT"];
    try {
      process.env["CHAUD_HOT"] = "1";
      expect((chaudTsJest({}, { rootDir: dir })[1].babelConfig as { plugins: unknown[] }).plugins).toEqual([
        pluginEntry(true),
      ]);
      delete process.env["CHAUD_HOT"];
      expect((chaudTsJest({}, { rootDir: dir })[1].babelConfig as { plugins: unknown[] }).plugins).toEqual([
        pluginEntry(false),
      ]);
    } finally {
      if (previous === undefined) delete process.env["CHAUD_HOT"];
      else process.env["CHAUD_HOT"] = previous;
    }
  });

  test("passes the mode option to the plugin, else CHAUD_MODE's", () => {
    const plugins = (chaud: Parameters<typeof chaudTsJest>[1]): unknown[] =>
      (chaudTsJest({}, { rootDir: dir, enabled: true, ...chaud })[1].babelConfig as { plugins: unknown[] }).plugins;
    expect(plugins({ mode: "all" })).toEqual([pluginEntry(true, "all")]);
    const previous = process.env["CHAUD_MODE"];
    try {
      process.env["CHAUD_MODE"] = "all";
      expect(plugins({})).toEqual([pluginEntry(true, "all")]);
      expect(plugins({ mode: "marked" })).toEqual([pluginEntry(true, "marked")]);
    } finally {
      if (previous === undefined) delete process.env["CHAUD_MODE"];
      else process.env["CHAUD_MODE"] = previous;
    }
  });

  test("keeps the user's babelConfig and tsconfig, adding to them", () => {
    const fromObject = chaudTsJest(
      { tsconfig: { strict: true }, babelConfig: { plugins: ["other"], caller: { name: "mine" } } },
      { enabled: false, rootDir: dir },
    )[1];
    expect(fromObject.tsconfig).toEqual({ strict: true, removeComments: false });
    expect(fromObject.babelConfig).toEqual({
      plugins: ["other", pluginEntry(false)],
      caller: { name: "mine", chaud: expect.any(String) },
    });

    const fromFiles = chaudTsJest(
      { tsconfig: "<rootDir>/tsconfig.test.json", babelConfig: "babel.test.js" },
      { enabled: false, rootDir: dir },
    )[1];
    expect(fromFiles.tsconfig).toBe("<rootDir>/tsconfig.test.json");
    expect(fromFiles.babelConfig).toMatchObject({ configFile: join(dir, "babel.test.js") });

    expect(chaudTsJest({ babelConfig: true }, { enabled: false, rootDir: dir })[1].babelConfig).toEqual({
      plugins: [pluginEntry(false)],
      caller: { chaud: expect.any(String) },
    });
  });

  test("warns when the tsconfig ts-jest reads removes comments, following extends", () => {
    writeFileSync(join(dir, "tsconfig.base.json"), JSON.stringify({ compilerOptions: { removeComments: true } }));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: "./tsconfig.base.json", compilerOptions: { strict: true } }),
    );
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      chaudTsJest({}, { enabled: true, rootDir: dir });
      writeFileSync(join(dir, "tsconfig.base.json"), JSON.stringify({ compilerOptions: { removeComments: false } }));
      chaudTsJest({}, { enabled: true, rootDir: dir });
    } finally {
      spy.mockRestore();
    }
    expect(written).toEqual([
      expect.stringContaining(
        `[chaud] ${join(dir, "tsconfig.json")} sets removeComments: true, which deletes chaud's markers.`,
      ),
    ]);
  });
});
