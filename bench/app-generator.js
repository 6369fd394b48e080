"use strict";
// Generated apps for the benchmarks that run a real program under a tool (chaud, node --watch,
// nodemon, tsx): reload-latency.js, in-place.js, startup.js, memory.js, restart.js.
//
// An app of N modules, CommonJS (.js) or TypeScript (.ts, compiled to CommonJS by each tool):
//
//   package.json                    { name, dependencies: { "heavy-dep" } }, no "type": CommonJS
//   node_modules/chaud              -> the chaud build under test (chaud-build.js); required by
//                                    the entry only under chaud
//   node_modules/heavy-dep/index.js  ~3 MB of generated code: 3,000 functions and 600 number tables,
//                                    loaded by the entry at startup, outside the watched package
//   src/main.{js,ts}                the entry
//   src/probe.{js,ts}               the leaf that the benchmarks edit: a hot `probe()` and a
//                                   persisted call counter
//   src/types.ts                    (TypeScript only) interfaces the modules `import type`
//   src/gNN/mNNNN.{js,ts}           N modules in folders of 50, a binary tree: module i imports
//                                   modules 2i+1 and 2i+2; the last module also imports the leaf
//
// Every module computes a value from its children when it loads and has one hot function, so
// chaud's registry holds N + 1 hot functions, as in an app where markers are common.
//
// The measurement protocol works the same for every tool. The entry prints one JSON line on
// stdout, `{"type":"probe","phase":"start","version":V,"calls":C,...}`, once its HTTP server
// (127.0.0.1, port 0) listens. Under chaud (CHAUD_HOT=1, set by chaud/register) it also
// listens to `on("reload")` and prints `{"type":"probe","phase":"reload",...}` with the new
// `probe()` result at once. Tools that restart the process (node --watch, nodemon, tsx watch)
// print the "start" line of the new process. Either way the parent edits the leaf in place
// (`writeLeaf`), taking a timestamp just before the write, and waits for a probe line whose
// `version` is the one it wrote. `calls` is the leaf's `/* @chaud.persist */` counter:
// it keeps counting under chaud and is 1 again after every restart.
//
// With BENCH_TRACE=1 the entry also reports, under chaud, where a reload's time went: when its
// own fs.watch saw the leaf change, when chaud's batch began (from the reads of the file,
// fs.readFileSync wrapped), how long Babel took on the changed file and how much of that ran
// ahead of the batch, while the burst window was open (chaud's @babel/core, wrapped), how long
// the batch waited for chaud's reload compiler (Atomics.wait, wrapped), how long evaluating it took (Module#_compile, wrapped), and chaud's own figure for the batch.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { appUsingChaud } = require("./chaud-build");

const GROUP_SIZE = 50;

// cjs: CommonJS .js; ts: TypeScript compiled to CommonJS; esm: ES modules (.mjs); mts: TypeScript ES modules (.mts).
const EXT = { cjs: "js", ts: "ts", esm: "mjs", mts: "mts" };
const ext = (lang) => EXT[lang];
const isTs = (lang) => lang === "ts" || lang === "mts";
const isEsm = (lang) => lang === "esm" || lang === "mts";
const moduleName = (i) => `m${String(i).padStart(4, "0")}`;
const groupName = (i) => `g${String(Math.floor(i / GROUP_SIZE)).padStart(2, "0")}`;
const modulePath = (i, lang) => `src/${groupName(i)}/${moduleName(i)}.${ext(lang)}`;

/** Import specifier from module `from` (a src/ path) to `to`; TypeScript names the .js file, as NodeNext code does. */
function specifier(from, to) {
  let rel = path.posix
    .relative(path.posix.dirname(from), to)
    .replace(/\.ts$/, ".js")
    .replace(/\.mts$/, ".mjs");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel;
}

// A small deterministic generator, so two runs generate the same apps.
function numbers(seed, count) {
  let x = (seed * 2654435761) >>> 0;
  const out = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(x % 100000);
  }
  return out;
}

