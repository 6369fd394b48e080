"use strict";
// `npm run bench`: runs every benchmark in its own node process (a fresh heap and JIT state each,
// so one benchmark's garbage and type feedback cannot bias the next), then prints each one's
// table and one summary table. Results also go to bench/results/latest.json for BENCHMARKS.md.
//
// hot-call and transform measure CPU time (stats.js). The transform benchmark runs with
// --single-threaded so V8's background GC and compiler threads do not add to it; hot-call runs
// with no flags, because --single-threaded changes what TurboFan makes of the stub (calls came
// out ~40% slower) and its loops allocate nothing for background threads to do. No --expose-gc:
// forcing full GCs between rounds flushed V8's caches and slowed Babel about 4x, so the GC runs
// as it would in a real process.
//
// reload-latency, in-place, memory, startup and restart run real programs under chaud and under other tools
// (node --watch, nodemon, tsx, dynohot, hot-hook, vite-node: bench/package.json, installed into bench/node_modules on first
// run) and measure wall time as a user sees it; their parent process mostly waits.
//
// `node bench/run.js [names…] [--quick]`: only the named benchmarks; --quick passes on to the
// process-level ones (fewer edits, smaller apps) for a fast try-out, not for results.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const os = require("node:os");
const { table } = require("./stats");

const ROOT = path.join(__dirname, "..");
const BENCHMARKS = [
  { name: "hot-call", nodeFlags: [] },
  { name: "transform", nodeFlags: ["--single-threaded"] },
  { name: "reload-latency", nodeFlags: [], passQuick: true },
  { name: "in-place", nodeFlags: [], passQuick: true },
  { name: "memory", nodeFlags: [], passQuick: true },
  { name: "esm-memory", nodeFlags: [], passQuick: true },
  { name: "startup", nodeFlags: [], passQuick: true },
  { name: "soak", nodeFlags: [], passQuick: true },
  { name: "http-load", nodeFlags: [], passQuick: true },
  { name: "restart", nodeFlags: [], passQuick: true },
];
const QUICK = process.argv.includes("--quick");

/** Benchmarks run the built package; `npm install` builds it, but a fresh clone may not have. */
function ensureBuilt() {
  if (
    fs.existsSync(path.join(ROOT, "dist/plugin/index.js")) &&
    fs.existsSync(path.join(ROOT, "dist/runtime/registry/registry.js"))
  )
    return;
  console.error("[bench] dist/ is missing; building with tsc -p tsconfig.build.json");
  const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error("build failed");
}

