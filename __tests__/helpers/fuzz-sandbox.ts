// The plugin fuzzer's sandbox: compiles a marked file with and without chaud, loads a
// package's CommonJS module graph in this realm with one file swapped for its compiled
// version, runs the package's sample calls, and turns their results into comparable text.
//
// Each evaluation gets a fresh module cache (a fresh "process" for the package), while the
// compiled wrapper functions of untouched files are kept, so loading lodash's dozens of files
// costs calls, not compiles. `require("chaud/registry")` is answered by the runtime's source;
// the registry itself lives on globalThis and is reset by the caller.

import { transformSync, type PluginItem, type TransformOptions } from "@babel/core";
import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import chaudPlugin from "../../plugin/index";
import * as registryModule from "../../runtime/registry/registry";
import { resolveRelative, type FuzzPackage, type Load, type SampleCase } from "./fuzz-corpus";

/** The plugin's mode: "marked" (markers only) or "all" (every eligible item hot without one). */
export type FuzzMode = "marked" | "all";

const COMMONJS = require.resolve("@babel/plugin-transform-modules-commonjs");
/** The plugins for a compile, one array per combination, reused: Babel caches plugin instances per array item. */
const pluginLists = new Map<string, PluginItem[]>();
function chaudPlugins(mode: FuzzMode, hotOnly: boolean, commonjs: boolean): PluginItem[] {
  const key = `${mode}:${hotOnly}:${commonjs}`;
  let plugins = pluginLists.get(key);
  if (!plugins) {
    const options = { enabled: true, ...(mode === "all" ? { mode } : {}), ...(hotOnly ? { hotOnly } : {}) };
    pluginLists.set(key, (plugins = [[chaudPlugin, options], ...(commonjs ? [COMMONJS] : [])]));
  }
  return plugins;
}
const COMMONJS_ONLY: PluginItem[] = [COMMONJS];

function babelOptions(pkg: FuzzPackage, filename: string, plugins: PluginItem[]): TransformOptions {
  return {
    babelrc: false,
    configFile: false,
    browserslistConfigFile: false,
    cwd: pkg.root,
    filename,
    // Node runs these .js files as scripts (CommonJS) or as modules (a "type": "module" package).
    sourceType: pkg.esm ? "module" : "script",
    highlightCode: false,
    plugins,
  };
}

/** The file compiled with chaud on (and, for ES modules, to CommonJS after it). Throws what Babel throws. */
export function compileWithChaud(
  pkg: FuzzPackage,
  filename: string,
  source: string,
  mode: FuzzMode = "marked",
): string {
  return transformSync(source, babelOptions(pkg, filename, chaudPlugins(mode, false, pkg.esm)))!.code!;
}

/** The file compiled as chaud's runtime compiles an edited entry module: its hot parts only (plugin/hot-only.ts). */
export function compileHotOnly(pkg: FuzzPackage, filename: string, source: string, mode: FuzzMode = "marked"): string {
  return transformSync(source, babelOptions(pkg, filename, chaudPlugins(mode, true, pkg.esm)))!.code!;
}

/** What runs without chaud: the file itself (CommonJS) or Babel's CommonJS version of it (ES modules). */
function compileWithoutChaud(pkg: FuzzPackage, filename: string, source: string): string {
  return pkg.esm ? transformSync(source, babelOptions(pkg, filename, COMMONJS_ONLY))!.code! : source;
}

type ModuleWrapper = (
  exports: object,
  require: (id: string) => unknown,
  module: { exports: unknown },
  __filename: string,
  __dirname: string,
) => void;

const wrap = (code: string, filename: string): ModuleWrapper =>
  new Function(
    "exports",
    "require",
    "module",
    "__filename",
    "__dirname",
    `${code}\n//# sourceURL=${filename}`,
  ) as ModuleWrapper;

const builtins = new Set(builtinModules);
const untouchedWrappers = new Map<string, ModuleWrapper>();

function untouchedWrapper(pkg: FuzzPackage, filename: string): ModuleWrapper {
  let wrapper = untouchedWrappers.get(filename);
  if (!wrapper) {
    wrapper = wrap(compileWithoutChaud(pkg, filename, readFileSync(filename, "utf8")), filename);
    untouchedWrappers.set(filename, wrapper);
  }
  return wrapper;
}

/** A compiled replacement for one file of the package. */
export interface Override {
  filename: string;
  wrapper: ModuleWrapper;
}

export function overrideOf(filename: string, compiled: string): Override {
  return { filename, wrapper: wrap(compiled, filename) };
}

/**
 * A package's module graph in this realm, as Node's `require` would build it: one cache,
 * and who required whom. `load("index.js")` evaluates what is not cached yet.
 */
export class SandboxGraph {
  private readonly cache: Map<string, { exports: unknown }>;
  /** file → the files it required */
  private readonly requires = new Map<string, Set<string>>();
  readonly load: Load;

  constructor(
    private readonly pkg: FuzzPackage,
    private readonly override: Override | null,
    inherited: Map<string, { exports: unknown }> = new Map(),
    inheritedRequires: Map<string, Set<string>> = new Map(),
  ) {
    this.cache = new Map(inherited);
    for (const [file, targets] of inheritedRequires)
      if (this.cache.has(file)) this.requires.set(file, new Set(targets));
    this.load = (relativePath) => this.loadFile(`${pkg.root}/${relativePath}`);
  }

