// The reload compiler with its real worker thread (the built one: its worker is a compiled
// file): what it hands back for a save, and each case where the main thread must compile the
// file itself (a file changed since, a compile error, another kind of compile, a dead worker).

import { join } from "node:path";
import { writeFileSync } from "node:fs";
import type * as ReloadCompilerModule from "../../loader/reload-compiler";
import type * as TransformModule from "../../loader/transform";
import { createTempDir, type TempDir } from "../helpers/temp-dir";
import { REPO_ROOT } from "../helpers/temp-project";

const { ReloadCompiler } = require(join(REPO_ROOT, "dist/loader/reload-compiler.js")) as typeof ReloadCompilerModule;
const { transformFile } = require(join(REPO_ROOT, "dist/loader/transform.js")) as typeof TransformModule;

const HOT_ONLY = { hotOnly: true, commonjs: true };
const WHOLE = { hotOnly: false, commonjs: true };

let dir: TempDir;
let compiler: ReloadCompilerModule.ReloadCompiler | null = null;
afterEach(() => {
  compiler?.close();
  compiler = null;
  dir?.remove();
});

const probe = (value: number): string => `/* @chaud.hot */\nexport function probe(): number {\n  return ${value};\n}\n`;

function start(): { file: string; compiler: ReloadCompilerModule.ReloadCompiler } {
  dir = createTempDir("chaud-reload-compiler");
  dir.write("package.json", JSON.stringify({ name: "reloading", version: "1.0.0" }));
  const file = dir.write("probe.ts", probe(1));
  compiler = new ReloadCompiler({ cwd: dir.dir, warmUpFile: file, rehearsalFiles: [file], mode: "marked" });
  return { file, compiler };
}

test("a save handed over is compiled on the worker: the hot-only version, as the main thread would compile it", () => {
  const { file, compiler } = start();
  writeFileSync(file, probe(2));
  compiler.prepare(file, HOT_ONLY);
  const taken = compiler.take(file, probe(2), HOT_ONLY);
  expect(taken?.code).toContain("return 2;");
  expect(taken?.code).toBe(
    transformFile(file, probe(2), { cwd: dir.dir, commonjs: true, hotOnly: true, mode: "marked" }).code,
  );
  expect(taken?.key).toEqual(expect.any(String));
  // Taken once: a second reload of the same text compiles it itself.
  expect(compiler.take(file, probe(2), HOT_ONLY)).toBeNull();
  // The next save goes the same way.
  writeFileSync(file, probe(3));
  compiler.prepare(file, HOT_ONLY);
  expect(compiler.take(file, probe(3), HOT_ONLY)?.code).toContain("return 3;");
  expect(compiler.alive).toBe(true);
}, 30000);

test("both compiles of a save, hot-only then whole, each taken as what it is; an ES module's whole version too", () => {
  const { file, compiler } = start();
  writeFileSync(file, probe(6));
  compiler.prepare(file, HOT_ONLY);
  compiler.prepare(file, WHOLE);
  const esm = { hotOnly: false, commonjs: false };
  compiler.prepare(file, esm);
  expect(compiler.has(file, WHOLE)).toBe(true);
  const whole = compiler.take(file, probe(6), WHOLE);
  expect(whole?.code).toBe(transformFile(file, probe(6), { cwd: dir.dir, commonjs: true, mode: "marked" }).code);
  expect(compiler.has(file, WHOLE)).toBe(false);
  expect(compiler.take(file, probe(6), HOT_ONLY)?.code).toContain("return 6;");
  expect(compiler.take(file, probe(6), esm)?.code).toBe(
    transformFile(file, probe(6), { cwd: dir.dir, commonjs: false, mode: "marked" }).code,
  );
}, 30000);

test("a file not handed over, or another kind of compile: the main thread compiles it", () => {
  const { file, compiler } = start();
  expect(compiler.take(file, probe(1), HOT_ONLY)).toBeNull();
  compiler.prepare(file, HOT_ONLY);
  expect(compiler.take(file, probe(1), WHOLE)).toBeNull();
  expect(compiler.alive).toBe(true);
}, 30000);

test("a file whose text changed after the worker read it (a read mid-write) is compiled again on the worker, from the reload's text", () => {
  const { file, compiler } = start();
  // "": what a read between an editor's truncate and its write sees.
  compiler.prepare(file, HOT_ONLY, "");
  writeFileSync(file, probe(4));
  const taken = compiler.take(file, probe(4), HOT_ONLY);
  expect(taken?.code).toBe(
    transformFile(file, probe(4), { cwd: dir.dir, commonjs: true, hotOnly: true, mode: "marked" }).code,
  );
  // And a text that no longer compiles is left to the main thread, to throw its error there.
  const broken = "export function probe(): number {\n  return ;;(\n}\n";
  compiler.prepare(file, HOT_ONLY);
  expect(compiler.take(file, broken, HOT_ONLY)).toBeNull();
  expect(compiler.alive).toBe(true);
}, 30000);

test("a compile error is left to the main thread (which throws it as without the worker); the worker goes on", () => {
  const { file, compiler } = start();
  const broken = "export function probe(): number {\n  return ;;(\n}\n";
  writeFileSync(file, broken);
  compiler.prepare(file, WHOLE);
  expect(compiler.take(file, broken, WHOLE)).toBeNull();
  writeFileSync(file, probe(5));
  compiler.prepare(file, HOT_ONLY);
  expect(compiler.take(file, probe(5), HOT_ONLY)?.code).toContain("return 5;");
}, 30000);

test("once closed (or dead), it takes nothing and every file is the main thread's", () => {
  const { file, compiler } = start();
  compiler.close();
  expect(compiler.alive).toBe(false);
  compiler.prepare(file, HOT_ONLY);
  expect(compiler.take(file, probe(1), HOT_ONLY)).toBeNull();
}, 30000);
