// Throwaway projects on disk for end-to-end tests: a folder with a package.json and
// `node_modules/chaud` linked to this checkout's built package.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { createTempDir, type TempDir } from "./temp-dir";

export const REPO_ROOT = resolve(__dirname, "../..");

export function assertBuilt(): void {
  if (!existsSync(join(REPO_ROOT, "dist/runtime/registry/registry.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm install does it) before the end-to-end tests");
  }
}

export interface TempProject extends TempDir {
  run(args: string[], env?: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string };
}

export function createTempProject(name = "app", packageJson: Record<string, unknown> = {}): TempProject {
  assertBuilt();
  const project = createTempDir("chaud-e2e");
  mkdirSync(project.path("node_modules"));
  symlinkSync(REPO_ROOT, project.path("node_modules", "chaud"), "dir");
  project.write("package.json", JSON.stringify({ name, version: "1.0.0", ...packageJson }, null, 2));
  return {
    ...project,
    run(args, env = {}) {
      const result = spawnSync(process.execPath, args, {
        cwd: project.dir,
        encoding: "utf8",
        env: { ...process.env, ...env },
        timeout: 20000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/**
 * A transform cache folder shared by one test file's child processes (so each start after the
 * first is warm), removed after the file; `env()` gives the variables that point chaud at it.
 */
export function sharedCacheDir(prefix: string): { env: (extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv } {
  let cache: TempDir | undefined;
  beforeAll(() => {
    cache = createTempDir(prefix);
  });
  afterAll(() => cache?.remove());
  return { env: (extra = {}) => ({ CHAUD_CACHE_DIR: cache?.dir ?? "", CHAUD_LOG: "debug", ...extra }) };
}
