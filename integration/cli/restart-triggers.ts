// The files whose change makes the chaud command restart the program, besides the program's
// own modules (which the program watches itself): the files named by `--env-file`, those
// matched by `--watch`, and, while the program is down (it crashed or ended), every source
// file of the watched packages, so that the save that fixes a crash starts it again.

import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import picomatch from "picomatch";
import { pathMatcher, type PathMatcher } from "../../runtime/watch/ignore";
import { watchTree } from "../../runtime/watch/watcher";

/** Quiet time that ends a burst of saves (an editor's write-and-rename, a checkout). */
const AGGREGATE_MS = 20;

/** Never watched for a restart: dependencies, version control, chaud's transform cache. */
const ALWAYS_IGNORED = ["**/node_modules/**", "**/.git/**"];

/** The files a program is made of, whose save starts a program that is down. */
const SOURCE_EXTENSIONS = new Set([".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".tsx", ".jsx", ".json"]);

export interface Watching {
  close(): void;
}

/** Watches `--env-file` files and `--watch` paths; null when there are none. */
export function watchRestartFiles(options: {
  cwd: string;
  envFiles: string[];
  watch: string[];
  ignored: PathMatcher;
  onChange(file: string): void;
}): Watching | null {
  const envFiles = new Set(options.envFiles.map((file) => resolve(options.cwd, file)));
  if (envFiles.size === 0 && options.watch.length === 0) return null;
  const matches = pathMatcher(options.watch, options.cwd);
  const files = [...envFiles];
  const directories: string[] = [];
  for (const pattern of options.watch) {
    const scan = picomatch.scan(pattern);
    const path = resolve(options.cwd, scan.isGlob ? scan.base : pattern);
    if (!scan.isGlob && existsSync(path) && !statSync(path).isDirectory()) files.push(path);
    else directories.push(path);
  }
  return watchTree({
    files,
    directories,
    ignored: ALWAYS_IGNORED,
    aggregateTimeout: AGGREGATE_MS,
    onChange: (changed) => {
      const file = changed.find((path) => envFiles.has(path) || (matches(path) && !options.ignored(path)));
      if (file !== undefined) options.onChange(file);
    },
  });
}

/** Watches the packages' source files while the program is down. */
export function watchWhileDown(options: {
  directories: string[];
  ignored: PathMatcher;
  onChange(file: string): void;
}): Watching {
  return watchTree({
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
