// With the plugin off, marked code compiles exactly as if the plugin were not there,
// so markers can stay in production code. Checked on a corpus of real-world-looking files,
// together with the plugin's other promises about files it has nothing to do in.

import { transformSync, type PluginItem, type TransformOptions } from "@babel/core";
import chaudPlugin from "../../plugin/index";
import { resetRegistry } from "../helpers/compile";
import { optionsFor, readCorpus, type CorpusFile } from "../helpers/corpus";
import { evaluateCorpusFile, evaluationBlocker, surface } from "../helpers/corpus-evaluate";

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

const evaluable = marked.filter((file) => evaluationBlocker(file) === null);

describe("evaluating the marked corpus with the plugin on", () => {
  beforeEach(resetRegistry);

  test("at least 10 marked files can be evaluated here", () => {
    expect(evaluable.length).toBeGreaterThanOrEqual(10);
  });

  test.each(named(evaluable))(
    "%s evaluates and exports the same names, kinds, names and lengths as without the plugin",
    async (_name, file) => {
      const plain = await evaluateCorpusFile(file, { enabled: false });
      const hot = await evaluateCorpusFile(file, { enabled: true });
      expect(surface(hot)).toEqual(surface(plain));
    },
  );
});
