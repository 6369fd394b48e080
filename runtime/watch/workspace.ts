// Workspace discovery: which folders chaud may watch. From the entry module we find
// the workspace root (npm/yarn `workspaces`, pnpm-workspace.yaml, else the entry's own
// package), every package of the workspace, and the entry's package plus the workspace
// packages it depends on. Only files of those packages are ever watched or reloaded; files
// inside node_modules never are, but a workspace package linked into node_modules is, since
// Node hands us its real path (or we resolve it).

import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { findUp, isRecord, readPackageJson } from "../fs";
import { declaredWorkspace, expandPatterns } from "./workspace-globs";

export interface WorkspacePackage {
  name: string;
  dir: string;
  dependencies: string[];
}

export interface Workspace {
  /** The workspace root folder (a real path). */
  root: string;
  /** `yarn` when yarn.lock sits next to a `workspaces` root, else `npm`; `single` without workspaces. */
  kind: "npm" | "yarn" | "pnpm" | "single";
  /** Every package of the workspace, the root's own package.json included when it has one. */
  packages: WorkspacePackage[];
  /** The entry's package first, then the workspace packages it depends on, transitively. */
  watched: WorkspacePackage[];
  /** Whether a loaded file belongs to a watched package (symlinks resolved, node_modules never). */
  isWatchable(file: string): boolean;
  /** The watched package that holds a file, or null. */
  packageOf(file: string): WorkspacePackage | null;
  /**
   * Where a watched file now really leads when that is outside the watched packages (a symlink
   * to elsewhere or into node_modules was saved in its place), else null. Asked afresh on every
   * reload: the answer `isWatchable` cached when the file first loaded may no longer hold.
   */
  escapesTo(file: string): string | null;
  /** Path relative to the workspace root with forward slashes, for log lines. */
  relative(file: string): string;
}

interface Layout {
  root: string;
  kind: Workspace["kind"];
  packages: WorkspacePackage[];
}

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];

export function findWorkspace(entryFile: string): Workspace {
  const realPath = cachedRealPath();
  const entry = realPath(resolve(entryFile));
  const entryDir = dirname(entry);
  const packageDir = nearestPackageDir(entryDir);
  const layout =
    workspaceLayout(entry, packageDir) ?? (packageDir === null ? bareLayout(entryDir) : singleLayout(packageDir));
  const entryPackage = ownerOf(layout.packages, entry) ?? addRootPackage(layout);
  return makeWorkspace(layout, dependencyClosure(entryPackage, layout.packages), realPath);
}

/** Deepest wins: a package nested in another (or in the root) owns its own files. */
function ownerOf(packages: WorkspacePackage[], file: string): WorkspacePackage | null {
  let owner: WorkspacePackage | null = null;
  for (const pkg of packages) {
    if (contains(pkg.dir, file) && (owner === null || pkg.dir.length > owner.dir.length)) owner = pkg;
  }
  return owner;
}

/** A pnpm root may have no package.json; the entry outside every member then belongs to it. */
function addRootPackage(layout: Layout): WorkspacePackage {
  const pkg = unnamedPackage(layout.root);
  layout.packages.push(pkg);
  return pkg;
}

function makeWorkspace(layout: Layout, watched: WorkspacePackage[], realPath: (path: string) => string): Workspace {
  const watchedSet = new Set(watched);
  const owners = new Map<string, WorkspacePackage | null>();
  const packageOf = (file: string): WorkspacePackage | null => {
    const real = realPath(resolve(file));
    let owner = owners.get(real);
    if (owner === undefined) {
      const pkg = ownerOf(layout.packages, real);
      owner = pkg !== null && watchedSet.has(pkg) && !inNodeModules(pkg.dir, real) ? pkg : null;
      owners.set(real, owner);
    }
    return owner;
  };
  return {
    ...layout,
    watched,
    packageOf,
    isWatchable: (file) => packageOf(file) !== null,
    escapesTo: (file) => {
      const real = currentRealPath(resolve(file));
      const pkg = ownerOf(layout.packages, real);
      return pkg !== null && watchedSet.has(pkg) && !inNodeModules(pkg.dir, real) ? null : real;
    },
    relative: (file) => {
      const real = realPath(resolve(file));
      return (contains(layout.root, real) ? relative(layout.root, real) || "." : real).split(sep).join("/");
    },
  };
}

/**
 * The file a registry key's module part names (`<package name>/<path in the package>`, as the
 * plugin writes it), when a watched package has that name; else null.
 */
export function moduleFileOf(workspace: Pick<Workspace, "watched">, module: string): string | null {
  let owner: WorkspacePackage | null = null;
  for (const pkg of workspace.watched) {
    if (pkg.name !== "" && module.startsWith(`${pkg.name}/`) && (owner === null || pkg.name.length > owner.name.length))
      owner = pkg;
  }
  return owner === null ? null : join(owner.dir, ...module.slice(owner.name.length + 1).split("/"));
}

