// Temporary folders for tests: one place that creates them, writes into them and removes them,
// with Jest hooks that remove them after each test whether it passed or not.

import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempDir {
  /** The folder's absolute real path. */
  readonly dir: string;
  /** A path inside the folder (`path()` is the folder itself). */
  path(...relative: string[]): string;
  /** Writes `text` to a file in the folder, creating its parent folders; returns the file's path. */
  write(relative: string, text: string): string;
  read(relative: string): string;
  /** Deletes the folder and everything in it; a folder already gone is fine. */
  remove(): void;
}

/**
 * A new empty folder in the OS temp folder, named `<prefix>-XXXXXX`. Its real path: chaud
 * resolves symlinks (a temp folder behind one, as on macOS) before it reports a path.
 */
export function createTempDir(prefix = "chaud-test"): TempDir {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `${prefix}-`)));
  const path = (...relative: string[]): string => join(dir, ...relative);
  return {
    dir,
    path,
    write(relative, text) {
      const file = path(relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    read: (relative) => readFileSync(path(relative), "utf8"),
    // Retried: a child process that is still ending can write into the folder meanwhile (V8's
    // compile cache, flushed at exit, into a cache folder), which makes rmdir fail with ENOTEMPTY.
    remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }),
  };
}

/**
 * Returns a `createTempDir` whose folders are removed after each test. Jest runs a block's
 * afterEach hooks in the order they were declared: call this after a hook that must run
 * first (one that stops a child process working in the folders).
 */
export function useTempDirs(): (prefix?: string) => TempDir {
  const made: TempDir[] = [];
  afterEach(() => {
    for (const tempDir of made.splice(0)) tempDir.remove();
  });
  return (prefix) => {
    const tempDir = createTempDir(prefix);
    made.push(tempDir);
    return tempDir;
  };
}

/**
 * A fresh folder for each test, created before it and removed after it; the returned handle
 * always stands for the running test's folder. The same order rule as `useTempDirs`.
 */
export function useTempDir(prefix?: string): TempDir {
  const make = useTempDirs();
  let current: TempDir | undefined;
  beforeEach(() => {
    current = make(prefix);
  });
  const now = (): TempDir => {
    if (!current) throw new Error("useTempDir: the folder exists only while a test runs");
    return current;
  };
  return {
    get dir() {
      return now().dir;
    },
    path: (...relative) => now().path(...relative),
    write: (relative, text) => now().write(relative, text),
    read: (relative) => now().read(relative),
    remove: () => now().remove(),
  };
}
