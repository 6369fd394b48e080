"use strict";
// A program run under a tool (chaud, node --watch, nodemon, tsx), as the benchmarks drive it:
// its stdout JSON lines are kept with the time each arrived (performance.now() in this process,
// taken in the 'data' handler, before parsing), and the benchmark waits for the line it expects.
// Each tool runs in its own process group, so stop() also ends the processes it started.

const { median } = require("./stats");
const { spawn } = require("node:child_process");
const path = require("node:path");
const { chaudCli } = require("./chaud-build");

const BIN = path.join(__dirname, "node_modules", ".bin");
const fileUrl = (relative) => require("node:url").pathToFileURL(path.join(__dirname, relative)).href;

/** How each tool is started on an app's entry (`rel`: entry path relative to the app). */
const TOOLS = {
  chaud: {
    label: "chaud",
    chaud: true,
    restarts: false,
    command: (rel) => [process.execPath, [chaudCli(), rel]],
  },
  "chaud-all": {
    // The same CLI in mode "all" (CHAUD_MODE=all in its environment): every top-level function,
    // class and inline callback of the app is hot, markers or not.
    label: "chaud, mode all",
    chaud: true,
    restarts: false,
    env: { CHAUD_MODE: "all" },
    command: (rel) => [process.execPath, [chaudCli(), rel]],
  },
  "chaud-in-thread": {
    // chaud with its reload compiler off (reloads compile on the program's thread, as before
    // it had one): for an A/B of that worker, with --tools=; not in the default lists.
    label: "chaud, compiling in the program's thread",
    chaud: true,
    restarts: false,
    env: { CHAUD_INTERNAL_RELOAD_WORKER: "0" },
    command: (rel) => [process.execPath, [chaudCli(), rel]],
  },
  "re-require": {
    // The floor: fs.watch and a re-require of the edited file, nothing else (CommonJS only).
    label: "fs.watch + re-require (floor)",
    restarts: false,
    hmr: true,
    command: (rel) => [process.execPath, [path.join(__dirname, "re-require.js"), rel]],
  },
  "node-watch": {
    // --watch-preserve-output: no screen clearing (escape codes) between runs.
    label: "node --watch",
    restarts: true,
    command: (rel) => [process.execPath, ["--watch", "--watch-preserve-output", rel]],
  },
  "node-watch-tsx": {
    // Node's own watcher, with tsx's loader for TypeScript (the tool compiles; node restarts).
    label: "node --watch --import tsx",
    restarts: true,
    command: (rel) => [
      process.execPath,
      [
        "--watch",
        "--watch-preserve-output",
        "--import",
        require("node:url").pathToFileURL(path.join(__dirname, "node_modules/tsx/dist/loader.mjs")).href,
        rel,
      ],
    ],
  },
  nodemon: {
    // --delay 0: restart on the first event (0 is also nodemon's default); only src/ is watched.
    label: "nodemon --exec node",
    restarts: true,
    command: (rel) => [
      process.execPath,
      [
        path.join(__dirname, "node_modules/nodemon/bin/nodemon.js"),
        "--delay",
        "0",
        "--watch",
        "src",
        "--ext",
        "js",
        "--exec",
        "node",
        rel,
      ],
    ],
  },
  "nodemon-tsx": {
    label: "nodemon --exec tsx",
    restarts: true,
    command: (rel) => [
      process.execPath,
      [
        path.join(__dirname, "node_modules/nodemon/bin/nodemon.js"),
        "--delay",
        "0",
        "--watch",
        "src",
        "--ext",
        "ts",
        "--exec",
        path.join(BIN, "tsx"),
        rel,
      ],
    ],
  },
  "tsx-watch": {
    label: "tsx watch",
    restarts: true,
    command: (rel) => [
      process.execPath,
      [path.join(__dirname, "node_modules/tsx/dist/cli.mjs"), "watch", "--clear-screen=false", rel],
    ],
  },
  // ES modules (chaud itself: the "chaud" entry above; its CLI starts an ESM entry with --import chaud/register).
  dynohot: {
    // The leaf self-accepts (import.meta.hot.accept()); TypeScript through tsx's ESM loader,
    // registered first, as dynohot's README says for a TS loader (it names @loaderkit/ts).
    label: "dynohot",
    restarts: false,
    hmr: true,
    command: (rel) => [
      process.execPath,
      [
        ...(/\.m?ts$/.test(rel) ? ["--import", fileUrl("node_modules/tsx/dist/esm/index.mjs")] : []),
        "--import",
        fileUrl("node_modules/dynohot/dist/loader/register.js"),
        rel,
      ],
    ],
  },
  "hot-hook": {
    // hot-hook/register reads its options from package.json ("hotHook"); the leaf is a boundary
    // imported with import.meta.hot.boundary. TypeScript: tsx first, hot-hook second (its docs).
    label: "hot-hook",
    restarts: false,
    hmr: true,
    command: (rel) => [
      process.execPath,
      [
        ...(/\.m?ts$/.test(rel) ? ["--import", fileUrl("node_modules/tsx/dist/esm/index.mjs")] : []),
        "--import",
        fileUrl("node_modules/hot-hook/build/src/register.js"),
        rel,
      ],
    ],
  },
  "vite-node": {
    // vite-node --watch: on a change Vite's watcher sends a full reload (nothing accepts it) and
    // vite-node clears its module cache and runs the entry again, in the same process.
    label: "vite-node --watch",
    restarts: true,
    rerun: true,
    command: (rel) => [process.execPath, [path.join(__dirname, "node_modules/vite-node/dist/cli.mjs"), "--watch", rel]],
  },
  tsx: {
    label: "tsx",
    restarts: false,
    command: (rel) => [process.execPath, [path.join(__dirname, "node_modules/tsx/dist/cli.mjs"), rel]],
  },
  node: {
    label: "node",
    restarts: false,
    command: (rel, nodeFlags = []) => [process.execPath, [...nodeFlags, rel]],
  },
};

