// Throwaway projects on disk for end-to-end tests: a folder with a package.json and
// `node_modules/chaud` linked to this checkout's built package.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "../..");

export function assertBuilt(): void {
  if (!existsSync(join(REPO_ROOT, "dist/runtime/registry/registry.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm install does it) before the end-to-end tests");
  }
}

export interface TempProject {
  dir: string;
  write(relative: string, content: string): string;
  run(args: string[], env?: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string };
  remove(): void;
}

export function createTempProject(name = "app", packageJson: Record<string, unknown> = {}): TempProject {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), "chaud-e2e-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "chaud"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", ...packageJson }, null, 2));
  return {
    dir,
    write(relative, content) {
      const file = join(dir, relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    run(args, env = {}) {
      const result = spawnSync(process.execPath, args, {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, ...env },
        timeout: 20000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A transform cache folder shared by one test file's child processes (so each start after the
 * first is warm), removed after the file; `env()` gives the variables that point chaud at it.
 */
export function sharedCacheDir(prefix: string): { env: (extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv } {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { env: (extra = {}) => ({ CHAUD_CACHE_DIR: dir, CHAUD_LOG: "debug", ...extra }) };
}
