// One file in, runnable JavaScript out: what `chaud/register` and the reloader run through
// Babel before Node sees a workspace file.
//
// The Babel config is the user's when one applies to the file (babel.config.*, .babelrc*,
// package.json#babel), plus TypeScript when that config has none, plus chaud's plugin
// (enabled). Otherwise it is derived from the file's tsconfig.json (tsconfig.ts: decorators
// and their metadata, JSX, class fields, import elision) with @babel/preset-typescript for
// TypeScript files, and the plugin. In a file Node treats as CommonJS, `import`/`export` compile to CommonJS, as `tsc`
// with `module: commonjs` would (the file is parsed "unambiguous", so a script without module
// syntax stays a sloppy-mode script). Source maps are inline, so with
// `process.setSourceMapsEnabled(true)` stack traces name the original lines.
//
// `@babel/core` is required only on a cache miss, so a warm start never loads it.

import type * as Babel from "@babel/core";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { isCommonJsFile } from "../runtime/modules/format";
import { settings, type Mode } from "../runtime/settings";
import { hasBabelConfig, transformCacheKey, type TransformCache } from "./transform-cache";
import { metadataAfter, metadataBefore } from "./decorator-metadata";
import { importMetaInCommonJs } from "./import-meta-commonjs";
import { compileOptionsFor, type CompileOptions, type JsxOptions } from "./tsconfig";

export interface TransformFileOptions {
  /** chaud's plugin option `enabled`; default true. */
  enabled?: boolean;
  /** chaud's plugin option `mode`; default `CHAUD_MODE`'s (settings.ts), else "marked". */
  mode?: Mode;
  /** Compile `import`/`export` to CommonJS; default: whether Node treats the file as CommonJS. */
  commonjs?: boolean;
  /** Babel's cwd and root (where `babel.config.*` is looked up); default `process.cwd()`. */
  cwd?: string;
  /** Where transformed code is kept between runs, and counted. Absent: nothing is cached. */
  cache?: TransformCache;
  /** Compile an entry module for a hot-only re-evaluation (chaud's plugin option `hotOnly`). */
  hotOnly?: boolean;
}

export interface TransformResult {
  code: string;
  /** Always absent today: the map is inline in `code`. */
  map?: unknown;
  fromCache: boolean;
}

const TYPESCRIPT = /\.[cm]?tsx?$/i;
const PLAIN_SCRIPT = /\.c?js$/i;
/** Where Babel's `compact: "auto"` starts compacting (its generator's 500 KB). */
const BABEL_COMPACT_SIZE = 500_000;
const BABEL_CONFIG_FILE = /^(babel\.config|\.babelrc)(\.[cm]?[jt]s|\.json)?$/;

// Files Babel requires while it loads a config (a babel.config.js, a local plugin) come back
// through the require hook; they are compiled with the default config, never the user's, so
// Babel is not asked to load the config it is in the middle of loading.
let babelDepth = 0;

// The compiled plugin sits next to this file's folder (dist/plugin/index.js), and Babel gets
// its path. Under ts-jest this file runs from its source folder, where Babel cannot load
// plugin/index.ts by path, so it gets the plugin function itself.
let pluginTarget: Babel.PluginTarget | undefined;
function pluginReference(): Babel.PluginTarget {
  const compiled = join(__dirname, "../plugin/index.js");
  return (pluginTarget ??= existsSync(compiled) ? compiled : chaudPluginFunction());
}

function chaudPluginFunction(): Babel.PluginTarget {
  return (require(join(__dirname, "../plugin/index")) as { default: Babel.PluginTarget }).default;
}

/**
 * Loads Babel, its presets and the user's config for files like `filename` by compiling an
 * empty module (bypassing the cache, which would spare loading anything): the next real
 * compile then costs milliseconds, not the few hundred that loading Babel takes.
 */
export function warmUp(filename: string, cwd: string): void {
  const commonjs = isCommonJsFile(filename);
  // The `@` makes the tsconfig's decorator plugins load now too (see compileOptionsFor).
  const source = "export {};\n// @\n";
  runBabel(filename, source, {
    compile: compileOptionsFor(filename, source, { quiet: true }),
    enabled: true,
    mode: settings().mode,
    commonjs,
    cwd,
    userConfig: true,
    hotOnly: true,
  });
}

