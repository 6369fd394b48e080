// The transform cache's pack: one file read per warm start, written after a start that used
// entries it lacked, each entry checked, damage recompiled, concurrent writers harmless.

import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTransformCache, type TransformCache } from "../../loader/transform-cache";
import { encodePack, parsePack } from "../../loader/cache-pack";
import { useTempDir } from "../helpers/temp-dir";

const tmp = useTempDir("chaud-cache-pack-test");
let warnings: string[];
const onWarn = (message: string): void => void warnings.push(message);

const key = (i: number): string => i.toString(16).padStart(64, "0");
const code = (i: number): string => `exports.value = ${i}; // é ${"x".repeat(i)}\n`;
const cacheDir = (): string => join(tmp.dir, "cache");
const open = (): TransformCache => createTransformCache({ dir: cacheDir(), onWarn, pack: "/app/src/main.ts" });
const packs = (): string[] => readdirSync(cacheDir()).filter((name) => name.endsWith(".pack"));
const entryFiles = (): string[] => readdirSync(cacheDir()).filter((name) => name.endsWith(".cache"));

/** A start: looks every key up, compiles (sets) the misses, then ends its first tick. */
function start(count: number): TransformCache {
  const cache = open();
  for (let i = 0; i < count; i++) if (cache.get(key(i)) === undefined) cache.set(key(i), code(i));
  cache.savePack();
  return cache;
}

beforeEach(() => {
  warnings = [];
});

test("a start that compiled writes a pack of its entries; the next start reads that one file", () => {
  start(20);
  expect(packs()).toHaveLength(1);
  // The module object itself (an `import *` copy's properties cannot be spied on).
  const reads = jest.spyOn(require("node:fs") as typeof import("node:fs"), "readFileSync");
  try {
    const cache = open();
    for (let i = 0; i < 20; i++) expect(cache.get(key(i))).toBe(code(i));
    expect(reads.mock.calls.map((call) => String(call[0]))).toEqual([join(cacheDir(), packs()[0]!)]);
    expect(cache.stats()).toMatchObject({ hits: 20, misses: 0, rejected: 0 });
  } finally {
    reads.mockRestore();
  }
  expect(warnings).toEqual([]);
});

test("a warm start with nothing new leaves the pack as it was", () => {
  start(5);
  const before = statSync(join(cacheDir(), packs()[0]!));
  start(5);
  const after = statSync(join(cacheDir(), packs()[0]!));
  expect(after.ino).toBe(before.ino);
  expect(after.mtimeMs).toBe(before.mtimeMs);
});

test("an entry the pack lacks is read from its file, and the pack is rewritten with it", () => {
  start(5);
  const cache = open();
  cache.set(key(7), code(7)); // compiled elsewhere (a reload, another program)
  cache.savePack();
  const next = open();
  for (let i = 0; i < 5; i++) next.get(key(i));
  expect(next.get(key(7))).toBe(code(7)); // from its entry file
  next.savePack();
  for (const file of entryFiles()) unlinkSync(join(cacheDir(), file));
  const third = open();
  for (const i of [0, 1, 2, 3, 4, 7]) expect(third.get(key(i))).toBe(code(i));
  expect(warnings).toEqual([]);
});

test("after the start's first tick the pack is written by itself and later lookups use entry files", async () => {
  const cache = open();
  expect(cache.get(key(1))).toBeUndefined();
  cache.set(key(1), code(1));
  expect(packs()).toEqual([]);
  await new Promise((resolve) => process.nextTick(resolve));
  expect(packs()).toHaveLength(1);
  cache.set(key(2), code(2)); // a reload's compile: an entry file, not a new pack
  const pack = readFileSync(join(cacheDir(), packs()[0]!));
  expect([...parsePack(pack).entries.keys()]).toEqual([key(1)]);
  expect(cache.get(key(2))).toBe(code(2));
});

