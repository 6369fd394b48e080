"use strict";
// `npm run bench`: runs every benchmark in its own node process (a fresh heap and JIT state each,
// so one benchmark's garbage and type feedback cannot bias the next), then prints one summary
// table. Results also go to bench/results/latest.json for BENCHMARKS.md.
//
// Both benchmarks measure CPU time (stats.js). The transform benchmark runs with
// --single-threaded so V8's background GC and compiler threads do not add to it; hot-call runs
// with no flags, because --single-threaded changes what TurboFan makes of the stub (calls came
// out ~40% slower) and its loops allocate nothing for background threads to do. No --expose-gc:
// forcing full GCs between rounds flushed V8's caches and slowed Babel about 4x, so the GC runs
// as it would in a real process.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const os = require("node:os");
const { table } = require("./stats");

const ROOT = path.join(__dirname, "..");
const BENCHMARKS = [
  { name: "hot-call", nodeFlags: [] },
  { name: "transform", nodeFlags: ["--single-threaded"] },
];

/** Benchmarks run the built package; `npm install` builds it, but a fresh clone may not have. */
function ensureBuilt() {
  if (fs.existsSync(path.join(ROOT, "dist/plugin/index.js")) && fs.existsSync(path.join(ROOT, "dist/runtime/registry.js"))) return;
  console.error("[bench] dist/ is missing; building with tsc -p tsconfig.build.json");
  const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error("build failed");
}

/** Benchmarks against other tools (nodemon, tsx, …) list them in bench/package.json. */
function ensureBenchDependencies() {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8"));
  if (Object.keys(manifest.dependencies ?? {}).length === 0) return;
  if (fs.existsSync(path.join(__dirname, "node_modules"))) return;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["install", "--prefix", __dirname, "--no-audit", "--no-fund"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error("npm install --prefix bench failed");
}

function runBenchmark({ name, nodeFlags }) {
  console.error(`[bench] running ${name}…`);
  const started = Date.now();
  const child = spawnSync(process.execPath, [...nodeFlags, path.join(__dirname, `${name}.js`), "--json"], {
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
  const rows = results["hot-call"].cases.map((c) => [
    "hot-call",
    c.name,
    `${c.directNs.toFixed(2)} ns`,
    `${c.hotNs.toFixed(2)} ns`,
    `${c.ratio.toFixed(2)}x`,
    c.slowPath ? "-" : `<= ${hotCall.GOAL}x`,
    verdict(c.ratio, c.slowPath ? null : hotCall.GOAL),
  ]);
  for (const c of results.transform.comparisons) {
    rows.push(["transform", c.name, `${c.plainMs.toFixed(1)} ms`, `${c.chaudMs.toFixed(1)} ms`, `${c.ratio.toFixed(3)}x`, c.goal === null ? "-" : `<= ${c.goal}x`, verdict(c.ratio, c.goal)]);
  }
  return rows;
}

function main() {
  ensureBuilt();
  ensureBenchDependencies();
  const results = {};
  for (const benchmark of BENCHMARKS) results[benchmark.name] = runBenchmark(benchmark);
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`;
  console.log(`\nchaud benchmarks on ${machine}\n`);
  console.log(table(["benchmark", "case", "baseline", "chaud", "ratio", "goal", "result"], summaryRows(results)));
  console.log("\nbaseline: same code without the plugin (hot-call) / plain Babel without the plugin (transform).");
  fs.mkdirSync(path.join(__dirname, "results"), { recursive: true });
  fs.writeFileSync(path.join(__dirname, "results", "latest.json"), JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2) + "\n");
}

try {
  main();
} catch (error) {
  console.error(`[bench] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
