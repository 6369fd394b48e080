// Which module system Node gives a file: `.cjs`/`.cts` are CommonJS, `.mjs`/`.mts` are ESM,
// and every other extension follows the nearest package.json's `"type"` (CommonJS unless it
// says "module"), as in Node's own lookup (https://nodejs.org/api/packages.html#type). The
// lookup stops at a `node_modules` folder, as Node's does, and is cached per folder for the
// life of the process (`clearModuleKindCache()` forgets it, for tests and reloads of a
// package.json).

import { readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";

export type PackageType = "commonjs" | "module";

const typeByFolder = new Map<string, PackageType>();

function readPackageType(folder: string): PackageType | null {
  let text: string;
  try {
    text = readFileSync(join(folder, "package.json"), "utf8");
  } catch {
    return null; // no package.json here: keep walking up
  }
  try {
    const json = JSON.parse(text) as { type?: unknown } | null;
    return json?.type === "module" ? "module" : "commonjs";
  } catch {
    return "commonjs"; // Node refuses a broken package.json; CommonJS is the safe reading
  }
}

/** The `"type"` of the package that owns `folder` (an absolute path). */
export function packageTypeOf(folder: string): PackageType {
  const cached = typeByFolder.get(folder);
  if (cached !== undefined) return cached;
  const parent = dirname(folder);
  const own = readPackageType(folder);
  const type = own ?? (parent === folder || basename(folder) === "node_modules" ? "commonjs" : packageTypeOf(parent));
  typeByFolder.set(folder, type);
  return type;
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
  typeByFolder.clear();
}
