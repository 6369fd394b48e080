#!/usr/bin/env node
// `npm run demo`: chaud in a few seconds. Copies examples/http-server to a temporary folder,
// starts it with the chaud command, makes requests, edits src/render.ts in the copy, and
// shows the next request answered by the new code on the same server, with the visit
// counter still counting. The checked-in example is never touched; the copy and the server
// are removed at the end, on errors and on Ctrl-C alike.

"use strict";

const { spawn, spawnSync } = require("node:child_process");
const {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} = require("node:fs");
const http = require("node:http");
const { tmpdir } = require("node:os");
const { join, relative, resolve, sep } = require("node:path");

const REPO = resolve(__dirname, "..");
const EXAMPLE = join(__dirname, "http-server");
const CLI = join(REPO, "dist/integration/cli/index.js");
const OLD_GREETING = "hello from chaud";
const NEW_GREETING = "bonjour from chaud";
const TIMEOUT_MS = 15000;

const say = (line) => console.log(`demo: ${line}`);

let dir; // the temporary copy
let server; // the chaud child process
let serverExited; // resolves when it has exited
let cleanedUp = false;

/** Stops the server (its whole process group) and deletes the copy. Safe to call twice. */
function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}

process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    console.error(`\ndemo: ${signal}: stopping the server and deleting ${dir ?? "the copy"}`);
    cleanUp();
    process.exit(130);
  });
}

function ensureBuilt() {
  const needed = ["dist/integration/cli/index.js", "dist/loader/register.js", "dist/runtime/index.js"];
  if (needed.every((file) => existsSync(join(REPO, file)))) return;
  say("dist/ is missing: building it (npx tsc -p tsconfig.build.json)");
  const result = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
    cwd: REPO,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (result.status !== 0) throw new Error("the build failed (npx tsc -p tsconfig.build.json)");
}

/** Copies the example (without any node_modules it may have) and links chaud to this checkout. */
function copyExample() {
  dir = mkdtempSync(join(tmpdir(), "chaud-demo-"));
  say(`copying examples/http-server to ${dir}`);
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (source) => !relative(EXAMPLE, source).split(sep).includes("node_modules"),
  });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules", "chaud"), "dir");
}

/** Prints each complete line of a stream with a prefix, and hands it to `onLine`. */
function followLines(stream, prefix, onLine) {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      console.log(`${prefix}${line}`);
      onLine(line);
    }
  });
}

/** A tiny event log of the server's output that steps can wait on. */
const seen = { stdout: [], stderr: [], waiters: new Set() };
function record(kind, line) {
  seen[kind].push(line);
  notify();
}
function notify() {
  for (const waiter of [...seen.waiters]) waiter();
}
function waitFor(what, predicate) {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      const value = predicate();
      if (value) {
        finish();
        resolvePromise(value);
      } else if (server.exitCode !== null || server.signalCode !== null) {
        finish();
        reject(
          new Error(`the server exited (${server.exitCode ?? server.signalCode}) while the demo waited for ${what}`),
        );
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${TIMEOUT_MS / 1000} s waiting for ${what}`));
    }, TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      seen.waiters.delete(check);
    };
    seen.waiters.add(check);
    check();
  });
}

function startServer() {
  say("starting it: node dist/integration/cli/index.js src/server.ts (what `npx chaud src/server.ts` runs)");
  const env = { ...process.env, PORT: "0", CHAUD_LOG: "info" };
  delete env.NODE_ENV; // under NODE_ENV=production chaud would refuse to watch
  server = spawn(process.execPath, [CLI, "src/server.ts"], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: cleanUp() ends the program chaud starts too
  });
  serverExited = new Promise((resolvePromise) => server.on("exit", resolvePromise));
  server.on("exit", notify); // a waiter fails at once if the server died
  followLines(server.stdout, "  server | ", (line) => record("stdout", line));
  followLines(server.stderr, "  server | ", (line) => record("stderr", line));
}

function get(port, path = "/") {
  return new Promise((resolvePromise, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path, agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => {
        console.log(`GET ${path} -> ${body.trim()}`);
        resolvePromise(body.trim());
      });
    });
    request.on("error", reject);
    request.setTimeout(5000, () => request.destroy(new Error(`GET ${path} timed out`)));
  });
}

/** Saves like an editor: writes a temporary file and renames it over the original. */
function editRender() {
  const file = join(dir, "src/render.ts");
  if (!resolve(file).startsWith(dir + sep)) throw new Error(`refusing to edit ${file}: not in the temporary copy`);
  const source = readFileSync(file, "utf8");
  if (!source.includes(OLD_GREETING))
    throw new Error(`src/render.ts no longer says "${OLD_GREETING}": nothing for the demo to change`);
  say(`editing src/render.ts in the copy: "${OLD_GREETING}" -> "${NEW_GREETING}"`);
  const temporary = join(dir, "src", `.render.ts.${process.pid}.tmp`);
  writeFileSync(temporary, source.replace(OLD_GREETING, NEW_GREETING));
  renameSync(temporary, file);
}

async function main() {
  const started = Date.now();
  ensureBuilt();
  copyExample();
  startServer();
  const port = await waitFor("the server to listen", () => {
    for (const line of seen.stdout) {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (match) return Number(match[1]);
    }
    return undefined;
  });

  say(`three requests to port ${port}`);
  for (let i = 0; i < 3; i++) await get(port);

  const reloadsBefore = seen.stderr.filter((line) => /\[chaud\] (reloaded|updated) /.test(line)).length;
  editRender();
  say("waiting for chaud to reload it...");
  await waitFor(
    "chaud's reload",
    () => seen.stderr.filter((line) => /\[chaud\] (reloaded|updated) /.test(line)).length > reloadsBefore,
  );

  say(`one more request, same server, same port ${port}: new text, and the counter kept its count`);
  const after = await get(port);
  if (!after.startsWith(NEW_GREETING)) throw new Error(`expected the new greeting after the reload, got "${after}"`);

  say(`stopping the server and deleting ${dir}`);
  server.kill("SIGTERM");
  const exited = await Promise.race([serverExited, new Promise((r) => setTimeout(() => r("timeout"), 3000))]);
  const copy = dir;
  cleanUp();
  if (exited === "timeout") say("(the server did not stop on SIGTERM: killed it)");
  if (existsSync(copy)) throw new Error(`could not delete ${copy}`);
  say(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s. Try it yourself: cd examples/http-server && npm install && npm start`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`demo: failed: ${error.message}`);
    cleanUp();
    process.exit(1);
  },
);
