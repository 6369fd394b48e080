// What a folder declares as a workspace (package.json `workspaces`, pnpm-workspace.yaml), and
// the package folders its globs name.

import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GlobOptions } from "tinyglobby";
import { isRecord, readPackageJson, readText } from "../fs";

/** The workspace `dir` declares, with its globs; null when it declares none. */
export function declaredWorkspace(dir: string): { kind: "npm" | "yarn" | "pnpm"; patterns: string[] } | null {
  const yaml = readText(join(dir, "pnpm-workspace.yaml"));
  // pnpm ignores package.json `workspaces`; a yaml without `packages:` holds settings only.
  if (yaml !== null) return { kind: "pnpm", patterns: workspacePatterns(pnpmWorkspace(yaml)?.["packages"]) ?? [] };
  const patterns = workspacePatterns(readPackageJson(dir)?.["workspaces"]);
  if (patterns === null) return null;
  return { kind: existsSync(join(dir, "yarn.lock")) ? "yarn" : "npm", patterns };
}

/**
 * pnpm-workspace.yaml's top-level mapping, or null when it is not one. A file that does not
 * parse reads as one without `packages:`, so a typo never stops discovery; YAML's warnings
 * stay in the document rather than reaching the program's output.
 */
function pnpmWorkspace(text: string): Record<string, unknown> | null {
  // Loaded only when the file exists: most programs never pay for a YAML parser.
  const { parseDocument } = require("yaml") as typeof import("yaml");
  try {
    const document = parseDocument(text);
    if (document.errors.length > 0) return null;
    const value: unknown = document.toJS();
    return isRecord(value) ? value : null;
  } catch {
    return null; // e.g. more aliases than the parser expands
  }
}

/** npm's array form, or yarn classic's `{ packages: [...], nohoist: [...] }`. */
function workspacePatterns(field: unknown): string[] | null {
  const list = isRecord(field) ? field["packages"] : field;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : null;
}

/**
 * Package folders matched by workspace globs (`*`, `**`, `?`, braces, plain paths, `!`
 * exclusions), as real paths, sorted, without the root itself. Wildcards never enter
 * node_modules, dot folders or symlinked folders (which could loop), matching what npm, yarn
 * and pnpm list; a plain path is taken as written.
 */
export function expandPatterns(root: string, patterns: string[]): string[] {
  const normalized = patterns.map(normalizePattern).filter((pattern) => pattern !== "" && pattern !== "!");
  const includes = normalized.filter((pattern) => !pattern.startsWith("!"));
  if (includes.length === 0) return [];
  // tinyglobby (and its matcher) load only for a workspace root: a single package never pays for them.
  const { globSync, isDynamicPattern } = require("tinyglobby") as typeof import("tinyglobby");
  // A folder is a package when it holds a package.json, so the patterns match that file; an
  // exclusion then drops exactly the folders it matches, not what lies below them.
  const excludes = normalized
    .filter((pattern) => pattern.startsWith("!"))
    .map((pattern) => packageJsonOf(pattern.slice(1)));
  const options: GlobOptions = {
    cwd: root,
    absolute: true,
    dot: false,
    followSymbolicLinks: false,
    expandDirectories: false,
  };
  const dynamic = includes.filter((pattern) => isDynamicPattern(pattern)).map(packageJsonOf);
  const plain = includes.filter((pattern) => !isDynamicPattern(pattern)).map(packageJsonOf);
  const files = [
    ...(dynamic.length > 0 ? globSync(dynamic, { ...options, ignore: [...excludes, "**/node_modules/**"] }) : []),
    ...(plain.length > 0 ? globSync(plain, { ...options, ignore: excludes }) : []),
  ];
  const found = new Set<string>();
  for (const file of files) {
    try {
      found.add(realpathSync(dirname(file)));
    } catch {
      // removed while we looked
    }
  }
  found.delete(root);
  return [...found].sort();
}

function normalizePattern(pattern: string): string {
  return pattern
    .trim()
    .replace(/\\/g, "/")
    .replace(/^(!?)(\.\/)+/, "$1")
    .replace(/\/+$/, "");
}

function packageJsonOf(pattern: string): string {
  return pattern === "" || pattern === "." ? "package.json" : `${pattern}/package.json`;
}