function moduleSource(i, count, lang) {
  const self = modulePath(i, lang);
  const children = [2 * i + 1, 2 * i + 2].filter((c) => c < count);
  // ES module apps: only the entry imports the leaf (hot-hook needs its boundary imported
  // dynamically everywhere, and the entry does that under hot-hook); CommonJS apps: the last module too.
  const leaf = i === count - 1 && !isEsm(lang) ? `src/probe.${ext(lang)}` : null;
  const table = numbers(i + 1, 24).join(", ");
  const name = moduleName(i);
  const className = `Thing${i}`;
  if (isTs(lang)) {
    const imports = [
      `import type { Shape, Summary } from "${specifier(self, `src/types.${ext(lang)}`)}";`,
      ...children.map((c, k) => `import * as child${k} from "${specifier(self, modulePath(c, lang))}";`),
      ...(leaf ? [`import { probe } from "${specifier(self, leaf)}";`] : []),
    ];
    const childTotal = children.map((_, k) => `child${k}.total`).join(" + ") || "0";
    return `${imports.join("\n")}

export const NAME: string = "${name}";
const TABLE: readonly number[] = [${table}];

export enum Level${i} { Low = 1, High = ${i + 2} }

export function compute(x: number): number {
  let acc = x;
  for (const value of TABLE) acc = (acc * 31 + value) % 1000003;
  return acc;
}

/* @chaud.hot */
export function describe(shape: Shape = { id: ${i}, label: NAME }): Summary {
  return { id: shape.id, text: \`\${shape.label}:\${compute(shape.id)}\`, level: Level${i}.High };
}

export class ${className} {
  constructor(private readonly value: number) {}
  get doubled(): number {
    return this.value * 2;
  }
  scale(by: number): ${className} {
    return new ${className}(this.value * by);
  }
}

export const total: number = (compute(1) + ${childTotal}) % 1000003;${leaf ? `\nexport const leafKind: string = typeof probe;` : ""}
`;
  }
  if (lang === "esm") {
    const imports = children.map((c, k) => `import * as child${k} from "${specifier(self, modulePath(c, lang))}";`);
    const childTotal = children.map((_, k) => `child${k}.total`).join(" + ") || "0";
    return `${imports.join("\n")}

export const NAME = "${name}";
const TABLE = [${table}];
export const Level = Object.freeze({ Low: 1, High: ${i + 2} });

export function compute(x) {
  let acc = x;
  for (const value of TABLE) acc = (acc * 31 + value) % 1000003;
  return acc;
}

/* @chaud.hot */
export function describe(shape = { id: ${i}, label: NAME }) {
  return { id: shape.id, text: \`\${shape.label}:\${compute(shape.id)}\`, level: Level.High };
}

export class ${className} {
  constructor(value) {
    this.value = value;
  }
  get doubled() {
    return this.value * 2;
  }
  scale(by) {
    return new ${className}(this.value * by);
  }
}

export const total = (compute(1) + ${childTotal}) % 1000003;
`;
  }
  const requires = [
    ...children.map((c, k) => `const child${k} = require("${specifier(self, modulePath(c, lang))}");`),
    ...(leaf ? [`const { probe } = require("${specifier(self, leaf)}");`] : []),
  ];
  const childTotal = children.map((_, k) => `child${k}.total`).join(" + ") || "0";
  return `"use strict";
${requires.join("\n")}

const NAME = "${name}";
const TABLE = [${table}];
const Level = Object.freeze({ Low: 1, High: ${i + 2} });

function compute(x) {
  let acc = x;
  for (const value of TABLE) acc = (acc * 31 + value) % 1000003;
  return acc;
}

/* @chaud.hot */
function describe(shape = { id: ${i}, label: NAME }) {
  return { id: shape.id, text: \`\${shape.label}:\${compute(shape.id)}\`, level: Level.High };
}

class ${className} {
  constructor(value) {
    this.value = value;
  }
  get doubled() {
    return this.value * 2;
  }
  scale(by) {
    return new ${className}(this.value * by);
  }
}

const total = (compute(1) + ${childTotal}) % 1000003;
module.exports = { NAME, Level, compute, describe, ${className}, total${leaf ? ", leafKind: typeof probe" : ""} };
`;
}

