// A cold start (empty transform cache) of a multi-file TypeScript app under `node -r
// chaud/register`, with the compile workers and without them (CHAUD_INTERNAL_COMPILE_WORKERS=0):
// the same program output and the same cache entries, a compile error thrown from the same
// `require` with the same message, a worker crash that changes nothing the program sees, and
// the progress line on a terminal only.

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createTempDir, type TempDir } from "../helpers/temp-dir";
import { createTempProject, type TempProject } from "../helpers/temp-project";

// Enough files that the main thread is still compiling when the worker has loaded Babel.
const MODULES = 150;
const ERASE = "\r\u001b[2K";

let project: TempProject;
const caches: TempDir[] = [];
afterEach(() => {
  project?.remove();
  for (const cache of caches.splice(0)) cache.remove();
});

const name = (i: number): string => `m${String(i).padStart(3, "0")}`;

/** Module i imports modules 2i+1 and 2i+2 (a binary tree, as the startup benchmark's app). */
function moduleSource(i: number, ext = "js"): string {
  const children = [2 * i + 1, 2 * i + 2].filter((c) => c < MODULES);
  return `import type { Summary } from "./types.${ext}";
${children.map((c, k) => `import * as child${k} from "./${name(c)}.${ext}";`).join("\n")}

export enum Level { Low = 1, High = ${i + 2} }

/* @chaud.hot */
export function describe(): Summary {
  return { id: ${i}, level: Level.High };
}

export class Thing {
  constructor(private readonly value: number) {}
  get doubled(): number {
    return this.value * 2;
  }
}

export const total: number = new Thing(${i}).doubled + ${children.map((_, k) => `child${k}.total`).join(" + ") || "0"};
`;
}

function writeApp(): void {
  project = createTempProject("cold-start-app");
  project.write(
    "tsconfig.json",
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", strict: true } }),
  );
  project.write("types.ts", "export interface Summary { id: number; level: number }\n");
  for (let i = 0; i < MODULES; i++) project.write(`${name(i)}.ts`, moduleSource(i));
  // The timer lets the cold start's debug line (written once the main module has loaded) out.
  project.write(
    "main.ts",
    `import { total, describe } from "./m000.js";
console.log(JSON.stringify({ total, summary: describe() }));
setTimeout(() => process.exit(0), 20);
`,
  );
}

/** The same app as ES modules (.mts), loaded through chaud's ESM hooks. */
function writeEsmApp(): void {
  project = createTempProject("cold-start-esm-app", { type: "module" });
  project.write(
    "tsconfig.json",
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", strict: true } }),
  );
  project.write("types.mts", "export interface Summary { id: number; level: number }\n");
  for (let i = 0; i < MODULES; i++) project.write(`${name(i)}.mts`, moduleSource(i, "mjs"));
  project.write(
    "main.mts",
    `import { total, describe } from "./m000.mjs";
console.log(JSON.stringify({ total, summary: describe() }));
setTimeout(() => process.exit(0), 20);
`,
  );
}

function coldRun(
  env: NodeJS.ProcessEnv,
  args = ["-r", "chaud/register", "main.ts"],
): { status: number | null; stdout: string; stderr: string; cache: TempDir } {
  const cache = createTempDir("chaud-cold-cache");
  caches.push(cache);
  const result = project.run(args, {
    CHAUD_CACHE_DIR: cache.dir,
    CHAUD_LOG: "debug",
    ...env,
  });
  return { ...result, cache };
}

/** The cache's entry files (not the start's pack, nor V8's compile cache folder). */
function entries(cache: TempDir): Record<string, string> {
  return Object.fromEntries(
    readdirSync(cache.dir)
      .filter((file) => file.endsWith(".cache"))
      .sort()
      .map((file) => [file, readFileSync(cache.path(file), "utf8")]),
  );
}

const workerCount = (stderr: string): number =>
  Number(/cold start: (\d+) files compiled on worker threads/.exec(stderr)?.[1] ?? -1);

test("workers compile part of a cold start: the same output and the same cache entries as without them", () => {
  writeApp();
  const alone = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "0" });
  const pooled = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "1" });
  expect(alone.status).toBe(0);
  expect(pooled.status).toBe(0);
  expect(pooled.stdout).toBe(alone.stdout);
  expect(JSON.parse(alone.stdout)).toEqual({ total: expect.any(Number), summary: { id: 0, level: 2 } });
  expect(workerCount(alone.stderr)).toBe(-1);
  expect(workerCount(pooled.stderr)).toBeGreaterThan(0);
  expect(entries(pooled.cache)).toEqual(entries(alone.cache));
  expect(Object.keys(entries(alone.cache))).toHaveLength(MODULES + 1);

  // A warm start, or one with a few files edited, starts no worker.
  const startAgain = () =>
    project.run(["-r", "chaud/register", "main.ts"], {
      CHAUD_CACHE_DIR: pooled.cache.dir,
      CHAUD_LOG: "debug",
      CHAUD_INTERNAL_COMPILE_WORKERS: "1",
    });
  const warm = startAgain();
  expect(warm.stdout).toBe(alone.stdout);
  expect(workerCount(warm.stderr)).toBe(-1);
  for (const i of [3, 40, 90]) project.write(`${name(i)}.ts`, `${moduleSource(i)}// edited\n`);
  const edited = startAgain();
  expect(edited.stdout).toBe(alone.stdout);
  expect(workerCount(edited.stderr)).toBe(-1);
}, 90000);

