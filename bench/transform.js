"use strict";
// What the plugin adds to Babel's transform time on the corpus (__tests__/corpus). Four
// comparisons, each against plain Babel (no chaud plugin) on the same files:
//   - files with markers, plugin on      (the rewrite's real cost)
//   - files without markers, plugin on   (should be free: the plugin skips them; goal <= 3%)
//   - every file, plugin off             (should be free: off adds no visitor)
//   - every file, plugin on in mode "all" (every file is rewritten, markers or not: every top-level
//     function, class, exported-object method and inline callback becomes hot; goal <= 2x)
// and plain Babel against itself, which shows how far noise alone moves a ratio here. One more,
// on the decorated classes of __tests__/corpus/metadata: the pipeline a tsconfig with
// experimentalDecorators and emitDecoratorMetadata gives (loader/tsconfig.ts: metadata,
// legacy decorators, class fields) against today's preset-only compile of the same files (the
// decorator syntax parsed, and left as it is), both without the chaud plugin.
//
// Times are CPU times (see stats.js). They still drift on a shared 2-core machine, so pairs are kept
// close in time: each round transforms every file twice in a row, once with plain Babel and once
// with chaud (alternating which goes first). A side's time is the sum over files of each file's
// median across rounds, so a round that another process disturbed does not move the result.

const path = require("node:path");
const { transformSync } = require("@babel/core");
const fs = require("node:fs");
const { CORPUS_DIR, readCorpus, optionsFor } = require("./corpus");
const { median, cpuMs, table, report } = require("./stats");

const chaudPlugin = require(path.join(__dirname, "..", "dist/plugin/index.js")).default;
const { classPlugins } = require(path.join(__dirname, "..", "dist/loader/transform.js"));

const ROUNDS = 41;
const WARMUP_ROUNDS = 5;

// Created once and reused, as in a build that keeps one Babel config (see corpus.js).
const PLUGINS = {
  plain: [],
  on: [[chaudPlugin, { enabled: true }]],
  off: [[chaudPlugin, { enabled: false }]],
  all: [[chaudPlugin, { enabled: true, mode: "all" }]],
  // A second, equal config (its own array, so its own cache entry) for the noise-floor row.
  plainAgain: [],
  // What chaud's transform adds for a tsconfig with experimentalDecorators and emitDecoratorMetadata
  // (target below ES2022: fields assigned), as chaud builds it.
  tsconfig: classPlugins({
    tsconfig: "tsconfig.json",
    decorators: "legacy",
    metadata: true,
    strictNullChecks: true,
    jsx: null,
    defineClassFields: false,
    onlyRemoveTypeImports: false,
  }),
};

// Both sides of the tsconfig comparison parse decorators (preset-typescript alone cannot).
const DECORATOR_SYNTAX = { parserOpts: { plugins: ["decorators-legacy"] } };

/** The decorated classes of the metadata parity tests, shaped as readCorpus's files. */
function readDecorated() {
  const dir = path.join(CORPUS_DIR, "metadata");
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ts"))
    .sort()
    .map((name) => {
      const code = fs.readFileSync(path.join(dir, name), "utf8");
      const file = { name, path: path.join(dir, name), code, marked: false, jsx: false, typescript: true };
      return { ...file, lines: code.split("\n").length };
    });
}

function transformMs(file, plugins, extra) {
  const start = cpuMs();
  transformSync(file.code, optionsFor(file, plugins, extra));
  return cpuMs() - start;
}

/** One round: every file through both configs back to back; per-file times go into `samples`. */
function round(files, plugins, flip, samples, extra) {
  // No gc() between rounds: a forced full GC throws away V8's inline caches and aged bytecode,
  // which made every transform here about 4x slower and far noisier than in a real build.
  files.forEach((file, i) => {
    const sample = samples[i];
    if ((i % 2 === 0) !== flip) {
      sample.plain.push(transformMs(file, PLUGINS.plain, extra));
      sample.chaud.push(transformMs(file, plugins, extra));
    } else {
      sample.chaud.push(transformMs(file, plugins, extra));
      sample.plain.push(transformMs(file, PLUGINS.plain, extra));
    }
  });
}

/** `goal`: the highest acceptable chaud/plain ratio, or null where the figure is only reported. */
function compare(name, files, plugins, goal, extra = {}) {
  const fresh = () => files.map(() => ({ plain: [], chaud: [] }));
  const warmup = fresh();
  for (let w = 0; w < WARMUP_ROUNDS; w++) round(files, plugins, w % 2 === 1, warmup, extra);
  const samples = fresh();
  for (let r = 0; r < ROUNDS; r++) round(files, plugins, r % 2 === 1, samples, extra);
  const plainMs = samples.reduce((sum, s) => sum + median(s.plain), 0);
  const chaudMs = samples.reduce((sum, s) => sum + median(s.chaud), 0);
  // Spread: the same ratio computed from each round's raw sums, disturbed rounds included.
  const roundRatios = Array.from({ length: ROUNDS }, (_, r) => {
    const sum = (side) => samples.reduce((total, s) => total + s[side][r], 0);
    return sum("chaud") / sum("plain");
  });
  return {
    name,
    goal,
    files: files.length,
    lines: files.reduce((sum, file) => sum + file.lines, 0),
    plainMs,
    chaudMs,
    ratio: chaudMs / plainMs,
    minRatio: Math.min(...roundRatios),
    maxRatio: Math.max(...roundRatios),
  };
}

// Goal for the comparisons that should cost nothing.
const GOAL_FREE = 1.03;
// Goal for mode "all" on every file: at most twice plain Babel (see BENCHMARKS.md for why).
const GOAL_ALL = 2;

function main() {
  const corpus = readCorpus();
  const marked = corpus.filter((file) => file.marked);
  const unmarked = corpus.filter((file) => !file.marked);
  return {
    rounds: ROUNDS,
    comparisons: [
      compare("with markers, plugin on", marked, PLUGINS.on, null),
      compare("without markers, plugin on", unmarked, PLUGINS.on, GOAL_FREE),
      compare("all files, plugin off", corpus, PLUGINS.off, GOAL_FREE),
      compare('all files, plugin on, mode "all"', corpus, PLUGINS.all, GOAL_ALL),
      compare("all files, plain vs plain (noise)", corpus, PLUGINS.plainAgain, null),
      compare(
        "decorated TS: tsconfig pipeline (legacy decorators + metadata) vs preset only",
        readDecorated(),
        PLUGINS.tsconfig,
        null,
        DECORATOR_SYNTAX,
      ),
    ],
  };
}

function render(result) {
  const rows = result.comparisons.map((c) => [
    c.name,
    `${c.files} (${c.lines} lines)`,
    c.plainMs.toFixed(1),
    c.chaudMs.toFixed(1),
    `${c.ratio.toFixed(3)}x`,
    `${c.minRatio.toFixed(2)}-${c.maxRatio.toFixed(2)}`,
    c.goal === null ? "(reported)" : c.ratio <= c.goal ? "pass" : "FAIL",
  ]);
  const head = `transform: CPU ms per pass over the files (sum of per-file medians over ${result.rounds} rounds); range = per-round ratios (goals: without markers / off <= ${GOAL_FREE}x, mode "all" <= ${GOAL_ALL}x)`;
  return `${head}\n${table(["comparison", "files", "plain ms", "chaud ms", "ratio", "round range", "goal"], rows)}`;
}

module.exports = { main, render };
if (require.main === module) report(main(), render);
