"use strict";
// Edit -> new code running: how long after a save the program runs the new code, under chaud
// (hot reload in the running process) and under tools that restart the process on a change
// (node --watch, nodemon, tsx watch). chaud runs twice per app: in mode "marked" (the default,
// the row the goals are checked on) and in mode "all" (CHAUD_MODE=all in its environment: every
// top-level function, class and inline callback hot), interleaved like every other tool.
//
// The edit changes only the body of the leaf's hot probe(): chaud updates it in place (the hot-only
// version registers the new body; nothing of the module's top level runs). in-place.js compares
// that with an edit of the same module's top-level code.
//
// ES modules (esm: .mjs, mts: TypeScript .mts, "type": "module"): chaud (its CLI starts the entry
// with --import chaud/register) beside dynohot, hot-hook and vite-node --watch; see tool-process.js
// for how each is started and app-generator.js for how the app hears of an update under each.
//
// Apps from app-generator.js: N = 10, 100, 1000 modules, CommonJS and TypeScript, each with a
// ~3 MB dependency loaded at startup. Every (language, N, tool) gets its own copy of the app and
// its own long-running process; all processes of a language run at once, idle but for the one
// being edited, and the edits are interleaved: each round edits every participant due in it once, in an
// order that rotates, so load on this shared machine hits every tool alike.
//
// One edit: take performance.now(), write the leaf in place (fs.writeFileSync), and wait for the
// probe line carrying the new version on the process's stdout (the arrival time is taken in the
// 'data' handler). Under chaud that line comes from the app's on("reload") listener; under the
// restarting tools, from the new process's startup. After each edit the benchmark waits for the
// tool to settle (200 ms for chaud, 300 ms for a restart), then, before the next edit anywhere,
// for the CPUs to be idle (quiet.js: a tool that restarted a large program keeps a core busy
// well after its first line, and an edit of another tool made then would time that work).
//
// chaud edits every round (24 edits, in each mode), and so do dynohot and hot-hook (in-process HMR); the
// restarting tools and vite-node --watch every third round (8 edits), which keeps the whole file
// at about eight minutes. Warm-up: one edit per process (two for chaud),
// not counted. Persistence check: the leaf's `/* @chaud.persist */` call counter must keep
// counting under chaud, and is 1 after every restart.
//
// chaud starts with a warm transform cache (a first start of each app fills it, unmeasured), as
// for a program that ran before: Babel is then not loaded until the first edit, whose latency
// (Babel loading) is reported apart. Its V8 JIT state is that of a process that has compiled
// only what the edits changed, not the whole app.
//
// Then, per language, a traced chaud run on the 1000-module app (BENCH_TRACE=1, same app and a
// warm cache, run alone): where the time of one edit goes (see app-generator.js).

const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { generateApp } = require("./app-generator");
const { TOOLS, ToolProcess, sleep, timedEdit, latencySummary } = require("./tool-process");
const { median, table, runAsScript } = require("./stats");
const { waitForQuiet } = require("./quiet");

const QUICK = process.argv.includes("--quick");
const SIZES = QUICK ? [10, 100] : [10, 100, 1000];
// "chaud" runs in mode "marked" (the default), "chaud-all" in mode "all" (CHAUD_MODE=all).
const ALL_LANGS = {
  cjs: ["chaud", "chaud-all", "re-require", "node-watch", "nodemon"],
  ts: ["chaud", "chaud-all", "node-watch-tsx", "nodemon-tsx", "tsx-watch"],
  esm: ["chaud", "chaud-all", "dynohot", "hot-hook", "vite-node"],
  mts: ["chaud", "chaud-all", "dynohot", "hot-hook", "vite-node"],
};
const ESM_LANGS = ["esm", "mts"];
// `--only=ts` or `--only=cjs`: one language (for trying things out).
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
// `--tools=chaud,nodemon`: only those tools (for trying a change out; not for results); a tool
// outside the language's list (chaud-in-thread) runs when named.
const tools = process.argv
  .find((arg) => arg.startsWith("--tools="))
  ?.slice("--tools=".length)
  .split(",");