/**
 * The leaf the benchmarks edit. Only `version` changes between edits: `probe`'s body.
 *
 * With a `stamp` (in-place.js), part of the version is a top-level constant: probe() returns
 * `${version - stamp} + STAMP`, so an edit can reach the new version through probe's body alone
 * (version + 1, same stamp: an update in place) or through top-level code alone (version + 1
 * and stamp + 1: the body's text stays the same and the module is evaluated again).
 */
function leafSource(lang, version, stamp) {
  const t = isTs(lang);
  const stamped = stamp !== undefined;
  const stampLine = stamped ? `const STAMP${t ? ": number" : ""} = ${stamp};\n\n` : "";
  const value = stamped ? `${version - stamp} + STAMP` : `${version}`;
  if (isEsm(lang)) {
    const meta = t ? "(import.meta as any)" : "import.meta";
    return `${t ? "export interface ProbeResult {\n  version: number;\n  calls: number;\n}\n\n" : ""}/* @chaud.persist */
let calls${t ? ": number" : ""} = 0;

${stampLine}/* @chaud.hot */
export function probe()${t ? ": ProbeResult" : ""} {
  calls++;
  return { version: ${value}, calls };
}

// dynohot: this module accepts its own updates (self-accepting), and tells the entry once the
// new version is in. hot-hook: the old version's dispose callback runs when the file changes.
// (chaud needs neither; under vite-node --watch a change re-runs the whole program.)
const g${t ? ": any" : ""} = globalThis;
if (${meta}.dynoHot) ${meta}.dynoHot.accept((self${t ? ": any" : ""}) => g.__benchHotUpdate?.("dynohot", self));
if (${meta}.hot?.boundary) ${meta}.hot.dispose(() => g.__benchHotUpdate?.("hot-hook"));
`;
  }
  if (lang === "ts") {
    return `export interface ProbeResult {
  version: number;
  calls: number;
}

/* @chaud.persist */
let calls: number = 0;

${stampLine}/* @chaud.hot */
export function probe(): ProbeResult {
  calls++;
  return { version: ${value}, calls };
}
`;
  }
  return `"use strict";

/* @chaud.persist */
let calls = 0;

${stampLine}/* @chaud.hot */
function probe() {
  calls++;
  return { version: ${value}, calls };
}

module.exports = { probe };
`;
}

const TYPES_TS = `export interface Shape {
  id: number;
  label: string;
}

export interface Summary {
  id: number;
  text: string;
  level: number;
}
`;

/**
 * The entry of a CommonJS or TypeScript app. With an `entryStamp` (restart.js) the entry also has a
 * top-level `const ENTRY_STAMP = <stamp>;` that its probe lines and HTTP answers carry as `stamp`:
 * changing it is an edit of the entry's top-level code (a tool that reloads in place must restart).
 */