class ToolProcess {
  /**
   * @param {string[]} argv command and arguments
   * @param {{cwd: string, env?: object}} options
   */
  constructor([command, args], { cwd, env = {} }) {
    this.lines = []; // { msg, t }
    this.stderr = "";
    this.exitCode = null;
    this.waiters = new Set();
    this.spawnedAt = performance.now();
    this.child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let buffer = "";
    this.child.stdout.on("data", (chunk) => {
      const t = performance.now();
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        // Tools print their own lines ("[nodemon] restarting…"), colored or not: only JSON is ours.
        const brace = line.indexOf('{"type"');
        if (brace < 0) continue;
        try {
          this.lines.push({ msg: JSON.parse(line.slice(brace)), t });
        } catch {
          continue;
        }
      }
      this.notify();
    });
    this.child.stderr.on("data", (chunk) => {
      // Keep the tail only: a long run under a chatty tool would otherwise grow this forever.
      this.stderr = (this.stderr + chunk.toString()).slice(-20000);
    });
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => {
        this.exitCode = code ?? signal;
        this.notify();
        resolve(this.exitCode);
      }),
    );
  }

  notify() {
    for (const waiter of [...this.waiters]) waiter();
  }

  /**
   * The first line at index >= `from` that `predicate` accepts: { msg, t, index }.
   * Rejects after `timeoutMs`, or when the process exits first.
   */
  waitFor(predicate, { from = 0, timeoutMs = 20000, what = "a line" } = {}) {
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        for (let i = from; i < this.lines.length; i++) {
          if (predicate(this.lines[i].msg)) {
            done();
            resolve({ ...this.lines[i], index: i });
            return;
          }
        }
        if (this.exitCode !== null) {
          done();
          reject(
            new Error(
              `process exited (${this.exitCode}) while waiting for ${what}; stderr:\n${this.stderr.slice(-2000)}`,
            ),
          );
        }
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr:\n${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  send(text) {
    this.child.stdin.write(text + "\n");
  }

  /**
   * Ends the tool and its program: SIGTERM to the tool's process group first (a tool that runs
   * its program in a group of its own, as chaud's CLI does, passes it on and waits for the
   * program: SIGKILL would leave the program running without it), SIGKILL after `graceMs`.
   */
  async stop({ graceMs = 2000 } = {}) {
    const signal = (name) => {
      try {
        process.kill(-this.child.pid, name);
      } catch {
        // already gone
      }
    };
    if (this.exitCode === null) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    signal("SIGKILL"); // whatever of the group is left
    this.child.stdin.destroy();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wall-clock ms with sub-ms precision, comparable across processes (the apps report the same). */
const wallNow = () => performance.timeOrigin + performance.now();

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
};

/**
 * One timed edit of a program running under a tool, the loop every edit-and-wait benchmark shares:
 * takes the time, makes the edit (`write()`, in place), then waits for what says the new code
 * runs, and returns { ms, msg, t, wall }: `ms` from just before the write to the moment that was
 * seen (performance.now() of this process), `msg` what was seen, `wall` the wall-clock time of
 * the write (comparable with the apps' own timestamps).
 *
 * What is waited for: `until`, a predicate on the program's stdout JSON lines (from the write on),
 * or `served`, { port, path, accept }: GET http://127.0.0.1:<port><path> again and again (every
 * `intervalMs`) until `accept(response)` ({ status, headers, body, json }) holds. `port` may be a
 * function, read before every request (a program that restarts on another port).
 *
 * Returns null when that did not come within `timeoutMs` (a miss): logged on stderr, prefixed
 * with `label`, with the tool's last stderr lines.
 */
async function timedEdit(proc, { write, until, served, timeoutMs = 20000, what = "the edit", label = "[bench]" }) {
  const from = proc.lines.length;
  const wall = wallNow();
  const t0 = performance.now();
  write();
  try {
    if (served) {
      const seen = await pollHttp(proc, served, { timeoutMs, what });
      return { ms: seen.t - t0, msg: seen.response, t: seen.t, wall };
    }
    const line = await proc.waitFor(until, { from, timeoutMs, what });
    return { ms: line.t - t0, msg: line.msg, t: line.t, wall };
  } catch (error) {
    const tail = proc.stderr.trim().split("\n").slice(-3).join(" | ").slice(-400);
    console.error(`${label}: ${error.message.split("\n")[0]} ${tail}`);
    return null;
  }
}

/**
 * One GET of http://127.0.0.1:<port><path>, no keep-alive: { status, headers, body, json }
 * (json: the parsed body, or null). Rejects on a connection error or after `timeoutMs`.
 */
function httpGet(port, urlPath, { timeoutMs = 2000 } = {}) {
  const http = require("node:http");
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path: urlPath, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => {
        let json = null;
        try {
          json = JSON.parse(body);
        } catch {
          // not JSON: json stays null
        }
        resolve({ status: res.statusCode, headers: res.headers, body, json });
      });
      res.on("error", reject);
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`GET ${urlPath}: no answer in ${timeoutMs} ms`)));
    request.on("error", reject);
  });
}

