"use strict";
// Under load: a loopback HTTP server (127.0.0.1, port 0) whose request handler is a hot function
// answering `{ a: a.version(), b: b.version(), served }` (two hot functions from two modules and
// a persisted request counter) takes a steady stream of requests from a load generator of our
// own (4 keep-alive connections, one request in flight on each) while 200 batches reload, each
// changing both modules. CommonJS (`-r chaud/register`) and ESM (`--import chaud/register`).
//
// Per module system, three phases in order:
// - idle: LOAD_MS of requests and no reload: the request rate to compare with;
// - reload(): the app's control channel (stdin) writes version v of both modules and awaits
//   `chaud.reload([a, b])`, one batch per version (the file watcher polls once an hour in this
//   process, so that call is the only batch); the benchmark sends the next version PAUSE_MS
//   after the last committed;
// - watcher: a second process with the watcher on (inotify, as a user runs it); the benchmark
//   writes both files back to back, as a `git checkout` would, and waits until the app reports
//   both modules at the new version; counts how many batches each burst became.
// Every response is checked: HTTP 200, both modules at one version (a batch is never seen half
// applied), versions never going back on a connection; the persisted counter is checked too.
//
// Reported, no goal: requests, requests/s (idle and during reloads), failures, half-applied
// responses; __tests__/reliability/http-load.test.ts asserts the reload() phase.

const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { ToolProcess, sleep } = require("./tool-process");
const { appUsingChaud } = require("./chaud-build");
const { table, runAsScript } = require("./stats");

const QUICK = process.argv.includes("--quick");
const BATCHES = QUICK ? 40 : 200;
const LOAD_MS = QUICK ? 1000 : 3000;
const PAUSE_MS = 20;
const CONNECTIONS = 4;

const versioned = (ext, v) =>
  ext === "js"
    ? `/* @chaud.hot */ function version() { return ${v}; }\nmodule.exports = { version };\n`
    : `/* @chaud.hot */ export function version() { return ${v}; }\n`;

const handler = (
  ext,
) => `${ext === "js" ? `const a = require("./a.js");\nconst b = require("./b.js");` : `import * as a from "./a.mjs";\nimport * as b from "./b.mjs";`}
/* @chaud.persist */ let served = 0;
/* @chaud.hot */ ${ext === "js" ? "" : "export "}function handle(req, res) {
  served++;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ a: a.version(), b: b.version(), served }));
}
${ext === "js" ? "module.exports = { handle };" : ""}
`;

const control = (ext) => `
const files = ["a", "b"].map((name) => path.join(here, "src", name + ".${ext}"));
const versioned = ${versioned.toString()};
const print = (type, extra) => console.log(JSON.stringify({ type, ...extra }));
chaud.on("reload", (event) => print("reload", { files: event.files.length, epoch: event.epoch, a: a.version(), b: b.version() }));
chaud.on("error", (event) => print("error", { file: event.file }));
const server = http.createServer(handle);
server.keepAliveTimeout = 120000;
server.listen(0, "127.0.0.1", () => print("ready", { port: server.address().port }));
process.stdin.on("data", async (data) => {
  for (const line of data.toString().trim().split("\\n")) {
    const [command, argument] = line.split(" ");
    if (command === "batch") {
      const version = Number(argument);
      for (const file of files) fs.writeFileSync(file, versioned(${JSON.stringify(ext)}, version));
      const outcome = await chaud.reload(files);
      print("batched", { version, kind: outcome.kind, files: outcome.files.length, epoch: chaud.epoch() });
    }
  }
});
`;

const main = (ext) =>
  ext === "js"
    ? `"use strict";
const chaud = require("chaud");
const fs = require("fs");
const http = require("http");
const path = require("path");
const here = __dirname;
const { handle } = require("./src/handler.js");
const a = require("./src/a.js");
const b = require("./src/b.js");
${control(ext)}`
    : `import * as chaud from "chaud";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { handle } from "./src/handler.mjs";
import * as a from "./src/a.mjs";
import * as b from "./src/b.mjs";
const here = path.dirname(fileURLToPath(import.meta.url));
${control(ext)}`;

/** Keep-alive connections, one request in flight on each, until stop(). */
class Load {
  constructor(port) {
    this.responses = [];
    this.failures = [];
    this.stopping = false;
    this.started = performance.now();
    this.sockets = [];
    this.done = Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => this.connection(port, i)));
  }

  async connection(port, index) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set();
    while (!this.stopping) {
      try {
        const { status, body } = await new Promise((resolve, reject) => {
          const req = http.request({ host: "127.0.0.1", port, path: "/", agent, timeout: 30000 }, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode, body: text }));
            res.on("error", reject);
          });
          req.on("socket", (socket) => sockets.add(socket));
          req.on("timeout", () => req.destroy(new Error("no response within 30 s")));
          req.on("error", reject);
          req.end();
        });
        this.responses.push({ connection: index, status, json: status === 200 ? JSON.parse(body) : null });
        if (status !== 200) this.failures.push(`HTTP ${status}`);
      } catch (error) {
        this.failures.push(error.message);
      }
    }
    agent.destroy();
    this.sockets[index] = sockets.size;
  }

  async stop() {
    this.stopping = true;
    await this.done;
    return { ms: performance.now() - this.started };
  }
}

function check(responses) {
  let torn = 0;
  let backwards = 0;
  const last = new Map();
  for (const r of responses) {
    if (!r.json) continue;
    if (r.json.a !== r.json.b) torn++;
    const previous = last.get(r.connection);
    if (previous && (r.json.a < previous.a || r.json.served <= previous.served)) backwards++;
    last.set(r.connection, r.json);
  }
  const served = responses.filter((r) => r.json).map((r) => r.json.served);
  return {
    torn,
    backwards,
    counterExact:
      new Set(served).size === served.length && Math.max(...served) - Math.min(...served) + 1 === served.length,
  };
}

