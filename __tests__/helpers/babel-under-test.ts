// Which Babel the plugin tests compile with: this checkout's Babel 7 by default, or the
// @babel/core (and @babel/preset-typescript, @babel/plugin-transform-modules-commonjs) in the
// node_modules folder named by CHAUD_TEST_BABEL, e.g. Babel 8 (as .ci/run installs it):
//
//   npm install --prefix ~/.cache/chaud-ci-node/babel8 @babel/core@8 @babel/preset-typescript@8 \
//     @babel/plugin-transform-modules-commonjs@8 @babel/plugin-syntax-jsx@8
//   CHAUD_TEST_BABEL=~/.cache/chaud-ci-node/babel8/node_modules NODE_OPTIONS=--experimental-vm-modules \
//     npx jest __tests__/plugin/fixtures.test.ts __tests__/plugin/exec-semantics.test.ts
//
// Babel 8 is ESM only and needs Node 22.18 or later. Jest's CommonJS registry cannot require
// ESM, so it is loaded with import(), which Jest serves only with --experimental-vm-modules;
// that is why the choice is made in a beforeAll (`useBabelUnderTest`). The version is read
// from package.json synchronously, so test titles and per-major expectations can name it.
//
// The places where Babel 7 and 8 need different options are here: presetTypescriptOptions and
// jsxPluginsFor.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PluginItem, TransformOptions } from "@babel/core";

export interface BabelUnderTest {
  /** "7.29.0", "8.1.3". */
  version: string;
  major: number;
  transformSync(code: string, options: TransformOptions): { code?: string | null | undefined } | null;
  parseSync(code: string, options: TransformOptions): unknown;
  presetTypescript: PluginItem;
  transformCommonJs: PluginItem;
  /** Plugins a file needs besides the preset to parse its JSX (see jsxPluginsFor). */
  jsxPluginsFor(filename: string): PluginItem[];
}

const BABEL_DIR = process.env["CHAUD_TEST_BABEL"] || null;

/** Version and major of the Babel under test, known before any test runs. */
export const BABEL_VERSION: string = BABEL_DIR
  ? readVersion(join(BABEL_DIR, "@babel/core/package.json"))
  : readVersion(require.resolve("@babel/core/package.json"));
export const BABEL_MAJOR = Number(BABEL_VERSION.split(".")[0]);

function readVersion(packageJson: string): string {
  try {
    return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
  } catch (error) {
    throw new Error(
      `CHAUD_TEST_BABEL=${BABEL_DIR ?? ""} must be a node_modules folder holding @babel/core: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Babel 8's preset-typescript refuses `allowDeclareFields` (always on since 8) and decides JSX
 * from the file extension as Babel 7's does for .tsx files; Babel 7 needs the option for
 * `declare` fields.
 */
function presetTypescriptOptions(major: number): Record<string, unknown> {
  return major >= 8 ? {} : { allowDeclareFields: true };
}

/**
 * Babel 7's preset-typescript parses .tsx files with JSX itself; Babel 8's leaves JSX to
 * @babel/plugin-syntax-jsx (or a JSX preset), as its migration notes say.
 */
function jsxPluginsFor(major: number, syntaxJsx: PluginItem | null): (filename: string) => PluginItem[] {
  return (filename) => (major >= 8 && filename.endsWith(".tsx") ? [syntaxJsx!] : []);
}

function babel7(): BabelUnderTest {
  const core = require("@babel/core") as typeof import("@babel/core");
  return {
    version: core.version,
    major: Number(core.version.split(".")[0]),
    transformSync: core.transformSync,
    parseSync: core.parseSync,
    presetTypescript: [require.resolve("@babel/preset-typescript"), presetTypescriptOptions(7)],
    transformCommonJs: require.resolve("@babel/plugin-transform-modules-commonjs"),
    jsxPluginsFor: jsxPluginsFor(7, null),
  };
}

let current: BabelUnderTest | null = BABEL_DIR ? null : babel7();

/** The Babel the helpers compile with; `useBabelUnderTest()` must have run if CHAUD_TEST_BABEL is set. */
export function babel(): BabelUnderTest {
  if (!current)
    throw new Error("CHAUD_TEST_BABEL is set: call `beforeAll(useBabelUnderTest)` in this test file before compiling");
  return current;
}

/** Loads the Babel of CHAUD_TEST_BABEL (for a beforeAll); nothing to do without it. */
export async function useBabelUnderTest(): Promise<void> {
  if (current) return;
  const dir = BABEL_DIR!;
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  if (BABEL_MAJOR >= 8 && (major < 22 || (major === 22 && minor < 18))) {
    throw new Error(
      `Babel ${BABEL_VERSION} (CHAUD_TEST_BABEL) needs Node 22.18 or later; this is Node ${process.versions.node}`,
    );
  }
  const load = async (name: string): Promise<any> => {
    const entry = join(
      dir,
      name,
      (JSON.parse(readFileSync(join(dir, name, "package.json"), "utf8")) as { main?: string }).main ?? "index.js",
    );
    try {
      return await import(pathToFileURL(entry).href);
    } catch (error) {
      const hint = /experimental-vm-modules|vm modules|ES Modules in the VM API/i.test(String(error))
        ? " (run Jest with NODE_OPTIONS=--experimental-vm-modules: Babel 8 is ESM only)"
        : "";
      throw new Error(`could not import ${entry}${hint}: ${(error as Error).message}`, { cause: error });
    }
  };
  // One after the other: Jest's ESM loader fails ("module not been linked") on concurrent
  // imports of modules that share dependencies.
  const core = await load("@babel/core");
  const presetTypescript = await load("@babel/preset-typescript");
  const transformCommonJs = await load("@babel/plugin-transform-modules-commonjs");
  const syntaxJsx = BABEL_MAJOR >= 8 ? await load("@babel/plugin-syntax-jsx") : null;
  current = {
    version: core.version,
    major: Number(String(core.version).split(".")[0]),
    transformSync: core.transformSync,
    parseSync: core.parseSync,
    presetTypescript: [presetTypescript.default, presetTypescriptOptions(BABEL_MAJOR)],
    transformCommonJs: transformCommonJs.default,
    jsxPluginsFor: jsxPluginsFor(BABEL_MAJOR, syntaxJsx?.default ?? null),
  };
  if (current.version !== BABEL_VERSION)
    throw new Error(`CHAUD_TEST_BABEL: package.json says ${BABEL_VERSION}, the module says ${current.version}`);
}
