// Plugin fuzzing in mode "all" (plugin-fuzz.test.ts fuzzes mode "marked"), on the same real
// npm packages (../helpers/fuzz-corpus.ts) and on the corpus of __tests__/corpus:
//   - every package file compiles in mode "all" without a marker and without an error; loaded
//     in place of the file, it registers every item the README's rules make hot
//     (../helpers/fuzz-implicit.ts), and the package's sample calls give the untransformed
//     results, also after an entry module's hot-only reload and after a reload of the file
//     and its importers (../helpers/fuzz-all.ts);
//   - random markers placed as plugin-fuzz.test.ts places them are accepted or refused in
//     mode "all" as in mode "marked", and accepted placements pass the same checks, with the
//     marked items registered as their markers say;
//   - every corpus file compiles in mode "all", and those that can run here export the same
//     names, kinds and function names and lengths as without chaud, before and after a reload.
//
//   CHAUD_FUZZ_SEED=<n>   base seed of the random markers (default 20261125)
//   npx jest __tests__/reliability/plugin-fuzz-all.test.ts

import { transformSync, type PluginItem } from "@babel/core";
import { readFileSync } from "node:fs";
import chaudPlugin from "../../plugin/index";
import { moduleKey } from "../../plugin/module-key";
import { getRegistry } from "../../runtime/registry/registry";
import { checkCompiled, type ExpectedEntries } from "../helpers/fuzz-all";
import { fuzzPackages, displayName, type FuzzPackage } from "../helpers/fuzz-corpus";
import { implicitNames } from "../helpers/fuzz-implicit";
import { placeMarkers, placementSeed, Random, type Placement } from "../helpers/fuzz-placement";
import { compileWithChaud, runSamples, SandboxGraph } from "../helpers/fuzz-sandbox";
import { collectSites } from "../helpers/fuzz-sites";
import { resetRegistry } from "../helpers/compile";
import { optionsFor, readCorpus, type CorpusFile } from "../helpers/corpus";
import { evaluateCorpusFile, evaluationBlocker, surface } from "../helpers/corpus-evaluate";

const SEED = Number(process.env["CHAUD_FUZZ_SEED"] ?? 20261125);
/** Random placements per package: a quarter of what the marked fuzzer runs. */
const PLACEMENTS: Record<string, number> = {
  semver: 150,
  "yocto-queue": 60,
  minimist: 50,
  lodash: 175,
  "change-case": 60,
};
const PACKAGE_TIMEOUT_MS = 180_000;
const packages = fuzzPackages();

const parseOptions = (pkg: FuzzPackage, filename: string) =>
  ({ babelrc: false, configFile: false, filename, sourceType: pkg.esm ? "module" : "script" }) as const;

function baselineOf(pkg: FuzzPackage): Record<string, string> {
  resetRegistry();
  return runSamples(pkg.samples, new SandboxGraph(pkg, null).load);
}

describe('plugin fuzz in mode "all": real packages without markers', () => {
  const kinds = new Map<string, number>();
  packages.forEach((pkg) => {
    test(
      `${pkg.name} (${pkg.files.length} files)`,
      () => {
        const baseline = baselineOf(pkg);
        const failures: string[] = [];
        for (const filename of pkg.files) {
          const source = readFileSync(filename, "utf8");
          const hot = implicitNames(source, parseOptions(pkg, filename));
          for (const name of hot) kinds.set(kindOf(name), (kinds.get(kindOf(name)) ?? 0) + 1);
          let compiled: string;
          try {
            compiled = compileWithChaud(pkg, filename, source, "all");
          } catch (error) {
            failures.push(`${displayName(pkg, filename)}: refused without a marker:\n${(error as Error).stack}`);
            continue;
          }
          const failure = checkCompiled(pkg, filename, source, compiled, { hot, persisted: [] }, baseline);
          if (failure) failures.push(`${displayName(pkg, filename)}: ${failure.slice(0, 6000)}`);
          if (failures.length >= 5) break;
        }
        expect(failures).toEqual([]);
      },
      PACKAGE_TIMEOUT_MS,
    );
  });

  // Guards the corpus: it must hold items of every kind that needs no call or object to be hot.
  test("the packages hold functions, consts, classes and CommonJS exports made hot", () => {
    for (const kind of ["function or const", "class or default", "CommonJS export"])
      expect({ kind, count: (kinds.get(kind) ?? 0) > 0 }).toEqual({ kind, count: true });
  });
});

function kindOf(name: string): string {
  if (name.includes("#")) return "callback";
  if (name.startsWith("exports.") || name.startsWith("default.")) return "object member";
  if (name === "module.exports") return "CommonJS export";
  return /^[A-Z]/.test(name) || name === "default" ? "class or default" : "function or const";
}

