"use strict";
// The soak program, shared by bench/soak.js (figures) and __tests__/reliability/soak.test.ts
// (assertions): a child that writes version v of src/counter.(m)js and awaits
// `chaud.reload([file])`, one version at a time, checks each version, and at checkpoints runs
// gc() eight times (event-loop turns between) and reports heap used and status().retained.
// Protocol over stdout, one JSON line each: ready, checkpoint (reloads, segmentMs, heapUsed,
// rss, retained, epoch), soaked (the summary) or crashed; on stdin: `soak <total> <warmup>
// <every>`, `stop`.

/**
 * The CommonJS child's old-space limit. Node 22 and later keep each old version's compiled
 * code (~6 KB a reload; plain `delete require.cache[f]; require(f)` does the same) as long as
 * the heap has room and free it under pressure: with room to spare that reads as linear
 * growth. Under a limit only what is really retained (a leaked old version) still grows, or
 * crashes the child. The heap reads ~20-30 MB.
 */
const CJS_HEAP_LIMIT_MB = 64;

const SOAK_LOOP = `
let reloadEvents = 0;
let errorEvents = 0;
chaud.on("reload", () => reloadEvents++);
chaud.on("error", () => errorEvents++);
const settle = () => new Promise((resolve) => setImmediate(resolve));
async function memory() {
  for (let i = 0; i < 8; i++) {
    globalThis.gc();
    await settle();
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, retained: chaud.status().retained, epoch: chaud.epoch() };
}
const print = (type, extra) => console.log(JSON.stringify({ type, ...extra }));

async function soak(total, warmup, every) {
  const outcomes = {};
  let firstAnomaly = null;
  let loopMs = 0;
  let segmentMs = 0;
  print("checkpoint", { reloads: 0, ms: 0, ...(await memory()) });
  for (let version = 1; version <= total; version++) {
    const t0 = performance.now();
    fs.writeFileSync(file, source(version));
    const outcome = await chaud.reload([file]);
    const dt = performance.now() - t0;
    loopMs += dt;
    segmentMs += dt;
    outcomes[outcome.kind] = (outcomes[outcome.kind] || 0) + 1;
    const now = current();
    const intact = outcome.kind === "reloaded" && now.version === version && now.evaluations === version + 1 && chaud.epoch() === version;
    if (!intact && !firstAnomaly) firstAnomaly = { version, kind: outcome.kind, current: now, epoch: chaud.epoch() };
    if (version === warmup || version % every === 0 || version === total) {
      print("checkpoint", { reloads: version, segmentMs, ...(await memory()) });
      segmentMs = 0;
    }
  }
  print("soaked", { total, outcomes, firstAnomaly, reloadEvents, errorEvents, reloads: chaud.status().reloads, epoch: chaud.epoch(), current: current(), loopMs, sourceBytes: Buffer.byteLength(source(total)) });
}

process.stdin.on("data", (data) => {
  for (const line of data.toString().trim().split("\\n")) {
    const [command, total, warmup, every] = line.split(" ");
    if (command === "soak") soak(Number(total), Number(warmup), Number(every)).catch((error) => print("crashed", { error: String(error && error.stack) }));
    if (command === "stop") { chaud.stop(); print("stopped", { openWatchers: chaud.status().openWatchers }); process.exit(0); }
  }
});
// Polling watchers scan once when they start: start soaking once that scan is over.
setTimeout(() => print("ready", { current: current() }), 1000);
`;

const CJS_MAIN = `"use strict";
const chaud = require("chaud");
const fs = require("fs");
const path = require("path");
const file = path.join(__dirname, "src", "counter.js");
const source = (v) => [
  '"use strict";',
  "const VERSION = " + v + ";",
  'const DATA = "v' + v + ':" + "x".repeat(16384);',
  "/* @chaud.persist */ let evaluations = 0;",
  "evaluations++;",
  "/* @chaud.hot */ function current() { return { version: VERSION, evaluations, length: DATA.length }; }",
  "module.exports = { current };",
  "",
].join("\\n");
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, source(0));
const { current } = require(file);
${SOAK_LOOP}`;

const ESM_MAIN = `
import * as chaud from "chaud";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
const file = fileURLToPath(new URL("./src/counter.mjs", import.meta.url));
const source = (v) => [
  "const VERSION = " + v + ";",
  ...Array.from({ length: 24 }, (_, i) => "function step" + i + "(x) { return (x * " + (i + 3) + " + " + v + ") % 1000003; }"),
  "/* @chaud.persist */ let evaluations = 0;",
  "evaluations++;",
  "/* @chaud.hot */ export function current() { return { version: VERSION, evaluations, check: step23(step0(1)) }; }",
  "",
].join("\\n");
fs.mkdirSync(new URL("./src/", import.meta.url), { recursive: true });
fs.writeFileSync(file, source(0));
const { current } = await import("./src/counter.mjs");
${SOAK_LOOP}`;

/** The entry file name, its source, and the node arguments that run it. */
function soakProgram(kind) {
  if (kind === "cjs")
    return {
      entry: "main.js",
      source: CJS_MAIN,
      nodeArgs: ["--expose-gc", `--max-old-space-size=${CJS_HEAP_LIMIT_MB}`, "-r", "chaud/register", "main.js"],
    };
  return { entry: "main.mjs", source: ESM_MAIN, nodeArgs: ["--expose-gc", "--import", "chaud/register", "main.mjs"] };
}

module.exports = { soakProgram, CJS_HEAP_LIMIT_MB };