/** Transforms `source` (the text of the file `filename`, an absolute path), through the cache. */
export function transformFile(filename: string, source: string, options: TransformFileOptions = {}): TransformResult {
  const enabled = options.enabled ?? true;
  const hotOnly = options.hotOnly ?? false;
  const mode = options.mode ?? settings().mode;
  const commonjs = options.commonjs ?? isCommonJsFile(filename);
  const cwd = options.cwd ?? process.cwd();
  if (!hotOnly && mode === "marked" && needsNoBabel(filename, source, commonjs, cwd))
    return { code: source, fromCache: false };

  // Inside a Babel run (see babelDepth) the user's config is not used, so that is part of the key.
  const userConfig = babelDepth === 0 && !BABEL_CONFIG_FILE.test(basename(filename));
  // Without a Babel config of the user's, the tsconfig decides (and so is part of the key).
  const compile = userConfig && hasBabelConfig(filename, cwd) ? null : compileOptionsFor(filename, source);
  const cache = options.cache;
  const key =
    cache &&
    transformCacheKey({
      filename,
      source,
      root: cwd,
      options: { enabled, mode, commonjs, userConfig, hotOnly, compile },
    });
  const cached = key === undefined ? undefined : cache?.get(key);
  if (cached !== undefined) return { code: cached, fromCache: true };

  const started = performance.now();
  const code = runBabel(filename, source, { enabled, mode, commonjs, cwd, userConfig, hotOnly, compile });
  if (cache && key !== undefined) {
    cache.recordTransform(performance.now() - started);
    cache.set(key, code);
  }
  return { code, fromCache: false };
}

/**
 * A plain CommonJS script that mentions no marker and no `import`/`export`, with no Babel
 * config around it, would come out of Babel meaning exactly what it meant going in: hand it
 * back untouched (and spare a cold start loading Babel for it). Not in mode "all", where the
 * plugin makes such a script's functions hot.
 */
function needsNoBabel(filename: string, source: string, commonjs: boolean, cwd: string): boolean {
  return (
    commonjs &&
    PLAIN_SCRIPT.test(filename) &&
    !source.includes("@chaud") &&
    !/\b(?:import|export)\b/.test(source) &&
    !hasBabelConfig(filename, cwd)
  );
}

interface BabelSettings {
  enabled: boolean;
  mode: Mode;
  commonjs: boolean;
  cwd: string;
  /** Whether a config of the user's may apply (false for Babel's own config files). */
  userConfig: boolean;
  hotOnly: boolean;
  /** From the tsconfig; null where a Babel config of the user's applies (or absent: derive it). */
  compile?: CompileOptions | null;
}

function runBabel(filename: string, source: string, settings: BabelSettings): string {
  const babel = require("@babel/core") as typeof Babel;
  babelDepth++;
  try {
    // Asking Babel for a config is slow per file; chaud's own lookup (cached per folder) says
    // first whether any config file could apply.
    const options =
      settings.userConfig && hasBabelConfig(filename, settings.cwd) ? userOptions(babel, filename, settings) : null;
    // A config whose `ignore`/`only` leaves the file out gives way to the tsconfig's options.
    const chosen =
      options ?? sharedDefaultOptions(filename, settings, settings.compile ?? compileOptionsFor(filename, source));
    const result = babel.transformSync(source, {
      ...chosen,
      // Babel's default, "auto", compacts a file over 500 KB and prints "[BABEL] Note: The code
      // generator has deoptimised the styling of …" to the console each time: the same choice,
      // made here, gives the same code without the note (a config's own setting is kept).
      compact: chosen.compact ?? source.length > BABEL_COMPACT_SIZE,
      filename,
      sourceMaps: "inline",
      sourceFileName: filename,
      // Code frames in chaud's log lines: colored only on a terminal (Babel's color detection
      // also says yes under CI=true, which would put escape codes in piped logs).
      highlightCode: Boolean(process.stderr.isTTY),
    });
    if (typeof result?.code !== "string") throw new Error(`chaud: Babel produced no code for ${filename}`);
    return result.code;
  } finally {
    babelDepth--;
  }
}

const callers = new Map<boolean, Babel.TransformCaller & Record<string, unknown>>();

function caller(commonjs: boolean): Babel.TransformCaller & Record<string, unknown> {
  // supportsStaticESM: a config that asks (preset-env's `modules: "auto"`) leaves modules to us.
  let found = callers.get(commonjs);
  if (!found)
    callers.set(
      commonjs,
      (found = {
        name: "chaud",
        supportsStaticESM: true,
        supportsDynamicImport: true,
        supportsTopLevelAwait: !commonjs,
        supportsExportNamespaceFrom: true,
      }),
    );
  return found;
}

// Babel caches a plugin or preset instance by its options object: handing it the same items
// on every transform (rather than equal new ones) spares re-creating them each time.
const items = new Map<string, Babel.PluginItem>();
const item = (key: string, make: () => Babel.PluginItem): Babel.PluginItem => {
  let found = items.get(key);
  if (!found) items.set(key, (found = make()));
  return found;
};

