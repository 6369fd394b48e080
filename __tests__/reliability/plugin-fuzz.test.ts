// Plugin fuzzing (issue 7): markers placed at random on the functions, classes, methods,
// bindings and statements of real npm packages' JavaScript (see ../helpers/fuzz-corpus.ts).
// For every placement:
//   - Babel never fails with anything but one of chaud's refusals: a message of the
//     plugin's own, with a code frame at a marker (a TypeError from inside the plugin, a Babel
//     internal error or a refusal without a frame fails the run);
//   - the outcome is the one the documented rules give for those places (../helpers/fuzz-sites.ts):
//     markable places are accepted, bad ones refused, never silently skipped;
//   - accepted output, loaded in place of the file, makes the package's own exports give the
//     same results on sample inputs as the untransformed package, and so do
//       - an entry module's reload: the file compiled hot-only and evaluated next to the
//         running version, whose hot functions then run the new version's code;
//       - a reload: the file and its importers evaluated again in the same registry, where
//         its hot stubs and persisted cells already exist, while the modules it requires
//         stay as they were.
//
// Deterministic: the seed is fixed unless set. To explore more, or to replay a failure
// (its message names the seed; placements only depend on seed, package and run number):
//   CHAUD_FUZZ_SEED=<n>   base seed (default 20261125)
//   CHAUD_FUZZ_RUNS=<n>   placements per package (default below)
//   CHAUD_FUZZ_SUMMARY=1  print placements, markers, accepted and refused per package
//   npx jest __tests__/reliability/plugin-fuzz.test.ts

import { readFileSync } from "node:fs";
import { collectSites, type Site } from "../helpers/fuzz-sites";
import { fuzzPackages, displayName, type FuzzPackage } from "../helpers/fuzz-corpus";
import { placeMarkers, placementSeed, Random, type Placement } from "../helpers/fuzz-placement";
import {
  compileHotOnly,
  compileWithChaud,
  differences,
  overrideOf,
  runSamples,
  SandboxGraph,
} from "../helpers/fuzz-sandbox";
import { resetRegistry } from "../helpers/compile";
import { getRegistry } from "../../runtime/registry/registry";
import { moduleKey } from "../../plugin/module-key";

const SEED = Number(process.env["CHAUD_FUZZ_SEED"] ?? 20261125);
const RUNS = process.env["CHAUD_FUZZ_RUNS"] === undefined ? null : Number(process.env["CHAUD_FUZZ_RUNS"]);
// Placements per package by default: small single-file packages need fewer to cover their sites.
// minimist's one big file is the slowest to compile, lodash's tiny modules the fastest.
const DEFAULT_RUNS: Record<string, number> = {
  semver: 600,
  "yocto-queue": 250,
  minimist: 200,
  lodash: 700,
  "change-case": 250,
};
// Generous: a package's run takes a few seconds on an idle machine, several times that on a busy one.
const PACKAGE_TIMEOUT_MS = 180_000;

// Messages chaud's plugin refuses with (plugin/classify.ts, find-markers.ts, transform-module.ts, rewrite-persist.ts).
const CHAUD_REFUSALS = [
  /^@chaud\.(hot|persist|dispose) /,
  /^Unknown chaud marker /,
  /^This @chaud\.\w+ marker /,
  /^Two marked items are named /,
  /^"[^"]*" is marked both /,
  /^chaud cannot keep writes /,
];

interface Tally {
  placements: number;
  markers: number;
  accepted: number;
  refused: number;
  /** Accepted placements whose reload results differed and could rightly differ (a persisted function). */
  reloadUnchecked: number;
}
const tallies = new Map<string, Tally>();

const packages = fuzzPackages();
const fileCache = new Map<string, { source: string; sites: Site[] }>();