test("a compile error during a pooled cold start is thrown from its require, as without workers", () => {
  writeApp();
  // m126: a leaf of m002's subtree, which the worker is likely to meet first (the main thread
  // gets there last); whichever thread meets it, the program sees the same error.
  // (compile-pool.test.ts: what a worker does with a compile error, with no timing involved.)
  project.write("m126.ts", "export const total: number = ;\n");
  // CHAUD_LOG=warn: the debug lines (worker figures) differ, everything else must not.
  const alone = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "0", CHAUD_LOG: "warn" });
  const pooled = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "1", CHAUD_LOG: "warn" });
  expect(alone.status).not.toBe(0);
  expect(alone.stderr).toContain("m126.ts");
  expect(alone.stderr).toMatch(/Unexpected token/);
  expect(pooled.status).toBe(alone.status);
  expect(pooled.stderr).toBe(alone.stderr);
  expect(pooled.stdout).toBe(alone.stdout);
  // A program that catches the error runs on, with the same message.
  project.write(
    "main.ts",
    `declare const require: (id: string) => unknown;
try {
  require("./m000.js");
} catch (error) {
  console.log(String((error as Error).message).split("\\n")[0]);
}
setTimeout(() => process.exit(0), 20);
`,
  );
  const caught = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "0" });
  const pooledCaught = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "1" });
  expect(caught.stdout).toContain("m126.ts");
  expect(pooledCaught.stdout).toBe(caught.stdout);
}, 60000);

test("a worker that crashes mid-compile leaves its files to the main thread", () => {
  writeApp();
  const alone = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "0" });
  // m002 is the first file handed to the worker (the main thread needs it last); with no taking
  // back, the worker compiles it however slowly it starts.
  const crashed = coldRun({
    CHAUD_INTERNAL_COMPILE_WORKERS: "1",
    CHAUD_INTERNAL_COMPILE_TAKE_BACK: "0",
    CHAUD_INTERNAL_COMPILE_CRASH: `/${name(2)}.ts`,
  });
  expect(crashed.stderr).toContain("worker threads lost: 1");
  expect(crashed.status).toBe(0);
  expect(crashed.stdout).toBe(alone.stdout);
  expect(crashed.stderr).not.toContain("compile worker crash");
  expect(entries(crashed.cache)).toEqual(entries(alone.cache));
}, 60000);

test("ES modules: workers on the ESM hooks' thread give the same output and cache entries, and a crash changes nothing", () => {
  writeEsmApp();
  const args = ["--import", "chaud/register", "main.mts"];
  const alone = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "0" }, args);
  const pooled = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "1" }, args);
  const crashed = coldRun({ CHAUD_INTERNAL_COMPILE_WORKERS: "1", CHAUD_INTERNAL_COMPILE_CRASH: ".mts" }, args);
  expect(alone.status).toBe(0);
  expect(JSON.parse(alone.stdout)).toEqual({ total: expect.any(Number), summary: { id: 0, level: 2 } });
  for (const run of [pooled, crashed]) {
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(alone.stdout);
    expect(entries(run.cache)).toEqual(entries(alone.cache));
  }
  expect(Object.keys(entries(alone.cache))).toHaveLength(MODULES + 1);
}, 90000);

describe("the progress line", () => {
  /** Runs the app with stderr on a terminal (`script` gives it a pseudo-terminal). */
  function onTerminal(env: Record<string, string>): string {
    const cache = createTempDir("chaud-cold-cache");
    caches.push(cache);
    const vars = Object.entries({ CHAUD_CACHE_DIR: cache.dir, ...env })
      .map(([key, value]) => `${key}=${value}`)
      .join(" ");
    const result = spawnSync(
      "script",
      ["-qec", `env ${vars} ${process.execPath} -r chaud/register main.ts < /dev/null`, "/dev/null"],
      { cwd: project.dir, encoding: "utf8", timeout: 30000 },
    );
    return result.stdout;
  }

  const PROGRESS = new RegExp(`${ERASE.replace("[", "\\[")}chaud: compiling \\d+(/\\d+)? files…`);

  test("shows on a terminal once compiling is slow, and is erased when the program has loaded", () => {
    writeApp();
    const output = onTerminal({ CHAUD_INTERNAL_PROGRESS_MS: "0", CHAUD_LOG: "info" });
    expect(output).toMatch(PROGRESS);
    // Erased before the program's first line.
    const lastProgress = output.lastIndexOf("chaud: compiling");
    expect(output.indexOf(ERASE, lastProgress)).toBeLessThan(output.indexOf('{"total"'));
  }, 60000);

  test("is not shown on a pipe, nor when the log level hides info lines", () => {
    writeApp();
    const piped = coldRun({ CHAUD_INTERNAL_PROGRESS_MS: "0", CHAUD_LOG: "info" });
    expect(piped.stderr).not.toContain("chaud: compiling");
    const quiet = onTerminal({ CHAUD_INTERNAL_PROGRESS_MS: "0", CHAUD_LOG: "warn" });
    expect(quiet).toContain('{"total"');
    expect(quiet).not.toContain("chaud: compiling");
  }, 60000);
});