function entrySource(lang, entryStamp) {
  const root = specifier("src/main.ts", modulePath(0, lang));
  const leaf = specifier("src/main.ts", `src/probe.${ext(lang)}`);
  const head =
    lang === "ts"
      ? `import * as http from "node:http";
import * as heavy from "heavy-dep";
import * as root from "${root}";
import { probe } from "${leaf}";

declare const require: (id: string) => any;
type Phase = "start" | "reload";
`
      : `"use strict";
const http = require("node:http");
const heavy = require("heavy-dep");
const root = require("${root}");
const { probe } = require("${leaf}");
`;
  const t = lang === "ts";
  const stamped = entryStamp !== undefined;
  return `${head}
// Under chaud (chaud/register sets CHAUD_HOT=1) the entry listens for reloads; under the other
// tools chaud is never loaded, so it costs their startup nothing.
const chaud${t ? ": any" : ""} = process.env.CHAUD_HOT === "1" ? require("chaud") : null;${stamped ? `\nconst ENTRY_STAMP${t ? ": number" : ""} = ${entryStamp};` : ""}
const trace${t ? ": any" : ""} = chaud && process.env.BENCH_TRACE === "1" ? startTrace() : null;
const now = ()${t ? ": number" : ""} => performance.timeOrigin + performance.now();

function report(phase${t ? ": Phase" : ""}, event${t ? "?: any" : ""})${t ? ": void" : ""} {
  const result = probe();
  const line${t ? ": any" : ""} = {
    type: "probe",
    phase,
    version: result.version,
    calls: result.calls,
    pid: process.pid,
    uptimeMs: performance.now(),
    at: now(),
    epoch: chaud ? chaud.epoch() : 0,
    port: (server.address()${t ? " as any" : ""}).port,
    check: (root.total + heavy.checksum) % 1000003,${stamped ? "\n    stamp: ENTRY_STAMP," : ""}
  };
  // What the batch did: files updated in place (none before chaud had updates in place), and the
  // modules it evaluated (in-place.js checks both).
  if (event) Object.assign(line, { reloadMs: event.ms, inPlace: (event.outcome.inPlace ?? []).length, evaluated: event.modules });
  if (trace) Object.assign(line, trace.take());
  process.stdout.write(JSON.stringify(line) + "\\n");
}

// Answers with the current probe() (keeps the process alive, as a dev server would).
const server = http.createServer((_req${t ? ": any" : ""}, res${t ? ": any" : ""}) => res.end(JSON.stringify(${stamped ? "{ ...probe(), stamp: ENTRY_STAMP, pid: process.pid }" : "probe()"})));
server.listen(0, "127.0.0.1", () => {
  report("start");
  if (chaud) chaud.on("reload", (event${t ? ": any" : ""}) => report("reload", event));
});

// memory.js and friends talk to the app on stdin: "gc" prints the heap after forced GCs.
process.stdin.on("data", (chunk${t ? ": any" : ""}) => {
  if (!String(chunk).includes("gc")) return;
  const g = (globalThis${t ? " as any" : ""}).gc;
  if (g) for (let i = 0; i < 4; i++) g();
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ type: "memory", heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, epoch: chaud ? chaud.epoch() : 0 }) + "\\n");
});

/** BENCH_TRACE=1: where a reload's time goes (see bench/app-generator.js). */
function startTrace()${t ? ": any" : ""} {
  const fs = require("node:fs");
  const Module = require("node:module");
  const path = require("node:path");
  const leafFile = require.resolve("${leaf}");
  const state${t ? ": any" : ""} = { watchAt: 0, batchAt: 0, transformMs: 0, aheadMs: 0, evalMs: 0, compiles: 0, waitMs: 0 };
  // Our own fs.watch on the leaf's folder: when the kernel's event reached this process.
  fs.watch(path.dirname(leafFile), (_type${t ? ": any" : ""}, name${t ? ": any" : ""}) => {
    if (name === path.basename(leafFile) && state.watchAt === 0) state.watchAt = now();
  }).unref();
  // Every read of the leaf since the event: the batch reads it twice before it evaluates it
  // (its content hash, then the source to compile or to look up), so the batch began at the
  // second-to-last read before the leaf's evaluation, whether or not it was compiled ahead.
  let reads${t ? ": number[]" : ""} = [];
  const readFileSync = fs.readFileSync;
  (fs${t ? " as any" : ""}).readFileSync = function (${t ? "this: any, " : ""}file${t ? ": any" : ""}, ...rest${t ? ": any[]" : ""}) {
    if (state.watchAt !== 0 && file === leafFile) reads.push(now());
    return (readFileSync${t ? " as any" : ""}).call(this, file, ...rest);
  };
  // Babel's time on the leaf, wherever chaud ran it (ahead of the batch, while its window was
  // open, or in the batch): chaud's own @babel/core, wrapped where its index's getter reads it.
  const babelIndex = require.resolve("@babel/core", { paths: [path.dirname(require.resolve("chaud"))] });
  const babel = require(path.join(path.dirname(babelIndex), "transform.js"));
  const transformSync = babel.transformSync;
  babel.transformSync = function (${t ? "this: any, " : ""}...args${t ? ": any[]" : ""}) {
    const started = now();
    try {
      return transformSync.apply(this, args);
    } finally {
      if (state.watchAt !== 0 && args[1]?.filename === leafFile) {
        const ms = now() - started;
        state.transformMs += ms;
        state.aheadMs += ms; // until the batch is known to have begun after it (below)
        state.lastTransformEnd = now();
      }
    }
  };
  // The batch waiting for chaud's reload compiler (a worker thread, where Babel runs then): it
  // blocks in Atomics.wait until the worker's answer is in.
  const atomicsWait = Atomics.wait;
  (Atomics${t ? " as any" : ""}).wait = function (...args${t ? ": any[]" : ""}) {
    const started = now();
    try {
      return (atomicsWait${t ? " as any" : ""}).apply(Atomics, args);
    } finally {
      if (state.watchAt !== 0) state.waitMs += now() - started;
    }
  };
  // Evaluation: Module#_compile (V8 compile + running the hot-only version or the module).
  const proto = Module.prototype;
  const compile = proto._compile;
  proto._compile = function (${t ? "this: any, " : ""}...args${t ? ": any[]" : ""}) {
    const started = performance.now();
    if (args[1] === leafFile && state.batchAt === 0 && reads.length >= 2) {
      state.batchAt = reads[reads.length - 2];
      // A transform that ended after the batch began ran in the batch, not ahead of it.
      if ((state.lastTransformEnd ?? 0) > state.batchAt) state.aheadMs = 0;
    }
    try {
      return compile.apply(this, args);
    } finally {
      if (args[1] === leafFile) {
        state.evalMs += performance.now() - started;
        state.compiles++;
      }
    }
  };
  return {
    take() {
      const out = { watchAt: state.watchAt, batchAt: state.batchAt, transformMs: state.transformMs, aheadMs: state.aheadMs, evalMs: state.evalMs, compiles: state.compiles, waitMs: state.waitMs };
      Object.assign(state, { watchAt: 0, batchAt: 0, transformMs: 0, aheadMs: 0, evalMs: 0, compiles: 0, lastTransformEnd: 0, waitMs: 0 });
      reads = [];
      return out;
    },
  };
}
`;
}