const LANGS = Object.fromEntries(
  Object.entries(only ? { [only]: ALL_LANGS[only] } : ALL_LANGS).map(([lang, list]) => [
    lang,
    tools ? tools.filter((tool) => list.includes(tool) || !Object.values(ALL_LANGS).flat().includes(tool)) : list,
  ]),
);
const CHAUD_EDITS = QUICK ? 6 : 24;
const RESTART_EVERY = 3; // restarting tools edit every third round: CHAUD_EDITS / 3 edits
const TRACE_EDITS = QUICK ? 5 : 20;
const SETTLE_MS = { hot: 200, restart: 300 };
const EDIT_TIMEOUT_MS = 20000;

// Goals (chaud's brief).
const GOALS = { maxMedianMs: 10, minSpeedup: 50, maxScale: 1.3 };

/** How long each measured edit waited for the machine to be quiet (ms), for the report. */
const quietWaits = [];

/** A probe line with this version: the edit has reached running code. */
const probeOf = (version) => (m) => m.type === "probe" && m.version === version;

async function start(subject, cacheDir) {
  const rel = path.relative(subject.app.dir, subject.app.entry);
  const env = {
    CHAUD_CACHE_DIR: cacheDir,
    ...TOOLS[subject.tool].env,
    ...(subject.trace ? { BENCH_TRACE: "1" } : {}),
  };
  const t0 = performance.now();
  subject.proc = new ToolProcess(TOOLS[subject.tool].command(rel), { cwd: subject.app.dir, env });
  const first = await subject.proc.waitFor(probeOf(subject.version), {
    timeoutMs: 180000,
    what: `${subject.tool} to start`,
  });
  subject.startupMs = first.t - t0;
  subject.pid = first.msg.pid;
}

/** One timed edit. Returns { ms, msg, wall }, or null if the probe line never came (counted as a miss). */
async function edit(subject) {
  const version = ++subject.version;
  const result = await timedEdit(subject.proc, {
    write: () => subject.app.writeLeaf(version),
    until: probeOf(version),
    timeoutMs: EDIT_TIMEOUT_MS,
    what: `version ${version}`,
    label: `[reload-latency] ${subject.lang} ${subject.modules} ${subject.tool}`,
  });
  if (!result) {
    subject.misses++;
    return null;
  }
  subject.pids.add(result.msg.pid);
  subject.calls.push(result.msg.calls);
  return result;
}

async function measured(subject) {
  quietWaits.push(await waitForQuiet());
  const result = await edit(subject);
  if (!result) return;
  subject.samples.push(result.ms);
  if (typeof result.msg.reloadMs === "number") subject.reloadMs.push(result.msg.reloadMs);
  // Under chaud: was the edit (probe's body only) updated in place, nothing evaluated?
  if (typeof result.msg.inPlace === "number" && result.msg.inPlace > 0 && result.msg.evaluated.length === 0)
    subject.inPlaceEdits++;
  if (subject.trace) subject.traces.push({ ...result.msg, wall: result.wall, ms: result.ms });
  await sleep(TOOLS[subject.tool].restarts ? SETTLE_MS.restart : SETTLE_MS.hot);
}

function persistence(subject) {
  // Under chaud, one process and a counter that went 1, 2, 3, …; under a restart, 1 every time.
  const { calls } = subject;
  if (calls.length === 0) return "n/a";
  const counting = calls.every((c, i) => i === 0 || c === calls[i - 1] + 1);
  const reset = calls.every((c) => c === 1);
  if (TOOLS[subject.tool].hmr)
    return reset && subject.pids.size === 1 ? "reset (module re-run)" : `unexpected (${[...new Set(calls)].join(",")})`;
  if (TOOLS[subject.tool].rerun)
    return reset && subject.pids.size === 1
      ? "reset (program re-run)"
      : `unexpected (${[...new Set(calls)].join(",")})`;
  if (!TOOLS[subject.tool].restarts)
    return counting && calls[0] > 1 && subject.pids.size === 1
      ? `kept (${calls.at(-1)})`
      : `BROKEN (${calls.join(",")})`;
  return reset && subject.pids.size === calls.length
    ? "reset (restart)"
    : `unexpected (${[...new Set(calls)].join(",")})`;
}

