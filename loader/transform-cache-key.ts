// The transform cache's key: a sha256 of everything that can change Babel's output for a file.
//
// That is the file's content and path, the versions of chaud and of the Babel packages it
// runs, the transform options (with what the file's tsconfig asks for, as tsconfig.ts derives
// it, when no Babel config applies), Node's version, the Babel env name, and the text of every
// Babel config file that could apply (read here, without loading Babel). A config file that
// `require`s other files is keyed on its own text only: after editing such a dependency,
// delete the cache folder.

import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { settings } from "../runtime/settings";
import { findPackage, readJsonFile, readText } from "../runtime/fs";
import { sha256Hex } from "./cache-pack";

export interface CacheKeyInput {
  filename: string;
  source: string;
  /** Babel's root (where `babel.config.*` is looked up); the transform's `cwd`. */
  root: string;
  /** The chaud plugin's options and anything else that shapes the output (plain JSON). */
  options: unknown;
  env?: NodeJS.ProcessEnv;
}

const ROOT_CONFIG_NAMES = [
  "babel.config.js",
  "babel.config.cjs",
  "babel.config.mjs",
  "babel.config.json",
  "babel.config.cts",
  "babel.config.ts",
];
const RELATIVE_CONFIG_NAMES = [
  ".babelrc",
  ".babelrc.js",
  ".babelrc.cjs",
  ".babelrc.mjs",
  ".babelrc.json",
  ".babelrc.cts",
];
const KEYED_PACKAGES = [
  "@babel/core",
  "@babel/preset-typescript",
  "@babel/plugin-transform-modules-commonjs",
  // the plugins a tsconfig can ask for (tsconfig.ts)
  "@babel/plugin-proposal-decorators",
  "@babel/plugin-transform-class-properties",
  "@babel/plugin-transform-class-static-block",
  "@babel/plugin-transform-explicit-resource-management",
  "@babel/preset-react",
  "babel-plugin-transform-typescript-metadata",
];

/** The version of `name` as chaud would load it, found without running the package. */
function packageVersion(name: string): string {
  try {
    const json = readJsonFile(require.resolve(`${name}/package.json`));
    if (json !== null) return versionOf(json);
  } catch {
    // a package whose `exports` hides package.json: walk up from its entry point
  }
  try {
    const found = findPackage(name, dirname(require.resolve(name)));
    if (found !== null) return versionOf(found.json);
  } catch {
    // not installed: the transform will say so
  }
  return "missing";
}

function chaudVersion(): string {
  const found = findPackage("chaud", __dirname);
  return found === null ? "?" : versionOf(found.json);
}

function versionOf(json: Record<string, unknown>): string {
  return String(json["version"] ?? "?");
}

/**
 * Size and mtime of chaud's own plugin and transform files: a linked or rebuilt checkout of
 * chaud keeps its version number while its output changes.
 */
function chaudBuildStamp(): string {
  const stamps: string[] = [];
  const sources = [
    { dir: join(__dirname, "../plugin"), pattern: /\.[jt]s$/ },
    { dir: __dirname, pattern: /^(transform|tsconfig|decorator-metadata|import-meta-commonjs)\.[jt]s$/ },
    { dir: join(__dirname, "../runtime/modules"), pattern: /^format\.[jt]s$/ },
    { dir: join(__dirname, "../runtime"), pattern: /^fs\.[jt]s$/ },
  ];
  for (const { dir, pattern } of sources) {
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((name) => pattern.test(name) && !name.endsWith(".d.ts"))
        .sort();
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        const stats = statSync(join(dir, name));
        stamps.push(`${name}:${stats.size}:${stats.mtimeMs}`);
      } catch {
        // removed while we looked
      }
    }
  }
  return stamps.join(",");
}

let versions: string[] | undefined;

/** chaud's version and build, and the Babel packages' versions, read once per process. */
function toolVersions(): string[] {
  return (versions ??= [
    `chaud@${chaudVersion()}`,
    chaudBuildStamp(),
    ...KEYED_PACKAGES.map((name) => `${name}@${packageVersion(name)}`),
  ]);
}

interface ConfigInputs {
  /** Config files found, with their text (package.json#babel included as `path#babel`). */
  configs: Array<{ path: string; text: string }>;
  /** The package root's package.json fields the output depends on (`name` keys the registry). */
  packageFields: string;
}

/** What one folder holds for the key: its `.babelrc*` files and its package.json text. */
interface FolderInputs {
  configs: Array<{ path: string; text: string }>;
  packageJson: string | null;
}

interface FolderSnapshot {
  /** The folder's mtime and each file's, at reading: any change invalidates the snapshot. */
  stamps: Array<{ path: string; mtimeMs: number }>;
  inputs: FolderInputs;
}