/**
 * The entry of an ES module app. Same protocol as entrySource; how it hears of an update
 * depends on the tool (`tool`): chaud's on("reload"); dynohot's and hot-hook's callbacks in
 * the leaf (globalThis.__benchHotUpdate); under vite-node --watch the whole entry runs again and
 * prints a "start" line. Under hot-hook the leaf is a boundary, imported dynamically with
 * `import.meta.hot.boundary` (static imports of a boundary cannot be reloaded); every other
 * tool imports it statically.
 */
function esmEntrySource(lang, tool) {
  const t = lang === "mts";
  const root = specifier("src/main.mts", modulePath(0, lang));
  const leaf = specifier("src/main.mts", `src/probe.${ext(lang)}`);
  const meta = t ? "(import.meta as any)" : "import.meta";
  const any = t ? ": any" : "";
  const probeImport =
    tool === "hot-hook"
      ? `// hot-hook: the leaf is a boundary, imported dynamically, and imported again after a change.
const loadProbe = async () => (await import("${leaf}", ${meta}.hot?.boundary)).probe;
let probe${any} = await loadProbe();`
      : `import { probe as probeBinding } from "${leaf}";
// Reads the import binding at every call (dynohot updates live bindings).
let probe${any} = () => probeBinding();`;
  return `import * as http from "node:http";
import { createRequire } from "node:module";
import heavy from "heavy-dep";
import * as root from "${root}";
${probeImport}

const require = createRequire(import.meta.url);
const chaud${any} = process.env.CHAUD_HOT === "1" ? require("chaud") : null;
const now = ()${t ? ": number" : ""} => performance.timeOrigin + performance.now();

function report(phase${t ? ": string" : ""}, event${t ? "?: any" : ""})${t ? ": void" : ""} {
  const result = probe();
  const line${any} = {
    type: "probe",
    phase,
    version: result.version,
    calls: result.calls,
    pid: process.pid,
    uptimeMs: performance.now(),
    at: now(),
    epoch: chaud ? chaud.epoch() : 0,
    port: (server.address()${t ? " as any" : ""}).port,
    check: (root.total + heavy.checksum) % 1000003,
  };
  if (event) Object.assign(line, { reloadMs: event.ms, inPlace: (event.outcome.inPlace ?? []).length, evaluated: event.modules });
  // No status() here: it lists the watched files (about 10 ms at 1000 modules on the benchmark
  // machine), which would be timed as part of every reload.
  process.stdout.write(JSON.stringify(line) + "\\n");
}

// dynohot and hot-hook: the leaf calls this when its new version is in (dynohot) or its old
// version was invalidated (hot-hook, which then imports the boundary again).
(globalThis${t ? " as any" : ""}).__benchHotUpdate = async (tool${t ? ": string" : ""}, next${t ? "?: any" : ""}) => {
  if (tool === "hot-hook") probe = await ${tool === "hot-hook" ? "loadProbe()" : "Promise.resolve(probe)"};
  // dynohot calls the accept handler with the new version's namespace before it moves the
  // importers' live bindings over: the new probe() is the namespace's.
  if (tool === "dynohot") probe = () => next.probe();
  try {
    report("reload");
  } catch (error) {
    // hot-hook can invalidate on the truncate half of an in-place write and import an empty
    // module (no probe export): a request at that moment would fail; the next change event
    // (the write itself) invalidates the module again and the next import gets the new code.
    process.stdout.write(JSON.stringify({ type: "error", tool, message: String(error) }) + "\\n");
  }
};

const server = http.createServer((_req${any}, res${any}) => res.end(JSON.stringify(probe())));
server.listen(0, "127.0.0.1", () => {
  report("start");
  if (chaud) chaud.on("reload", (event${any}) => report("reload", event));
});
// vite-node --watch runs the entry again after a change: close this run's server then.
${meta}.hot?.dispose?.(() => server.close());

process.stdin.on("data", (chunk${any}) => {
  if (!String(chunk).includes("gc")) return;
  const g = (globalThis${t ? " as any" : ""}).gc;
  if (g) for (let i = 0; i < 4; i++) g();
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ type: "memory", heapUsed: m.heapUsed, rss: m.rss, epoch: chaud ? chaud.epoch() : 0, retained: chaud ? chaud.status().retained : null }) + "\\n");
});
`;
}

