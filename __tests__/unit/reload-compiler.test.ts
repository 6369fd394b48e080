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
  compiler.prepare(file, true);
  const taken = compiler.take(file, probe(2), true);
  expect(taken?.code).toContain("return 2;");
  expect(taken?.code).toBe(
    transformFile(file, probe(2), { cwd: dir.dir, commonjs: true, hotOnly: true, mode: "marked" }).code,
  );
  expect(taken?.key).toEqual(expect.any(String));
  // Taken once: a second reload of the same text compiles it itself.
  expect(compiler.take(file, probe(2), true)).toBeNull();
  // The next save goes the same way.
  writeFileSync(file, probe(3));
  compiler.prepare(file, true);
  expect(compiler.take(file, probe(3), true)?.code).toContain("return 3;");
  expect(compiler.alive).toBe(true);
}, 30000);

test("a file not handed over, another kind of compile, or a file changed since: the main thread compiles it", () => {
  const { file, compiler } = start();
  expect(compiler.take(file, probe(1), true)).toBeNull();
  compiler.prepare(file, true);
  expect(compiler.take(file, probe(1), false)).toBeNull();
  compiler.prepare(file, true);
  expect(compiler.take(file, probe(4), true)).toBeNull();
  expect(compiler.alive).toBe(true);
}, 30000);

test("a compile error is left to the main thread (which throws it as without the worker); the worker goes on", () => {
  const { file, compiler } = start();
  const broken = "export function probe(): number {\n  return ;;(\n}\n";
  writeFileSync(file, broken);
  compiler.prepare(file, false);
  expect(compiler.take(file, broken, false)).toBeNull();
  writeFileSync(file, probe(5));
  compiler.prepare(file, true);
  expect(compiler.take(file, probe(5), true)?.code).toContain("return 5;");
}, 30000);

test("once closed (or dead), it takes nothing and every file is the main thread's", () => {
  const { file, compiler } = start();
  compiler.close();
  expect(compiler.alive).toBe(false);
  compiler.prepare(file, true);
  expect(compiler.take(file, probe(1), true)).toBeNull();
}, 30000);
