// File-system helpers shared by the plugin, the loader, the runtime and the integrations:
// reading a file or a package.json without throwing, and walking up the folders to the
// nearest one that answers a question. Only node:fs and node:path are imported, because the
// Babel plugin loads this file too and must stay light.

import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

/** The file's text, or null when it cannot be read (missing, a folder, not permitted). */
export function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** The JSON object a file holds, or null when it is missing, unreadable, malformed or not an object. */
export function readJsonFile(path: string): Record<string, unknown> | null {
  const text = readText(path);
  if (text === null) return null;
  try {
    const json: unknown = JSON.parse(text);
    return isRecord(json) ? json : null;
  } catch {
    return null;
  }
}

/** The object of `dir`'s package.json, or null as for `readJsonFile`. */
export function readPackageJson(dir: string): Record<string, unknown> | null {
  return readJsonFile(join(dir, "package.json"));
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first folder from `from` (included) up to the file system's root for which `test` holds, or null. */
export function findUp(from: string, test: (dir: string) => boolean): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (test(dir)) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/** The nearest folder at or above `from` whose package.json names the package `name`, with that package.json. */
export function findPackage(name: string, from: string): { dir: string; json: Record<string, unknown> } | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const json = readPackageJson(dir);
    if (json?.["name"] === name) return { dir, json };
    if (dirname(dir) === dir) return null;
  }
}

export interface FolderLookup<T> {
  /** The answer for `folder` (an absolute path): its own, else its parent's, remembered. */
  get(folder: string): T;
  /** Forgets every answer (for tests, and after a package.json changed). */
  clear(): void;
}

/**
 * A question asked of a folder and, while it has no answer of its own, of the folders above
 * it; the answer is remembered for every folder on the way, since the same few folders are
 * asked about for every file. `own` returns undefined for "ask my parent"; at the root, or
 * after a folder for which `lastFolder` holds, the answer is `otherwise`.
 */
export function createFolderLookup<T>(options: {
  own(dir: string): T | undefined;
  otherwise: T;
  lastFolder?(dir: string): boolean;
}): FolderLookup<T> {
  const answers = new Map<string, T>();
  return {
    get(folder) {
      const asked: string[] = [];
      let answer: T | undefined;
      for (let dir = folder; ; dir = dirname(dir)) {
        answer = answers.get(dir);
        if (answer !== undefined) break;
        asked.push(dir);
        answer = options.own(dir);
        if (answer !== undefined) break;
        if (dirname(dir) === dir || options.lastFolder?.(dir)) {
          answer = options.otherwise;
          break;
        }
      }
      for (const dir of asked) answers.set(dir, answer);
      return answer;
    },
    clear: () => answers.clear(),
  };
}
