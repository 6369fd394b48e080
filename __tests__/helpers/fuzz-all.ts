// The plugin fuzzer's checks in mode "all" (plugin-fuzz-all.test.ts): one compiled version of
// a package file, loaded in place of the file, must register every item the rules make hot and
// give the untransformed package's results, at first, after an entry module's hot-only reload
// and after a reload of the file and its importers.

import { relative } from "node:path";
import { getRegistry } from "../../runtime/registry/registry";
import { moduleKey } from "../../plugin/module-key";
import { resetRegistry } from "./compile";
import type { FuzzPackage } from "./fuzz-corpus";
import { compileHotOnly, differences, overrideOf, runSamples, SandboxGraph } from "./fuzz-sandbox";

/** What the registry must hold once the file has run: names of hot items and persisted cells. */
export interface ExpectedEntries {
  hot: string[];
  persisted: string[];
}

/**
 * Loads `compiled` in place of `filename` and checks it; returns what went wrong, or null.
 * `source` is what was compiled (the hot-only version is compiled from it). A persisted
 * function keeps the first evaluation's closure, so where one exists, results after a reload
 * may rightly differ and are not compared.
 */
export function checkCompiled(
  pkg: FuzzPackage,
  filename: string,
  source: string,
  compiled: string,
  expected: ExpectedEntries,
  baseline: Record<string, string>,
): string | null {
  resetRegistry();
  try {
    const graph = new SandboxGraph(pkg, overrideOf(filename, compiled));
    const first = runSamples(pkg.samples, graph.load);
    // The samples may not reach every file: load it for the registry check.
    graph.load(relative(pkg.root, filename));
    const missing = missingEntries(pkg, filename, expected);
    if (missing.length > 0) return `the registry lacks ${missing.join(", ")}; compiled file:\n${compiled}`;
    const firstDiff = differences(baseline, first);
    if (firstDiff) return `results differ from the untransformed package:\n${firstDiff}\ncompiled file:\n${compiled}`;

    let hotOnly: string;
    try {
      hotOnly = compileHotOnly(pkg, filename, source, "all");
      graph.evaluateAlongside(filename, hotOnly);
    } catch (error) {
      return `the hot-only version fails:\n${(error as Error).stack ?? String(error)}`;
    }
    const hotOnlyDiff = differences(baseline, runSamples(pkg.samples, graph.load));
    if (hotOnlyDiff) return `results differ after a hot-only reload:\n${hotOnlyDiff}\nhot-only file:\n${hotOnly}`;

    const persistsAFunction = [...getRegistry().cells.values()].some((cell) => typeof cell.v === "function");
    const reloadDiff = differences(baseline, runSamples(pkg.samples, graph.reload(filename).load));
    if (reloadDiff && !persistsAFunction)
      return `results differ after a reload (second evaluation, same registry):\n${reloadDiff}\ncompiled file:\n${compiled}`;
    return null;
  } finally {
    resetRegistry();
  }
}

function missingEntries(pkg: FuzzPackage, filename: string, expected: ExpectedEntries): string[] {
  const registry = getRegistry();
  const key = moduleKey(filename, pkg.root);
  return [
    ...expected.hot
      .filter((name) => !registry.hot.has(`${key}#${name}`) && !registry.classes.has(`${key}#${name}`))
      .map((name) => `hot "${key}#${name}"`),
    ...expected.persisted
      .filter((name) => !registry.cells.has(`${key}#${name}`))
      .map((name) => `persisted "${key}#${name}"`),
  ];
}
