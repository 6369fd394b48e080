// Plugin fixtures in the style of babel-helper-fixtures: one folder per case, in folders by
// feature that may nest (`errors/hot/…`). A folder with an input file is a case; one without
// holds cases or further folders.
//
//   __tests__/fixtures/<feature>/[<sub-feature>/…]<phrase-name>/
//     input.(js|ts|tsx|mts|cts|mjs|cjs)   the source
//     output.js                           the expected code (and output.babel8.js beside it
//                                         where Babel 8's differs, see below), or
//     throws.txt                          lines that must each appear in the error message
//     exec.js                             code that evaluates the compiled input and asserts
//                                         (see fixtures.test.ts); output.js is then optional
//     options.json                        optional, see FixtureOptions
//
// Every fixture compiles under a virtual, machine-independent path:
// `/virtual/app/src/<title>.<ext>` (`src/hot/arrow-in-const.ts`) with `cwd: /virtual/app` and no
// package.json anywhere on that path, so registry keys read `src/hot/arrow-in-const.ts#f`
// wherever the repository is cloned. `options.json` may move the file elsewhere under
// `/virtual/app`, or (`<package>/…`) into this repository, to exercise the package-name branch.
// The module-format, enabling, prelude and keys cases keep the path of the `misc` folder they
// were written in (`src/misc/…`, `<package>/__tests__/fixtures/misc/…`), so the registry keys in
// their output.js stay as they were reviewed.
//
// The fixtures compile with the Babel of babel-under-test.ts (Babel 7, or CHAUD_TEST_BABEL's).
// Under Babel 8 a fixture expects `output.babel8.js` where that file exists, else the same
// output.js: a difference between majors is written down, never skipped. So far the only one:
// Babel 8's preset-typescript keeps imports that are not marked `type` (its
// onlyRemoveTypeImports defaults to true), where Babel 7's removes those used as types only or
// not at all; fixtures.test.ts checks that this default is the whole difference.

import type { PluginItem, TransformOptions } from "@babel/core";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import chaudPlugin from "../../plugin/index";
import { babel, BABEL_MAJOR } from "./babel-under-test";

export const FIXTURES_DIR = resolve(__dirname, "../fixtures");
export const REPO_ROOT = resolve(__dirname, "../..");
export const VIRTUAL_ROOT = "/virtual/app";

const INPUT_EXTENSIONS = ["js", "ts", "tsx", "mts", "cts", "mjs", "cjs"] as const;

/** What `options.json` may hold. Unknown keys are refused, so a typo cannot silently do nothing. */
export interface FixtureOptions {
  /** The plugin's `enabled` option; `null` leaves it out (then `CHAUD_HOT` decides). Default true. */
  enabled?: boolean | null;
  /** More plugin options, merged after `enabled` (for refusals of unknown options). */
  pluginOptions?: Record<string, unknown>;
  /** Run @babel/plugin-transform-modules-commonjs after chaud. Default false. */
  commonjs?: boolean;
  /** Parser plugins the input needs beyond the preset's (`["decorators"]`). */
  parserPlugins?: string[];
  /** Babel's `sourceType`. Default Babel's own ("module"). */
  sourceType?: "module" | "script" | "unambiguous";
  /** Path of the compiled file relative to /virtual/app, or `<package>/…` for a path inside this repo. */
  filename?: string;
  /** Environment variables set while compiling (`CHAUD_HOT` and `CHAUD_MODE` are unset unless given here). */
  env?: Record<string, string>;
  /** Assert the output is byte-identical to Babel's output without the chaud plugin. */
  unchanged?: boolean;
  /** throws.txt only: the error is about options and has no code frame. */
  noCodeFrame?: boolean;
  /** throws.txt only: the 1-based line the code frame must point at (default: a marker's line or one just after it). */
  frameLine?: number;
}

const KNOWN_OPTIONS = new Set([
  "enabled",
  "pluginOptions",
  "commonjs",
  "sourceType",
  "parserPlugins",
  "filename",
  "env",
  "unchanged",
  "noCodeFrame",
  "frameLine",
]);

export interface Fixture {
  /** `hot/arrow-in-const`, `errors/hot/hot-nested-function`: the path under fixtures/, and the test title. */
  title: string;
  dir: string;
  inputFile: string;
  input: string;
  options: FixtureOptions;
  /** The expectation for the Babel under test: output.babel8.js under Babel 8 where it exists, else output.js. */
  outputFile: string;
  /** output.js, the expectation for Babel 7 (and for Babel 8 where no output.babel8.js exists). */
  defaultOutputFile: string;
  /** Present when the fixture expects a refusal. */
  throws: string[] | null;
  /** exec.js, when the fixture runs its compiled code. */
  execFile: string | null;
  /** The file name Babel sees. */
  filename: string;
}

const isDirectory = (path: string): boolean => statSync(path).isDirectory();

export function loadFixtures(root = FIXTURES_DIR): Fixture[] {
  const fixtures: Fixture[] = [];
  const visit = (dir: string, title: string): void => {
    const subfolders = readdirSync(dir)
      .sort()
      .filter((name) => isDirectory(join(dir, name)));
    const isCase = subfolders.length === 0 || INPUT_EXTENSIONS.some((ext) => existsSync(join(dir, `input.${ext}`)));
    if (isCase && title !== "") {
      if (subfolders.length > 0) throw new Error(`fixture ${title}: a case folder cannot hold other folders`);
      fixtures.push(loadFixture(title, dir));
      return;
    }
    for (const name of subfolders) visit(join(dir, name), title === "" ? name : `${title}/${name}`);
  };
  visit(root, "");
  return fixtures;
}

