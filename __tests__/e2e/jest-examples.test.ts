// examples/jest and examples/ts-jest pass as their READMEs say, run from temporary copies (the
// checked-in examples are never modified) with their dev dependencies linked from this
// checkout; chaud/jest's published types need neither @types/node nor Jest's types.
//
// Jest 29: set CHAUD_TEST_JEST29 to a node_modules folder holding jest@29 and babel-jest@29
// (`npm install jest@29 babel-jest@29` in an empty folder) to run the examples with it too.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { linkPackages, runJest } from "../helpers/jest-project";
import { copyExample as copyPlainExample, removeExampleCopies, removeWithCopies } from "../helpers/examples";
import { createTempProject, REPO_ROOT } from "../helpers/temp-project";

afterEach(removeExampleCopies);

/** A copy of examples/<name> with its other dev dependencies linked from this checkout, or from `from`. */
function copyExample(name: string, from?: { dir: string; packages: string[] }): string {
  const dir = copyPlainExample(name);
  const devDependencies = Object.keys((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies);
  const mine = devDependencies.filter((dependency) => dependency !== "chaud" && !from?.packages.includes(dependency));
  linkPackages(dir, mine);
  if (from) linkPackages(dir, from.packages, from.dir);
  return dir;
}

const EXPECTED = {
  jest: {
    "greet() runs the edited code, and the visit count carries on": "passed",
    "each test starts from the original code; persisted state lasts for the test file": "passed",
    "editing a constant greeter.ts imports re-evaluates greeter.ts, keeping its state": "passed",
  },
  "ts-jest": {
    "an instance made before the edit runs the edited method; the readings stay": "passed",
    "the next test runs the original code again": "passed",
  },
} as const;

test.each(["jest", "ts-jest"] as const)("examples/%s: the live tests pass and leave the sources as they were", (name) => {
  const dir = copyExample(name);
  const sources = readFileSync(join(dir, "src", name === "jest" ? "greeter.ts" : "thermostat.ts"), "utf8");

  const run = runJest(dir);

  expect(run.results.success ? run.tests : run.report).toEqual(EXPECTED[name]);
  expect(run.results.openHandles).toEqual([]);
  expect(readFileSync(join(dir, "src", name === "jest" ? "greeter.ts" : "thermostat.ts"), "utf8")).toBe(sources);
}, 90000);

const jest29 = process.env["CHAUD_TEST_JEST29"];
(jest29 ? test : test.skip)("examples/jest under Jest 29: live tests pass, but an edited import does not reach its importers", () => {
  const dir = copyExample("jest", { dir: jest29 ?? "", packages: ["jest", "babel-jest"] });

  const run = runJest(dir, { jestBin: join(jest29 ?? "", "jest/bin/jest.js") });

  // Jest 29 does not record which module required which (module.children), so chaud cannot
  // know greeter.ts imports punctuation.ts.
  expect(run.tests).toEqual({ ...EXPECTED.jest, "editing a constant greeter.ts imports re-evaluates greeter.ts, keeping its state": "failed" });
  expect(run.results.openHandles).toEqual([]);
}, 90000);

test("chaud/jest's types work without @types/node or Jest's types, from CommonJS and ESM", () => {
  const project = createTempProject("typed-jest-consumer");
  removeWithCopies(project.dir);
  project.write("tsconfig.json", JSON.stringify({ compilerOptions: { strict: true, exactOptionalPropertyTypes: true, module: "node16", moduleResolution: "node16", noEmit: true, skipLibCheck: false, types: [] }, include: ["*.ts", "*.mts"] }));
  const usage = `
    async function live(): Promise<void> {
      const outcome: ReloadOutcome = await editFile("../src/a.ts", (source: string) => source.replace("1", "2"), { timeout: 1000 });
      if (outcome.kind === "reloaded") { const files: string[] = outcome.files; void files; }
      await nextReload({ timeout: 500 });
      await restoreEditedFiles();
    }
    const transformer = createTransformer({ enabled: true });
    const config: [string, unknown] = chaudTsJest({ tsconfig: "tsconfig.json" }, { enabled: true });
    void live; void transformer; void config;
  `;
  project.write("use.ts", `import { createTransformer, chaudTsJest, editFile, nextReload, restoreEditedFiles, type ReloadOutcome } from "chaud/jest";\n${usage}`);
  project.write("use.mts", `import { createTransformer, chaudTsJest, editFile, nextReload, restoreEditedFiles, type ReloadOutcome } from "chaud/jest";\n${usage}`);
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", project.dir], { encoding: "utf8" });
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.status).toBe(0);
}, 60000);
