// The module part of a registry key: `<package name>/<path relative to the package root>`,
// independent of where the checkout lives. The nearest package.json with a name
// is the package root; it is looked up once per folder and cached for the process.

import { readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

interface PackageRoot {
  name: string;
  dir: string;
}

const rootByFolder = new Map<string, PackageRoot | null>();

function readPackageName(dir: string): string | null {
  try {
    const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown };
    return typeof json.name === "string" && json.name !== "" ? json.name : null;
  } catch {
    return null; // no package.json here, or one we cannot read: keep walking up
  }
}

function packageRootOf(folder: string): PackageRoot | null {
  const cached = rootByFolder.get(folder);
  if (cached !== undefined) return cached;
  const name = readPackageName(folder);
  const parent = dirname(folder);
  const root = name !== null ? { name, dir: folder } : parent === folder ? null : packageRootOf(parent);
  rootByFolder.set(folder, root);
  return root;
}

/** The registry key of the module in `filename` (an absolute path), or of an unnamed input. */
export function moduleKey(filename: string | null | undefined, cwd: string): string {
  if (!filename) return "<anonymous>";
  const withoutQuery = filename.replace(/[?#].*$/, "");
  const root = packageRootOf(dirname(withoutQuery));
  const base = root ? root.dir : cwd;
  const path = relative(base, withoutQuery).split(sep).join("/");
  return root ? `${root.name}/${path}` : path;
}
