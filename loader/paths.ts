// tsconfig `paths` and `baseUrl` for the require hook and the ESM resolve hook: the file an
// alias such as `@/lib/db` or a `baseUrl` bare import such as `utils/format` stands for.
//
// The tsconfig that governs an importer is the nearest `tsconfig.json` above it (with its
// `extends` followed), read by get-tsconfig, whose `createPathsMatcher` lists the candidates
// TypeScript would try, in order: each `paths` target of the matching pattern, then `baseUrl`.
// Each candidate is looked up on disk as TypeScript's resolution does: the file as named, a
// TypeScript file for a `.js` name, the name with an extension, a folder's package.json
// `main` or its `index` file. The first candidate that exists wins; none: null, and the caller
// lets Node resolve the specifier (and fail with its own error).
//
// Each folder's matcher is remembered for the life of the process: the same few folders
// import thousands of times. Files are looked up afresh each time, so a file created later
// resolves.

import { statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, extname, isAbsolute, join } from "node:path";
import { createPathsMatcher, getTsconfig } from "get-tsconfig";
import { readText } from "../runtime/fs";

export interface PathsResolver {
  /**
   * The file that a tsconfig alias makes of `specifier` imported from `importer` (an absolute
   * path), or null: no tsconfig, no `paths` or `baseUrl`, no pattern matches, or no candidate
   * exists.
   */
  resolve(specifier: string, importer: string): string | null;
  /** Forgets every folder's tsconfig (for tests). */
  clear(): void;
}

type Matcher = (specifier: string) => string[];

/** The extensions tried after a name without one, TypeScript's first, as TypeScript does. */
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"];

/** The TypeScript files a JavaScript name may stand for (`import "@/x.js"` for `x.ts`). */
const TYPESCRIPT_FOR: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

/** Whether aliases can apply: a bare specifier that is neither relative, absolute, a URL, a subpath import nor a builtin. */
export function isAliasCandidate(specifier: string): boolean {
  return (
    specifier.length > 0 &&
    !specifier.startsWith(".") &&
    !specifier.startsWith("#") &&
    !isAbsolute(specifier) &&
    !/^[a-zA-Z][a-zA-Z\d+.-]*:/.test(specifier) && // node:, file:, data:, C:\…
    !isBuiltin(specifier)
  );
}

export function createPathsResolver(): PathsResolver {
  const matchers = new Map<string, Matcher | null>();
  const tsconfigs = new Map<string, unknown>();

  const matcherFor = (folder: string): Matcher | null => {
    let matcher = matchers.get(folder);
    if (matcher !== undefined) return matcher;
    try {
      const tsconfig = getTsconfig(folder, "tsconfig.json", tsconfigs);
      matcher = tsconfig ? createPathsMatcher(tsconfig) : null;
    } catch {
      // A tsconfig that cannot be read: no aliases (compiling warns about it).
      matcher = null;
    }
    matchers.set(folder, matcher);
    return matcher;
  };

  return {
    resolve(specifier, importer) {
      if (!isAliasCandidate(specifier)) return null;
      const matcher = matcherFor(dirname(importer));
      if (!matcher) return null;
      for (const candidate of matcher(specifier)) {
        const file = resolveCandidate(candidate, true);
        if (file) return file;
      }
      return null;
    },
    clear() {
      matchers.clear();
      tsconfigs.clear();
    },
  };
}

function kindOf(path: string): "file" | "folder" | null {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return null;
  return stats.isFile() ? "file" : stats.isDirectory() ? "folder" : null;
}

/** The file `path` names as TypeScript would find it, or null. */
function resolveCandidate(path: string, folders: boolean): string | null {
  // Most bare imports under a `baseUrl` name packages: one look at the folder spares the rest.
  if (kindOf(dirname(path)) !== "folder") return null;
  const kind = kindOf(path);
  if (kind === "file") return path;
  const extension = extname(path);
  for (const replacement of TYPESCRIPT_FOR[extension] ?? []) {
    const sibling = path.slice(0, -extension.length) + replacement;
    if (kindOf(sibling) === "file") return sibling;
  }
  for (const added of EXTENSIONS) {
    if (kindOf(path + added) === "file") return path + added;
  }
  if (kind !== "folder" || !folders) return null;
  const main = packageMain(path);
  const fromMain = main ? resolveCandidate(join(path, main), false) : null;
  if (fromMain) return fromMain;
  return resolveCandidate(join(path, "index"), false);
}

/** The `main` of a folder's package.json, if it has one. */
function packageMain(folder: string): string | null {
  try {
    const json = JSON.parse(readText(join(folder, "package.json")) ?? "null") as { main?: unknown } | null;
    return typeof json?.main === "string" && json.main !== "" ? json.main : null;
  } catch {
    return null;
  }
}
