// chaudTsJest(): ts-jest with chaud's plugin in its babelConfig, in real Jest runs on a
// throwaway project whose tsconfig removes comments and whose babel.config.js lists the
// plugin too (with the flag left to CHAUD_HOT, the setup that served stale output before).
// Under Jest 30 and Jest 29 (ts-jest 29 with each), and with TypeScript 5.9 (this checkout's)
// and 5.0, the oldest 5.x (CHAUD_TEST_JEST29 and CHAUD_TEST_TS50, see ../helpers/jest-project.ts).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { jestInstall, linkPackages, runJest, typescript50, type JestMajor } from "../helpers/jest-project";
import { createTempProject, type TempProject } from "../helpers/temp-project";

const COUNTER = `/* @chaud.hot */
export class Counter {
  count = 0;
  step(): number {
    this.count += 1;
    return this.count;
  }
}

/* @chaud.persist */
const steps: number[] = [];

/* @chaud.persist */
export let advances = 0;

/* @chaud.hot */
export function advance(counter: Counter): number {
  advances++;
  steps.push(counter.step());
  return steps.length;
}

/* @chaud.hot */
export function total(): number {
  return steps.reduce((sum, step) => sum + step, 0);
}
`;

const LIVE_TEST = `
import { editFile } from "chaud/jest";
import { advance, advances, Counter, total } from "../src/counter";

test("an instance made before the edit runs the new method, and persisted state stays", async () => {
  const counter = new Counter();
  expect(advance(counter)).toBe(1);
  const outcome = await editFile("../src/counter.ts", (source) => source.replace("this.count += 1", "this.count += 100"));
  expect(outcome.kind).toBe("reloaded");
  expect(counter).toBeInstanceOf(Counter);
  expect(advance(counter)).toBe(2);
  expect(total()).toBe(1 + 101);
  // An exported persisted let (TypeScript emits \`exports.advances = 0\`) kept its count.
  expect(advances).toBe(2);
});

test("the next test runs the original code", () => {
  expect(new Counter().step()).toBe(1);
});
`;

const PROBE_TEST = `
import { getRegistry } from "chaud/registry";
import { total } from "../src/counter";

declare const process: { env: Record<string, string | undefined> }; // no @types/node: it makes type-checking slow
const hot = process.env.CHAUD_HOT === "1";

test("the plugin is " + (hot ? "on" : "off") + ", as CHAUD_HOT says", () => {
  expect(total()).toBe(0);
  expect(getRegistry().modules.size > 0).toBe(hot);
});
`;

let project: TempProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

// The TypeScript ts-jest compiles with: the one installed next to that ts-jest (5.9), or
// TypeScript 5.0 given as ts-jest's `compiler` option.
const SETUPS: Array<{ jest: JestMajor; typescript: "5.9" | "5.0" }> = [
  { jest: 30, typescript: "5.9" },
  { jest: 29, typescript: "5.9" },
  { jest: 30, typescript: "5.0" },
];

test.each(SETUPS)(
  "Jest $jest, TypeScript $typescript: live tests pass under ts-jest, comments survive removeComments, and CHAUD_HOT flips never serve stale output",
  ({ jest: major, typescript }) => {
    const jest = jestInstall(major);
    project = createTempProject("ts-jest-app");
    const { dir, write } = project;
    // TypeScript 5.0 through a module that records the version ts-jest loaded.
    const compiler = typescript === "5.0" ? join(dir, "typescript-5.0.js") : null;
    if (compiler)
      write(
        "typescript-5.0.js",
        `const ts = require(${JSON.stringify(typescript50())});\nrequire("node:fs").writeFileSync(__dirname + "/.typescript-version", ts.version);\nmodule.exports = ts;\n`,
      );
    linkPackages(dir, ["ts-jest", "typescript", "babel-jest"], jest.modules);
    linkPackages(dir, ["@types/jest"]);
    const tsJestOptions = JSON.stringify({ babelConfig: true, ...(compiler ? { compiler } : {}) });
    write(
      "jest.config.js",
      `const { chaudTsJest } = require("chaud/jest");
module.exports = { testEnvironment: "node", transform: { "^.+\\\\.tsx?$": chaudTsJest(${tsJestOptions}, { rootDir: __dirname }) } };
`,
    );
    write("babel.config.js", `module.exports = { plugins: ["chaud/babel"] };\n`);
    write(
      "tsconfig.json",
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "ES2022",
          moduleResolution: "bundler",
          strict: true,
          esModuleInterop: true,
          removeComments: true,
          types: ["jest"],
        },
      }),
    );
    write("src/counter.ts", COUNTER);
    write("__tests__/live.test.ts", LIVE_TEST);
    write("__tests__/probe.test.ts", PROBE_TEST);

    const on = runJest(dir, { env: { CHAUD_HOT: "1" }, jestBin: jest.bin });
    expect(on.results.success ? on.tests : on.report).toEqual({
      "an instance made before the edit runs the new method, and persisted state stays": "passed",
      "the next test runs the original code": "passed",
      "the plugin is on, as CHAUD_HOT says": "passed",
    });
    expect(on.stderr).toContain(
      `[chaud] ${join(dir, "tsconfig.json")} sets removeComments: true, which deletes chaud's markers.`,
    );
    expect(on.results.openHandles).toEqual([]);
    expect(readFileSync(join(dir, "src/counter.ts"), "utf8")).toBe(COUNTER);

    if (compiler) expect(readFileSync(join(dir, ".typescript-version"), "utf8")).toMatch(/^5\.0\./);

    const off = runJest(dir, { args: ["probe"], jestBin: jest.bin });
    expect(off.results.success ? off.tests : off.report).toEqual({ "the plugin is off, as CHAUD_HOT says": "passed" });
    expect(off.results.openHandles).toEqual([]);
  },
  90000,
);
