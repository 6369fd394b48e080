// `transform: { "\\.[cm]?[jt]sx?$": "chaud/jest" }`: babel-jest with chaud's plugin added
// after the user's plugins, so markers compile as they do under chaud/register.
//
// - The plugin's `enabled` and `mode` are fixed when Jest creates the transformer: the
//   transformer options `enabled` and `mode`, else `CHAUD_HOT=1` and `CHAUD_MODE`, as for the
//   plugin itself. They travel in Babel's options, which babel-jest's cache key covers;
//   babel-jest's key covers no other environment variable than NODE_ENV and BABEL_ENV, and
//   not the plugin's code, so the key also gets both values, chaud's version and a hash of
//   its build (jest-cache-key.ts).
// - A file that no Babel config applies to gets chaud's default preset (TypeScript, and
//   CommonJS unless Jest loads the file as ESM), as chaud/register does for Node.
// - chaud's own built files (dist/, esm/) pass through untouched: a linked checkout sits
//   outside node_modules, where transformIgnorePatterns would not keep Babel away from it.
// - babel-jest is required on first use, from the project (it ships with Jest), so loading
//   chaud/jest inside a test file (for the live helpers) does not load Babel.

import { createHash } from "node:crypto";
import { dirname, join, sep } from "node:path";
import { hotFromEnvironment, modeFromEnvironment, type Mode } from "../../runtime/settings";
import { moduleKey } from "../../plugin/module-key";
import { hasBabelConfig } from "../../loader/transform-cache";
import { builtFile, chaudBuildKey, CHAUD_ROOT } from "./cache-key";

/** Options of the chaud/jest transformer: `enabled`, `mode`, and any babel-jest (Babel) option. */
export interface ChaudJestOptions {
  /** Rewrite markers. Absent: on when the environment has `CHAUD_HOT=1`. */
  enabled?: boolean;
  /** The plugin's `mode` ("marked" or "all"). Absent: `CHAUD_MODE`, else "marked". */
  mode?: Mode;
  [babelOption: string]: unknown;
}

/** The part of Jest's transform options chaud reads (declared here: no Jest types needed). */
export interface JestTransformOptions {
  config: { rootDir: string; cwd: string };
  [key: string]: unknown;
}

export interface JestTransformResult {
  code: string;
  map?: unknown;
}

/** A Jest transformer, as babel-jest and ts-jest implement it. */
export interface JestTransformer {
  canInstrument?: boolean;
  getCacheKey?(source: string, filename: string, options: JestTransformOptions): string;
  getCacheKeyAsync?(source: string, filename: string, options: JestTransformOptions): Promise<string>;
  process(source: string, filename: string, options: JestTransformOptions): JestTransformResult;
  processAsync?(source: string, filename: string, options: JestTransformOptions): Promise<JestTransformResult>;
}

type Variant = "configured" | "default";

const OWN_FOLDERS = [join(CHAUD_ROOT, "dist") + sep, join(CHAUD_ROOT, "esm") + sep];
const isOwnFile = (filename: string): boolean => OWN_FOLDERS.some((folder) => filename.startsWith(folder));