function chaudPlugin(settings: BabelSettings): Babel.PluginItem {
  return item(`chaud:${settings.enabled}:${settings.mode}:${settings.hotOnly}`, () => [
    pluginReference(),
    {
      enabled: settings.enabled,
      mode: settings.mode,
      ...(settings.hotOnly ? { hotOnly: true } : {}),
    },
  ]);
}

/**
 * A file Node runs as CommonJS, compiled to CommonJS (not an ES module's hot-only version,
 * which is compiled to CommonJS too but keeps its own `import.meta`: hot-only-import-meta.ts).
 */
function runsAsCommonJs(filename: string, settings: BabelSettings): boolean {
  return settings.commonjs && isCommonJsFile(filename);
}

function importMetaPlugin(): Babel.PluginItem {
  return item("import-meta-commonjs", () => importMetaInCommonJs);
}

function commonJsPlugin(): Babel.PluginItem {
  return item("commonjs", () => require.resolve("@babel/plugin-transform-modules-commonjs"));
}

function typescriptPreset(onlyRemoveTypeImports = false): Babel.PluginItem {
  return item(`typescript:${onlyRemoveTypeImports}`, () => [
    require.resolve("@babel/preset-typescript"),
    { allowDeclareFields: true, onlyRemoveTypeImports },
  ]);
}

/**
 * The user's config for `filename` with chaud's additions, or null when no config file
 * applies or the config's `ignore`/`only` leaves the file out (Node still needs it compiled).
 */
function userOptions(babel: typeof Babel, filename: string, settings: BabelSettings): Babel.TransformOptions | null {
  const partial = babel.loadPartialConfig({ filename, cwd: settings.cwd, caller: caller(settings.commonjs) });
  if (!partial?.hasFilesystemConfig()) return null;
  const options = partial.options;
  const chaud = chaudPluginFunction();
  const named =
    (pattern: RegExp) =>
    (item: Babel.ConfigItem): boolean =>
      pattern.test(`${item.file?.request ?? ""} ${item.file?.resolved ?? ""}`);
  // A `chaud/babel` entry of the user's own gives way to ours, which is enabled.
  const plugins = ((options.plugins ?? []) as Babel.ConfigItem[]).filter((item) => item.value !== chaud);
  const presets = (options.presets ?? []) as Babel.ConfigItem[];
  const hasTypeScript = [...plugins, ...presets].some(named(/preset-typescript|plugin-transform-typescript/));
  const hasCommonJs = plugins.some(named(/plugin-transform-modules-commonjs/));
  return {
    ...options,
    sourceType: options.sourceType ?? (settings.commonjs ? "unambiguous" : "module"),
    presets: [...presets, ...(TYPESCRIPT.test(filename) && !hasTypeScript ? [typescriptPreset()] : [])],
    plugins: [
      ...plugins,
      chaudPlugin(settings),
      ...(runsAsCommonJs(filename, settings) ? [importMetaPlugin()] : []),
      ...(settings.commonjs && !hasCommonJs ? [commonJsPlugin()] : []),
    ],
  };
}

// Babel caches what it derives from a config's `plugins` and `presets` by the arrays' identity:
// equal options for every file of one kind reuse one object, so only the first file pays for it.
const defaultOptionsByKind = new Map<string, Babel.TransformOptions>();

function sharedDefaultOptions(
  filename: string,
  settings: BabelSettings,
  compile: CompileOptions,
): Babel.TransformOptions {
  const kind = JSON.stringify([
    TYPESCRIPT.test(filename),
    settings.enabled,
    settings.mode,
    settings.commonjs,
    runsAsCommonJs(filename, settings),
    settings.cwd,
    settings.hotOnly,
    compile,
  ]);
  let found = defaultOptionsByKind.get(kind);
  if (!found) defaultOptionsByKind.set(kind, (found = defaultOptions(filename, settings, compile)));
  return found;
}

function defaultOptions(filename: string, settings: BabelSettings, compile: CompileOptions): Babel.TransformOptions {
  const typescript = TYPESCRIPT.test(filename);
  const jsx = compile.jsx;
  return {
    babelrc: false,
    configFile: false,
    cwd: settings.cwd,
    caller: caller(settings.commonjs),
    sourceType: settings.commonjs ? "unambiguous" : "module",
    // Presets run last to first: TypeScript strips types before React compiles JSX.
    presets: [
      ...(jsx !== null && jsx !== "preserve" ? [reactPreset(jsx)] : []),
      ...(typescript ? [typescriptPreset(compile.onlyRemoveTypeImports)] : []),
    ],
    plugins: [
      ...classPlugins(compile),
      ...(compile.resourceManagement ? [resourceManagementPlugin()] : []),
      ...(jsx === "preserve" ? [jsxPreserved] : []),
      chaudPlugin(settings),
      ...(runsAsCommonJs(filename, settings) ? [importMetaPlugin()] : []),
      ...(settings.commonjs ? [commonJsPlugin()] : []),
    ],
    ...(jsx !== null && !typescript ? { parserOpts: { plugins: ["jsx"] } } : {}),
  };
}

