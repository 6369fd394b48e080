// chaudTsJest(): ts-jest with chaud's plugin in its babelConfig, in real Jest runs on a
// throwaway project whose tsconfig removes comments and whose babel.config.js lists the
// plugin too (with the flag left to CHAUD_HOT, the setup that served stale output before).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { linkPackages, runJest } from "../helpers/jest-project";
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

test("live tests pass under ts-jest, comments survive removeComments, and CHAUD_HOT flips never serve stale output", () => {
  project = createTempProject("ts-jest-app");
  const { dir, write } = project;
  linkPackages(dir, ["ts-jest", "typescript", "babel-jest", "@types/jest"]);
  write("jest.config.js", `const { chaudTsJest } = require("chaud/jest");
module.exports = { testEnvironment: "node", transform: { "^.+\\\\.tsx?$": chaudTsJest({ babelConfig: true }, { rootDir: __dirname }) } };
`);
  write("babel.config.js", `module.exports = { plugins: ["chaud/babel"] };\n`);
  write("tsconfig.json", JSON.stringify({ compilerOptions: { target: "ES2022", module: "ES2022", moduleResolution: "bundler", strict: true, esModuleInterop: true, removeComments: true, types: ["jest"] } }));
  write("src/counter.ts", COUNTER);
  write("__tests__/live.test.ts", LIVE_TEST);
  write("__tests__/probe.test.ts", PROBE_TEST);

  const on = runJest(dir, { env: { CHAUD_HOT: "1" } });
  expect(on.results.success ? on.tests : on.report).toEqual({
    "an instance made before the edit runs the new method, and persisted state stays": "passed",
    "the next test runs the original code": "passed",
    "the plugin is on, as CHAUD_HOT says": "passed",
  });
  expect(on.stderr).toContain(`[chaud] ${join(dir, "tsconfig.json")} sets removeComments: true, which deletes chaud's markers.`);
  expect(on.results.openHandles).toEqual([]);
  expect(readFileSync(join(dir, "src/counter.ts"), "utf8")).toBe(COUNTER);

  const off = runJest(dir, { args: ["probe"] });
  expect(off.results.success ? off.tests : off.report).toEqual({ "the plugin is off, as CHAUD_HOT says": "passed" });
  expect(off.results.openHandles).toEqual([]);
}, 90000);
