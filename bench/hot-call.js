"use strict";
// What a call through a hot function's stub costs, against the same function compiled without
// the plugin. Both versions come from one source, compiled by the built plugin (dist/) and run
// against the built registry, the way an app runs them.
//
// Each case and side gets its own loop function (new Function, with a unique label in its source:
// V8 caches dynamic functions by source text, and closures from one cache entry share type
// feedback), so one side's call target never makes the other's call site polymorphic. Every result is
// added into an accumulator whose total is checked against the other side's at the end, so no call
// can be dropped as dead code, and a stub that returned something else would be caught.

const path = require("node:path");
const { transformSync } = require("@babel/core");
const { median, cpuMs, table, report } = require("./stats");

const ROOT = path.join(__dirname, "..");
const chaudPlugin = require(path.join(ROOT, "dist/plugin/index.js")).default;
const registry = require(path.join(ROOT, "dist/runtime/registry/registry.js"));

const SOURCE = `
/* @chaud.hot */ export function zero() { return 1; }
/* @chaud.hot */ export function one(a) { return a + 1; }
/* @chaud.hot */ export function two(a, b) { return a + b; }
/* @chaud.hot */ export function three(a, b, c) { return a + b + c; }
/* @chaud.hot */ export const arrow = (a) => a + 1;
/* @chaud.hot */ export function pair(a, b) { return a + (b | 0); }
/* @chaud.hot */ export function other(a) { return a + 1; }
/* @chaud.hot */ export function edited(a) { return a + 1; }
/* @chaud.hot */ export class Counter { step(a) { return a + 1; } get one() { return 1; } static twice(a) { return a * 2; } }
export class Single { /* @chaud.hot */ step(a) { return a + 1; } }
`;

// Hot without a marker (mode "all", the chaud command's default): its stub is watched until
// it first runs after start-up (runtime/registry/first-calls.ts).
const SOURCE_ALL = `export function unmarked(a) { return a + 1; }
export class UnmarkedClass { step(a) { return a + 1; } }
`;

const CASES = [
  { name: "0 args", subject: (m) => m.zero, call: "f()" },
  { name: "1 arg", subject: (m) => m.one, call: "f(i)" },
  { name: "2 args", subject: (m) => m.two, call: "f(i, 1)" },
  { name: "3 args", subject: (m) => m.three, call: "f(i, 1, 2)" },
  { name: "arrow const, 1 arg", subject: (m) => m.arrow, call: "f(i)" },
  { name: "method of a hot class", subject: (m) => new m.Counter(), call: "f.step(i)" },
  { name: "getter of a hot class", subject: (m) => new m.Counter(), call: "f.one" },
  { name: "static method of a hot class", subject: (m) => m.Counter, call: "f.twice(i)" },
  { name: "single hot method", subject: (m) => new m.Single(), call: "f.step(i)" },
  { name: 'unmarked function, mode "all"', subject: (m) => m.unmarked, call: "f(i)" },
  { name: 'method of an unmarked class, mode "all"', subject: (m) => new m.UnmarkedClass(), call: "f.step(i)" },
  // Every case runs after a reload of \`other\` (reload() below): a reload costs no other stub.
  // The function a reload changed calls through its target's rewritten field from then on.
  { name: "1 arg, its own body reloaded", subject: (m) => m.edited, call: "f(i)", slowPath: true },
  // Stubs forward every call with Reflect.apply(fn, this, arguments): a different count costs the same.
  { name: "2-arg fn called with 1 (mismatched arity)", subject: (m) => m.pair, call: "f(i)", slowPath: true },
];

const ITERATIONS = 10_000_000;
const ROUNDS = 9;
const WARMUP_RUNS = 5;

function load(enabled) {
  return {
    ...compile(SOURCE, "hot-call-subject.js", { enabled }),
    ...compile(SOURCE_ALL, "hot-call-all.js", { enabled, mode: "all" }),
  };
}