/**
 * Decorators and class fields, in the order TypeScript gives them: the metadata plugin reads
 * the type annotations and adds its `Reflect.metadata` decorators (brought to tsc's output by
 * the passes around it, decorator-metadata.ts) before the decorators plugin applies them, and legacy decorated fields need the class-properties transform after
 * it (with static blocks, which that transform refuses to leave alone). These run before
 * preset-typescript (plugins come before presets), so the fields TypeScript would not emit
 * are set aside first (typeOnlyFields). Without `useDefineForClassFields`, legacy-decorated
 * classes' fields are assigned in the constructor after parameter properties, as tsc emits them.
 */
export function classPlugins(compile: CompileOptions): Babel.PluginItem[] {
  const legacy = compile.decorators === "legacy";
  return [
    ...(compile.metadata
      ? [
          item(`metadata-before:${compile.strictNullChecks}`, () => metadataBefore(compile.strictNullChecks)),
          item("metadata", () => require.resolve("babel-plugin-transform-typescript-metadata")),
          item(`metadata-after:${compile.strictNullChecks}`, () => metadataAfter(compile.strictNullChecks)),
        ]
      : []),
    ...(compile.decorators
      ? [
          item(`decorators:${compile.decorators}`, () => [
            require.resolve("@babel/plugin-proposal-decorators"),
            { version: compile.decorators },
          ]),
        ]
      : []),
    ...(legacy || !compile.defineClassFields
      ? [item(`fields:${compile.defineClassFields}`, () => typeOnlyFields(compile.defineClassFields))]
      : []),
    ...(legacy
      ? [
          item(`class-properties:${compile.defineClassFields}`, () => [
            require.resolve("@babel/plugin-transform-class-properties"),
            { loose: !compile.defineClassFields },
          ]),
          item("class-static-block", () => require.resolve("@babel/plugin-transform-class-static-block")),
        ]
      : []),
  ];
}

/**
 * Removes the class fields TypeScript emits nothing for, before the class-properties transform
 * sees the class (it refuses `declare` fields, and would make the others `this.x = void 0`):
 * `declare` fields, and without `useDefineForClassFields` every field with neither an
 * initializer nor a decorator.
 */
function typeOnlyFields(defineClassFields: boolean): Babel.PluginItem {
  const typeOnly = (node: Babel.types.ClassProperty): boolean =>
    node.declare === true || (!defineClassFields && node.value == null && !(node.decorators?.length ?? 0));
  return (): Babel.PluginObj => ({
    name: "chaud-type-only-fields",
    visitor: {
      Class(path) {
        const body = path.node.body;
        body.body = body.body.filter((member) => member.type !== "ClassProperty" || !typeOnly(member));
      },
    },
  });
}

/** `using` and `await using` as try/finally blocks (Node runs them natively from version 24 only). */
function resourceManagementPlugin(): Babel.PluginItem {
  return item("explicit-resource-management", () =>
    require.resolve("@babel/plugin-transform-explicit-resource-management"),
  );
}

function reactPreset(jsx: JsxOptions): Babel.PluginItem {
  return item(`react:${JSON.stringify(jsx)}`, () => [
    require.resolve("@babel/preset-react"),
    jsx.runtime === "automatic"
      ? { runtime: "automatic", development: jsx.development, importSource: jsx.importSource }
      : { runtime: "classic", pragma: jsx.pragma, pragmaFrag: jsx.pragmaFrag },
  ]);
}

/** `jsx: "preserve"` leaves JSX that Node cannot run: say so where it is. */
function jsxPreserved(): Babel.PluginObj {
  const refuse = (path: Babel.NodePath): never => {
    throw path.buildCodeFrameError(
      'chaud found JSX in this file, and its tsconfig.json says "jsx": "preserve", which leaves JSX that Node cannot run. ' +
        'Set "jsx": "react-jsx" (or add a Babel config with @babel/preset-react).',
    );
  };
  return { name: "chaud-jsx-preserved", visitor: { JSXElement: refuse, JSXFragment: refuse } };
}
