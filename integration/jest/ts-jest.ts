// `transform: { "^.+\\.tsx?$": chaudTsJest() }`: a ts-jest transformer config whose
// `babelConfig` runs chaud's plugin on what TypeScript emits.
//
// - `enabled` and `mode` are fixed here, in the config (options, else `CHAUD_HOT=1` and
//   `CHAUD_MODE`), and so is a `caller` field naming chaud's version and build: ts-jest's
//   cache key covers its `babelConfig`, but not a Babel config file's content nor the
//   environment, so a flag in babel.config.js alone would serve stale output.
// - TypeScript's `removeComments: true` deletes the markers before Babel sees them:
//   `removeComments: false` is set whenever the tsconfig is given as an object (or not at
//   all), and ts-jest 29 forces it too; a tsconfig file that removes comments gets a warning,
//   since a plain `tsc` build of the same code would drop the markers.
// - Without a `babelConfig` of the user's, only chaud's plugin runs (no Babel config file is
//   read): adding chaud must not start applying a babel.config.js that ts-jest ignored before.

import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { hotFromEnvironment, modeFromEnvironment, type Mode } from "../../runtime/settings";
import { configureLogger, warn } from "../../runtime/logger";
import { builtFile, chaudBuildKey } from "./cache-key";

/** ts-jest's options (https://kulshekhar.github.io/ts-jest/docs/getting-started/options); chaud reads `tsconfig` and `babelConfig`. */
export interface TsJestOptions {
  tsconfig?: string | boolean | Record<string, unknown>;
  babelConfig?: string | boolean | Record<string, unknown>;
  [option: string]: unknown;
}

export interface ChaudTsJestOptions {
  /** Rewrite markers. Absent: on when the environment has `CHAUD_HOT=1`. */
  enabled?: boolean;
  /** The plugin's `mode` ("marked" or "all"). Absent: `CHAUD_MODE`, else "marked". */
  mode?: Mode;
  /** Where `<rootDir>` and relative paths point, and where the tsconfig is looked up; default `process.cwd()`. */
  rootDir?: string;
}

/** `["ts-jest", options]` for Jest's `transform`, with chaud's plugin in `babelConfig`. */
export function chaudTsJest(
  tsJestOptions: TsJestOptions = {},
  chaud: ChaudTsJestOptions = {},
): [string, TsJestOptions] {
  const enabled = chaud.enabled ?? hotFromEnvironment();
  const mode = chaud.mode ?? modeFromEnvironment();
  const rootDir = resolve(chaud.rootDir ?? process.cwd());
  const babel = babelOptions(tsJestOptions.babelConfig, rootDir);
  warnIfCommentsRemoved(tsJestOptions.tsconfig, rootDir);
  return [
    "ts-jest",
    {
      ...tsJestOptions,
      tsconfig: keepComments(tsJestOptions.tsconfig),
      babelConfig: {
        ...babel,
        plugins: [
          ...(Array.isArray(babel["plugins"]) ? (babel["plugins"] as unknown[]) : []),
          [builtFile("plugin/index.js"), { enabled, mode }],
        ],
        caller: { ...(babel["caller"] as Record<string, unknown> | undefined), chaud: chaudBuildKey() },
      },
    },
  ];
}

function babelOptions(babelConfig: TsJestOptions["babelConfig"], rootDir: string): Record<string, unknown> {
  if (babelConfig === undefined || babelConfig === false) return { babelrc: false, configFile: false };
  if (babelConfig === true) return {};
  // ts-jest `require`s a config path itself (a function config would not work); Babel loads it properly.
  if (typeof babelConfig === "string") return { configFile: resolvePath(babelConfig, rootDir) };
  return { ...babelConfig };
}

function keepComments(tsconfig: TsJestOptions["tsconfig"]): NonNullable<TsJestOptions["tsconfig"]> {
  // A path cannot carry an override; ts-jest 29 forces removeComments: false for it anyway.
  if (typeof tsconfig === "string") return tsconfig;
  if (typeof tsconfig === "object") return { ...tsconfig, removeComments: false };
  return { removeComments: false };
}

function resolvePath(path: string, rootDir: string): string {
  const replaced = path.replace(/^<rootDir>/, rootDir);
  return isAbsolute(replaced) ? replaced : join(rootDir, replaced);
}

interface TypeScriptApi {
  sys: { fileExists(path: string): boolean; readFile(path: string): string | undefined };
  findConfigFile(searchPath: string, fileExists: (path: string) => boolean): string | undefined;
  readConfigFile(path: string, readFile: (path: string) => string | undefined): { config?: unknown; error?: unknown };
  parseJsonConfigFileContent(json: unknown, host: unknown, basePath: string): { options: { removeComments?: boolean } };
}

/** Warns when the tsconfig ts-jest will read (following `extends`) or the given options remove comments. */
function warnIfCommentsRemoved(tsconfig: TsJestOptions["tsconfig"], rootDir: string): void {
  const told = (where: string): void => {
    configureLogger();
    warn(
      `${where} sets removeComments: true, which deletes chaud's markers. chaudTsJest keeps comments when ts-jest compiles ` +
        `(removeComments: false), so hot reloading works under Jest; a tsc build with that tsconfig drops the markers.`,
    );
  };
  if (typeof tsconfig === "object" && tsconfig["removeComments"] === true) return told("the ts-jest option tsconfig");
  const ts = loadTypeScript(rootDir);
  if (!ts) return;
  const file =
    typeof tsconfig === "string" ? resolvePath(tsconfig, rootDir) : ts.findConfigFile(rootDir, ts.sys.fileExists);
  if (!file || !existsSync(file)) return;
  try {
    const read = ts.readConfigFile(file, ts.sys.readFile);
    if (read.error || read.config === undefined) return;
    if (ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(file)).options.removeComments === true) told(file);
  } catch {
    // ts-jest reports a broken tsconfig better than chaud would
  }
}

function loadTypeScript(rootDir: string): TypeScriptApi | null {
  try {
    return require(require.resolve("typescript", { paths: [rootDir, process.cwd()] })) as TypeScriptApi;
  } catch {
    return null;
  }
}
