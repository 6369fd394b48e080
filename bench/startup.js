"use strict";
// Startup: how long `chaud src/main.ts` takes to get the 1000-module TypeScript app from
// app-generator.js running (its HTTP server listening and its first stdout line printed),
// against tsx and against plain `node` on a precompiled JavaScript copy of the same app.
//
// Cases:
//   - chaud, warm: the transform cache (CHAUD_CACHE_DIR) holds every file; no Babel is loaded
//   - chaud, cold: an empty CHAUD_CACHE_DIR for every run: every file goes through Babel
//   - tsx: `tsx src/main.ts`, with tsx's own disk cache warm (its default)
//   - tsx, no cache: TSX_DISABLE_CACHE=1, so esbuild compiles every file (tsx's "cold")
//   - node: `node src/main.js` on a copy compiled once with Babel (preset-typescript + CommonJS)
//
// Time: from just before spawn() to the arrival of the first stdout line, in this process.
// Also reported: the app's own performance.now() at that line (`in-process`), the part after
// the final node process started: chaud and tsx both start a second node process for the app,
// so the difference is their launcher's cost.
//
// Each round runs every case once, in an order that rotates; 7 rounds, medians. The app's
// process group is killed after its first line. One warm-up run fills chaud's and tsx's caches.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { generateApp, compileAppToJs } = require("./app-generator");
const { TOOLS, ToolProcess, quantile } = require("./tool-process");
const { median, table, runAsScript } = require("./stats");

const QUICK = process.argv.includes("--quick");
const MODULES = QUICK ? 100 : 1000;
const ROUNDS = QUICK ? 3 : 7;

async function firstLine(argv, cwd, env) {
  const t0 = performance.now();
  const proc = new ToolProcess(argv, { cwd, env });
  try {
    const { msg, t } = await proc.waitFor((m) => m.type === "probe", { timeoutMs: 180000, what: "the first line" });
    return { ms: t - t0, inProcessMs: msg.uptimeMs };
  } finally {
    await proc.stop();
  }
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-startup-"));
  const started = Date.now();
  try {
    const app = generateApp({ lang: "ts", modules: MODULES, parent: workDir });
    const compiled = compileAppToJs(app, path.join(workDir, "compiled"));
    const warmCache = path.join(workDir, "chaud-cache-warm");
    const rel = path.relative(app.dir, app.entry);
    const cases = [
      {
        name: "chaud (warm cache)",
        run: () => firstLine(TOOLS.chaud.command(rel), app.dir, { CHAUD_CACHE_DIR: warmCache }),
      },
      {
        name: "chaud (cold cache)",
        run: async () => {
          const cold = fs.mkdtempSync(path.join(workDir, "chaud-cache-cold-"));
          try {
            return await firstLine(TOOLS.chaud.command(rel), app.dir, { CHAUD_CACHE_DIR: cold });
          } finally {
            fs.rmSync(cold, { recursive: true, force: true });
          }
        },
      },
      { name: "tsx", run: () => firstLine(TOOLS.tsx.command(rel), app.dir, {}) },
      { name: "tsx (no cache)", run: () => firstLine(TOOLS.tsx.command(rel), app.dir, { TSX_DISABLE_CACHE: "1" }) },
      { name: "node (precompiled JS)", run: () => firstLine(TOOLS.node.command("src/main.js"), compiled.dir, {}) },
    ];
    console.error(`[startup] warm-up run of each case…`);
    for (const c of cases) await c.run();
    const samples = cases.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      console.error(`[startup] round ${round + 1}/${ROUNDS}…`);
      for (let k = 0; k < cases.length; k++) {
        const i = (k + round) % cases.length;
        samples[i].push(await cases[i].run());
      }
    }
    const node = median(samples[cases.length - 1].map((s) => s.ms));
    return {
      modules: MODULES,
      rounds: ROUNDS,
      cases: cases.map((c, i) => {
        const ms = samples[i].map((s) => s.ms);
        return {
          name: c.name,
          medianMs: median(ms),
          p90Ms: quantile(ms, 0.9),
          minMs: Math.min(...ms),
          maxMs: Math.max(...ms),
          inProcessMs: median(samples[i].map((s) => s.inProcessMs)),
          vsNode: median(ms) / node,
        };
      }),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function render(result) {
  const byName = Object.fromEntries(result.cases.map((c) => [c.name, c]));
  const warm = byName["chaud (warm cache)"];
  const rows = result.cases.map((c) => [
    c.name,
    c.medianMs.toFixed(0),
    c.p90Ms.toFixed(0),
    `${c.minMs.toFixed(0)}-${c.maxMs.toFixed(0)}`,
    c.inProcessMs.toFixed(0),
    `${c.vsNode.toFixed(2)}x`,
    `${(c.medianMs / warm.medianMs).toFixed(2)}x`,
  ]);
  return [
    `startup: spawn -> first stdout line of the ${result.modules}-module TypeScript app, ms (${result.rounds} interleaved rounds; ${result.seconds.toFixed(0)} s)`,
    table(["case", "median", "p90", "range", "in-process", "vs node", "vs chaud warm"], rows),
  ].join("\n");
}

module.exports = { main, render };
if (require.main === module) runAsScript(main, render);
