// With the plugin off, marked code compiles exactly as if the plugin were not there,
// so markers can stay in production code. Checked on a corpus of real-world-looking files,
// together with the plugin's other promises about files it has nothing to do in.

import { transformSync, type PluginItem, type TransformOptions } from "@babel/core";
import { isBuiltin } from "node:module";
import { dirname } from "node:path";
import chaudPlugin from "../../plugin/index";
import * as registryModule from "../../runtime/registry/registry";
import { resetRegistry } from "../helpers/compile";
import { importedModules, optionsFor, readCorpus, type CorpusFile } from "../helpers/corpus";

const corpus = readCorpus();
const marked = corpus.filter((file) => file.marked);
const unmarked = corpus.filter((file) => !file.marked);
const named = (files: CorpusFile[]): [string, CorpusFile][] => files.map((file) => [file.name, file]);

interface Output {
  code: string;
  map: string;
}

function transform(file: CorpusFile, plugins: PluginItem[], extra: TransformOptions = {}): Output {
  const result = transformSync(file.code, optionsFor(file, plugins, { sourceMaps: true, ...extra }));
  return { code: result!.code!, map: JSON.stringify(result!.map) };
}

// Every test here decides CHAUD_HOT and CHAUD_MODE itself; the developer's shell must not leak in.
const VARIABLES = ["CHAUD_HOT", "CHAUD_MODE"];
const saved = VARIABLES.map((name) => [name, process.env[name]] as const);
beforeEach(() => VARIABLES.forEach((name) => delete process.env[name]));
afterAll(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test("the corpus has at least 30 files, with and without markers, in every flavour", () => {
  expect(corpus.length).toBeGreaterThanOrEqual(30);
  expect(marked.length).toBeGreaterThanOrEqual(10);
  expect(unmarked.length).toBeGreaterThanOrEqual(10);
  const extensions = new Set(corpus.map((file) => file.name.slice(file.name.indexOf("."))));
  expect([...extensions].sort()).toEqual([".cjs", ".cts", ".js", ".jsx", ".mjs", ".mts", ".ts", ".tsx"]);
});

describe("with the plugin off", () => {
  test.each(named(corpus))(
    "%s compiles byte-identically (code and source map) with enabled: false and with CHAUD_HOT unset",
    (_name, file) => {
      const plain = transform(file, []);
      const disabled = transform(file, [[chaudPlugin, { enabled: false }]]);
      const byDefault = transform(file, [chaudPlugin]);
      expect(disabled.code).toBe(plain.code);
      expect(disabled.map).toBe(plain.map);
      expect(byDefault.code).toBe(plain.code);
      expect(byDefault.map).toBe(plain.map);
    },
  );

  test.each(named(corpus))(
    '%s compiles byte-identically with enabled: false and mode: "all", and with CHAUD_MODE=all alone',
    (_name, file) => {
      const plain = transform(file, []);
      const disabled = transform(file, [[chaudPlugin, { enabled: false, mode: "all" }]]);
      process.env["CHAUD_MODE"] = "all";
      const byDefault = transform(file, [chaudPlugin]);
      expect(disabled.code).toBe(plain.code);
      expect(disabled.map).toBe(plain.map);
      expect(byDefault.code).toBe(plain.code);
      expect(byDefault.map).toBe(plain.map);
    },
  );

  test("Babel's cached plugin follows CHAUD_HOT: unset, then 1, then unset again gives plain, transformed, plain output", () => {
    const file = marked.find((f) => f.name === "ts-service.ts")!;
    const plain = transform(file, []).code;
    let factoryCalls = 0;
    const countingPlugin: typeof chaudPlugin = (api, options) => {
      factoryCalls++;
      return chaudPlugin(api, options);
    };
    // One options object throughout, so Babel reuses its cached config and plugin instances.
    const options = optionsFor(file, [countingPlugin]);
    const run = (): string => transformSync(file.code, options)!.code!;

    const first = run();
    process.env["CHAUD_HOT"] = "1";
    const second = run();
    delete process.env["CHAUD_HOT"];
    const third = run();

    expect(first).toBe(plain);
    expect(second).not.toBe(plain);
    expect(second).toContain('"chaud/registry"');
    expect(third).toBe(plain);
    // The cache was used (one plugin instance per value of the flag), and keyed on the flag.
    expect(factoryCalls).toBe(2);
  });
});

test("Babel's cached plugin follows CHAUD_MODE: unset, then all, then unset again gives marked, all, marked output", () => {
  const file = unmarked.find((f) => f.name === "esm-utils.mjs")!;
  const plain = transform(file, []).code;
  let factoryCalls = 0;
  const countingPlugin: typeof chaudPlugin = (api, options) => {
    factoryCalls++;
    return chaudPlugin(api, options);
  };
  const options = optionsFor(file, [[countingPlugin, { enabled: true }]]);
  const run = (): string => transformSync(file.code, options)!.code!;

  const first = run();
  process.env["CHAUD_MODE"] = "all";
  const second = run();
  delete process.env["CHAUD_MODE"];
  const third = run();

  expect(first).toBe(plain);
  expect(second).toContain('"chaud/registry"');
  expect(third).toBe(plain);
  expect(factoryCalls).toBe(2);
});

describe("with the plugin on", () => {
  test.each(named(unmarked))(
    "%s, which never mentions @chaud, compiles byte-identically to Babel without the plugin",
    (_name, file) => {
      const plain = transform(file, []);
      const on = transform(file, [[chaudPlugin, { enabled: true }]]);
      expect(on.code).toBe(plain.code);
      expect(on.map).toBe(plain.map);
    },
  );

  test.each(named(marked))("%s compiles with its markers rewritten", (_name, file) => {
    const on = transform(file, [[chaudPlugin, { enabled: true }]]);
    expect(on.code).toContain('"chaud/registry"');
    expect(on.code).not.toBe(transform(file, []).code);
  });
});

// Evaluation needs what the file imports: Node built-ins only (no React, no express), no JSX,
// and no `import.meta` (the CommonJS shape we evaluate in has none).
function evaluationBlocker(file: CorpusFile): string | null {
  if (file.jsx) return "JSX";
  if (file.code.includes("import.meta")) return "import.meta";
  const missing = importedModules(file.code).filter((name) => !isBuiltin(name));
  return missing.length > 0 ? `imports ${missing.join(", ")}` : null;
}

const evaluable = marked.filter((file) => evaluationBlocker(file) === null);

const AsyncFunction = (async () => {}).constructor as new (
  ...params: string[]
) => (...args: unknown[]) => Promise<void>;

/** Compiles to CommonJS and runs it; an async wrapper lets top-level `await` through. */
async function evaluate(file: CorpusFile, enabled: boolean): Promise<Record<string, unknown>> {
  const { code } = transform(file, [[chaudPlugin, { enabled }], "@babel/plugin-transform-modules-commonjs"], {
    sourceMaps: false,
  });
  const module = { exports: {} as Record<string, unknown> };
  const requireShim = (name: string): unknown => {
    if (name === "chaud/registry") return registryModule;
    if (isBuiltin(name)) return require(name);
    throw new Error(`${file.name} requires "${name}", which this test does not provide`);
  };
  const run = new AsyncFunction("require", "module", "exports", "__filename", "__dirname", code);
  await run(requireShim, module, module.exports, file.path, dirname(file.path));
  return module.exports;
}

/** What a user can see of a module's exports without calling them. */
function surface(exports: Record<string, unknown>): string[] {
  return Object.keys(exports)
    .sort()
    .map((key) => {
      const value = exports[key];
      if (typeof value !== "function") return `${key}: ${typeof value}`;
      // Babel's CommonJS transform names `export default function () {}` "_default"; native
      // ESM, and chaud's stub, name it "default". Both count as the default export's name.
      const name = key === "default" && value.name === "_default" ? "default" : value.name;
      return `${key}: function ${name}/${value.length}`;
    });
}

describe("evaluating the marked corpus with the plugin on", () => {
  beforeEach(resetRegistry);

  test("at least 10 marked files can be evaluated here", () => {
    expect(evaluable.length).toBeGreaterThanOrEqual(10);
  });

  test.each(named(evaluable))(
    "%s evaluates and exports the same names, kinds, names and lengths as without the plugin",
    async (_name, file) => {
      const plain = await evaluate(file, false);
      const hot = await evaluate(file, true);
      expect(surface(hot)).toEqual(surface(plain));
    },
  );
});