  /**
   * The graph after a reload of `filename`, as chaud's runtime does it: the file
   * and every module that requires it, directly or not, are evaluated again on their next
   * load; every other module keeps its exports.
   */
  reload(filename: string): SandboxGraph {
    const stale = new Set([filename]);
    for (let grown = true; grown;) {
      grown = false;
      for (const [file, targets] of this.requires) {
        if (stale.has(file)) continue;
        if ([...targets].some((target) => stale.has(target))) {
          stale.add(file);
          grown = true;
        }
      }
    }
    const kept = new Map([...this.cache].filter(([file]) => !stale.has(file)));
    return new SandboxGraph(this.pkg, this.override, kept, this.requires);
  }

  /**
   * Evaluates `compiled` as another version of `filename` that requires this graph's modules
   * but replaces nothing in it: how the runtime evaluates an entry module's hot-only version.
   */
  evaluateAlongside(filename: string, compiled: string): void {
    const module = { exports: {} as unknown };
    wrap(compiled, filename).call(
      module.exports,
      module.exports as object,
      this.requireFrom(filename),
      module,
      filename,
      dirname(filename),
    );
  }

  private requireFrom(fromFile: string): (id: string) => unknown {
    return (id) => {
      if (id === "chaud/registry") return registryModule;
      if (builtins.has(id) || id.startsWith("node:")) return require(id);
      const target = id.startsWith(".") ? resolveRelative(dirname(fromFile), id) : null;
      if (!target) throw new Error(`fuzz sandbox: cannot resolve "${id}" from ${fromFile}`);
      this.requires.get(fromFile)?.add(target);
      return this.loadFile(target);
    };
  }

  private loadFile(filename: string): unknown {
    const cached = this.cache.get(filename);
    if (cached) return cached.exports;
    const module = { exports: {} as unknown };
    this.cache.set(filename, module);
    this.requires.set(filename, new Set());
    if (filename.endsWith(".json")) {
      module.exports = JSON.parse(readFileSync(filename, "utf8"));
      return module.exports;
    }
    const wrapper = this.override?.filename === filename ? this.override.wrapper : untouchedWrapper(this.pkg, filename);
    try {
      wrapper.call(
        module.exports,
        module.exports as object,
        this.requireFrom(filename),
        module,
        filename,
        dirname(filename),
      );
    } catch (error) {
      this.cache.delete(filename);
      throw error;
    }
    return module.exports;
  }
}

/** Runs every sample case; a case's result is its value's description or the error it threw. */
export function runSamples(samples: readonly SampleCase[], load: Load): Record<string, string> {
  const results: Record<string, string> = {};
  for (const sample of samples) {
    try {
      results[sample.label] = describe(sample.run(load));
    } catch (error) {
      results[sample.label] = `throws ${error instanceof Error ? `${error.name}: ${error.message}` : describe(error)}`;
    }
  }
  return results;
}

/**
 * A deterministic description of a value, deep: what two runs of the same package must
 * agree on. Functions are described by name and length (a hot function keeps both), objects by their
 * class name and own properties in order, so a chaud rewrite that changed a prototype chain,
 * a property order or a function's name shows up as a difference.
 */
export function describe(value: unknown, seen: Set<object> = new Set(), depth = 0): string {
  if (
    value === null ||
    value === undefined ||
    typeof value === "boolean" ||
    typeof value === "number" ||
    typeof value === "bigint"
  )
    return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return `[function ${value.name}/${value.length}]`;
  const object = value as object;
  if (seen.has(object)) return "[circular]";
  if (depth > 8) return "[deep]";
  seen.add(object);
  try {
    const inner = (item: unknown): string => describe(item, seen, depth + 1);
    if (Array.isArray(object)) return `[${object.map(inner).join(", ")}]`;
    if (object instanceof Date) return `Date(${object.getTime()})`;
    if (object instanceof RegExp) return String(object);
    if (object instanceof Error) return `${object.name}: ${object.message}`;
    if (object instanceof Map) return `Map{${[...object].map(([k, v]) => `${inner(k)} => ${inner(v)}`).join(", ")}}`;
    if (object instanceof Set) return `Set{${[...object].map(inner).join(", ")}}`;
    const prototype = Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null;
    const className = prototype === null ? "null-prototype" : (prototype.constructor?.name ?? "?");
    const properties = Object.keys(object).map((key) => `${key}: ${inner((object as Record<string, unknown>)[key])}`);
    return `${className}{${properties.join(", ")}}`;
  } finally {
    seen.delete(object);
  }
}

/** What differs between two sets of labelled results, one line each (long values clipped), or null. */
export function differences(expected: Record<string, string>, actual: Record<string, string>): string | null {
  const clip = (text: string): string => (text.length > 600 ? `${text.slice(0, 600)}…` : text);
  const lines: string[] = [];
  for (const label of Object.keys(expected)) {
    if (expected[label] !== actual[label])
      lines.push(
        `  ${label}:\n    expected ${clip(expected[label] ?? "")}\n    actual   ${clip(actual[label] ?? "(missing)")}`,
      );
  }
  return lines.length > 0 ? lines.join("\n") : null;
}
