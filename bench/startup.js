"use strict";
// Startup: how long `chaud src/main.ts` takes to get the 1000-module TypeScript app from
// app-generator.js running (its HTTP server listening and its first stdout line printed),
// against tsx and against plain `node` on a precompiled JavaScript copy of the same app.
//
// Two apps: "ts" (TypeScript compiled to CommonJS: the require hook) and "mts" (TypeScript ES
// modules, .mts: the ESM loader hooks). Cases for each:
//   - chaud, warm: the transform cache (CHAUD_CACHE_DIR) holds every file; no Babel is loaded
//   - chaud, cold: an empty CHAUD_CACHE_DIR for every run: every file goes through Babel, in
//     mode "all" (the chaud command's default: every function hot, every file gets the plugin)
//   - chaud, cold, no workers (ts only): the same with CHAUD_INTERNAL_COMPILE_WORKERS=0, the
//     cold start as it was before the compile workers (the ESM hooks compile on one thread)
//   - chaud, cold, marked: CHAUD_MODE=marked (the plugin's default mode)
//   - tsx: `tsx src/main.ts`, with tsx's own disk cache warm (its default)
//   - tsx, no cache: TSX_DISABLE_CACHE=1, so esbuild compiles every file (tsx's "cold")
//   - node (ts only): `node src/main.js` on a copy compiled once with Babel (preset-typescript + CommonJS)
//
// Goals (pass/fail lines): a cold start of chaud, mode "all" and mode "marked", ahead of tsx
// without its cache, for each app.
//
// Time: from just before spawn() to the arrival of the first stdout line, in this process.
// Also reported: the app's own performance.now() at that line (`in-process`), the part after
// the final node process started: chaud and tsx both start a second node process for the app,
// so the difference is their launcher's cost.
//
// Each round runs every case of an app once, in an order that rotates; 7 rounds (--rounds=N),
// medians. The app's process group is killed after its first line. One warm-up run fills
// chaud's and tsx's caches. --quick: 100 modules, 3 rounds; --langs=ts,mts picks the apps.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { generateApp, compileAppToJs } = require("./app-generator");
const { TOOLS, ToolProcess, quantile } = require("./tool-process");
const { median, table, runAsScript } = require("./stats");

const QUICK = process.argv.includes("--quick");
const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
const MODULES = Number(option("modules") ?? (QUICK ? 100 : 1000));
const ROUNDS = Number(option("rounds") ?? (QUICK ? 3 : 7));
const LANGS = (option("langs") ?? "ts,mts").split(",");

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

function casesFor(lang, app, workDir) {
  const warmCache = path.join(workDir, `chaud-cache-warm-${lang}`);
  const rel = path.relative(app.dir, app.entry);
  const cold = (env) => async () => {
    const dir = fs.mkdtempSync(path.join(workDir, "chaud-cache-cold-"));
    try {
      return await firstLine(TOOLS.chaud.command(rel), app.dir, { CHAUD_CACHE_DIR: dir, ...env });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const cases = [
    {
      name: "chaud (warm cache)",
      run: () => firstLine(TOOLS.chaud.command(rel), app.dir, { CHAUD_CACHE_DIR: warmCache }),
    },
    { name: "chaud (cold, mode all)", run: cold({}) },
    ...(lang === "ts"
      ? [{ name: "chaud (cold, mode all, no workers)", run: cold({ CHAUD_INTERNAL_COMPILE_WORKERS: "0" }) }]
      : []),
    { name: "chaud (cold, marked)", run: cold({ CHAUD_MODE: "marked" }) },
    { name: "tsx", run: () => firstLine(TOOLS.tsx.command(rel), app.dir, {}) },
    { name: "tsx (no cache)", run: () => firstLine(TOOLS.tsx.command(rel), app.dir, { TSX_DISABLE_CACHE: "1" }) },
  ];
  if (lang === "ts") {
    const compiled = compileAppToJs(app, path.join(workDir, "compiled"));
    cases.push({
      name: "node (precompiled JS)",
      run: () => firstLine(TOOLS.node.command("src/main.js"), compiled.dir, {}),
    });
  }
  return cases;
}

async function measureApp(lang, workDir) {
  const app = generateApp({ lang, modules: MODULES, parent: workDir });
  const cases = casesFor(lang, app, workDir);
  console.error(`[startup] ${lang}: warm-up run of each case…`);
  for (const c of cases) await c.run();
  const samples = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    console.error(`[startup] ${lang}: round ${round + 1}/${ROUNDS}…`);
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      samples[i].push(await cases[i].run());
    }
  }
  const nodeIndex = cases.findIndex((c) => c.name.startsWith("node"));
  const node = nodeIndex < 0 ? null : median(samples[nodeIndex].map((s) => s.ms));
  return {
    lang,
    cases: cases.map((c, i) => {
      const ms = samples[i].map((s) => s.ms);
      return {
        name: c.name,
        medianMs: median(ms),
        p90Ms: quantile(ms, 0.9),
        minMs: Math.min(...ms),
        maxMs: Math.max(...ms),
        inProcessMs: median(samples[i].map((s) => s.inProcessMs)),
        ...(node === null ? {} : { vsNode: median(ms) / node }),
      };
    }),
  };
}

