"use strict";
// Two chaud builds side by side: this checkout's dist/ ("this build") and another package root
// given with --before=DIR ("before"), on in-place.js's stamped apps and edits: (a) an edit inside
// probe()'s body, (b) an edit of the leaf's top-level code. For checking what a runtime change did
// to reload latency, e.g. the build before function-body updates:
//
//   git archive <commit> | tar -x -C DIR && ln -s "$PWD/node_modules" DIR/node_modules &&
//   (cd DIR && npx tsc -p tsconfig.build.json) && node bench/build-ab.js --before=DIR
//
// Not part of `npm run bench` (it needs the other build). One process per (language, build) at
// N = 1000 (`--modules=`), each app's node_modules/chaud linked to its build and started with that
// build's CLI, each with its own warm transform cache. Interleaved as in in-place.js: every round
// edits each process once per kind, back to back, alternating which kind and which build goes
// first; 200 ms of quiet after each edit; 2 warm-up rounds, then 24 (`--quick`: 6).

const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { generateApp } = require("./app-generator");
const { ToolProcess, sleep, quantile, timedEdit } = require("./tool-process");
const { chaudRoot, chaudCli } = require("./chaud-build");
const { median, table, runAsScript } = require("./stats");

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const QUICK = process.argv.includes("--quick");
const BEFORE = arg("before");
const MODULES = Number(arg("modules") ?? 1000);
const LANGS = (arg("only") ?? "cjs,ts,esm,mts").split(",");
const ROUNDS = QUICK ? 6 : 24;
const WARMUP_ROUNDS = 2;
const SETTLE_MS = 200;
const KINDS = ["body", "top"];
const LANG_NAMES = { cjs: "CJS", ts: "TS", esm: "ESM", mts: "TS-ESM" };

const probeOf = (version) => (m) => m.type === "probe" && m.version === version;

function newSubject(lang, build, root, cli, workDir) {
  const app = generateApp({ lang, modules: MODULES, parent: workDir, label: build, stamped: true });
  const link = path.join(app.dir, "node_modules", "chaud");
  fs.unlinkSync(link);
  fs.symlinkSync(root, link, "dir");
  const cacheDir = fs.mkdtempSync(path.join(workDir, `cache-${lang}-${build}-`));
  const samples = { body: [], top: [] };
  return {
    lang,
    build,
    app,
    cli,
    cacheDir,
    proc: null,
    version: 0,
    stamp: 0,
    samples,
    batchMs: { body: [], top: [] },
    did: { body: new Set(), top: new Set() },
  };
}

async function start(subject) {
  const rel = path.relative(subject.app.dir, subject.app.entry);
  subject.proc = new ToolProcess([process.execPath, [subject.cli, rel]], {
    cwd: subject.app.dir,
    env: { CHAUD_CACHE_DIR: subject.cacheDir },
  });
  await subject.proc.waitFor(probeOf(subject.version), { timeoutMs: 180000, what: `${subject.build} to start` });
}

async function edit(subject, kind, counted) {
  const version = ++subject.version;
  if (kind === "top") subject.stamp++;
  const result = await timedEdit(subject.proc, {
    write: () => subject.app.writeLeaf(version, subject.stamp),
    until: probeOf(version),
    timeoutMs: 20000,
    what: `version ${version}`,
    label: `[build-ab] ${subject.lang} ${subject.build} ${kind}`,
  });
  if (!result) throw new Error(`${subject.lang} ${subject.build}: version ${version} never came (${kind} edit)`);
  const { msg, ms } = result;
  if (counted) {
    subject.samples[kind].push(ms);
    subject.batchMs[kind].push(msg.reloadMs);
    subject.did[kind].add(msg.inPlace > 0 ? "in place" : `evaluated ${msg.evaluated.length}`);
  }
  await sleep(SETTLE_MS);
}

async function runLanguage(lang, workDir) {
  const subjects = [
    newSubject(
      lang,
      "before",
      path.resolve(BEFORE),
      path.join(path.resolve(BEFORE), "dist/integration/cli/index.js"),
      workDir,
    ),
    newSubject(lang, "this build", chaudRoot(), chaudCli(), workDir),
  ];
  try {
    for (const subject of subjects) {
      console.error(`[build-ab] ${lang} ${subject.build}: filling the transform cache…`);
      await start(subject);
      await subject.proc.stop();
    }
    for (const subject of subjects) await start(subject);
    await sleep(1500);
    console.error(`[build-ab] ${lang}: ${ROUNDS} rounds…`);
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      const order = round % 2 === 0 ? subjects : [...subjects].reverse();
      for (const [i, subject] of order.entries()) {
        for (const kind of (round + i) % 2 === 0 ? KINDS : [...KINDS].reverse())
          await edit(subject, kind, round >= WARMUP_ROUNDS);
      }
    }
  } finally {
    await Promise.all(subjects.filter((s) => s.proc).map((s) => s.proc.stop()));
    for (const subject of subjects) subject.app.remove();
  }
  return subjects.flatMap((s) =>
    KINDS.map((kind) => ({
      lang,
      build: s.build,
      kind,
      edits: s.samples[kind].length,
      medianMs: median(s.samples[kind]),
      p90Ms: quantile(s.samples[kind], 0.9),
      batchMedianMs: median(s.batchMs[kind]),
      did: [...s.did[kind]].join(", "),
    })),
  );
}

async function main() {
  if (!BEFORE || !fs.existsSync(path.join(BEFORE, "dist/integration/cli/index.js")))
    throw new Error(
      "--before=DIR must name a chaud package root with a built dist/ (see the top of bench/build-ab.js)",
    );
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-build-ab-"));
  const started = Date.now();
  try {
    const results = [];
    for (const lang of LANGS) results.push(...(await runLanguage(lang, workDir)));
    return {
      before: path.resolve(BEFORE),
      modules: MODULES,
      rounds: ROUNDS,
      results,
      loadAverage: os.loadavg(),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function render(result) {
  const f1 = (x) => x.toFixed(1);
  const rows = result.results.map((r) => {
    const before = result.results.find((b) => b.lang === r.lang && b.kind === r.kind && b.build === "before");
    return [
      LANG_NAMES[r.lang] ?? r.lang,
      r.kind === "body" ? "(a) body" : "(b) top-level",
      r.build,
      r.edits,
      `${f1(r.medianMs)} (${f1(r.p90Ms)})`,
      f1(r.batchMedianMs),
      r === before ? "1x" : `${(r.medianMs / before.medianMs).toFixed(2)}x`,
      r.did,
    ];
  });
  return [
    `build-ab: ${result.modules} modules, before = ${result.before}; edit -> new value served, ms, median (p90); ${result.rounds} rounds (${result.seconds.toFixed(0)} s, load average ${result.loadAverage[0].toFixed(2)})`,
    table(["lang", "edit", "build", "edits", "latency", "chaud batch", "vs before", "what the batch did"], rows),
  ].join("\n");
}

module.exports = { main, render };
if (require.main === module) runAsScript(main, render);