function summary(subject) {
  return {
    ...latencySummary(subject),
    startupMs: subject.startupMs,
    firstEditMs: subject.firstEditMs,
    reloadMsMedian: subject.reloadMs.length ? median(subject.reloadMs) : null,
    inPlaceEdits: TOOLS[subject.tool].chaud ? subject.inPlaceEdits : null,
    persisted: persistence(subject),
    // More probe lines than edits: the tool restarted twice for one save, or similar.
    extraLines: subject.proc.lines.filter((l) => l.msg.type === "probe").length - 1 - subject.version + subject.misses,
  };
}

/** The traced run: one chaud process, alone, on the app of the largest size (warm cache). */
async function traced(lang, app, cacheDir) {
  const subject = newSubject(lang, app.modules, "chaud", app);
  subject.trace = true;
  subject.version = app.lastVersion;
  // One start that fills the cache with whatever the edits changed, then the measured warm start.
  await start(subject, cacheDir);
  await subject.proc.stop();
  await start(subject, cacheDir);
  await sleep(1000);
  // The first edit after a warm start (cache hits only) also loads Babel: reported alone.
  const first = await edit(subject);
  subject.firstEditMs = first?.ms ?? null;
  await sleep(500);
  for (let i = 0; i < TRACE_EDITS; i++) await measured(subject);
  await subject.proc.stop();
  // chaud's own line about its start: "compiled N files…" (cold) or, at debug level, cache hits.
  const cacheLine = (subject.proc.stderr.match(/compiled \d+ files in[^\n]*/) ?? [null])[0];
  const parts = subject.traces.map((t) => {
    const reloaderEnd = t.batchAt + t.reloadMs;
    return {
      total: t.ms,
      // parent's write -> the app's own fs.watch callback (kernel event delivery, event loop wake-up)
      toWatchEvent: t.watchAt - t.wall,
      // the app's fs.watch callback -> chaud's batch begins (watchpack's lstat, the burst window)
      watcher: t.batchAt - t.watchAt,
      // Babel on the changed file (the hot-only compile of an update in place), and the part of it
      // that ran ahead of the batch, while the window was open
      transform: t.transformMs,
      ahead: t.aheadMs,
      // the batch waiting for the reload compiler's answer (its worker thread runs Babel then)
      waited: t.waitMs ?? 0,
      evaluate: t.evalMs,
      // the batch (chaud's "reloaded … in N ms") without Babel, the wait and evaluation: content
      // hash, the registry's checks and commit, dependency order when several modules are queued
      otherReload: t.reloadMs - (t.transformMs - t.aheadMs) - (t.waitMs ?? 0) - t.evalMs,
      // after the batch, before the app's listener runs: watch-list refresh, the log line, the event
      afterBatch: t.at - reloaderEnd,
      // the probe line written -> the parent reads it from the pipe
      toParent: t.ms - (t.at - t.wall),
    };
  });
  const keys = Object.keys(parts[0] ?? {});
  return {
    lang,
    modules: app.modules,
    edits: parts.length,
    startupWarmMs: subject.startupMs,
    cacheLine,
    firstEditAfterWarmStartMs: subject.firstEditMs,
    medians: Object.fromEntries(keys.map((k) => [k, median(parts.map((p) => p[k]))])),
  };
}

function newSubject(lang, modules, tool, app) {
  return {
    lang,
    modules,
    tool,
    app,
    proc: null,
    version: 0,
    samples: [],
    reloadMs: [],
    calls: [],
    pids: new Set(),
    misses: 0,
    inPlaceEdits: 0,
    traces: [],
    startupMs: null,
    firstEditMs: null,
    trace: false,
  };
}

