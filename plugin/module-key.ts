// The module part of a registry key: `<package name>/<path relative to the package root>`,
// independent of where the checkout lives. The nearest package.json with a name is the
// package root; it is looked up once per folder and cached for the process.

import { dirname, relative, sep } from "node:path";
import { createFolderLookup, readPackageJson } from "../runtime/fs";

interface PackageRoot {
  name: string;
  dir: string;
}

/** A package.json we cannot read, or one without a name, sends the lookup further up. */
const packageRoots = createFolderLookup<PackageRoot | null>({
  own(dir) {
    const name = readPackageJson(dir)?.["name"];
    return typeof name === "string" && name !== "" ? { name, dir } : undefined;
  },
  otherwise: null,
});

/** The registry key of the module in `filename` (an absolute path), or of an unnamed input. */
export function moduleKey(filename: string | null | undefined, cwd: string): string {
  if (!filename) return "<anonymous>";
  const withoutQuery = filename.replace(/[?#].*$/, "");
  const root = packageRoots.get(dirname(withoutQuery));
  const base = root ? root.dir : cwd;
  const path = relative(base, withoutQuery).split(sep).join("/");
  return root ? `${root.name}/${path}` : path;
}
