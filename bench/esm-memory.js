"use strict";
// Memory kept per save, ES modules against CommonJS, re-evaluations against body-only edits.
//
// Node cannot unload an ES module: each re-evaluation imports the changed module under a new
// URL (`data.mjs?chaud=N`) and the old version's module record, source, source map and compiled
// code stay in Node's module map for the life of the process. chaud estimates what they cost:
// `status().retained` = { records, bytes }. A body-only edit (only hot bodies changed) runs a
// hot-only version of the module, which should keep nothing, in either module system.
//
// Two programs, each with a module src/data (~40 KB of source: 200 small functions and a
// table, different in every version, and one hot function): `node --expose-gc --import
// chaud/register src/main.mjs` ("type": "module") and `node --expose-gc -r chaud/register
// src/main.js` (the same module as CommonJS). Each one, through chaud's file watcher, waiting
// for the app's on("reload") line with what was saved:
//   1. 10 re-evaluations (warm-up: Babel and chaud's first-use allocations), then RELOADS more
//      (a new VERSION constant: the top level changed);
//   2. 10 body-only edits (warm-up of the hot-only path), then RELOADS more (a new string in
//      the hot function's body).
// After each step the app runs gc() four times and prints heap used and status().retained.
//
// Goals: for ES module re-evaluations, status().retained.bytes per reload within 1.5x of the
// measured heap growth per reload (either way); a body-only ES module save grows the heap no
// more than a CommonJS re-evaluation does (plus NOISE_BYTES per save: V8 keeps optimizing
// Babel's and chaud's code, which moves single readings by about 1 MB), and retains no record.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ToolProcess, sleep, measureMemory: measure } = require("./tool-process");
const { appUsingChaud } = require("./chaud-build");
const { median, table, runAsScript } = require("./stats");

const RELOADS = process.argv.includes("--quick") ? 60 : 300;
const WARMUP = 10;
const RATIO_GOAL = 1.5;
const NOISE_BYTES = 2048;
const KB = 1024;

const REPORTER = `
const report = () => {
  const p = probe();
  process.stdout.write(JSON.stringify({ type: "reload", version: p.version, body: p.body }) + "\\n");
};
chaud.on("reload", report);

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

const PROGRAMS = {
  esm: {
    main: "src/main.mjs",
    data: "src/data.mjs",
    fields: { type: "module" },
    args: ["--expose-gc", "--import", "chaud/register", "src/main.mjs"],
    source: `import { createRequire } from "node:module";
import { probe } from "./data.mjs";
const require = createRequire(import.meta.url);
const chaud = require("chaud");
${REPORTER}`,
  },
  cjs: {
    main: "src/main.js",
    data: "src/data.js",
    fields: {},
    args: ["--expose-gc", "-r", "chaud/register", "src/main.js"],
    source: `const chaud = require("chaud");