// A start compiles hundreds of files from a few folders, and looking up config files by name
// is a dozen failed reads per folder and file. So each folder is listed once and remembered
// with its mtime (a file added or removed changes it) and its config files' mtimes (an edit
// changes those): a later lookup costs a few stats.
const folders = new Map<string, FolderSnapshot>();

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function readFolder(dir: string, names: readonly string[], withPackageJson: boolean): FolderInputs {
  const key = `${withPackageJson ? "pkg" : "root"}:${dir}`;
  const known = folders.get(key);
  if (known && known.stamps.every((stamp) => mtimeOf(stamp.path) === stamp.mtimeMs)) return known.inputs;
  const stamps = [{ path: dir, mtimeMs: mtimeOf(dir) }];
  let listing: Set<string>;
  try {
    listing = new Set(readdirSync(dir));
  } catch {
    listing = new Set();
  }
  const configs: FolderInputs["configs"] = [];
  for (const name of names) {
    if (!listing.has(name)) continue;
    const path = join(dir, name);
    const text = readText(path);
    if (text !== null) {
      configs.push({ path, text });
      stamps.push({ path, mtimeMs: mtimeOf(path) });
    }
  }
  let packageJson: string | null = null;
  if (withPackageJson && listing.has("package.json")) {
    const path = join(dir, "package.json");
    packageJson = readText(path);
    stamps.push({ path, mtimeMs: mtimeOf(path) });
  }
  const snapshot = { stamps, inputs: { configs, packageJson } };
  folders.set(key, snapshot);
  return snapshot.inputs;
}

/**
 * The Babel config files that could apply to `filename`: `babel.config.*` in the root, then
 * `.babelrc*` and package.json's `babel` from the file's folder up to its package root (the
 * folder of the nearest package.json), where Babel stops looking too.
 */
function configInputs(filename: string, root: string): ConfigInputs {
  const configs: ConfigInputs["configs"] = [...readFolder(root, ROOT_CONFIG_NAMES, false).configs];
  for (let dir = dirname(filename); ; dir = dirname(dir)) {
    const folder = readFolder(dir, RELATIVE_CONFIG_NAMES, true);
    configs.push(...folder.configs);
    const pkg = folder.packageJson;
    if (pkg !== null) {
      try {
        const json = JSON.parse(pkg) as Record<string, unknown>;
        if (json["babel"] !== undefined)
          configs.push({ path: `${join(dir, "package.json")}#babel`, text: JSON.stringify(json["babel"]) });
        return { configs, packageFields: JSON.stringify([dir, json["name"], json["type"]]) };
      } catch {
        return { configs, packageFields: pkg };
      }
    }
    if (dirname(dir) === dir) return { configs, packageFields: "" };
  }
}

// What a synchronous run of work (a start's loading, a reload's batch) looked up is kept until
// the run ends (the next microtask): a thousand files of one folder then check that folder's
// stamps once, not once each. A file changed during a run is seen by the next run, as if it
// had changed just after.
let run: { configs: Map<string, ConfigInputs>; babelEnv: Map<NodeJS.ProcessEnv | undefined, string> } | null = null;

function thisRun(): NonNullable<typeof run> {
  if (run === null) {
    run = { configs: new Map(), babelEnv: new Map() };
    queueMicrotask(() => {
      run = null;
    });
  }
  return run;
}

function configInputsInRun(filename: string, root: string): ConfigInputs {
  const { configs } = thisRun();
  const key = `${dirname(filename)}\0${root}`;
  let found = configs.get(key);
  if (found === undefined) configs.set(key, (found = configInputs(filename, root)));
  return found;
}

function babelEnvInRun(env: NodeJS.ProcessEnv | undefined): string {
  const { babelEnv } = thisRun();
  let found = babelEnv.get(env);
  if (found === undefined) babelEnv.set(env, (found = settings(env).babelEnv));
  return found;
}

/** Whether any Babel config file could apply to `filename` (Babel itself is not loaded). */
export function hasBabelConfig(filename: string, root: string): boolean {
  return configInputsInRun(filename, root).configs.length > 0;
}

/** The cache key of one transform: a sha256 over every input that shapes its output. */
export function transformCacheKey(input: CacheKeyInput): string {
  const parts = [
    input.source,
    input.filename,
    ...toolVersions(),
    process.version,
    babelEnvInRun(input.env),
    JSON.stringify(input.options) ?? "",
  ];
  const { configs, packageFields } = configInputsInRun(input.filename, input.root);
  parts.push(packageFields, ...configs.flatMap((config) => [config.path, config.text]));
  // Length-prefixed, so no two different lists of parts hash the same text; one string, one
  // hash call.
  return sha256Hex(parts.map((part) => `${part.length}:${part}`).join(""));
}
