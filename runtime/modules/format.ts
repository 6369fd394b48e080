// Which module system Node gives a file: `.cjs`/`.cts` are CommonJS, `.mjs`/`.mts` are ESM,
// and every other extension follows the nearest package.json's `"type"` (CommonJS unless it
// says "module"), as in Node's own lookup (https://nodejs.org/api/packages.html#type). The
// lookup stops at a `node_modules` folder, as Node's does, and is cached per folder for the
// life of the process (`clearModuleKindCache()` forgets it, for tests and reloads of a
// package.json).

import { basename, dirname, extname, join } from "node:path";
import { createFolderLookup, readText } from "../fs";

export type PackageType = "commonjs" | "module";

const packageTypes = createFolderLookup<PackageType>({
  own: readPackageType,
  otherwise: "commonjs",
  lastFolder: (dir) => basename(dir) === "node_modules",
});

/** The `"type"` of the package.json in `folder`, or undefined when it has none (keep walking up). */
function readPackageType(folder: string): PackageType | undefined {
  const text = readText(join(folder, "package.json"));
  if (text === null) return undefined;
  try {
    const json = JSON.parse(text) as { type?: unknown } | null;
    return json?.type === "module" ? "module" : "commonjs";
  } catch {
    return "commonjs"; // Node refuses a broken package.json; CommonJS is the safe reading
  }
}

/** The `"type"` of the package that owns `folder` (an absolute path). */
export function packageTypeOf(folder: string): PackageType {
  return packageTypes.get(folder);
}

/** Whether Node treats `file` (an absolute path) as CommonJS. */
export function isCommonJsFile(file: string): boolean {
  switch (extname(file).toLowerCase()) {
    case ".cjs":
    case ".cts":
      return true;
    case ".mjs":
    case ".mts":
      return false;
    default:
      return packageTypeOf(dirname(file)) === "commonjs";
  }
}

export function clearModuleKindCache(): void {
  packageTypes.clear();
}