function loadFixture(title: string, dir: string): Fixture {
  const inputs = INPUT_EXTENSIONS.filter((ext) => existsSync(join(dir, `input.${ext}`)));
  if (inputs.length !== 1)
    throw new Error(
      `fixture ${title}: expected exactly one input.(${INPUT_EXTENSIONS.join("|")}), found ${inputs.length}`,
    );
  const ext = inputs[0]!;
  const inputFile = join(dir, `input.${ext}`);
  const optionsFile = join(dir, "options.json");
  const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, "utf8")) as FixtureOptions) : {};
  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key));
  if (unknown.length > 0) throw new Error(`fixture ${title}: unknown options.json keys ${unknown.join(", ")}`);
  const throwsFile = join(dir, "throws.txt");
  const throws = existsSync(throwsFile)
    ? readFileSync(throwsFile, "utf8")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "")
    : null;
  if (throws && throws.length === 0) throw new Error(`fixture ${title}: throws.txt is empty`);
  const defaultOutputFile = join(dir, "output.js");
  const majorOutputFile = join(dir, `output.babel${BABEL_MAJOR}.js`);
  const outputFile = BABEL_MAJOR !== 7 && existsSync(majorOutputFile) ? majorOutputFile : defaultOutputFile;
  if (throws && existsSync(defaultOutputFile)) throw new Error(`fixture ${title}: has both throws.txt and output.js`);
  const execFile = existsSync(join(dir, "exec.js")) ? join(dir, "exec.js") : null;
  if (throws && execFile) throw new Error(`fixture ${title}: has both throws.txt and exec.js`);
  return {
    title,
    dir,
    inputFile,
    input: readFileSync(inputFile, "utf8"),
    options,
    outputFile,
    defaultOutputFile,
    throws,
    execFile,
    filename: virtualFilename(title, ext, options),
  };
}

function virtualFilename(title: string, ext: string, options: FixtureOptions): string {
  const relative = options.filename ?? `src/${title}.${ext}`;
  if (relative.startsWith("<package>/")) return join(REPO_ROOT, relative.slice("<package>/".length));
  return `${VIRTUAL_ROOT}/${relative}`;
}

export interface CompileFixtureOptions {
  /** false: the baseline the plugin must not disturb. Default true. */
  withChaud?: boolean;
  /** Merged into the preset's options (see babel-under-test.ts). */
  presetTypescriptOptions?: Record<string, unknown>;
  /** Code to compile instead of the input, as the same file (another version of the module). */
  source?: string;
  /** Merged into the plugin's options after the fixture's own (`{ hotOnly: true }`). */
  pluginOptions?: Record<string, unknown>;
}

/** Compiles a fixture's input, or another source under its name, with its options. */
export function compileFixture(fixture: Fixture, compileOptions: CompileFixtureOptions = {}): string {
  const { withChaud = true, presetTypescriptOptions = {}, source = fixture.input, pluginOptions = {} } = compileOptions;
  const { options } = fixture;
  const plugins: PluginItem[] = [];
  if (withChaud) {
    const enabled: Record<string, unknown> = options.enabled === null ? {} : { enabled: options.enabled ?? true };
    plugins.push([chaudPlugin, { ...enabled, ...options.pluginOptions, ...pluginOptions }]);
  }
  const { transformSync, presetTypescript, transformCommonJs, jsxPluginsFor } = babel();
  plugins.unshift(...jsxPluginsFor(fixture.filename));
  if (options.parserPlugins) plugins.unshift(parserPlugins(options.parserPlugins));
  if (options.commonjs) plugins.push(transformCommonJs);
  const babelOptions: TransformOptions = {
    babelrc: false,
    configFile: false,
    browserslistConfigFile: false,
    cwd: VIRTUAL_ROOT,
    filename: fixture.filename,
    highlightCode: false,
    presets: [withPresetOptions(presetTypescript, presetTypescriptOptions)],
    plugins,
    ...(options.sourceType ? { sourceType: options.sourceType } : {}),
  };
  return withEnvironment(options.env ?? {}, () => transformSync(source, babelOptions)!.code!);
}

/** A plugin that only turns on parser plugins, as a syntax plugin would. */
function parserPlugins(names: string[]): PluginItem {
  return () => ({
    manipulateOptions(_options: unknown, parserOptions: { plugins: string[] }) {
      parserOptions.plugins.push(...names);
    },
  });
}

function withPresetOptions(preset: PluginItem, extra: Record<string, unknown>): PluginItem {
  const [target, options] = Array.isArray(preset) ? preset : [preset, {}];
  return [target, { ...(options as object), ...extra }];
}

/** Runs `fn` with exactly the given chaud variables set, whatever the caller's shell had. */
function withEnvironment<T>(env: Record<string, string>, fn: () => T): T {
  const names = new Set(["CHAUD_HOT", "CHAUD_MODE", ...Object.keys(env)]);
  const saved = new Map([...names].map((name) => [name, process.env[name]]));
  for (const name of names) {
    if (name in env) process.env[name] = env[name];
    else delete process.env[name];
  }
  try {
    return fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The line number and text of the line a Babel code frame points at (`> 3 | code`), if any. */
export function framedLine(message: string): { line: number; text: string } | null {
  const match = /^>\s*(\d+)\s*\|(?: (.*))?$/m.exec(message);
  return match ? { line: Number(match[1]), text: match[2] ?? "" } : null;
}

/**
 * Lines a refusal's code frame may point at: a line that holds a marker, or one of the three
 * after it (a JSDoc block's end, then the marked declaration).
 */
export function markedLines(input: string): Set<number> {
  const lines = new Set<number>();
  input.split("\n").forEach((text, index) => {
    if (!text.includes("@chaud")) return;
    for (let line = index + 1; line <= index + 4; line++) lines.add(line);
  });
  return lines;
}
