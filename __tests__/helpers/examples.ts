// Copies of the checked-in examples in temporary folders, so tests never modify them.

import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { assertBuilt, REPO_ROOT } from "./temp-project";

export const EXAMPLES = join(REPO_ROOT, "examples");

const temporaryDirs: string[] = [];

/** A copy of examples/<name> (without its node_modules), with node_modules/chaud linked to this checkout. */
export function copyExample(name: string): string {
  assertBuilt();
  const source = join(EXAMPLES, name);
  const dir = mkdtempSync(join(tmpdir(), `chaud-example-${name}-`));
  temporaryDirs.push(dir);
  cpSync(source, dir, {
    recursive: true,
    filter: (file) => !relative(source, file).split(sep).includes("node_modules"),
  });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "chaud"), "dir");
  return dir;
}

/** Also removes `dir` when the test's copies go. */
export function removeWithCopies(dir: string): void {
  temporaryDirs.push(dir);
}

/** Removes every copy made so far (call from afterEach). */
export function removeExampleCopies(): void {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