function fileInfo(pkg: FuzzPackage, filename: string): { source: string; sites: Site[] } {
  let info = fileCache.get(filename);
  if (!info) {
    const source = readFileSync(filename, "utf8");
    info = { source, sites: collectSites(source, filename, pkg.esm ? "module" : "script").sites };
    fileCache.set(filename, info);
  }
  return info;
}

describe("plugin fuzz: random markers on real packages", () => {
  afterAll(() => {
    if (process.env["CHAUD_FUZZ_SUMMARY"] !== "1") return;
    const lines = [...tallies].map(
      ([name, tally]) =>
        `${name}: ${tally.placements} placements, ${tally.markers} markers, ${tally.accepted} accepted (${tally.reloadUnchecked} with a persisted function whose reload results differed), ${tally.refused} refused`,
    );
    process.stderr.write(`plugin fuzz, seed ${SEED}:\n${lines.join("\n")}\n`);
  });

  packages.forEach((pkg, pkgIndex) => {
    test(
      `${pkg.name} (${pkg.files.length} files)`,
      () => {
        if (!Number.isInteger(SEED) || (RUNS !== null && !(Number.isInteger(RUNS) && RUNS > 0)))
          throw new Error("CHAUD_FUZZ_SEED and CHAUD_FUZZ_RUNS must be integers");
        const runs = RUNS ?? DEFAULT_RUNS[pkg.name] ?? 100;
        resetRegistry();
        const baseline = runSamples(pkg.samples, new SandboxGraph(pkg, null).load);
        const tally: Tally = { placements: 0, markers: 0, accepted: 0, refused: 0, reloadUnchecked: 0 };
        tallies.set(pkg.name, tally);
        const failures: string[] = [];
        for (let run = 0; run < runs && failures.length < 5; run++) {
          const seed = placementSeed(SEED, pkgIndex, run);
          const random = new Random(seed);
          const filename = random.pick(pkg.files);
          const { source, sites } = fileInfo(pkg, filename);
          if (sites.length === 0) continue;
          const placement = placeMarkers(source, sites, random);
          tally.placements++;
          tally.markers += placement.markers.length;
          const failure = checkPlacement(pkg, filename, placement, baseline, tally);
          if (failure) failures.push(report(pkg, filename, placement, run, failure));
        }
        resetRegistry();
        expect(failures).toEqual([]);
      },
      PACKAGE_TIMEOUT_MS,
    );
  });

  // Guards the fuzzer itself: a corpus where every placement is refused (or accepted)
  // would pass while testing only half of the plugin.
  test("the placements exercise both accepted and refused markers", () => {
    for (const pkg of packages) {
      const tally = tallies.get(pkg.name);
      if (!tally) throw new Error(`${pkg.name} did not run`);
      expect({ pkg: pkg.name, acceptedShare: tally.accepted / tally.placements > 0.15 }).toEqual({
        pkg: pkg.name,
        acceptedShare: true,
      });
      expect({ pkg: pkg.name, refusedShare: tally.refused / tally.placements > 0.1 }).toEqual({
        pkg: pkg.name,
        refusedShare: true,
      });
    }
    const total = [...tallies.values()].reduce((sum, tally) => sum + tally.placements, 0);
    if (RUNS === null) expect(total).toBeGreaterThanOrEqual(1500);
  });
});