test("an edited pack entry is rejected with a warning: its entry file serves, or it is compiled again", () => {
  start(3);
  const file = join(cacheDir(), packs()[0]!);
  writeFileSync(file, readFileSync(file, "latin1").replace("exports.value = 1;", "exports.value = 9;"), "latin1");
  unlinkSync(join(cacheDir(), `${key(2)}.cache`));
  writeFileSync(file, readFileSync(file, "latin1").replace("exports.value = 2;", "exports.value = 8;"), "latin1");
  const cache = open();
  expect(cache.get(key(0))).toBe(code(0));
  expect(cache.get(key(1))).toBe(code(1)); // its entry file
  expect(cache.get(key(2))).toBeUndefined(); // no entry file left: the caller compiles it
  expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, rejected: 2 });
  expect(warnings).toEqual([
    expect.stringContaining("does not match its sha256"),
    expect.stringContaining("does not match its sha256"),
  ]);
  cache.set(key(2), code(2));
  cache.savePack();
  warnings = [];
  for (const name of entryFiles()) unlinkSync(join(cacheDir(), name));
  const next = open();
  for (let i = 0; i < 3; i++) expect(next.get(key(i))).toBe(code(i));
  expect(warnings).toEqual([]);
});

test("a torn pack keeps its whole entries, warns once, and is rewritten", () => {
  start(4);
  const file = join(cacheDir(), packs()[0]!);
  truncateSync(file, statSync(file).size - 5);
  const cache = open();
  for (let i = 0; i < 4; i++) expect(cache.get(key(i))).toBe(code(i));
  expect(warnings).toEqual([expect.stringContaining("ends in the middle of an entry")]);
  cache.savePack();
  expect(parsePack(readFileSync(file)).damaged).toBeNull();
});

test("a file that is not a pack is rejected, not run", () => {
  start(2);
  writeFileSync(join(cacheDir(), packs()[0]!), "module.exports = evil();\n");
  const cache = open();
  expect(cache.get(key(0))).toBe(code(0));
  expect(warnings).toEqual([expect.stringContaining("not a chaud cache pack")]);
  cache.savePack();
});

test("parsePack reads what encodePack wrote, multi-byte characters included", () => {
  const buffer = encodePack([
    [key(1), "é\n"],
    [key(2), ""],
  ]);
  const parsed = parsePack(buffer);
  expect(parsed.damaged).toBeNull();
  expect([...parsed.entries.keys()]).toEqual([key(1), key(2)]);
  expect(parsePack(Buffer.concat([buffer, Buffer.from("zz 1 abc\n")])).damaged).toMatch(/malformed/);
});

test("programs have packs of their own", () => {
  start(2);
  const other = createTransformCache({ dir: cacheDir(), onWarn, pack: "/app/src/worker.ts" });
  other.get(key(9));
  other.set(key(9), code(9));
  other.savePack();
  expect(packs()).toHaveLength(2);
});

test("two processes writing the same pack at once leave a usable cache", async () => {
  // The built cache (dist/, as the end-to-end tests run it): a child process cannot load TypeScript.
  const cacheModule = join(__dirname, "../../dist/loader/transform-cache.js");
  // Each process compiles its own half and reads the other's, in a loop, writing the pack each time.
  const script = (half: number): string => `
    const { createTransformCache } = require(${JSON.stringify(cacheModule)});
    const key = (i) => i.toString(16).padStart(64, "0");
    for (let round = 0; round < 15; round++) {
      const cache = createTransformCache({ dir: ${JSON.stringify(cacheDir())}, pack: "/app/src/main.ts" });
      for (let i = 0; i < 40; i++) {
        const k = key(i % 2 === ${half} ? i : i + 1000 * round);
        if (cache.get(k) === undefined) cache.set(k, "exports.v = " + i + ";" + "y".repeat(2000));
      }
      cache.savePack();
    }`;
  const run = (half: number): Promise<number | null> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ["-e", script(half)], { stdio: "inherit" });
      child.on("exit", resolve);
    });
  expect(await Promise.all([run(0), run(1)])).toEqual([0, 0]);
  const cache = open();
  for (let i = 0; i < 40; i += 2) expect(cache.get(key(i))).toBe(`exports.v = ${i};${"y".repeat(2000)}`);
  cache.savePack();
  expect(warnings).toEqual([]);
  expect(readdirSync(cacheDir()).filter((name) => name.endsWith(".tmp"))).toEqual([]);
});