/** Benchmarks against other tools (nodemon, tsx, …) list them in bench/package.json. */
function ensureBenchDependencies() {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8"));
  if (Object.keys(manifest.dependencies ?? {}).length === 0) return;
  const missing = Object.keys(manifest.dependencies).filter(
    (name) => !fs.existsSync(path.join(__dirname, "node_modules", name, "package.json")),
  );
  if (missing.length === 0) return;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["install", "--prefix", __dirname, "--no-audit", "--no-fund"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("npm install --prefix bench failed");
}

function runBenchmark({ name, nodeFlags, passQuick }) {
  console.error(`[bench] running ${name}…`);
  const started = Date.now();
  const extra = passQuick && QUICK ? ["--quick"] : [];
  const child = spawnSync(process.execPath, [...nodeFlags, path.join(__dirname, `${name}.js`), "--json", ...extra], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`${name} exited with ${child.status ?? child.signal}`);
  const lastLine = child.stdout.trim().split("\n").pop();
  console.error(`[bench] ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return JSON.parse(lastLine);
}

function summaryRows(results) {
  const hotCall = require("./hot-call");
  const verdict = (ratio, goal) => (goal === null ? "(reported)" : ratio <= goal ? "pass" : "FAIL");
  const rows = (results["hot-call"]?.cases ?? []).map((c) => [
    "hot-call",
    c.name,
    `${c.directNs.toFixed(2)} ns`,
    `${c.hotNs.toFixed(2)} ns`,
    `${c.ratio.toFixed(2)}x`,
    c.slowPath ? "-" : `<= ${hotCall.GOAL}x`,
    verdict(c.ratio, c.slowPath ? null : hotCall.GOAL),
  ]);
  for (const c of results.transform?.comparisons ?? []) {
    rows.push([
      "transform",
      c.name,
      `${c.plainMs.toFixed(1)} ms`,
      `${c.chaudMs.toFixed(1)} ms`,
      `${c.ratio.toFixed(3)}x`,
      c.goal === null ? "-" : `<= ${c.goal}x`,
      verdict(c.ratio, c.goal),
    ]);
  }
  rows.push(...reloadLatencyRows(results["reload-latency"]));
  rows.push(...inPlaceRows(results["in-place"]));
  rows.push(...memoryRows(results.memory));
  rows.push(...esmMemoryRows(results["esm-memory"]));
  rows.push(...startupRows(results.startup));
  rows.push(...soakRows(results.soak));
  rows.push(...httpLoadRows(results["http-load"]));
  rows.push(...restartRows(results.restart));
  return rows;
}

const ms1 = (x) => `${x.toFixed(1)} ms`;
const passFail = (ok) => (ok ? "pass" : "FAIL");

/** Per language and size: chaud against node --watch (the goal), and nodemon / tsx watch (reported). */
function reloadLatencyRows(result) {
  if (!result) return [];
  const { GOALS } = require("./reload-latency");
  const rows = [];
  const largest = Math.max(...result.sizes);
  const smallest = Math.min(...result.sizes);
  for (const r of result.results) {
    if (r.tool === "chaud") continue;
    const chaud = result.results.find((c) => c.lang === r.lang && c.modules === r.modules && c.tool === "chaud");
    if (r.tool === "chaud-all") {
      // The same edit under chaud in mode "all" (every function hot): figures for that mode, no goal.
      rows.push([
        "reload-latency",
        `${r.lang} ${r.modules} modules: chaud mode "all" vs mode "marked"`,
        ms1(chaud.medianMs),
        ms1(r.medianMs),
        `${(r.medianMs / chaud.medianMs).toFixed(2)}x`,
        "-",
        "(reported)",
      ]);
      continue;
    }
    const isNodeWatch = r.tool.startsWith("node-watch");
    const esmGoal = (r.lang === "esm" || r.lang === "mts") && r.modules === largest;
    if (esmGoal) {
      rows.push([
        "reload-latency",
        `${r.lang} ${r.modules} modules: edit -> new code, vs ${r.label}`,
        ms1(r.medianMs),
        ms1(chaud.medianMs),
        `${(r.medianMs / chaud.medianMs).toFixed(1)}x faster`,
        "chaud ahead",
        passFail(chaud.medianMs < r.medianMs),
      ]);
      continue;
    }
    const goal = isNodeWatch && r.modules === largest;
    rows.push([
      "reload-latency",
      `${r.lang} ${r.modules} modules: edit -> new code, vs ${r.label}`,
      ms1(r.medianMs),
      ms1(chaud.medianMs),
      `${(r.medianMs / chaud.medianMs).toFixed(1)}x faster`,
      goal ? `>= ${GOALS.minSpeedup}x faster` : "-",
      goal ? passFail(r.medianMs / chaud.medianMs >= GOALS.minSpeedup) : "(reported)",
    ]);
  }
  for (const lang of [...new Set(result.results.map((r) => r.lang))]) {
    const big = result.results.find((r) => r.lang === lang && r.modules === largest && r.tool === "chaud");
    const small = result.results.find((r) => r.lang === lang && r.modules === smallest && r.tool === "chaud");
    rows.push([
      "reload-latency",
      `${lang}: chaud median at ${largest} modules`,
      "-",
      ms1(big.medianMs),
      "-",
      `<= ${GOALS.maxMedianMs} ms`,
      passFail(big.medianMs <= GOALS.maxMedianMs),
    ]);
    rows.push([
      "reload-latency",
      `${lang}: chaud at ${largest} vs ${smallest} modules`,
      ms1(small.medianMs),
      ms1(big.medianMs),
      `${(big.medianMs / small.medianMs).toFixed(2)}x`,
      `<= ${GOALS.maxScale}x`,
      passFail(big.medianMs / small.medianMs <= GOALS.maxScale),
    ]);
  }
  return rows;
}

/** Per language and size: a body edit (updated in place) against a top-level edit (re-evaluated). */
function inPlaceRows(result) {
  if (!result) return [];
  const { GOAL } = require("./in-place");
  return result.results.map((r) => [
    "in-place",
    `${r.lang} ${r.modules} modules${result.mode === "marked" ? "" : `, mode ${result.mode}`}: body edit (in place) vs top-level edit (re-evaluated)${r.checked ? "" : ", NOT as expected (see its table)"}`,
    ms1(r.top.medianMs),
    ms1(r.body.medianMs),
    `${r.ratio.toFixed(2)}x`,
    `< ${GOAL.maxRatio.toFixed(1)}x`,
    passFail(r.pass),
  ]);
}

function memoryRows(result) {
  if (!result) return [];
  const mb = (bytes) => `${(bytes / 1048576).toFixed(2)} MB`;
  const before = result.checkpoints[0];
  const after = result.checkpoints.at(-1);
  return [
    [
      "memory",
      `heap used after gc(), ${result.reloads} reloads of a 1 MB module`,
      mb(before.heapUsed),
      mb(after.heapUsed),
      `${result.growthBytes >= 0 ? "+" : ""}${mb(result.growthBytes)}`,
      `<= +${mb(result.goalBytes)}`,
      passFail(result.pass),
    ],
    [
      "memory",
      `rss, same run`,
      mb(before.rss),
      mb(after.rss),
      `${result.rssGrowthBytes >= 0 ? "+" : ""}${mb(result.rssGrowthBytes)}`,
      "-",
      "(reported)",
    ],
  ];
}

function esmMemoryRows(result) {
  if (!result) return [];
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const esm = result.esm.reevaluate;
  return [
    [
      "esm-memory",
      `per ES module reload (${kb(result.sourceBytes)} module): status().retained bytes vs heap growth`,
      kb(esm.retainedBytesPerSave),
      kb(esm.heapPerSaveBytes),
      `${result.estimate.ratio.toFixed(2)}x`,
      `within ${result.estimate.goal}x`,
      passFail(result.estimate.pass),
    ],
    [
      "esm-memory",
      "heap per save: CommonJS re-evaluation vs body-only ES module save",
      kb(result.cjs.reevaluate.heapPerSaveBytes),
      kb(result.esm.body.heapPerSaveBytes),
      `${result.esm.body.retainedRecordsPerSave.toFixed(2)} records`,
      `<= CommonJS + ${kb(result.bodyOnly.noiseBytes)}, no record`,
      passFail(result.bodyOnly.pass),
    ],
  ];
}

function startupRows(result) {
  if (!result) return [];
  const node = result.cases.find((c) => c.name.startsWith("node"));
  return result.cases
    .filter((c) => c !== node)
    .map((c) => [
      "startup",
      `${result.modules}-module TS app: ${c.name} vs node (precompiled)`,
      `${node.medianMs.toFixed(0)} ms`,
      `${c.medianMs.toFixed(0)} ms`,
      `${c.vsNode.toFixed(2)}x`,
      "-",
      "(reported)",
    ]);
}

/** Heap before the first reload vs after the last; failures and commits in the case name. */
function soakRows(result) {
  if (!result) return [];
  const mb = (bytes) => `${(bytes / 1048576).toFixed(2)} MB`;
  return result.cases.map((c) => [
    "soak",
    `${c.kind === "cjs" ? "CommonJS" : "ESM"}: ${c.reloads} reloads, ${c.committed} committed, ${c.failures + c.failed} failed, heap used (after warm-up ${c.warmup})`,
    mb(c.warmHeap),
    mb(c.endHeap),
    c.kind === "cjs"
      ? `${c.endHeap >= c.warmHeap ? "+" : ""}${mb(c.endHeap - c.warmHeap)}`
      : `${(c.heapPerReloadBytes / c.retainedBytesPerReload).toFixed(2)}x retained`,
    "-",
    passFail(c.intact && c.failures + c.failed === 0 && c.committed === c.reloads),
  ]);
}

/** Requests per second with no reloads vs while batches reload; failures and torn responses. */
function httpLoadRows(result) {
  if (!result) return [];
  return result.cases.map((c) => [
    "http-load",
    `${c.flavor} ${c.mode}: ${c.requests} requests, ${c.failures} failed, ${c.torn} half-applied, ${c.batches} batches`,
    `${c.idleRps.toFixed(0)} req/s`,
    `${c.rps.toFixed(0)} req/s`,
    `${(c.rps / c.idleRps).toFixed(2)}x`,
    c.mode === "reload()" ? "0 failed, 0 torn" : "-",
    c.mode === "reload()" ? passFail(c.failures === 0 && c.torn === 0) : "(reported)",
  ]);
}

/** chaud's restarts against node --watch (the goal) and nodemon; the Express session's share in place and stale answers. */
function restartRows(result) {
  if (!result) return [];
  const { GOAL, restartGoals } = require("./restart");
  const names = { cjs: "CJS", ts: "TS" };
  // A case with no sample has a median of NaN, which JSON carries as null.
  const ms = (x) => (typeof x === "number" && Number.isFinite(x) ? ms1(x) : "-");
  const ratio = (a, b) => (typeof a === "number" && typeof b === "number" && b > 0 ? `${(a / b).toFixed(2)}x` : "-");
  const rows = restartGoals(result).map((g) => [
    "restart",
    `${names[g.lang]} ${g.modules} modules: entry top-level edit -> new value served, vs ${g.peer}${g.clean ? "" : " (chaud: NOT every edit restarted and served, see its table)"}`,
    ms(g.peerMs),
    ms(g.chaudMs),
    ratio(g.chaudMs, g.peerMs),
    g.goal ? `<= ${GOAL.maxRatio.toFixed(1)}x` : "-",
    g.goal ? passFail(g.pass) : "(reported)",
  ]);
  for (const s of result.sessions) {
    rows.push([
      "restart",
      `Express ${names[s.lang]}: edits applied in place (same process), of ${s.edits}`,
      "-",
      `${s.chaudInPlace}`,
      `${((100 * s.chaudInPlace) / s.edits).toFixed(0)}%`,
      "-",
      "(reported)",
    ]);
    rows.push([
      "restart",
      `Express ${names[s.lang]}: edits leaving a stale answer (${s.chaudDown} not serving under chaud, ${s.peerDown} under ${s.peerLabel})`,
      `${s.peerStale}`,
      `${s.chaudStale}`,
      "-",
      `${GOAL.maxStale}`,
      passFail(s.chaudStale <= GOAL.maxStale && s.chaudDown === 0),
    ]);
    for (const k of s.kinds)
      rows.push([
        "restart",
        `Express ${names[s.lang]}: ${k.kind} edits (${k.chaudInPlace}/${k.edits} in place) -> new value served, vs ${s.peerLabel}`,
        ms(k.peerMs),
        ms(k.chaudMs),
        ratio(k.chaudMs, k.peerMs),
        "-",
        "(reported)",
      ]);
  }
  return rows;
}

function main() {
  ensureBuilt();
  ensureBenchDependencies();
  const names = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`);
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  const results = {};
  for (const benchmark of selected) results[benchmark.name] = runBenchmark(benchmark);
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`;
  console.log(`\nchaud benchmarks on ${machine}${QUICK ? " (--quick: not for results)" : ""}\n`);
  for (const benchmark of selected) {
    console.log(require(`./${benchmark.name}`).render(results[benchmark.name]));
    console.log("");
  }
  console.log("summary:");
  console.log(table(["benchmark", "case", "baseline", "chaud", "ratio", "goal", "result"], summaryRows(results)));
  console.log(
    "\nbaseline: same code without the plugin (hot-call) / plain Babel without the plugin (transform) / the other tool, or chaud in mode marked (reload-latency) / a top-level edit of the same module (in-place) / before the reloads (memory) / plain node on precompiled JS (startup).",
  );
  fs.mkdirSync(path.join(__dirname, "results"), { recursive: true });
  const file = QUICK ? "quick.json" : names.length > 0 ? `${names.join("+")}.json` : "latest.json";
  fs.writeFileSync(
    path.join(__dirname, "results", file),
    JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2) + "\n",
  );
}

try {
  main();
} catch (error) {
  console.error(`[bench] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