/**
 * ~`megabytes` MB of CommonJS: 600 tables of 400 numbers and 3,000 small functions that read
 * them, and a checksum computed at load (so the tables are built, not only parsed).
 */
function heavySource(megabytes = 3) {
  const parts = ['"use strict";\n// Generated by chaud/bench/app-generator.js: a big dependency loaded at startup.\n'];
  let size = 0;
  const target = megabytes * 1024 * 1024;
  let tables = 0;
  let functions = 0;
  while (size < target) {
    let chunk;
    if (functions % 5 === 0) {
      chunk = `const T${tables} = [${numbers(tables + 7, 400).join(",")}];\n`;
      tables++;
    } else {
      const t = functions % tables;
      chunk = `function f${functions}(a, b) {
  let acc = a | 0;
  for (let i = 0; i < T${t}.length; i += ${1 + (functions % 7)}) acc = (acc * 33 + T${t}[i] + b) % 1000003;
  if (acc % ${2 + (functions % 11)} === 0) return { kind: "even${functions}", value: acc, label: "function number ${functions} of the heavy dependency" };
  return { kind: "odd${functions}", value: acc ^ ${functions}, label: "function number ${functions} of the heavy dependency" };
}
`;
    }
    functions++;
    parts.push(chunk);
    size += chunk.length;
  }
  const fnNames = Array.from({ length: functions }, (_, i) => i)
    .filter((i) => i % 5 !== 0)
    .map((i) => `f${i}`);
  const tableNames = Array.from({ length: tables }, (_, i) => `T${i}`);
  parts.push(`const tables = [${tableNames.join(",")}];\n`);
  parts.push(
    `let checksum = 0;\nfor (const t of tables) for (let i = 0; i < t.length; i++) checksum = (checksum + t[i] * (i + 1)) % 1000003;\n`,
  );
  parts.push(`module.exports = { checksum, tables, ${fnNames.join(", ")} };\n`);
  return parts.join("");
}

let heavyCache = null;
function writeHeavy(dir) {
  heavyCache ??= heavySource();
  const pkg = path.join(dir, "node_modules", "heavy-dep");
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, "package.json"),
    JSON.stringify({ name: "heavy-dep", version: "1.0.0", main: "index.js" }, null, 2),
  );
  fs.writeFileSync(path.join(pkg, "index.js"), heavyCache);
}

