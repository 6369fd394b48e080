"use strict";
// Soak: 10,000 reloads of one CommonJS module in one process (`node --expose-gc -r chaud/register`,
// 64 MB old space: see soak-app.js) and 1,000 reloads of one ES module (`node --expose-gc
// --import chaud/register`), with the program in soak-app.js. The child
// drives the reloads itself, one version at a time: it writes version v of src/counter.(m)js and
// awaits `chaud.reload([file])` (no waiting on the file watcher, which polls once an hour here
// so that every batch is that call). After each version it checks that the hot function answers
// v, that the persisted counter (incremented by each version's top level) is v + 1, and that
// epoch() is v. At checkpoints it runs gc() eight times (event-loop turns between) and reports
// heap used and status().retained; ms per reload counts the reload loop only, not the gc() calls.
//
// Each CommonJS version builds a 16 KB string at load: if old versions stayed alive the heap
// would grow by 160 MB over the run. The ES module version is ~1.5 KB of source (24 small
// functions); Node keeps every old ES module version, so its heap grows, and the figure to
// compare is status().retained, chaud's own count of what it keeps.
//
// Baseline: the same process before its first reload. A process restarted per change has a fresh
// heap each time and is not comparable; what a restart costs in time is in reload-latency.
//
// No goal (figures for BENCHMARKS.md's Reliability section); __tests__/reliability/soak.test.ts
// asserts flatness and the retained match.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ToolProcess } = require("./tool-process");
const { appUsingChaud } = require("./chaud-build");
const { table, runAsScript } = require("./stats");
const { soakProgram } = require("./soak-app");

const QUICK = process.argv.includes("--quick");
const CASES = [
  { kind: "cjs", reloads: QUICK ? 1000 : 10000, warmup: 500, every: QUICK ? 250 : 1000 },
  { kind: "esm", reloads: QUICK ? 200 : 1000, warmup: 100, every: QUICK ? 50 : 100 },
];
const MB = 1024 * 1024;

async function runCase({ kind, reloads, warmup, every }) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `chaud-bench-soak-${kind}-`));
  const dir = appUsingChaud(path.join(workDir, "app"), `bench-soak-${kind}`);
  const program = soakProgram(kind);
  fs.writeFileSync(path.join(dir, program.entry), program.source);
  const proc = new ToolProcess([process.execPath, program.nodeArgs], {
    cwd: dir,
    env: { CHAUD_CACHE_DIR: path.join(workDir, "cache"), CHAUD_LOG: "warn", CHAUD_POLL: "3600000" },
  });
  try {
    await proc.waitFor((m) => m.type === "ready", { timeoutMs: 60000, what: "ready" });
    proc.send(`soak ${reloads} ${warmup} ${every}`);
    const checkpoints = [];
    for (;;) {
      const { msg } = await proc.waitFor(
        (m) => m.type === "soaked" || m.type === "crashed" || (m.type === "checkpoint" && !checkpoints.includes(m)),
        { from: 0, timeoutMs: 600000, what: "the soak" },
      );
      if (msg.type === "crashed") throw new Error(`${kind} soak: ${msg.error}`);
      if (msg.type === "soaked") return summarize(kind, msg, checkpoints, warmup);
      checkpoints.push(msg);
      console.error(
        `[soak] ${kind} ${msg.reloads} reloads: heap used ${(msg.heapUsed / MB).toFixed(2)} MB, retained ${msg.retained.records} records`,
      );
    }
  } finally {
    await proc.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function summarize(kind, soaked, checkpoints, warmup) {
  const start = checkpoints[0];
  const warm = checkpoints.find((c) => c.reloads === warmup);
  const end = checkpoints.at(-1);
  const n = end.reloads - warm.reloads;
  const failures = soaked.total - (soaked.outcomes.reloaded ?? 0);
  return {
    kind,
    reloads: soaked.total,
    committed: soaked.reloads.committed,
    failed: soaked.reloads.failed,
    failures,
    intact: soaked.firstAnomaly === null,
    firstAnomaly: soaked.firstAnomaly,
    counter: soaked.current.evaluations,
    warmup,
    checkpoints,
    startHeap: start.heapUsed,
    warmHeap: warm.heapUsed,
    endHeap: end.heapUsed,
    maxGrowthAfterWarmup:
      Math.max(...checkpoints.filter((c) => c.reloads >= warmup).map((c) => c.heapUsed)) - warm.heapUsed,
    heapPerReloadBytes: (end.heapUsed - warm.heapUsed) / n,
    retainedRecords: end.retained.records,
    retainedBytesPerReload: (end.retained.bytes - warm.retained.bytes) / n,
    msPerReload: soaked.loopMs / soaked.total,
    sourceBytes: soaked.sourceBytes,
  };
}

async function main() {
  const results = [];
  for (const c of CASES) results.push(await runCase(c));
  return { cases: results };
}

const mb = (bytes) => `${(bytes / MB).toFixed(2)} MB`;
const signedMb = (bytes) => `${bytes >= 0 ? "+" : ""}${(bytes / MB).toFixed(2)} MB`;

function render(result) {
  const lines = [];
  for (const c of result.cases) {
    const name = c.kind === "cjs" ? "CommonJS (-r chaud/register)" : "ESM (--import chaud/register)";
    lines.push(
      `soak, ${name}: ${c.reloads} reloads in one process, ${c.msPerReload.toFixed(2)} ms per reload; heap used after 8x gc()`,
    );
    lines.push(
      table(
        [
          "reloads",
          "heap used",
          "vs before reloads",
          "vs after warm-up",
          "rss",
          "retained records",
          "retained bytes",
          "ms per reload (segment)",
        ],
        c.checkpoints.map((p, i) => [
          p.reloads,
          mb(p.heapUsed),
          signedMb(p.heapUsed - c.startHeap),
          p.reloads >= c.warmup ? signedMb(p.heapUsed - c.warmHeap) : "-",
          mb(p.rss),
          p.retained.records,
          mb(p.retained.bytes),
          i === 0 ? "-" : (p.segmentMs / (p.reloads - c.checkpoints[i - 1].reloads)).toFixed(2),
        ]),
      ),
    );
    lines.push(
      `committed ${c.committed}, failed ${c.failed}, reload() outcomes not "reloaded": ${c.failures}; every version answered, counter intact: ${c.intact ? "yes" : `NO (${JSON.stringify(c.firstAnomaly)})`}; persisted counter ${c.counter} (= reloads + 1)`,
    );
    if (c.kind === "cjs")
      lines.push(
        `heap after ${c.reloads} reloads vs after ${c.warmup}: ${signedMb(c.endHeap - c.warmHeap)} (highest reading ${signedMb(c.maxGrowthAfterWarmup)}); vs before the first reload ${signedMb(c.endHeap - c.startHeap)}`,
      );
    else
      lines.push(
        `per reload after ${c.warmup}: heap +${(c.heapPerReloadBytes / 1024).toFixed(1)} KB, status().retained +${(c.retainedBytesPerReload / 1024).toFixed(1)} KB (${(c.heapPerReloadBytes / c.retainedBytesPerReload).toFixed(2)}x) for a ${(c.sourceBytes / 1024).toFixed(1)} KB source; ${c.retainedRecords} records retained`,
      );
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}

module.exports = { main, render };
if (require.main === module) runAsScript(main, render);