function goals(apps) {
  const checks = [];
  for (const app of apps) {
    const byName = Object.fromEntries(app.cases.map((c) => [c.name, c]));
    const tsxCold = byName["tsx (no cache)"];
    for (const name of ["chaud (cold, mode all)", "chaud (cold, marked)"]) {
      const chaud = byName[name];
      if (!chaud || !tsxCold) continue;
      const ratio = chaud.medianMs / tsxCold.medianMs;
      checks.push({
        lang: app.lang,
        goal: `${name} faster than tsx (no cache)`,
        value: `${ratio.toFixed(2)}x (${chaud.medianMs.toFixed(0)} vs ${tsxCold.medianMs.toFixed(0)} ms)`,
        pass: ratio < 1,
      });
    }
  }
  return checks;
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-startup-"));
  const started = Date.now();
  try {
    const apps = [];
    for (const lang of LANGS) apps.push(await measureApp(lang, workDir));
    return {
      modules: MODULES,
      rounds: ROUNDS,
      apps,
      // run.js's summary reads the TypeScript (CommonJS) app's cases, against node.
      cases: apps.find((app) => app.lang === "ts")?.cases ?? [],
      goals: goals(apps),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function render(result) {
  const parts = [
    `startup: spawn -> first stdout line of the ${result.modules}-module TypeScript apps, ms (${result.rounds} interleaved rounds; ${result.seconds.toFixed(0)} s)`,
  ];
  for (const app of result.apps) {
    const byName = Object.fromEntries(app.cases.map((c) => [c.name, c]));
    const warm = byName["chaud (warm cache)"];
    const tsx = byName["tsx"];
    const tsxCold = byName["tsx (no cache)"];
    const rows = app.cases.map((c) => [
      c.name,
      c.medianMs.toFixed(0),
      c.p90Ms.toFixed(0),
      `${c.minMs.toFixed(0)}-${c.maxMs.toFixed(0)}`,
      c.inProcessMs.toFixed(0),
      c.vsNode === undefined ? "-" : `${c.vsNode.toFixed(2)}x`,
      `${(c.medianMs / warm.medianMs).toFixed(2)}x`,
      `${(c.medianMs / tsx.medianMs).toFixed(2)}x`,
      `${(c.medianMs / tsxCold.medianMs).toFixed(2)}x`,
    ]);
    parts.push(
      `${app.lang === "ts" ? "ts: TypeScript, CommonJS (require hook)" : "mts: TypeScript ES modules (ESM loader hooks)"}`,
      table(
        ["case", "median", "p90", "range", "in-process", "vs node", "vs chaud warm", "vs tsx", "vs tsx no cache"],
        rows,
      ),
    );
  }
  parts.push(
    "goals:",
    table(
      ["app", "goal", "value", ""],
      result.goals.map((g) => [g.lang, g.goal, g.value, g.pass ? "pass" : "FAIL"]),
    ),
  );
  return parts.join("\n");
}

module.exports = { main, render };
if (require.main === module) runAsScript(main, render);
