"use strict";
// Edit -> new value served, for two kinds of edit of one module under chaud:
//   (a) body:      an edit inside the body of a hot function. chaud updates the module in place:
//                  its hot-only version registers the new body, no top-level statement runs again,
//                  module state is kept, importers are untouched.
//   (b) top-level: an edit of the same module's top-level code (a constant the hot function
//                  reads). The module is evaluated again; its importers only if its exports changed
//                  in a way identity does not carry (here they do not: its one export is the hot
//                  function, so propagation stops at it).
// Expectation: (a) is faster, as it evaluates none of the module's top level.
//
// What each does (runtime/reload/reloader.ts): every changed module is first tried in place. Its
// hot-only version is compiled with Babel (the plugin's hotOnly option) and run; the registry (or,
// for ES modules, the loader hook, before evaluating anything) refuses it if the module's shape
// (its source with the hot bodies set aside) changed. Refused, the module is compiled again in full
// and evaluated: so (b) does (a)'s work up to the refusal, then a second transform and an evaluation.
//
// The apps are reload-latency's (app-generator.js: N = 10, 100, 1000 modules; CommonJS, TypeScript
// compiled to CommonJS, ES modules .mjs and TypeScript .mts), under the chaud CLI in mode "marked"
// (`--mode=all`: CHAUD_MODE=all, for a try), with a warm transform cache. The edited module is the
// leaf, whose probe() returns `version: <literal> + STAMP` with a top-level `const STAMP`: edit (a)
// raises the literal, edit (b) raises STAMP (leafSource in app-generator.js). Both give a probe line
// with the next version, which the app prints from its on("reload") listener.
//
// Interleaving: one process per (language, N), all of a language running at once. Every round
// makes one edit of each kind in every process, back to back in the same process (so both kinds
// share its JIT state and the machine's load of that moment), alternating which kind goes first,
// in a process order that rotates. After each edit the benchmark waits 200 ms before the next one
// anywhere. Each probe line also says what the batch did (files updated in place, modules
// evaluated), and every edit is checked to be what it claims; the persisted call counter must keep
// counting across both kinds.

const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { generateApp } = require("./app-generator");
const { TOOLS, ToolProcess, sleep, quantile, timedEdit } = require("./tool-process");
const { median, table, runAsScript } = require("./stats");

const QUICK = process.argv.includes("--quick");
const SIZES = QUICK ? [10, 100] : [10, 100, 1000];
const ALL_LANGS = ["cjs", "ts", "esm", "mts"];
// `--only=ts`: one language (for trying things out).
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const LANGS = only ? [only] : ALL_LANGS;
const MODE = process.argv.find((arg) => arg.startsWith("--mode="))?.slice("--mode=".length) ?? "marked";
const TOOL = MODE === "all" ? "chaud-all" : "chaud";
const EDITS = QUICK ? 6 : 24; // per kind and process
const WARMUP_ROUNDS = 2; // one edit of each kind per round, not counted
const SETTLE_MS = 200;
const EDIT_TIMEOUT_MS = 20000;
const TRACE_ROUNDS = QUICK ? 4 : 12;
const KINDS = ["body", "top"];
const LABELS = { body: "body edit (in place)", top: "top-level edit (re-evaluated)" };

// Goal: an edit that stays inside hot bodies reloads faster than one that re-evaluates the module.
const GOAL = { maxRatio: 1.0 };

const probeOf = (version) => (m) => m.type === "probe" && m.version === version;

function newSubject(lang, modules, app) {
  return {
    lang,
    modules,
    app,
    proc: null,
    version: 0,
    stamp: 0,
    samples: { body: [], top: [] },
    batchMs: { body: [], top: [] },
    // Per round, the two kinds' latencies in this process (for the paired ratio).
    pairs: [],
    // Edits whose batch did something else than their kind says (evaluated a body edit, …).
    unexpected: { body: 0, top: 0 },
    importersEvaluated: 0,
    calls: [],
    pids: new Set(),
    misses: 0,
    startupMs: null,
    firstEditMs: null,
  };
}

async function start(subject, cacheDir, env = {}) {
  const rel = path.relative(subject.app.dir, subject.app.entry);
  const t0 = performance.now();
  subject.proc = new ToolProcess(TOOLS[TOOL].command(rel), {
    cwd: subject.app.dir,
    env: { CHAUD_CACHE_DIR: cacheDir, ...TOOLS[TOOL].env, ...env },
  });
  const first = await subject.proc.waitFor(probeOf(subject.version), {
    timeoutMs: 180000,
    what: `chaud to start (${subject.lang} ${subject.modules})`,
  });
  subject.startupMs = first.t - t0;
}