function write(dir, relative, content) {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/**
 * Writes an app into a new temporary folder (under `parent`, default the OS temp dir).
 * Returns where things are and `writeLeaf(version)`, the in-place edit the benchmarks time.
 */
function generateApp({
  lang,
  modules,
  parent = os.tmpdir(),
  label = "",
  tool = label,
  stamped = false,
  entryStamped = false,
}) {
  if (entryStamped && isEsm(lang)) throw new Error("entryStamped: CommonJS and TypeScript apps only");
  if (!EXT[lang]) throw new Error(`lang must be one of ${Object.keys(EXT).join(", ")}, not ${lang}`);
  const dir = fs.mkdtempSync(path.join(parent, `chaud-bench-${lang}-${modules}${label ? `-${label}` : ""}-`));
  appUsingChaud(dir, `bench-app-${lang}-${modules}`, {
    // ES module apps are "type": "module" (dynohot requires it), with .mjs / .mts files as well.
    ...(isEsm(lang) ? { type: "module" } : {}),
    dependencies: { "heavy-dep": "1.0.0" },
  });
  // hot-hook's import.meta.hot.dispose imports "hot-hook" from the app, as if the app depended on it.
  if (tool === "hot-hook")
    fs.symlinkSync(path.join(__dirname, "node_modules", "hot-hook"), path.join(dir, "node_modules", "hot-hook"), "dir");
  writeHeavy(dir);
  if (isTs(lang)) {
    write(dir, `src/types.${ext(lang)}`, TYPES_TS);
    write(
      dir,
      "tsconfig.json",
      JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            skipLibCheck: true,
          },
        },
        null,
        2,
      ),
    );
  }
  for (let i = 0; i < modules; i++) write(dir, modulePath(i, lang), moduleSource(i, modules, lang));
  const entry = write(
    dir,
    `src/main.${ext(lang)}`,
    isEsm(lang) ? esmEntrySource(lang, tool) : entrySource(lang, entryStamped ? 0 : undefined),
  );
  const leaf = write(dir, `src/probe.${ext(lang)}`, leafSource(lang, 0, stamped ? 0 : undefined));
  return {
    dir,
    lang,
    modules,
    entry,
    leaf,
    /** The edit: rewrites the leaf in place with `probe()` returning `version` (see leafSource for `stamp`). */
    writeLeaf(version, stamp = stamped ? 0 : undefined) {
      fs.writeFileSync(leaf, leafSource(lang, version, stamp));
    },
    /** restart.js's edit (`entryStamped` apps): rewrites the entry in place with ENTRY_STAMP = `stamp`. */
    writeEntry(stamp) {
      fs.writeFileSync(entry, entrySource(lang, stamp));
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A plain-JavaScript copy of a TypeScript app (for `node` without any loader): every .ts file
 * compiled once with Babel's preset-typescript and the CommonJS transform, as a build step would.
 */
function compileAppToJs(app, outDir) {
  const babel = require("@babel/core");
  const presets = [[require.resolve("@babel/preset-typescript"), {}]];
  const plugins = [require.resolve("@babel/plugin-transform-modules-commonjs")];
  fs.cpSync(app.dir, outDir, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !src.endsWith(".ts") || src.endsWith(".d.ts"),
  });
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(full);
      } else if (entry.name.endsWith(".ts")) {
        const { code } = babel.transformSync(fs.readFileSync(full, "utf8"), {
          filename: full,
          babelrc: false,
          configFile: false,
          presets,
          plugins,
        });
        write(outDir, path.relative(app.dir, full).replace(/\.ts$/, ".js"), code);
      }
    }
  };
  walk(app.dir);
  return { dir: outDir, entry: path.join(outDir, "src/main.js") };
}

module.exports = { generateApp, compileAppToJs, leafSource, heavySource, moduleSource, isEsm };

// `node bench/app-generator.js ts 100`: generate one app and print where it is.
if (require.main === module) {
  const [lang = "cjs", modules = "10", tool = ""] = process.argv.slice(2);
  const app = generateApp({ lang, modules: Number(modules), tool });
  console.log(app.dir);
}