describe('plugin fuzz in mode "all": random markers on real packages', () => {
  const outcomes = new Map<string, { accepted: number; refused: number }>();
  packages.forEach((pkg, pkgIndex) => {
    test(
      `${pkg.name}`,
      () => {
        const baseline = baselineOf(pkg);
        const failures: string[] = [];
        const runs = PLACEMENTS[pkg.name] ?? 50;
        const tally = { accepted: 0, refused: 0 };
        outcomes.set(pkg.name, tally);
        for (let run = 0; run < runs && failures.length < 5; run++) {
          const random = new Random(placementSeed(SEED, pkgIndex, run));
          const filename = random.pick(pkg.files);
          const source = readFileSync(filename, "utf8");
          const { sites } = collectSites(source, filename, pkg.esm ? "module" : "script");
          if (sites.length === 0) continue;
          const placement = placeMarkers(source, sites, random);
          const failure = checkPlacement(pkg, filename, placement, baseline, tally);
          if (failure)
            failures.push(
              `${displayName(pkg, filename)}, run ${run} (seed ${SEED}), expected ${placement.expectation.outcome}:\n${failure.slice(0, 6000)}`,
            );
        }
        expect(failures).toEqual([]);
      },
      PACKAGE_TIMEOUT_MS,
    );
  });

  // Guards the fuzzer: placements that were all refused (or all accepted) would test half of it.
  test("the placements exercise both accepted and refused markers", () => {
    for (const pkg of packages) {
      const tally = outcomes.get(pkg.name);
      expect({ pkg: pkg.name, both: (tally?.accepted ?? 0) > 0 && (tally?.refused ?? 0) > 0 }).toEqual({
        pkg: pkg.name,
        both: true,
      });
    }
  });
});

function checkPlacement(
  pkg: FuzzPackage,
  filename: string,
  placement: Placement,
  baseline: Record<string, string>,
  tally: { accepted: number; refused: number },
): string | null {
  const { expectation } = placement;
  let compiled: string;
  try {
    compiled = compileWithChaud(pkg, filename, placement.source, "all");
    tally.accepted++;
  } catch (error) {
    tally.refused++;
    const message = (error as Error).message;
    if (!/^>\s*\d+\s*\|/m.test(message)) return `failed without a code frame:\n${(error as Error).stack}`;
    const persistWrite = message.includes("chaud cannot keep writes");
    return expectation.outcome === "accept" && !persistWrite
      ? `refused in mode "all" what mode "marked" accepts:\n${message}`
      : null;
  }
  if (expectation.outcome === "refuse") return `accepted in mode "all" what mode "marked" refuses (${expectation.why})`;
  return checkCompiled(pkg, filename, placement.source, compiled, expectedEntries(pkg, filename, placement), baseline);
}

/**
 * The marked items as their markers say, and the implicit items no marker claims: a persisted
 * or dispose item is not hot, and a method marked alone is covered by its class, hot in mode "all".
 */
function expectedEntries(pkg: FuzzPackage, filename: string, placement: Placement): ExpectedEntries {
  const targets = placement.expectation.outcome === "refuse" ? [] : placement.expectation.targets;
  const claimed = new Set(
    targets.flatMap((target) => {
      if (target.kind === "persist") return [target.name!];
      const item = target.item as { id?: { name?: string } | null };
      return target.kind === "dispose" && item.id?.name ? [item.id.name] : [];
    }),
  );
  const implicit = implicitNames(placement.source, parseOptions(pkg, filename)).filter((name) => !claimed.has(name));
  const classes = new Set(implicit);
  const hot = targets
    .filter((target) => target.kind === "hot" && !classes.has(target.name!.split(".")[0]!))
    .map((target) => target.name!);
  const persisted = targets.filter((target) => target.kind === "persist").map((target) => target.name!);
  return { hot: [...new Set([...hot, ...implicit])], persisted };
}

describe('the corpus in mode "all"', () => {
  const corpus = readCorpus();
  const evaluable = corpus.filter((file) => evaluationBlocker(file) === null);
  const named = (files: CorpusFile[]): Array<[string, CorpusFile]> => files.map((file) => [file.name, file]);

  test.each(named(corpus))("%s compiles", (_name, file) => {
    const plugins: PluginItem[] = [[chaudPlugin, { enabled: true, mode: "all" }]];
    expect(transformSync(file.code, optionsFor(file, plugins))!.code).toContain('"chaud/registry"');
  });

  test.each(named(evaluable))(
    "%s registers every eligible item and exports what it exports without chaud, before and after a reload",
    async (_name, file) => {
      resetRegistry();
      try {
        const plain = surface(await evaluateCorpusFile(file, { enabled: false }));
        const first = surface(await evaluateCorpusFile(file, { enabled: true, mode: "all" }));
        const key = moduleKey(file.path, process.cwd());
        const registered = (name: string): boolean =>
          getRegistry().hot.has(`${key}#${name}`) || getRegistry().classes.has(`${key}#${name}`);
        expect(implicitNames(file.code, optionsFor(file, [])).filter((name) => !registered(name))).toEqual([]);
        const again = surface(await evaluateCorpusFile(file, { enabled: true, mode: "all" }));
        expect(first).toEqual(plain);
        expect(again).toEqual(plain);
      } finally {
        resetRegistry();
      }
    },
  );

  test("at least 15 corpus files can be evaluated here", () => {
    expect(evaluable.length).toBeGreaterThanOrEqual(15);
  });
});