/** One edit of `kind`; returns { ms, msg, asExpected } or null if the new version never came. */
async function edit(subject, kind) {
  const version = ++subject.version;
  if (kind === "top") subject.stamp++;
  const result = await timedEdit(subject.proc, {
    write: () => subject.app.writeLeaf(version, subject.stamp),
    until: probeOf(version),
    timeoutMs: EDIT_TIMEOUT_MS,
    what: `version ${version}`,
    label: `[in-place] ${subject.lang} ${subject.modules} ${kind}`,
  });
  if (!result) {
    subject.misses++;
    return null;
  }
  const { msg } = result;
  subject.pids.add(msg.pid);
  subject.calls.push(msg.calls);
  const evaluated = msg.evaluated ?? [];
  const leafEvaluated = evaluated.some((file) => /(^|\/)probe\.[cm]?[jt]s$/.test(file));
  const asExpected = kind === "body" ? msg.inPlace === 1 && evaluated.length === 0 : msg.inPlace === 0 && leafEvaluated;
  return { ms: result.ms, msg, asExpected, importers: leafEvaluated ? evaluated.length - 1 : 0 };
}

async function measured(subject, kind) {
  const result = await edit(subject, kind);
  if (result) {
    subject.samples[kind].push(result.ms);
    if (typeof result.msg.reloadMs === "number") subject.batchMs[kind].push(result.msg.reloadMs);
    if (!result.asExpected) subject.unexpected[kind]++;
    subject.importersEvaluated += result.importers;
  }
  await sleep(SETTLE_MS);
  return result?.ms ?? null;
}

function persistence(subject) {
  const { calls } = subject;
  const counting = calls.every((c, i) => i === 0 || c === calls[i - 1] + 1);
  return counting && calls.length > 0 && subject.pids.size === 1
    ? `kept (${calls.at(-1)})`
    : `BROKEN (${calls.join(",")})`;
}

function summary(subject) {
  const of = (kind) => ({
    edits: subject.samples[kind].length,
    medianMs: median(subject.samples[kind]),
    p90Ms: quantile(subject.samples[kind], 0.9),
    batchMedianMs: subject.batchMs[kind].length ? median(subject.batchMs[kind]) : null,
    unexpected: subject.unexpected[kind],
  });
  const body = of("body");
  const top = of("top");
  const ratio = body.medianMs / top.medianMs;
  const pairedRatios = subject.pairs.filter((p) => p.body !== null && p.top !== null).map((p) => p.body / p.top);
  const checked = body.unexpected === 0 && top.unexpected === 0 && subject.misses === 0;
  return {
    lang: subject.lang,
    modules: subject.modules,
    mode: MODE,
    body,
    top,
    ratio,
    pairedRatioMedian: pairedRatios.length ? median(pairedRatios) : null,
    batchRatio: body.batchMedianMs / top.batchMedianMs,
    misses: subject.misses,
    importersEvaluated: subject.importersEvaluated,
    startupMs: subject.startupMs,
    firstEditMs: subject.firstEditMs,
    persisted: persistence(subject),
    checked,
    pass: checked && ratio < GOAL.maxRatio,
  };
}

async function runLanguage(lang, workDir) {
  const cacheDir = fs.mkdtempSync(path.join(workDir, `cache-${lang}-`));
  const subjects = SIZES.map((modules) =>
    newSubject(lang, modules, generateApp({ lang, modules, parent: workDir, label: "in-place", stamped: true })),
  );
  try {
    // A warm transform cache, as reload-latency has: one unmeasured start per app fills it.
    for (const subject of subjects) {
      console.error(`[in-place] filling chaud's cache for ${lang} ${subject.modules}…`);
      await start(subject, cacheDir);
      await subject.proc.stop();
    }
    for (const subject of subjects) {
      console.error(`[in-place] starting ${lang} ${subject.modules}…`);
      await start(subject, cacheDir);
    }
    await sleep(1500); // the watcher's initial scan
    for (const subject of subjects) {
      for (let round = 0; round < WARMUP_ROUNDS; round++) {
        for (const kind of KINDS) {
          const result = await edit(subject, kind);
          if (round === 0 && kind === "body") subject.firstEditMs = result?.ms ?? null;
          await sleep(SETTLE_MS);
        }
      }
      subject.calls = [];
      subject.pids = new Set();
    }
    console.error(`[in-place] ${lang}: ${EDITS} rounds of one edit of each kind per app…`);
    for (let round = 0; round < EDITS; round++) {
      const shift = round % subjects.length;
      const order = [...subjects.slice(shift), ...subjects.slice(0, shift)];
      for (const [i, subject] of order.entries()) {
        const kinds = (round + i) % 2 === 0 ? KINDS : [...KINDS].reverse();
        const pair = {};
        for (const kind of kinds) pair[kind] = await measured(subject, kind);
        subject.pairs.push(pair);
      }
    }
    const results = subjects.map(summary);
    await Promise.all(subjects.map((s) => s.proc.stop()));
    // The trace wraps CommonJS internals (Module#_compile, the require hook): CommonJS apps only.
    const trace = ["cjs", "ts"].includes(lang) ? await traced(subjects.at(-1), cacheDir) : null;
    return { results, trace };
  } finally {
    await Promise.all(subjects.filter((s) => s.proc).map((s) => s.proc.stop()));
    for (const subject of subjects) subject.app.remove();
  }
}