export function createTransformer(options: ChaudJestOptions = {}): JestTransformer {
  const { enabled: enabledOption, mode: modeOption, ...babelOptions } = options;
  const enabled = enabledOption ?? hotFromEnvironment();
  const mode = modeOption ?? modeFromEnvironment();
  const plugin: [string, { enabled: boolean; mode: Mode }] = [builtFile("plugin/index.js"), { enabled, mode }];
  const userDecides = ["configFile", "presets", "plugins"].some((name) => babelOptions[name] !== undefined);
  const transformers = new Map<Variant, JestTransformer>();
  // Config files do not come and go during a run: one look per folder.
  const variantByFolder = new Map<string, Variant>();
  const variantOf = (filename: string, rootDir: string): Variant => {
    if (userDecides) return "configured";
    const folder = dirname(filename);
    let variant = variantByFolder.get(folder);
    if (!variant) variantByFolder.set(folder, (variant = hasBabelConfig(filename, rootDir) ? "configured" : "default"));
    return variant;
  };

  const transformerFor = (
    filename: string,
    transformOptions: JestTransformOptions,
  ): { variant: Variant; babelJest: JestTransformer } => {
    const variant = variantOf(filename, transformOptions.config.rootDir);
    let babelJest = transformers.get(variant);
    if (!babelJest) {
      const plugins = [...asArray(babelOptions["plugins"]), plugin];
      babelJest =
        variant === "configured"
          ? loadBabelJest(transformOptions.config.rootDir).createTransformer({ ...babelOptions, plugins })
          : loadBabelJest(transformOptions.config.rootDir).createTransformer({
              sourceType: "unambiguous",
              ...babelOptions,
              presets: [...asArray(babelOptions["presets"]), builtFile("integration/jest/preset.js")],
              plugins,
            });
      transformers.set(variant, babelJest);
    }
    return { variant, babelJest };
  };

  // The registry key the plugin emits names the file's package (package.json's name), which
  // babel-jest's key does not cover either.
  const combine = (
    babelKey: string,
    variant: Variant,
    filename: string,
    transformOptions: JestTransformOptions,
  ): string =>
    createHash("sha1")
      .update(
        `${babelKey}\0${chaudBuildKey()}\0enabled=${enabled}\0mode=${mode}\0${variant}\0${moduleKey(filename, transformOptions.config.cwd)}`,
      )
      .digest("hex");
  const ownKey = (source: string, filename: string): string =>
    createHash("sha1").update(`${chaudBuildKey()}\0own\0${filename}\0${source}`).digest("hex");

  return {
    canInstrument: true,
    getCacheKey(source, filename, transformOptions) {
      if (isOwnFile(filename)) return ownKey(source, filename);
      const { variant, babelJest } = transformerFor(filename, transformOptions);
      return combine(
        babelJest.getCacheKey?.(source, filename, transformOptions) ?? ownKey(source, filename),
        variant,
        filename,
        transformOptions,
      );
    },
    async getCacheKeyAsync(source, filename, transformOptions) {
      if (isOwnFile(filename)) return ownKey(source, filename);
      const { variant, babelJest } = transformerFor(filename, transformOptions);
      const babelKey = babelJest.getCacheKeyAsync
        ? await babelJest.getCacheKeyAsync(source, filename, transformOptions)
        : babelJest.getCacheKey?.(source, filename, transformOptions);
      return combine(babelKey ?? ownKey(source, filename), variant, filename, transformOptions);
    },
    process(source, filename, transformOptions) {
      if (isOwnFile(filename)) return { code: source };
      return transformerFor(filename, transformOptions).babelJest.process(source, filename, transformOptions);
    },
    async processAsync(source, filename, transformOptions) {
      if (isOwnFile(filename)) return { code: source };
      const { babelJest } = transformerFor(filename, transformOptions);
      return babelJest.processAsync
        ? babelJest.processAsync(source, filename, transformOptions)
        : babelJest.process(source, filename, transformOptions);
    },
  };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

interface BabelJestModule {
  createTransformer?(options: Record<string, unknown>): JestTransformer;
  default?: { createTransformer?(options: Record<string, unknown>): JestTransformer };
}

let babelJestModule: { createTransformer(options: Record<string, unknown>): JestTransformer } | undefined;

/**
 * babel-jest from the project, else from next to Jest's own config package (babel-jest is
 * its dependency, so it is there even when the project does not list it).
 */
function loadBabelJest(rootDir: string): { createTransformer(options: Record<string, unknown>): JestTransformer } {
  if (babelJestModule) return babelJestModule;
  const from = [rootDir, process.cwd()];
  let path: string | undefined;
  for (const request of ["babel-jest", "jest-config"]) {
    try {
      const found = require.resolve(request, { paths: from });
      path = request === "babel-jest" ? found : require.resolve("babel-jest", { paths: [dirname(found)] });
      break;
    } catch {
      // try the next place
    }
  }
  if (!path) throw new Error("chaud/jest needs babel-jest (it comes with Jest): npm install --save-dev babel-jest");
  const loaded = require(path) as BabelJestModule;
  const create = loaded.createTransformer ?? loaded.default?.createTransformer;
  if (!create) throw new Error(`chaud/jest: ${path} has no createTransformer; babel-jest 29 or later is needed`);
  babelJestModule = { createTransformer: (options) => create(options) };
  return babelJestModule;
}
