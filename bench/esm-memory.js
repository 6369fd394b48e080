"use strict";
// Memory kept per ES module reload. Node cannot unload an ES module: each reload imports the
// changed module under a new URL (`data.mjs?chaud=N`) and the old version's module record,
// source and compiled code stay in Node's module map for the life of the process. chaud counts
// them: `status().retained` = { records, bytes } (bytes: the old versions' source text).
//
// One program, `node --expose-gc --import chaud/register src/main.mjs` ("type": "module"),
// whose module src/data.mjs is ~32 KB of source (200 small functions and a table, different
// in every version) with one hot function. The benchmark rewrites data.mjs RELOADS times in
// place through chaud's file watcher, waiting each time for the app's on("reload") line with
// the new version. At checkpoints the app runs gc() four times and prints heap used and
// status().retained. Reported per reload, side by side, after the first 10 reloads (warm-up:
// Babel and chaud's own first-use allocations): heap growth and retained records / bytes.
//
// No goal: this is the cost of ESM reloads that chaud documents ("restart when convenient").

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ToolProcess, sleep, measureMemory: measure } = require("./tool-process");
const { appUsingChaud } = require("./chaud-build");
const { median, table, runAsScript } = require("./stats");

const RELOADS = process.argv.includes("--quick") ? 60 : 300;
const CHECKPOINTS = [0, 10, 50, 100, 200, 300].filter((n) => n <= RELOADS);
const WARMUP = 10;
const KB = 1024;
const MB = 1024 * 1024;

const MAIN_MJS = `import { createRequire } from "node:module";
import { probe } from "./data.mjs";
const require = createRequire(import.meta.url);
const chaud = require("chaud");

chaud.on("reload", (event) => {
  process.stdout.write(JSON.stringify({ type: "reload", version: probe().version, ms: event.ms }) + "\\n");
});

const settle = () => new Promise((resolve) => setImmediate(resolve));
process.stdin.on("data", async (chunk) => {
  if (!String(chunk).includes("gc")) return;
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await settle();
  }
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ type: "memory", heapUsed: m.heapUsed, rss: m.rss, retained: chaud.status().retained, epoch: chaud.epoch() }) + "\\n");
});
setInterval(() => {}, 1 << 30);
process.stdout.write(JSON.stringify({ type: "ready", version: probe().version }) + "\\n");
`;

function dataMjs(version) {
  const fns = [];
  for (let i = 0; i < 200; i++) {
    fns.push(`export function f${i}(x) {
  let acc = x + ${version};
  for (let k = 0; k < TABLE.length; k += ${1 + (i % 5)}) acc = (acc * 33 + TABLE[k]) % 1000003;
  return { id: ${i}, acc, label: "function ${i} of version ${version}" };
}`);
  }
  const table = Array.from({ length: 400 }, (_, i) => (i * 7919 + version) % 100000).join(",");
  return `const VERSION = ${version};
const TABLE = [${table}];
${fns.join("\n")}

/* @chaud.hot */
export function probe() {
  return { version: VERSION, check: f0(1).acc };
}
`;
}

function createApp(workDir) {
  const dir = appUsingChaud(path.join(workDir, "app"), "bench-esm-memory-app", { type: "module" });
  fs.mkdirSync(path.join(dir, "src"));
  fs.writeFileSync(path.join(dir, "src/main.mjs"), MAIN_MJS);
  fs.writeFileSync(path.join(dir, "src/data.mjs"), dataMjs(0));
  return dir;
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-esm-memory-"));
  const dir = createApp(workDir);
  const proc = new ToolProcess([process.execPath, ["--expose-gc", "--import", "chaud/register", "src/main.mjs"]], {
    cwd: dir,
    env: { CHAUD_CACHE_DIR: path.join(workDir, "cache") },
  });
  const started = Date.now();
  try {
    await proc.waitFor((m) => m.type === "ready", { timeoutMs: 60000, what: "ready" });
    await sleep(1000);
    const checkpoints = [{ reloads: 0, ...(await measure(proc)) }];
    const latencies = [];
    const sourceBytes = Buffer.byteLength(dataMjs(1));
    for (let version = 1; version <= RELOADS; version++) {
      const from = proc.lines.length;
      const t0 = performance.now();
      fs.writeFileSync(path.join(dir, "src/data.mjs"), dataMjs(version));
      const { t } = await proc.waitFor((m) => m.type === "reload" && m.version === version, {
        from,
        timeoutMs: 20000,
        what: `reload ${version}`,
      });
      latencies.push(t - t0);
      if (CHECKPOINTS.includes(version)) {
        checkpoints.push({ reloads: version, ...(await measure(proc)) });
        console.error(
          `[esm-memory] ${version} reloads: heap used ${(checkpoints.at(-1).heapUsed / MB).toFixed(2)} MB, retained ${JSON.stringify(checkpoints.at(-1).retained)}`,
        );
      }
    }
    const from = checkpoints.find((c) => c.reloads === WARMUP) ?? checkpoints[0];
    const to = checkpoints.at(-1);
    const n = to.reloads - from.reloads;
    return {
      reloads: RELOADS,
      sourceBytes,
      checkpoints,
      from: from.reloads,
      heapPerReloadBytes: (to.heapUsed - from.heapUsed) / n,
      rssPerReloadBytes: (to.rss - from.rss) / n,
      retainedRecordsPerReload: (to.retained.records - from.retained.records) / n,
      retainedBytesPerReload: (to.retained.bytes - from.retained.bytes) / n,
      reloadMedianMs: median(latencies),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await proc.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const signedMb = (bytes) => `${bytes >= 0 ? "+" : ""}${(bytes / MB).toFixed(2)} MB`;
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;

function render(result) {
  const start = result.checkpoints[0];
  const rows = result.checkpoints.map((c) => [
    c.reloads,
    `${(c.heapUsed / MB).toFixed(2)} MB`,
    signedMb(c.heapUsed - start.heapUsed),
    signedMb(c.rss - start.rss),
    c.retained.records,
    `${(c.retained.bytes / MB).toFixed(2)} MB`,
  ]);
  return [
    `esm-memory: ${result.reloads} reloads of a ${kb(result.sourceBytes)} ES module under --import chaud/register; heap after 4x gc(); ${result.seconds.toFixed(0)} s`,
    table(["reloads", "heap used", "vs start", "rss vs start", "retained records", "retained bytes"], rows),
    "",
    `per reload, reloads ${result.from}-${result.reloads}: heap +${kb(result.heapPerReloadBytes)}, rss ${kb(result.rssPerReloadBytes)}; status().retained +${result.retainedRecordsPerReload.toFixed(2)} records, +${kb(result.retainedBytesPerReload)}`,
    `heap growth / retained bytes: ${(result.heapPerReloadBytes / result.retainedBytesPerReload).toFixed(2)}x; reload latency median ${result.reloadMedianMs.toFixed(1)} ms`,
  ].join("\n");
}

module.exports = { main, render };
if (require.main === module) runAsScript(main, render);
