// Copies of the checked-in examples in temporary folders, so tests never modify them.

import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { createTempDir } from "./temp-dir";
import { assertBuilt, REPO_ROOT } from "./temp-project";

export const EXAMPLES = join(REPO_ROOT, "examples");

const toRemove: Array<{ remove(): void }> = [];

/** A copy of examples/<name> (without its node_modules), with node_modules/chaud linked to this checkout. */
export function copyExample(name: string): string {
  assertBuilt();
  const source = join(EXAMPLES, name);
  const copy = createTempDir(`chaud-example-${name}`);
  toRemove.push(copy);
  cpSync(source, copy.dir, {
    recursive: true,
    filter: (file) => !relative(source, file).split(sep).includes("node_modules"),
  });
  mkdirSync(copy.path("node_modules"));
  symlinkSync(REPO_ROOT, copy.path("node_modules", "chaud"), "dir");
  return copy.dir;
}

/** Also removes `folder` (a temporary project, say) when the test's copies go. */
export function removeWithCopies(folder: { remove(): void }): void {
  toRemove.push(folder);
}

/** Removes every copy made so far (call from afterEach, once the processes using them have stopped). */
export function removeExampleCopies(): void {
  for (const folder of toRemove.splice(0)) folder.remove();
}
