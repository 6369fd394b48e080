// Real Jest runs on throwaway projects, for the chaud/jest tests: a temporary project (see
// temp-project.ts) with packages linked from this checkout's node_modules, and a child `jest`
// run with `--detectOpenHandles` and a JSON report, under Jest 30 (this checkout's) or Jest 29.
//
// Jest 29, and TypeScript 5.0 (the oldest 5.x) for ts-jest, come from node_modules folders
// named by CHAUD_TEST_JEST29 and CHAUD_TEST_TS50, which `npm test` installs into a cache folder
// on its first run (see ../test-extras.js). If that install failed, the tests that need them
// fail, saying how to install them: a skipped compatibility test would pass unnoticed.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./temp-project";

const { installCommand } = require("../test-extras") as { installCommand(name: string): string };

export const JEST_BIN = join(REPO_ROOT, "node_modules/jest/bin/jest.js");

export type JestMajor = 29 | 30;
/** Every Jest major chaud/jest is tested with. */
export const JEST_MAJORS: readonly JestMajor[] = [30, 29];

/** Where one Jest major's packages (jest, babel-jest, ts-jest) are. */
export interface JestInstall {
  major: JestMajor;
  /** The jest.js to run. */
  bin: string;
  /** The node_modules folder to link jest, babel-jest and ts-jest from. */
  modules: string;
}

/** Jest 30 from this checkout, or Jest 29 from CHAUD_TEST_JEST29 (an error saying how to set it if absent). */
export function jestInstall(major: JestMajor): JestInstall {
  if (major === 30) return { major, bin: JEST_BIN, modules: join(REPO_ROOT, "node_modules") };
  const modules = requiredModules("CHAUD_TEST_JEST29", "jest29", {
    jest: "29.",
    "babel-jest": "29.",
    "ts-jest": "29.",
    typescript: "5.",
  });
  return { major, bin: join(modules, "jest/bin/jest.js"), modules };
}

/** The folder of TypeScript 5.0 (CHAUD_TEST_TS50), for ts-jest's `compiler` option. */
export function typescript50(): string {
  return join(requiredModules("CHAUD_TEST_TS50", "typescript50", { typescript: "5.0." }), "typescript");
}

/** `variable`'s node_modules folder, checked to hold `packages` at the given version prefixes. */
function requiredModules(variable: string, folder: string, packages: Record<string, string>): string {
  const modules = process.env[variable];
  const how = `Install once with \`${installCommand(folder)}\` and set ${variable} to its node_modules folder (npm test tries that itself on its first run).`;
  if (!modules) throw new Error(`${variable} is not set. ${how}`);
  for (const [name, versionPrefix] of Object.entries(packages)) {
    let version: string;
    try {
      version = (JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")) as { version: string }).version;
    } catch {
      throw new Error(`${variable}=${modules} holds no ${name}. ${how}`);
    }
    if (!version.startsWith(versionPrefix))
      throw new Error(`${variable}=${modules} holds ${name} ${version}, not ${versionPrefix}x. ${how}`);
  }
  return modules;
}

/** Links `node_modules/<name>` of `dir` to the package of that name in `from` (default: this checkout's node_modules). */
export function linkPackages(dir: string, names: string[], from = join(REPO_ROOT, "node_modules")): void {
  for (const name of names) {
    const target = join(dir, "node_modules", name);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(from, name), target, "dir");
  }
}

export interface AssertionResult {
  title: string;
  fullName: string;
  status: "passed" | "failed" | "pending" | "todo" | "skipped" | "disabled";
  failureMessages: string[];
}

export interface JestResults {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  numFailedTestSuites: number;
  numRuntimeErrorTestSuites: number;
  openHandles: unknown[];
  testResults: Array<{ name: string; status: string; message: string; assertionResults: AssertionResult[] }>;
}

export interface JestRun {
  status: number | null;
  stdout: string;
  stderr: string;
  results: JestResults;
  /** Test title → status, over every test file. */
  tests: Record<string, AssertionResult["status"]>;
  /** What went wrong, for failing expectations: stderr and every failure message. */
  report: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Extra arguments, e.g. a test path pattern. */
  args?: string[];
  /** The jest.js to run (another Jest version); default this checkout's. */
  jestBin?: string;
}

/**
 * Runs Jest on the project in `dir` (its jest.config.js), in band with `--detectOpenHandles`,
 * with a cache folder inside the project (so two runs share it and no other run does).
 * chaud's and Jest's own environment variables of the parent run are not passed on.
 */
export function runJest(dir: string, options: RunOptions = {}): JestRun {
  const output = join(dir, ".jest-results.json");
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(CHAUD_|JEST_|NODE_ENV$|BABEL_ENV$)/.test(name)) env[name] = value;
  }
  Object.assign(env, options.env);
  const args = [
    options.jestBin ?? JEST_BIN,
    "--rootDir",
    dir,
    "--config",
    join(dir, "jest.config.js"),
    "--cacheDirectory",
    join(dir, ".jest-cache"),
    "--detectOpenHandles",
    "--ci",
    "--json",
    "--outputFile",
    output,
    ...(options.args ?? []),
  ];
  const child = spawnSync(process.execPath, args, { cwd: dir, env, encoding: "utf8", timeout: 60000 });
  let results: JestResults;
  try {
    results = JSON.parse(readFileSync(output, "utf8")) as JestResults;
  } catch {
    throw new Error(
      `jest wrote no results (exit ${child.status}, signal ${child.signal})\nstdout:\n${child.stdout}\nstderr:\n${child.stderr}`,
    );
  }
  const tests: JestRun["tests"] = {};
  const failures: string[] = [];
  for (const file of results.testResults) {
    if (file.message) failures.push(`${file.name}: ${file.message}`);
    for (const test of file.assertionResults) {
      tests[test.title] = test.status;
      failures.push(...test.failureMessages.map((message) => `${test.fullName}: ${message}`));
    }
  }
  return {
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
    results,
    tests,
    report: `stderr:\n${child.stderr}\nfailures:\n${failures.join("\n")}`,
  };
}