/**
 * GETs `path` until `accept(response)`; connection errors (a program between two processes) are
 * retried. Resolves { response, t } (t: performance.now() when the accepted answer ended);
 * rejects after `timeoutMs`, or when the tool's process exited.
 */
async function pollHttp(
  proc,
  { port, path: urlPath, accept, intervalMs = 5 },
  { timeoutMs = 20000, what = "an answer" } = {},
) {
  const deadline = performance.now() + timeoutMs;
  let last = "no answer";
  while (performance.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`process exited (${proc.exitCode}) while waiting for ${what}`);
    const p = typeof port === "function" ? port() : port;
    try {
      const response = await httpGet(p, urlPath);
      const t = performance.now();
      if (accept(response)) return { response, t };
      last = `last answer: ${response.status} ${response.body.slice(0, 200)}`;
    } catch (error) {
      last = `last error: ${error.code ?? error.message}`;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
}

/** A port nothing listens on now (the OS's pick for port 0), for a program told its port. */
function freePort() {
  const net = require("node:net");
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Asks a benchmark app (one that answers "gc" with a {type: "memory"} line) for its memory after gc(). */
async function measureMemory(proc) {
  const from = proc.lines.length;
  proc.send("gc");
  const { msg } = await proc.waitFor((m) => m.type === "memory", { from, timeoutMs: 30000, what: "memory" });
  return msg;
}

/** What every latency benchmark reports of one (language, size, tool) subject's edits. */
function latencySummary(subject) {
  return {
    lang: subject.lang,
    modules: subject.modules,
    tool: subject.tool,
    label: TOOLS[subject.tool].label,
    edits: subject.samples.length,
    misses: subject.misses,
    medianMs: median(subject.samples),
    p90Ms: quantile(subject.samples, 0.9),
    minMs: Math.min(...subject.samples),
    maxMs: Math.max(...subject.samples),
  };
}

module.exports = {
  TOOLS,
  latencySummary,
  ToolProcess,
  sleep,
  wallNow,
  quantile,
  measureMemory,
  timedEdit,
  httpGet,
  pollHttp,
  freePort,
};