async function runLanguage(lang, workDir) {
  const cacheDir = fs.mkdtempSync(path.join(workDir, `cache-${lang}-`));
  const subjects = [];
  for (const modules of SIZES) {
    for (const tool of LANGS[lang])
      subjects.push(newSubject(lang, modules, tool, generateApp({ lang, modules, parent: workDir, label: tool })));
  }
  try {
    // chaud starts warm, as it does for a program that has run before: one start per chaud app
    // first fills the transform cache (that start is what startup.js calls "cold").
    for (const subject of subjects.filter((s) => TOOLS[s.tool].chaud)) {
      console.error(`[reload-latency] filling chaud's cache for ${lang} ${subject.modules}…`);
      await start(subject, cacheDir);
      await subject.proc.stop();
    }
    // Start one at a time, so startups do not compete for the two cores.
    for (const subject of subjects) {
      console.error(`[reload-latency] starting ${lang} ${subject.modules} under ${subject.tool}…`);
      await start(subject, cacheDir);
    }
    await sleep(1500); // watchers finish their initial scans (chokidar, watchpack)
    for (const subject of subjects) {
      const warmups = TOOLS[subject.tool].chaud ? 2 : 1;
      for (let i = 0; i < warmups; i++) {
        const result = await edit(subject);
        if (i === 0) subject.firstEditMs = result?.ms ?? null;
        await sleep(TOOLS[subject.tool].restarts ? SETTLE_MS.restart : SETTLE_MS.hot);
      }
      subject.calls = [];
      subject.pids = new Set();
    }
    console.error(`[reload-latency] ${lang}: ${CHAUD_EDITS} rounds…`);
    for (let round = 0; round < CHAUD_EDITS; round++) {
      const due = subjects.filter((s) => !TOOLS[s.tool].restarts || round % RESTART_EVERY === 0);
      const shift = round % due.length;
      for (const subject of [...due.slice(shift), ...due.slice(0, shift)]) await measured(subject);
    }
  } finally {
    await Promise.all(subjects.filter((s) => s.proc).map((s) => s.proc.stop()));
  }
  const results = subjects.map(summary);
  // The trace wraps CommonJS internals (Module#_compile): CommonJS and TypeScript-to-CommonJS only.
  if (ESM_LANGS.includes(lang)) {
    for (const subject of subjects) subject.app.remove();
    return { results, trace: null };
  }
  // The traced run reuses the largest chaud app (its compiled files are cached now).
  const largest = subjects.find((s) => s.tool === "chaud" && s.modules === SIZES.at(-1));
  if (!largest) {
    for (const subject of subjects) subject.app.remove(); // --tools left chaud out: nothing to trace
    return { results, trace: null };
  }
  largest.app.lastVersion = largest.version;
  console.error(`[reload-latency] ${lang}: traced chaud run on ${largest.modules} modules…`);
  const trace = await traced(lang, largest.app, cacheDir);
  for (const subject of subjects) subject.app.remove();
  return { results, trace };
}

