// What the Jest transformers' cache keys add to babel-jest's and ts-jest's own: chaud's
// version and a hash of the code that shapes their output (the plugin, the transformer, the
// default preset). babel-jest keys on Babel's options, NODE_ENV and BABEL_ENV, but not on a
// plugin's code, and a linked or rebuilt checkout of chaud keeps its version number while its
// output changes; without this, Jest would serve output of the previous plugin.

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { findPackage, readPackageJson } from "../../runtime/fs";

/** chaud's root folder: the nearest folder up with chaud's package.json (dist/integration/jest/../../.., or integration/jest/../.. in the sources). */
export const CHAUD_ROOT = findPackage("chaud", __dirname)?.dir ?? join(__dirname, "../../..");

/**
 * A file of chaud's build (`dist/…`), relative to dist: from dist/integration/jest it is two
 * folders up; from the TypeScript sources (chaud's own tests under ts-jest) it is in dist/.
 */
export function builtFile(relative: string): string {
  const sibling = join(__dirname, "../..", relative);
  return existsSync(sibling) ? sibling : join(CHAUD_ROOT, "dist", relative);
}

let key: string | undefined;

/** `chaud@<version>+<hash of the plugin and the Jest transformer code>`, computed once per process. */
export function chaudBuildKey(): string {
  if (key !== undefined) return key;
  const hash = createHash("sha1");
  const pluginDir = dirname(builtFile("plugin/index.js"));
  const files = [
    ...safeList(pluginDir)
      .filter((name) => name.endsWith(".js"))
      .map((name) => join(pluginDir, name)),
    builtFile("runtime/fs.js"), // the plugin's package.json lookups
    builtFile("integration/jest/transformer.js"),
    builtFile("integration/jest/preset.js"),
  ];
  for (const file of files) {
    hash.update(`${file.slice(file.lastIndexOf("dist"))}\0`);
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update("missing");
    }
    hash.update("\0");
  }
  key = `chaud@${chaudVersion()}+${hash.digest("hex").slice(0, 12)}`;
  return key;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function chaudVersion(): string {
  return String(readPackageJson(CHAUD_ROOT)?.["version"] ?? "?");
}