// ---- Finding the root ------------------------------------------------------------------

/**
 * The nearest folder above the entry that declares workspaces holding the entry's package: as
 * a listed member, or as the root's own project (also when the root's package.json has no name,
 * so the nearest named one lies above it). A root that does not list the entry's package is
 * someone else's workspace, so the search goes on above it, as npm's own lookup does.
 */
function workspaceLayout(entry: string, packageDir: string | null): Layout | null {
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    const declared = declaredWorkspace(dir);
    if (declared !== null) {
      const members = expandPatterns(dir, declared.patterns);
      const inRootProject = packageDir === null || packageDir === dir || !contains(dir, packageDir);
      if (inRootProject || (packageDir !== null && members.includes(packageDir))) {
        return { root: dir, kind: declared.kind, packages: loadPackages([dir, ...members]) };
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

function singleLayout(packageDir: string): Layout {
  return { root: packageDir, kind: "single", packages: [loadPackage(packageDir) ?? unnamedPackage(packageDir)] };
}

/** No package.json anywhere above the entry: its folder is the whole workspace. */
function bareLayout(entryDir: string): Layout {
  return { root: entryDir, kind: "single", packages: [unnamedPackage(entryDir)] };
}

/** The nearest folder with a named package.json (as registry keys use), else with any. */
function nearestPackageDir(from: string): string | null {
  return (
    findUp(from, (dir) => typeof readPackageJson(dir)?.["name"] === "string") ??
    // e.g. a `{ "type": "module" }` marker inside a package
    findUp(from, (dir) => existsSync(join(dir, "package.json")))
  );
}

// ---- Packages and their dependencies ---------------------------------------------------

function loadPackages(dirs: string[]): WorkspacePackage[] {
  return dirs.map(loadPackage).filter((pkg): pkg is WorkspacePackage => pkg !== null);
}

/** The package in `dir`, or null when its package.json is missing or malformed: one bad file must not stop discovery. */
function loadPackage(dir: string): WorkspacePackage | null {
  const json = readPackageJson(dir);
  if (json === null) return null;
  const name = typeof json["name"] === "string" && json["name"] !== "" ? json["name"] : basename(dir);
  const dependencies = DEPENDENCY_FIELDS.flatMap((field) => {
    const deps = json[field];
    return isRecord(deps) ? Object.keys(deps) : [];
  });
  return { name, dir, dependencies: [...new Set(dependencies)] };
}

function unnamedPackage(dir: string): WorkspacePackage {
  return { name: basename(dir), dir, dependencies: [] };
}

/** `from` and every workspace package it reaches by name (any version spec: `workspace:*`, `^1`). */
function dependencyClosure(from: WorkspacePackage, packages: WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map<string, WorkspacePackage>();
  for (const pkg of packages) if (!byName.has(pkg.name)) byName.set(pkg.name, pkg);
  const closure = [from];
  const seen = new Set(closure);
  for (let i = 0; i < closure.length; i++) {
    for (const name of closure[i]?.dependencies ?? []) {
      const dep = byName.get(name);
      if (dep !== undefined && !seen.has(dep)) {
        seen.add(dep);
        closure.push(dep);
      }
    }
  }
  return closure;
}

// ---- File system helpers ---------------------------------------------------------------

/**
 * On Linux, one system call per path (the JavaScript `realpathSync` checks each folder of the
 * path in turn: thousands of calls at a large program's start). Elsewhere the native call may
 * name a path otherwise than Node's module paths do (the on-disk letter case on macOS; subst
 * drives and network shares on Windows), so the JavaScript one is kept there.
 */
const realPathOf = process.platform === "linux" ? realpathSync.native : realpathSync;

/**
 * `fs.realpathSync` with a cache: the same module paths are asked about on every reload. A
 * path that does not exist (a deleted file) resolves through its folder, so it still maps to
 * its package; that answer is not cached, since the file may come back as something else.
 */
function cachedRealPath(): (path: string) => string {
  const cache = new Map<string, string>();
  const realPath = (path: string): string => {
    const cached = cache.get(path);
    if (cached !== undefined) return cached;
    try {
      const real = realPathOf(path);
      cache.set(path, real);
      return real;
    } catch {
      const parent = dirname(path);
      return parent === path ? path : join(realPath(parent), basename(path));
    }
  };
  return realPath;
}

/** The real path now, uncached; a missing file resolves through its folder. */
function currentRealPath(path: string): string {
  try {
    return realPathOf(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(currentRealPath(parent), basename(path));
  }
}

function contains(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Whether `file` sits in a node_modules folder below its package's root. */
function inNodeModules(packageDir: string, file: string): boolean {
  return relative(packageDir, file).split(sep).includes("node_modules");
}