const { probe } = require("./data.js");
${REPORTER}`,
  },
};

/** Version `version` of the data module; `body` changes only the hot function's body. */
function dataModule(kind, version, body) {
  const exported = kind === "esm" ? "export " : "";
  const fns = [];
  for (let i = 0; i < 200; i++) {
    fns.push(`${exported}function f${i}(x) {
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
${exported}function probe() {
  return { version: VERSION, body: "body ${body}", check: f0(1).acc };
}
${kind === "cjs" ? "module.exports = { probe, f0 };\n" : ""}`;
}

async function measureProgram(kind, workDir) {
  const program = PROGRAMS[kind];
  const dir = appUsingChaud(path.join(workDir, kind), `bench-esm-memory-${kind}`, program.fields);
  fs.mkdirSync(path.join(dir, "src"));
  fs.writeFileSync(path.join(dir, program.main), program.source);
  fs.writeFileSync(path.join(dir, program.data), dataModule(kind, 0, 0));
  const proc = new ToolProcess([process.execPath, program.args], {
    cwd: dir,
    env: { CHAUD_CACHE_DIR: path.join(workDir, `cache-${kind}`) },
  });
  const latencies = { reevaluate: [], body: [] };
  let version = 0;
  let body = 0;
  const save = async (what) => {
    if (what === "reevaluate") version++;
    else body++;
    const from = proc.lines.length;
    const t0 = performance.now();
    fs.writeFileSync(path.join(dir, program.data), dataModule(kind, version, body));
    const { t } = await proc.waitFor((m) => m.type === "reload" && m.version === version && m.body === `body ${body}`, {
      from,
      timeoutMs: 20000,
      what: `${kind} save (version ${version}, body ${body})`,
    });
    latencies[what].push(t - t0);
  };
  const phase = async (what) => {
    for (let i = 0; i < WARMUP; i++) await save(what);
    const start = await measure(proc);
    for (let i = 0; i < RELOADS; i++) await save(what);
    const end = await measure(proc);
    console.error(
      `[esm-memory] ${kind} ${what}: heap ${((end.heapUsed - start.heapUsed) / RELOADS / KB).toFixed(1)} KB per save`,
    );
    return {
      heapPerSaveBytes: (end.heapUsed - start.heapUsed) / RELOADS,
      rssPerSaveBytes: (end.rss - start.rss) / RELOADS,
      retainedRecordsPerSave: (end.retained.records - start.retained.records) / RELOADS,
      retainedBytesPerSave: (end.retained.bytes - start.retained.bytes) / RELOADS,
      start,
      end,
    };
  };
  try {
    await proc.waitFor((m) => m.type === "ready", { timeoutMs: 60000, what: `${kind} ready` });
    await sleep(1000);
    const before = await measure(proc);
    const reevaluate = await phase("reevaluate");
    const bodyOnly = await phase("body");
    return {
      before,
      reevaluate: { ...reevaluate, medianMs: median(latencies.reevaluate) },
      body: { ...bodyOnly, medianMs: median(latencies.body) },
    };
  } finally {
    await proc.stop();
  }
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-esm-memory-"));
  const started = Date.now();
  try {
    const esm = await measureProgram("esm", workDir);
    const cjs = await measureProgram("cjs", workDir);
    const ratio = esm.reevaluate.heapPerSaveBytes / esm.reevaluate.retainedBytesPerSave;
    const bodyBound = Math.max(0, cjs.reevaluate.heapPerSaveBytes) + NOISE_BYTES;
    return {
      reloads: RELOADS,
      warmup: WARMUP,
      sourceBytes: Buffer.byteLength(dataModule("esm", 1, 1)),
      esm,
      cjs,
      estimate: {
        ratio,
        goal: RATIO_GOAL,
        pass: ratio <= RATIO_GOAL && ratio >= 1 / RATIO_GOAL,
      },
      bodyOnly: {
        boundBytes: bodyBound,
        noiseBytes: NOISE_BYTES,
        pass: esm.body.heapPerSaveBytes <= bodyBound && esm.body.retainedRecordsPerSave === 0,
      },
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const kb = (bytes) => `${bytes >= 0 ? "+" : ""}${(bytes / KB).toFixed(1)} KB`;

function render(result) {
  const rows = [];
  for (const kind of ["esm", "cjs"]) {
    for (const what of ["reevaluate", "body"]) {
      const p = result[kind][what];
      rows.push([
        kind === "esm" ? "ES module" : "CommonJS",
        what === "reevaluate" ? "re-evaluation" : "body-only",
        kb(p.heapPerSaveBytes),
        kb(p.rssPerSaveBytes),
        `+${p.retainedRecordsPerSave.toFixed(2)}`,
        kb(p.retainedBytesPerSave),
        `${p.medianMs.toFixed(1)} ms`,
      ]);
    }
  }
  const esm = result.esm.reevaluate;
  return [
    `esm-memory: ${result.reloads} saves of each kind (after ${result.warmup} unmeasured) of a ${(result.sourceBytes / KB).toFixed(1)} KB module, ES module and CommonJS; heap after 4x gc(); ${result.seconds.toFixed(0)} s`,
    table(
      [
        "program",
        "save",
        "heap per save",
        "rss per save",
        "retained records",
        "retained bytes",
        "median save -> reload",
      ],
      rows,
    ),
    "",
    `ES module re-evaluation: heap ${kb(esm.heapPerSaveBytes)} per reload, status().retained.bytes ${kb(esm.retainedBytesPerSave)}: measured / estimated ${result.estimate.ratio.toFixed(2)}x (goal within ${result.estimate.goal}x either way): ${result.estimate.pass ? "pass" : "FAIL"}`,
    `body-only ES module save: heap ${kb(result.esm.body.heapPerSaveBytes)}, ${result.esm.body.retainedRecordsPerSave.toFixed(2)} records per save; CommonJS re-evaluation ${kb(result.cjs.reevaluate.heapPerSaveBytes)} (goal: no record, and <= the CommonJS figure ${kb(result.bodyOnly.noiseBytes)}): ${result.bodyOnly.pass ? "pass" : "FAIL"}`,
  ].join("\n");
}

module.exports = { main, render };
if (require.main === module) runAsScript(main, render);