function compile(source, name, options) {
  const { code } = transformSync(source, {
    babelrc: false,
    configFile: false,
    filename: path.join(ROOT, "bench", name),
    plugins: [[chaudPlugin, options], "@babel/plugin-transform-modules-commonjs"],
  });
  const module = { exports: {} };
  const requireShim = (name) => {
    if (name === "chaud/registry") return registry;
    throw new Error(`hot-call subject requires ${name}`);
  };
  new Function("require", "module", "exports", code)(requireShim, module, module.exports);
  return module.exports;
}

/** Commits a new body for the hot function `name`, as a save does. */
function reload(name, impl) {
  const state = registry.getRegistry();
  const key = [...state.hot.keys()].find((k) => k.endsWith(`#${name}`));
  const batch = state.beginBatch();
  state.module(key.slice(0, key.indexOf("#"))).fn(name, impl, `reloaded ${name}`);
  batch.commit();
}

function makeLoop(call, label) {
  const body = `"use strict"; // ${label}
let acc = 0;
for (let i = 0; i < n; i++) acc = (acc + ${call}) | 0;
return acc;`;
  return new Function("f", "n", body);
}

/** ns per call, from CPU time (see stats.js). */
function measure(side, iterations) {
  const start = cpuMs();
  side.checksum = (side.checksum + side.loop(side.subject, iterations)) | 0;
  return ((cpuMs() - start) * 1e6) / iterations;
}

function main() {
  const direct = load(false);
  const hot = load(true);
  if (direct.one === hot.one) throw new Error("expected two separately compiled modules");
  for (const name of ["other", "edited"]) reload(name, (a) => a + 1);
  const runs = CASES.map((c) => ({
    case: c,
    direct: { loop: makeLoop(c.call, `direct ${c.name}`), subject: c.subject(direct), samples: [], checksum: 0 },
    hot: { loop: makeLoop(c.call, `hot ${c.name}`), subject: c.subject(hot), samples: [], checksum: 0 },
  }));
  // Warm up until V8 has optimized every loop with its callee inlined where it can be.
  for (let w = 0; w < WARMUP_RUNS; w++) {
    for (const run of runs) for (const side of [run.direct, run.hot]) measure(side, ITERATIONS / 10);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const run of runs) {
      // Alternate which side goes first, so drift (thermal, GC, other processes) hits both.
      const order = round % 2 ? [run.hot, run.direct] : [run.direct, run.hot];
      for (const side of order) side.samples.push(measure(side, ITERATIONS));
    }
  }
  for (const run of runs) {
    if (run.direct.checksum !== run.hot.checksum)
      throw new Error(`hot and direct "${run.case.name}" returned different results`);
  }
  return {
    iterations: ITERATIONS,
    rounds: ROUNDS,
    cases: runs.map((run) => {
      const directNs = median(run.direct.samples);
      const hotNs = median(run.hot.samples);
      return { name: run.case.name, slowPath: Boolean(run.case.slowPath), directNs, hotNs, ratio: hotNs / directNs };
    }),
  };
}

const GOAL = 1.1;

function render(result) {
  const rows = result.cases.map((c) => [
    c.name,
    c.directNs.toFixed(2),
    c.hotNs.toFixed(2),
    (c.hotNs - c.directNs).toFixed(2),
    `${c.ratio.toFixed(2)}x`,
    c.slowPath ? "(reported)" : c.ratio <= GOAL ? "pass" : "FAIL",
  ]);
  const head = `hot-call: median of ${result.rounds} rounds x ${result.iterations.toLocaleString("en-US")} calls, ns/call (goal hot/direct <= ${GOAL}x)`;
  return `${head}\n${table(["case", "direct ns", "hot ns", "extra ns", "hot/direct", "goal"], rows)}`;
}

module.exports = { main, render, GOAL };
// Measured once start-up is over, as a program's calls are: a call made while a module is being
// evaluated goes through a watcher first (runtime/registry/first-calls.ts).
if (require.main === module) setImmediate(() => report(main(), render));
