// Workspace globs: the package folders a `workspaces` list or pnpm-workspace.yaml names.

import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import type { GlobOptions } from "tinyglobby";

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
