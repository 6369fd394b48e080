// Workspace globs: the package folders a `workspaces` list or pnpm-workspace.yaml names.

import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";

/**
 * Package folders matched by workspace globs (`*`, `**`, `?`, plain paths, `!` exclusions),
 * as real paths, without the root itself. Wildcards never enter node_modules, dot folders or
 * symlinked folders (which could loop), matching what npm, yarn and pnpm list.
 */
export function expandPatterns(root: string, patterns: string[]): string[] {
  const normalized = patterns.map(normalizePattern).filter((pattern) => pattern !== "" && pattern !== "!");
  const includes = normalized.filter((pattern) => !pattern.startsWith("!")).map(splitPattern);
  const excludes = normalized
    .filter((pattern) => pattern.startsWith("!"))
    .map((pattern) => splitPattern(pattern.slice(1)));
  const found = new Set<string>();
  for (const segments of includes) {
    for (const dir of expandSegments(root, segments)) {
      const segmentsOfDir = relative(root, dir).split(sep);
      if (excludes.some((exclude) => matchSegments(segmentsOfDir, exclude))) continue;
      if (existsSync(join(dir, "package.json"))) found.add(realpathSync(dir));
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

function splitPattern(pattern: string): string[] {
  return pattern.split("/").filter((segment) => segment !== "" && segment !== ".");
}

function expandSegments(dir: string, segments: string[]): string[] {
  const [head, ...rest] = segments;
  if (head === undefined) return [dir];
  if (head === "**")
    return [...expandSegments(dir, rest), ...childDirs(dir).flatMap((child) => expandSegments(child, segments))];
  if (!/[*?]/.test(head)) return isDirectory(join(dir, head)) ? expandSegments(join(dir, head), rest) : [];
  const matcher = segmentRegExp(head);
  return childDirs(dir)
    .filter((child) => matcher.test(basename(child)))
    .flatMap((child) => expandSegments(child, rest));
}

/** Whether a relative path (as segments) matches a pattern (as segments), for exclusions. */
function matchSegments(path: string[], pattern: string[]): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return path.length === 0;
  if (head === "**") return matchSegments(path, rest) || (path.length > 0 && matchSegments(path.slice(1), pattern));
  const [first, ...others] = path;
  return first !== undefined && segmentRegExp(head).test(first) && matchSegments(others, rest);
}

function segmentRegExp(segment: string): RegExp {
  const source = segment
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${source}$`);
}

function childDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith("."))
      .map((entry) => join(dir, entry.name));
  } catch {
    return []; // unreadable folder: nothing to list
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