function goals(results) {
  const find = (lang, modules, tool) =>
    results.find((r) => r.lang === lang && r.modules === modules && r.tool === tool);
  const largest = SIZES.at(-1);
  const smallest = SIZES[0];
  const checks = [];
  for (const lang of Object.keys(LANGS)) {
    // Every cell: chaud's median <= 10 ms in both modes, and below every peer that reloads
    // without restarting (the ES module tools) at every size.
    for (const modules of SIZES) {
      for (const tool of ["chaud", "chaud-all"]) {
        const subject = find(lang, modules, tool);
        if (!subject) continue;
        checks.push({
          lang,
          goal: `${subject.label} median at ${modules} modules <= ${GOALS.maxMedianMs} ms`,
          value: `${subject.medianMs.toFixed(1)} ms`,
          pass: subject.medianMs <= GOALS.maxMedianMs,
        });
      }
      const chaud = find(lang, modules, "chaud");
      if (!chaud || !ESM_LANGS.includes(lang)) continue;
      const others = results.filter((r) => r.lang === lang && r.modules === modules && !TOOLS[r.tool].chaud);
      for (const other of others) {
        checks.push({
          lang,
          goal: `chaud ahead of ${other.label} (${modules} modules)`,
          value:
            other.edits > 0 ? `${chaud.medianMs.toFixed(1)} vs ${other.medianMs.toFixed(1)} ms` : "tool did not reload",
          pass: other.edits > 0 && chaud.medianMs < other.medianMs,
        });
      }
    }
    if (ESM_LANGS.includes(lang)) continue;
    const chaud = find(lang, largest, "chaud");
    const nodeWatch = find(lang, largest, lang === "ts" ? "node-watch-tsx" : "node-watch");
    const small = find(lang, smallest, "chaud");
    if (!chaud || !nodeWatch || !small) continue; // --tools left one out: no goal to judge
    const speedup = nodeWatch.medianMs / chaud.medianMs;
    checks.push({
      lang,
      goal: `>= ${GOALS.minSpeedup}x faster than ${nodeWatch.label} (${largest} modules)`,
      value: `${speedup.toFixed(1)}x`,
      pass: speedup >= GOALS.minSpeedup,
    });
    const scale = chaud.medianMs / small.medianMs;
    checks.push({
      lang,
      goal: `chaud ${largest} modules / ${smallest} modules <= ${GOALS.maxScale}x`,
      value: `${scale.toFixed(2)}x`,
      pass: scale <= GOALS.maxScale,
    });
  }
  return checks;
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-reload-"));
  const started = Date.now();
  try {
    const results = [];
    const traces = [];
    for (const lang of Object.keys(LANGS)) {
      const out = await runLanguage(lang, workDir);
      results.push(...out.results);
      if (out.trace) traces.push(out.trace);
    }
    for (const r of results) {
      const chaud = results.find((c) => c.lang === r.lang && c.modules === r.modules && c.tool === "chaud");
      r.vsChaud = chaud ? r.medianMs / chaud.medianMs : null;
    }
    return {
      quick: QUICK,
      sizes: SIZES,
      chaudEdits: CHAUD_EDITS,
      restartEdits: Math.ceil(CHAUD_EDITS / RESTART_EVERY),
      settleMs: SETTLE_MS,
      quietWaitMs: quietWaits.length > 0 ? { median: median(quietWaits), max: Math.max(...quietWaits) } : null,
      results,
      traces,
      goals: goals(results),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? "-" : x.toFixed(1));

function render(result) {
  const rows = result.results.map((r) => [
    r.lang,
    r.modules,
    r.label,
    `${r.edits}${r.misses ? ` (${r.misses} missed)` : ""}${r.extraLines > 0 ? ` (+${r.extraLines} extra lines)` : ""}`,
    f1(r.medianMs),
    f1(r.p90Ms),
    `${f1(r.minMs)}-${f1(r.maxMs)}`,
    r.tool === "chaud"
      ? "1x"
      : !(r.edits > 0) || r.vsChaud === null
        ? "-"
        : `${r.vsChaud.toFixed(r.vsChaud < 10 ? 2 : 0)}x`,
    TOOLS[r.tool].chaud ? f1(r.reloadMsMedian) : "-",
    TOOLS[r.tool].chaud ? `${r.inPlaceEdits}/${r.edits}` : "-",
    f1(r.firstEditMs),
    f1(r.startupMs),
    r.persisted,
  ]);
  const out = [
    `reload-latency: edit -> new code running, ms (${result.chaudEdits} edits for chaud, ${result.restartEdits} for the restarting tools; ${result.seconds.toFixed(0)} s${result.quietWaitMs ? `; waits for a quiet machine before an edit: median ${result.quietWaitMs.median.toFixed(0)} ms, max ${result.quietWaitMs.max.toFixed(0)} ms` : ""})`,
    table(
      [
        "lang",
        "N",
        "tool",
        "edits",
        "median",
        "p90",
        "range",
        "vs chaud",
        "chaud batch",
        "in place",
        "1st edit",
        "startup",
        "persisted counter",
      ],
      rows,
    ),
    "",
    "goals:",
    table(
      ["lang", "goal", "value", "result"],
      result.goals.map((g) => [g.lang, g.goal, g.value, g.pass ? "pass" : "FAIL"]),
    ),
    "",
    "where chaud's time goes (traced run, medians, ms; see BENCHMARKS.md for the columns):",
    table(
      [
        "lang",
        "N",
        "total",
        "write->event",
        "watcher",
        "transform",
        "of it ahead",
        "waited for worker",
        "evaluate",
        "rest of batch",
        "after batch",
        "->parent",
        "warm start",
        "1st edit after it",
      ],
      result.traces.map((t) => [
        t.lang,
        t.modules,
        f1(t.medians.total),
        f1(t.medians.toWatchEvent),
        f1(t.medians.watcher),
        f1(t.medians.transform),
        f1(t.medians.ahead),
        f1(t.medians.waited),
        f1(t.medians.evaluate),
        f1(t.medians.otherReload),
        f1(t.medians.afterBatch),
        f1(t.medians.toParent),
        `${f1(t.startupWarmMs)}${t.cacheLine ? " (NOT warm)" : ""}`,
        f1(t.firstEditAfterWarmStartMs),
      ]),
    ),
  ];
  return out.join("\n");
}

module.exports = { main, render, GOALS };
if (require.main === module) runAsScript(main, render);
