// The files whose change makes the chaud command restart the program, besides the program's
// own modules (which the program watches itself): the files named by `--env-file`, the
// compile configuration (tsconfig.json, Babel's config files), those matched by `--watch`, and, while the program is down (it crashed or ended), every source
// file of the watched packages, so that the save that fixes a crash starts it again.

import { existsSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { isDirectory } from "../../runtime/fs";
import type Picomatch from "picomatch";
import type { PathMatcher } from "../../runtime/watch/ignore";
import type * as Watcher from "../../runtime/watch/watcher";
import type * as Ignore from "../../runtime/watch/ignore";

// The watcher (watchpack) and picomatch load when the supervisor starts watching, after it has
// started the program: the program's start does not wait for them.
const watchTree: typeof Watcher.watchTree = (options) =>
  (require("../../runtime/watch/watcher") as typeof Watcher).watchTree(options);
const pathMatcher: typeof Ignore.pathMatcher = (globs, cwd) =>
  (require("../../runtime/watch/ignore") as typeof Ignore).pathMatcher(globs, cwd);

/** Quiet time that ends a burst of saves (an editor's write-and-rename, a checkout). */
const AGGREGATE_MS = 20;
/**
 * How long before the program ended a save still counts as one made while it was down. A file's
 * modification time comes from the kernel's coarse clock, which lags Date.now() by up to a tick
 * (4 ms and more were seen: a save right after the end read as made before it); a restart takes
 * far longer than this, so the save that caused a failed start is not taken for a new one.
 */
const SAVED_AS_IT_ENDED_MS = 50;

/** Never watched for a restart: dependencies, version control, chaud's transform cache. */
const ALWAYS_IGNORED = ["**/node_modules/**", "**/.git/**"];

/** The files a program is made of, whose save starts a program that is down. */
const SOURCE_EXTENSIONS = new Set([".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".tsx", ".jsx", ".json"]);

export interface Watching {
  close(): void;
}

/** Config files read once per process: a change of one takes a restart. */
const CONFIG_FILES = [
  "tsconfig.json",
  "jsconfig.json",
  "babel.config.js",
  "babel.config.cjs",
  "babel.config.mjs",
  "babel.config.json",
  ".babelrc",
  ".babelrc.json",
  ".babelrc.js",
];

/** The config files in these folders (the workspace's root and its watched packages). */
export function configFiles(directories: string[]): string[] {
  return [...new Set(directories)].flatMap((dir) =>
    CONFIG_FILES.map((name) => join(dir, name)).filter((file) => existsSync(file)),
  );
}

/** Watches exact files (`--env-file`, config files) and `--watch` paths; null when there are none. */
export function watchRestartFiles(options: {
  cwd: string;
  /** Files whose change restarts the program, relative to `cwd` or absolute. */
  files: string[];
  watch: string[];
  ignored: PathMatcher;
  onChange(file: string): void;
}): Watching | null {
  const exact = new Set(options.files.map((file) => resolve(options.cwd, file)));
  if (exact.size === 0 && options.watch.length === 0) return null;
  const matches = pathMatcher(options.watch, options.cwd);
  const files = [...exact];
  const directories: string[] = [];
  for (const pattern of options.watch) {
    const scan = (require("picomatch") as typeof Picomatch).scan(pattern);
    const path = resolve(options.cwd, scan.isGlob ? scan.base : pattern);
    if (scan.isGlob || isDirectory(path)) directories.push(path);
    else if (existsSync(path)) files.push(path);
    // A file that does not exist yet: its folder tells when it appears.
    else directories.push(dirname(path));
  }
  return watchTree({
    files,
    directories,
    ignored: ALWAYS_IGNORED,
    aggregateTimeout: AGGREGATE_MS,
    onChange: (changed) => {
      const file = changed.find((path) => exact.has(path) || (matches(path) && !options.ignored(path)));
      if (file !== undefined) options.onChange(file);
    },
  });
}

/** Watches the packages' source files while the program is down. */
export function watchWhileDown(options: {
  directories: string[];
  ignored: PathMatcher;
  /** When the program ended: a save since then starts it again. */
  since: number;
  onChange(file: string): void;
}): Watching {
  return watchTree({
    since: options.since - SAVED_AS_IT_ENDED_MS,
    files: [],
    directories: options.directories,
    ignored: ALWAYS_IGNORED,
    aggregateTimeout: AGGREGATE_MS,
    onChange: (changed) => {
      const file = changed.find((path) => SOURCE_EXTENSIONS.has(extname(path)) && !options.ignored(path));
      if (file !== undefined) options.onChange(file);
    },
  });
}