/** Compiles one placement and checks it; returns what went wrong, or null. */
function checkPlacement(
  pkg: FuzzPackage,
  filename: string,
  placement: Placement,
  baseline: Record<string, string>,
  tally: Tally,
): string | null {
  let compiled: string;
  try {
    compiled = compileWithChaud(pkg, filename, placement.source);
  } catch (error) {
    const problem = refusalProblem(error, placement.source);
    if (problem) return problem;
    tally.refused++;
    if (placement.expectation.outcome === "accept" && !isPersistWriteRefusal(error)) {
      return `refused markers the rules accept:\n${(error as Error).message}`;
    }
    return null;
  }
  tally.accepted++;
  if (placement.expectation.outcome === "refuse")
    return `accepted, but the rules refuse it (${placement.expectation.why}); output:\n${excerptAround(compiled, "_chaud")}`;

  // First evaluation in a fresh registry, then a reload: the same module graph evaluated again
  // with the registry that the first one filled.
  resetRegistry();
  try {
    const graph = new SandboxGraph(pkg, overrideOf(filename, compiled));
    const first = runSamples(pkg.samples, graph.load);
    const unregistered = missingRegistrations(pkg, filename, placement);
    if (unregistered) return `compiled, but ${unregistered} (a marker silently skipped); compiled file:\n${compiled}`;
    const firstDiff = differences(baseline, first);
    if (firstDiff) return `results differ from the untransformed package:\n${firstDiff}\ncompiled file:\n${compiled}`;
    const hotOnlyProblem = checkHotOnly(pkg, filename, placement, graph, baseline);
    if (hotOnlyProblem) return hotOnlyProblem;
    // A persisted function is the first evaluation's closure, over the first evaluation's
    // module state: after a reload it still writes there (a persisted binding keeps its
    // value), so results may rightly differ. The reload still runs; only its results go unchecked.
    const persistsAFunction = [...getRegistry().cells.values()].some((cell) => typeof cell.v === "function");
    const constants = persistedConstants(pkg, filename, placement);
    const reloaded = runSamples(pkg.samples, graph.reload(filename).load);
    const replaced = [...constants]
      .filter(([key, value]) => getRegistry().cells.get(key)?.v !== value)
      .map(([key]) => key);
    if (replaced.length > 0)
      return `a reload replaced the value of persisted const ${replaced.join(", ")} (the initializer runs once per process); compiled file:\n${compiled}`;
    const reloadDiff = differences(baseline, reloaded);
    if (reloadDiff && persistsAFunction) {
      tally.reloadUnchecked++;
      return null;
    }
    if (reloadDiff)
      return `results differ after a reload (second evaluation, same registry):\n${reloadDiff}\ncompiled file:\n${compiled}`;
  } finally {
    resetRegistry();
  }
  return null;
}

/**
 * The file as the runtime reloads an entry module (its hot functions take the new
 * code, its top-level code does not run again): compiled in hot-only mode and evaluated next
 * to the running version, whose exports must then still give the untransformed results.
 */
function checkHotOnly(
  pkg: FuzzPackage,
  filename: string,
  placement: Placement,
  graph: SandboxGraph,
  baseline: Record<string, string>,
): string | null {
  let compiled: string;
  try {
    compiled = compileHotOnly(pkg, filename, placement.source);
  } catch (error) {
    return `compiles, but not in hot-only mode (an entry module's reload):\n${(error as Error).stack ?? String(error)}`;
  }
  try {
    graph.evaluateAlongside(filename, compiled);
  } catch (error) {
    return `the hot-only version throws when evaluated:\n${(error as Error).stack ?? String(error)}\nhot-only file:\n${compiled}`;
  }
  const diff = differences(baseline, runSamples(pkg.samples, graph.load));
  return diff
    ? `results differ after a hot-only reload (the entry module's hot functions updated):\n${diff}\nhot-only file:\n${compiled}`
    : null;
}

/**
 * Every item the rules say a marker makes hot, persisted or disposable must be in the registry
 * once the module has been evaluated: an accepted marker that the output ignores is a silent
 * skip. Returns what is missing, or null.
 */