function createApp(workDir, ext, name) {
  const dir = appUsingChaud(path.join(workDir, name), `bench-http-${name}`);
  fs.mkdirSync(path.join(dir, "src"));
  fs.writeFileSync(path.join(dir, `src/a.${ext}`), versioned(ext, 0));
  fs.writeFileSync(path.join(dir, `src/b.${ext}`), versioned(ext, 0));
  fs.writeFileSync(path.join(dir, `src/handler.${ext}`), handler(ext));
  fs.writeFileSync(path.join(dir, `main.${ext}`), main(ext));
  return dir;
}

function start(dir, ext, workDir, extraEnv) {
  const loader = ext === "js" ? ["-r", "chaud/register"] : ["--import", "chaud/register"];
  return new ToolProcess([process.execPath, [...loader, `main.${ext}`]], {
    cwd: dir,
    env: { CHAUD_CACHE_DIR: path.join(workDir, "cache"), CHAUD_LOG: "warn", ...extraEnv },
  });
}

async function phase(proc, mode, ext, dir) {
  const { msg: ready } = await proc.waitFor((m) => m.type === "ready", { timeoutMs: 60000, what: "ready" });
  await sleep(500);
  // Idle: requests only.
  let load = new Load(ready.port);
  await sleep(LOAD_MS);
  let { ms } = await load.stop();
  const idle = {
    requests: load.responses.length,
    rps: load.responses.length / (ms / 1000),
    failures: load.failures.length,
  };

  load = new Load(ready.port);
  await sleep(200);
  let splitBursts = 0;
  let extraBatches = 0;
  for (let version = 1; version <= BATCHES; version++) {
    const from = proc.lines.length;
    if (mode === "reload()") {
      proc.send(`batch ${version}`);
      const { msg } = await proc.waitFor((m) => m.type === "batched" && m.version === version, {
        from,
        timeoutMs: 60000,
        what: `batch ${version}`,
      });
      if (msg.kind !== "reloaded" || msg.files !== 2 || msg.epoch !== version) extraBatches++;
    } else {
      for (const name of ["a", "b"]) fs.writeFileSync(path.join(dir, `src/${name}.${ext}`), versioned(ext, version));
      await proc.waitFor((m) => m.type === "reload" && m.a === version && m.b === version, {
        from,
        timeoutMs: 60000,
        what: `version ${version}`,
      });
      const batches = proc.lines.slice(from).filter((l) => l.msg.type === "reload");
      if (batches.length > 1 || batches.some((l) => l.msg.files !== 2)) splitBursts++;
    }
    await sleep(PAUSE_MS);
  }
  await sleep(200);
  ({ ms } = await load.stop());
  const errors = proc.lines.filter((l) => l.msg.type === "error").length;
  return {
    mode,
    flavor: ext === "js" ? "CommonJS" : "ESM",
    idleRps: idle.rps,
    idleRequests: idle.requests,
    idleFailures: idle.failures,
    requests: load.responses.length,
    seconds: ms / 1000,
    rps: load.responses.length / (ms / 1000),
    failures: load.failures.length + idle.failures,
    failureSamples: load.failures.slice(0, 3),
    reopenedConnections: load.sockets.filter((n) => n !== 1).length,
    batches: BATCHES,
    errors,
    splitBursts,
    extraBatches,
    ...check(load.responses),
  };
}

async function runCase(ext, mode) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-http-load-"));
  const dir = createApp(workDir, ext, `${ext}-${mode === "reload()" ? "reload" : "watcher"}`);
  const proc = start(dir, ext, workDir, mode === "reload()" ? { CHAUD_POLL: "3600000" } : {});
  try {
    const result = await phase(proc, mode, ext, dir);
    console.error(
      `[http-load] ${result.flavor} ${mode}: ${result.requests} requests (${result.rps.toFixed(0)}/s, idle ${result.idleRps.toFixed(0)}/s), ${result.failures} failed, ${result.torn} half-applied`,
    );
    return result;
  } finally {
    await proc.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function mainBench() {
  const cases = [];
  for (const ext of ["js", "mjs"]) for (const mode of ["reload()", "watcher"]) cases.push(await runCase(ext, mode));
  return { batches: BATCHES, connections: CONNECTIONS, cases };
}

function render(result) {
  return [
    `http-load: ${result.connections} keep-alive connections to 127.0.0.1 while ${result.batches} batches each change two modules (a and b); every response checked`,
    table(
      [
        "module system",
        "batches by",
        "requests",
        "req/s (idle)",
        "req/s (reloading)",
        "failed",
        "half-applied",
        "went back",
        "counter exact",
        "reopened conns",
        "bursts split",
      ],
      result.cases.map((c) => [
        c.flavor,
        c.mode,
        c.requests,
        c.idleRps.toFixed(0),
        c.rps.toFixed(0),
        c.failures,
        c.torn,
        c.backwards,
        c.counterExact ? "yes" : "NO",
        c.reopenedConnections,
        c.mode === "watcher" ? c.splitBursts : c.extraBatches,
      ]),
    ),
    "",
    "half-applied: responses with a.version() !== b.version(); bursts split: two-file saves the watcher turned into more than one batch (reload(): batches that were not exactly one commit of both files).",
  ].join("\n");
}

module.exports = { main: mainBench, render };
if (require.main === module) runAsScript(mainBench, render);