/**
 * Where each kind's batch goes: the largest app again, alone, with BENCH_TRACE=1 (see
 * app-generator.js), TRACE_ROUNDS rounds of one edit of each kind. Per kind, medians of Babel
 * (transform: the hot-only compile and, for a re-evaluation, the full one in the require hook),
 * of Module#_compile (evaluate: V8's compile and the top-level run, or the hot-only version's
 * registrations) and of how many compiled versions of the module ran.
 */
async function traced(subject, cacheDir) {
  console.error(`[in-place] ${subject.lang}: traced run on ${subject.modules} modules…`);
  await start(subject, cacheDir, { BENCH_TRACE: "1" });
  await sleep(1000);
  const samples = { body: [], top: [] };
  for (let round = 0; round < WARMUP_ROUNDS + TRACE_ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
      const result = await edit(subject, kind);
      await sleep(SETTLE_MS);
      if (result && round >= WARMUP_ROUNDS) samples[kind].push({ ms: result.ms, ...result.msg });
    }
  }
  await subject.proc.stop();
  const medians = (list) => ({
    edits: list.length,
    totalMs: median(list.map((m) => m.ms)),
    batchMs: median(list.map((m) => m.reloadMs)),
    transformMs: median(list.map((m) => m.transformMs)),
    evaluateMs: median(list.map((m) => m.evalMs)),
    compiles: median(list.map((m) => m.compiles)),
  });
  return { lang: subject.lang, modules: subject.modules, body: medians(samples.body), top: medians(samples.top) };
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-in-place-"));
  const started = Date.now();
  try {
    const results = [];
    const traces = [];
    for (const lang of LANGS) {
      const out = await runLanguage(lang, workDir);
      results.push(...out.results);
      if (out.trace) traces.push(out.trace);
    }
    return {
      quick: QUICK,
      mode: MODE,
      sizes: SIZES,
      edits: EDITS,
      settleMs: SETTLE_MS,
      goal: GOAL,
      results,
      traces,
      loadAverage: os.loadavg(),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? "-" : x.toFixed(1));
const LANG_NAMES = { cjs: "CJS", ts: "TS", esm: "ESM", mts: "TS-ESM" };

function render(result) {
  const rows = result.results.map((r) => [
    LANG_NAMES[r.lang] ?? r.lang,
    r.modules,
    `${r.body.edits}+${r.top.edits}${r.misses ? ` (${r.misses} missed)` : ""}`,
    `${f1(r.body.medianMs)} (${f1(r.body.p90Ms)})`,
    `${f1(r.top.medianMs)} (${f1(r.top.p90Ms)})`,
    `${r.ratio.toFixed(2)}x`,
    r.pairedRatioMedian === null ? "-" : `${r.pairedRatioMedian.toFixed(2)}x`,
    `${f1(r.body.batchMedianMs)} / ${f1(r.top.batchMedianMs)}`,
    `${r.batchRatio.toFixed(2)}x`,
    `${r.body.edits - r.body.unexpected}/${r.body.edits} in place, ${r.top.edits - r.top.unexpected}/${r.top.edits} evaluated`,
    r.importersEvaluated,
    f1(r.firstEditMs),
    r.persisted,
    r.pass ? "pass" : "FAIL",
  ]);
  return [
    `in-place: edit -> new value served, ms, median (p90); mode "${result.mode}"; ${result.edits} edits of each kind per app, interleaved (${result.seconds.toFixed(0)} s)`,
    `(a) ${LABELS.body} vs (b) ${LABELS.top} of the same module; goal: (a) / (b) < ${GOAL.maxRatio.toFixed(1)}x`,
    table(
      [
        "lang",
        "N",
        "edits",
        "(a) body",
        "(b) top-level",
        "(a)/(b)",
        "paired",
        "chaud batch (a) / (b)",
        "batch (a)/(b)",
        "checked",
        "importers run",
        "1st edit",
        "persisted counter",
        "goal",
      ],
      rows,
    ),
    "",
    "where the batch goes (traced run, largest app alone, medians, ms; evaluations: compiled versions of the module run):",
    table(
      ["lang", "N", "edit", "edits", "total", "chaud batch", "transform", "evaluate", "rest of batch", "evaluations"],
      result.traces.flatMap((t) =>
        KINDS.map((kind) => {
          const k = t[kind];
          return [
            LANG_NAMES[t.lang] ?? t.lang,
            t.modules,
            LABELS[kind],
            k.edits,
            f1(k.totalMs),
            f1(k.batchMs),
            f1(k.transformMs),
            f1(k.evaluateMs),
            f1(k.batchMs - k.transformMs - k.evaluateMs),
            k.compiles,
          ];
        }),
      ),
    ),
  ].join("\n");
}

module.exports = { main, render, GOAL, LABELS };
if (require.main === module) runAsScript(main, render);