function missingRegistrations(pkg: FuzzPackage, filename: string, placement: Placement): string | null {
  if (placement.expectation.outcome === "refuse") return null;
  const registry = getRegistry();
  const key = moduleKey(filename, pkg.root);
  const missing: string[] = [];
  let disposers = 0;
  for (const target of placement.expectation.targets) {
    if (target.kind === "dispose") disposers++;
    else if (
      target.kind === "hot" &&
      !registry.hot.has(`${key}#${target.name}`) &&
      !registry.classes.has(`${key}#${target.name}`)
    )
      missing.push(`hot "${key}#${target.name}"`);
    else if (target.kind === "persist" && !registry.cells.has(`${key}#${target.name}`))
      missing.push(`persisted "${key}#${target.name}"`);
  }
  const registeredDisposers = registry.modules.get(key)?.disposers.length ?? 0;
  if (registeredDisposers !== disposers)
    missing.push(`${disposers} dispose function(s), ${registeredDisposers} registered`);
  return missing.length > 0 ? `the registry lacks ${missing.join(", ")}` : null;
}

/** Registry key → value of each persisted `const` the placement marks, as the first evaluation left it. */
function persistedConstants(pkg: FuzzPackage, filename: string, placement: Placement): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (placement.expectation.outcome === "refuse") return values;
  const key = moduleKey(filename, pkg.root);
  for (const target of placement.expectation.targets) {
    if (target.kind === "persist" && target.constant)
      values.set(`${key}#${target.name}`, getRegistry().cells.get(`${key}#${target.name}`)?.v);
  }
  return values;
}

/** Why an error is not one of chaud's refusals, or null when it is one. */
function refusalProblem(error: unknown, source: string): string | null {
  if (!(error instanceof Error)) return `threw a non-Error: ${String(error)}`;
  const message = error.message;
  // Babel prefixes the file name: "<filename>: <message>\n<code frame>".
  const text = message.replace(/^[^\n]*?\.m?js: /, "");
  if (!CHAUD_REFUSALS.some((pattern) => pattern.test(text)))
    return `failed with an error that is not a chaud refusal:\n${error.stack ?? message}`;
  const frame = /^>\s*(\d+)\s*\|/m.exec(message);
  if (!frame) return `refused without a code frame:\n${message}`;
  const line = Number(frame[1]);
  if (!isPersistWriteRefusal(error) && !nearMarker(source, line))
    return `the code frame points at line ${line}, away from every marker:\n${message}`;
  return null;
}

const isPersistWriteRefusal = (error: unknown): boolean =>
  error instanceof Error && / chaud cannot keep writes /.test(` ${error.message.replace(/^[^\n]*?: /, "")}`);

/** Whether `line` (1-based) holds a marker or is one of the three lines after one (a JSDoc end, then the item). */
function nearMarker(source: string, line: number): boolean {
  const lines = source.split("\n");
  for (let index = Math.max(0, line - 4); index < line; index++) if (lines[index]?.includes("@chaud")) return true;
  return false;
}

const clip = (text: string, max = 600): string => (text.length > max ? `${text.slice(0, max)}…` : text);

function excerptAround(code: string, needle: string): string {
  const lines = code.split("\n");
  const hits = lines.flatMap((line, index) => (line.includes(needle) ? [index] : []));
  const keep = new Set(hits.flatMap((index) => [index - 2, index - 1, index, index + 1, index + 2]));
  return lines
    .map((line, index) => (keep.has(index) ? `${index + 1}: ${line}` : null))
    .filter((line) => line !== null)
    .join("\n");
}

function report(pkg: FuzzPackage, filename: string, placement: Placement, run: number, failure: string): string {
  const markers = placement.markers
    .map((marker) => `  line ${marker.site.line}: ${marker.text.trim()} before ${marker.site.type}`)
    .join("\n");
  return [
    `${displayName(pkg, filename)}, run ${run} (replay: CHAUD_FUZZ_SEED=${SEED} CHAUD_FUZZ_RUNS=${run + 1} npx jest __tests__/reliability/plugin-fuzz.test.ts -t "${pkg.name} ")`,
    `expected: ${placement.expectation.outcome}${"why" in placement.expectation ? ` (${placement.expectation.why})` : ""}`,
    `markers:\n${markers}`,
    `marked source:\n${excerptAround(placement.source, "@chaud")}`,
    clip(failure, 6000),
  ].join("\n");
}
