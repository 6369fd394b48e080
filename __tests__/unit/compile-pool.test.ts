// The cold start's compile pool with a real worker thread (the built pool: its worker is a
// compiled file). The main thread waits for every job it handed out (takeBack: false), so
// which thread compiles each file is certain: what the worker does with a compile error, a
// file changed since it read it, and a crash, each leaving the file to the main thread.

import { join } from "node:path";
import type * as PoolModule from "../../loader/compile-pool";
import { createTempDir, type TempDir } from "../helpers/temp-dir";
import { REPO_ROOT } from "../helpers/temp-project";

const { CompilePool } = require(join(REPO_ROOT, "dist/loader/compile-pool.js")) as typeof PoolModule;

let dir: TempDir;
let pool: PoolModule.CompilePool | null = null;
afterEach(() => {
  pool?.close();
  pool = null;
  dir?.remove();
});

const GOOD = "export const answer: number = 42;\n";
const BAD = "export const answer: number = ;\n";

function start(crashOn?: string): { good: string; bad: string; pool: PoolModule.CompilePool } {
  dir = createTempDir("chaud-compile-pool");
  dir.write("package.json", JSON.stringify({ name: "pooled", version: "1.0.0" }));
  const good = dir.write("good.ts", GOOD);
  const bad = dir.write("bad.ts", BAD);
  pool = new CompilePool({
    cwd: dir.dir,
    warmUpFile: good,
    size: 1,
    takeBack: false,
    ...(crashOn ? { crashOn } : {}),
  });
  return { good, bad, pool };
}

test("a file the worker compiled comes back as code, and counts as the worker's", () => {
  const { good, pool } = start();
  pool.prefetch([good]);
  const taken = pool.take(good, GOOD);
  expect(taken?.code).toMatch(/exports\.answer = 42|answer = exports\.answer = 42/);
  expect(taken?.key).toEqual(expect.any(String));
  expect(pool.counts).toMatchObject({ fromWorker: 1, takenBack: 0, failed: 0, lost: 0 });
}, 30000);

test("a compile error in the worker leaves the file to the main thread, and is counted", () => {
  const { good, bad, pool } = start();
  pool.prefetch([bad, good]);
  expect(pool.take(bad, BAD)).toBeNull();
  expect(pool.take(good, GOOD)).not.toBeNull();
  expect(pool.counts).toMatchObject({ fromWorker: 1, takenBack: 0, failed: 1, lost: 0 });
}, 30000);

test("a file whose text changed since the worker read it is left to the main thread", () => {
  const { good, pool } = start();
  pool.prefetch([good]);
  expect(pool.take(good, `${GOOD}// edited\n`)).toBeNull();
  expect(pool.counts).toMatchObject({ fromWorker: 0, failed: 0, lost: 0 });
}, 30000);

test("a worker that crashes mid-compile leaves its files to the main thread, without waiting on it again", () => {
  const { good, bad, pool } = start("/bad.ts");
  pool.prefetch([bad, good]);
  expect(pool.take(bad, BAD)).toBeNull();
  expect(pool.counts.lost).toBe(1);
  // The second job was handed to the same worker: gone with it, not waited for.
  expect(pool.take(good, GOOD)).toBeNull();
  expect(pool.counts).toMatchObject({ fromWorker: 0, lost: 1 });
}, 30000);
