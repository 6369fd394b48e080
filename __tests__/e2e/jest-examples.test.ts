// examples/jest and examples/ts-jest pass as their READMEs say, under Jest 30 and Jest 29, run
// from temporary copies (the checked-in examples are never modified) with their dev
// dependencies linked from this checkout, and jest, babel-jest and ts-jest from the Jest under
// test (Jest 29: CHAUD_TEST_JEST29, see ../helpers/jest-project.ts); chaud/jest's published
// types need neither @types/node nor Jest's types.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  JEST_MAJORS,
  jestInstall,
  linkPackages,
  runJest,
  type JestInstall,
  type JestMajor,
} from "../helpers/jest-project";
import { copyExample as copyPlainExample, removeExampleCopies, removeWithCopies } from "../helpers/examples";
import { createTempProject, REPO_ROOT } from "../helpers/temp-project";

afterEach(removeExampleCopies);

const JEST_PACKAGES = ["jest", "babel-jest", "ts-jest"];

/** A copy of examples/<name> with jest, babel-jest and ts-jest linked from `jest`, its other dev dependencies from this checkout. */
function copyExample(name: string, jest: JestInstall): string {
  const dir = copyPlainExample(name);
  const devDependencies = Object.keys(
    (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { devDependencies: Record<string, string> })
      .devDependencies,
  );
  linkPackages(
    dir,
    devDependencies.filter((dependency) => dependency !== "chaud" && !JEST_PACKAGES.includes(dependency)),
  );
  linkPackages(
    dir,
    devDependencies.filter((dependency) => JEST_PACKAGES.includes(dependency)),
    jest.modules,
  );
  return dir;
}

const EXPECTED_JEST30 = {
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

const EXPECTED: Record<JestMajor, Record<"jest" | "ts-jest", Record<string, string>>> = {
  30: EXPECTED_JEST30,
  // Jest 29 does not record which module required which (module.children), so chaud cannot
  // know greeter.ts imports punctuation.ts: an edited import does not reach its importers (as
  // the README says).
  29: {
    jest: {
      ...EXPECTED_JEST30.jest,
      "editing a constant greeter.ts imports re-evaluates greeter.ts, keeping its state": "failed",
    },
    "ts-jest": EXPECTED_JEST30["ts-jest"],
  },
};

describe.each(JEST_MAJORS)("Jest %i", (major) => {
  test.each(["jest", "ts-jest"] as const)(
    "examples/%s: the live tests pass and leave the sources as they were",
    (name) => {
      const jest = jestInstall(major);
      const dir = copyExample(name, jest);
      const sourceFile = join(dir, "src", name === "jest" ? "greeter.ts" : "thermostat.ts");
      const sources = readFileSync(sourceFile, "utf8");

      const run = runJest(dir, { jestBin: jest.bin });

      const allPass = Object.values(EXPECTED[major][name]).every((status) => status === "passed");
      expect(allPass && !run.results.success ? run.report : run.tests).toEqual(EXPECTED[major][name]);
      expect(run.results.numRuntimeErrorTestSuites).toBe(0);
      expect(run.results.openHandles).toEqual([]);
      expect(readFileSync(sourceFile, "utf8")).toBe(sources);
    },
    90000,
  );
});

test("chaud/jest's types work without @types/node or Jest's types, from CommonJS and ESM", () => {
  const project = createTempProject("typed-jest-consumer");
  removeWithCopies(project);
  project.write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        module: "node16",
        moduleResolution: "node16",
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      include: ["*.ts", "*.mts"],
    }),
  );
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
  project.write(
    "use.ts",
    `import { createTransformer, chaudTsJest, editFile, nextReload, restoreEditedFiles, type ReloadOutcome } from "chaud/jest";\n${usage}`,
  );
  project.write(
    "use.mts",
    `import { createTransformer, chaudTsJest, editFile, nextReload, restoreEditedFiles, type ReloadOutcome } from "chaud/jest";\n${usage}`,
  );
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", project.dir], {
    encoding: "utf8",
  });
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.status).toBe(0);
}, 60000);
