// The chaud command as a restarter, driven from outside: an unmarked HTTP server (Express or
// node:http, CommonJS or TypeScript) whose files a test edits while it runs under
// `dist/integration/cli/index.js`, requests to it, and the process checks a restart needs
// (is a pid gone, does a port still take connections, which processes chaud left behind).

import { spawnSync } from "node:child_process";
import { readFileSync, symlinkSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { Child, sleep, stopWithLeakCheck } from "./child";
import { REPO_ROOT, type TempProject } from "./temp-project";

export const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");

export interface Flavor {
  /** Express 5, or a node:http server that dispatches through a Map of routes. */
  server: "express" | "http";
  /** CommonJS JavaScript, or TypeScript (compiled to CommonJS unless `esm`). */
  language: "js" | "ts";
  /** TypeScript run as ES modules (the package's "type" is "module"). */
  esm?: boolean;
}

export const FLAVORS: Flavor[] = [
  { server: "express", language: "js" },
  { server: "express", language: "ts" },
  { server: "http", language: "js" },
  { server: "http", language: "ts" },
  { server: "express", language: "ts", esm: true },
];

export const flavorName = (flavor: Flavor): string =>
  `${flavor.server === "express" ? "Express" : "node:http"} in ${flavor.language === "ts" ? "TypeScript" : "CommonJS"}${flavor.esm ? " as ES modules" : ""}`;

/** The package.json fields a flavor needs. */
export const packageFields = (flavor: Flavor): Record<string, unknown> => (flavor.esm ? { type: "module" } : {});

/** What each edit changes: every field is one place in one file. */
export interface Version {
  /** The string the entry's /state handler returns (a function body in the entry). */
  entry: string;
  /** What the lib module's `word()` returns (a function body in a module). */
  word: string;
  /** The config module's exported constant (read by the entry at its top level). */
  greeting: string;
  /** Whether the store's `all()` marks each item with "!" (a function body in the module that holds the items). */
  marked: boolean;
  /** Whether the entry registers a /new route (a top-level statement of the entry). */
  newRoute: boolean;
}

export const V1: Version = { entry: "e1", word: "w1", greeting: "g1", marked: false, newRoute: false };

export interface AppFiles {
  entry: string;
  lib: string;
  store: string;
  config: string;
}

export const appFiles = (flavor: Flavor): AppFiles => {
  const ext = flavor.language;
  return { entry: `src/server.${ext}`, lib: `src/lib.${ext}`, store: `src/store.${ext}`, config: `src/config.${ext}` };
};

/**
 * The entry. Routes: GET /state (pid, a request counter kept in the entry, the items kept in
 * the store module, and what each version field reads), /add?name=x, /exit?code=n (the program
 * exits by itself), /signal?name=SIGTERM (it kills itself), and /new when `newRoute`. Prints
 * `{"type":"listening","port","pid"}` once listening, `{"type":"stdin","line"}` for each stdin
 * line but `stop`, which stops chaud inside the program and answers
 * `{"type":"stopped","openWatchers"}` (the leak check). Environment: APP_PORT (0 when unset),
 * APP_GREETING (served as `env`), APP_READ (a file read once at start, served as `file`),
 * APP_ON_SIGTERM=ignore, APP_ON_SIGINT=<exit code>, APP_GRANDCHILD=1 (starts a process of its own).
 */
export function entrySource(flavor: Flavor, v: Version): string {
  const ts = flavor.language === "ts";
  const t = (annotation: string): string => (ts ? annotation : "");
  const express = flavor.server === "express";
  const imports = ts
    ? `${
        express
          ? `import express from "express";\nimport type { Request, Response } from "express";`
          : `import { createServer } from "node:http";\nimport type { ServerResponse } from "node:http";`
      }
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { status, stop } from "chaud";
import { word } from "./lib.js";
import { add, all } from "./store.js";
import { GREETING } from "./config.js";`
    : `${express ? `const express = require("express");` : `const { createServer } = require("node:http");`}
const { readFileSync } = require("node:fs");
const { spawn } = require("node:child_process");
const { status, stop } = require("chaud");
const { word } = require("./lib.js");
const { add, all } = require("./store.js");
const { GREETING } = require("./config.js");`;

  // One route: Express's app.get, or a Map entry of the node:http server; `reply` sends JSON,
  // `param` reads a query parameter.
  const handler = express
    ? `(req${t(": Request")}, res${t(": Response")})`
    : `(res${t(": ServerResponse")}, query${t(": URLSearchParams")})`;
  const route = (path: string, body: string): string =>
    `${express ? "app.get" : "routes.set"}("${path}", ${handler} => {\n${body}\n});`;
  const reply = (value: string): string => (express ? `res.json(${value});` : `send(res, ${value});`);
  const param = (name: string): string => (express ? `String(req.query["${name}"])` : `String(query.get("${name}"))`);

  const setup = express
    ? `const app = express();`
    : `const routes = new Map${t("<string, (res: ServerResponse, query: URLSearchParams) => void>")}();

function send(res${t(": ServerResponse")}, value${t(": unknown")}) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

function handle(url${t(": string")}, res${t(": ServerResponse")}) {
  const { pathname, searchParams } = new URL(url, "http://localhost");
  const found = routes.get(pathname);
  if (found) found(res, searchParams);
  else {
    res.writeHead(404);
    res.end("no route " + pathname);
  }
}`;
  const listen = express
    ? `const server = app.listen(Number(process.env.APP_PORT || 0), "127.0.0.1", () => {`
    : `const server = createServer((req, res) => handle(req.url${t(" as string")}, res));
server.listen(Number(process.env.APP_PORT || 0), "127.0.0.1", () => {`;

  return `${imports}

${setup}
let hits = 0;
const file = process.env.APP_READ ? readFileSync(process.env.APP_READ, "utf8").trim() : null;

${route(
  "/state",
  `  hits++;
  ${reply(`{ pid: process.pid, hits, entry: "${v.entry}", word: word(), greeting: GREETING, items: all(), env: process.env.APP_GREETING ?? null, file }`)}`,
)}

${route("/add", `  ${reply(`{ count: add(${param("name")}) }`)}`)}

${route(
  "/exit",
  `  ${reply(`{ exiting: true }`)}
  setTimeout(() => process.exit(Number(${param("code")})), 20);`,
)}

${route(
  "/signal",
  `  ${reply(`{ signalled: true }`)}
  setTimeout(() => process.kill(process.pid, ${param("name")}), 20);`,
)}
${v.newRoute ? `\n${route("/new", `  ${reply(`{ route: "new", pid: process.pid }`)}`)}\n` : ""}
if (process.env.APP_ON_SIGTERM === "ignore") {
  process.on("SIGTERM", () => console.log(JSON.stringify({ type: "sigterm", pid: process.pid })));
}
if (process.env.APP_ON_SIGINT) {
  process.on("SIGINT", () => process.exit(Number(process.env.APP_ON_SIGINT)));
}
if (process.env.APP_GRANDCHILD) {
  const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  console.log(JSON.stringify({ type: "grandchild", pid: grandchild.pid }));
}

${listen}
  const { port } = server.address()${t(" as AddressInfo")};
  console.log(JSON.stringify({ type: "listening", port, pid: process.pid }));
});

process.stdin.on("data", (data) => {
  for (const line of data.toString().split("\\n")) {
    if (line === "") continue;
    if (line !== "stop") {
      console.log(JSON.stringify({ type: "stdin", line, pid: process.pid }));
      continue;
    }
    stop();
    server.close();
    console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
    process.exit(0);
  }
});
`;
}

export function libSource(flavor: Flavor, v: Version): string {
  return flavor.language === "ts"
    ? `export function word(): string {\n  return "${v.word}";\n}\n`
    : `function word() {\n  return "${v.word}";\n}\n\nmodule.exports = { word };\n`;
}

export function storeSource(flavor: Flavor, v: Version): string {
  const all = `return ${v.marked ? `items.map((item) => item + "!")` : "items.slice()"};`;
  return flavor.language === "ts"
    ? `const items: string[] = [];

export function add(name: string): number {
  items.push(name);
  return items.length;
}

export function all(): string[] {
  ${all}
}
`
    : `const items = [];

function add(name) {
  items.push(name);
  return items.length;
}

function all() {
  ${all}
}

module.exports = { add, all };
`;
}

export function configSource(flavor: Flavor, v: Version): string {
  return flavor.language === "ts"
    ? `export const GREETING = "${v.greeting}";\n`
    : `exports.GREETING = "${v.greeting}";\n`;
}

/** The files of version `v` of the app, written into `project` (with express linked in for the Express flavor). */
export function writeApp(project: TempProject, flavor: Flavor, v: Version = V1): AppFiles {
  const files = appFiles(flavor);
  if (flavor.server === "express") {
    // Linked, not installed, as in the Express mode "all" test: chaud leaves it alone.
    symlinkSync(join(REPO_ROOT, "node_modules/express"), project.path("node_modules/express"), "dir");
  }
  project.write(files.lib, libSource(flavor, v));
  project.write(files.store, storeSource(flavor, v));
  project.write(files.config, configSource(flavor, v));
  project.write(files.entry, entrySource(flavor, v));
  return files;
}

import { get } from "./http";
export { get, type Response } from "./http";

/** Whether something accepts TCP connections on the port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether a process with this id still runs: process.kill(pid, 0) throws ESRCH once it is gone.
 * A zombie counts as gone (it has ended; a process orphaned by its parent's end waits there
 * for init, which in a container may never reap it).
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
  try {
    // /proc/<pid>/stat: "pid (name) state ..."; the name may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch (error) {
    // gone since (ENOENT), or no /proc on this system
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

/** Polls `check` until it returns something truthy; fails with the child's output after `timeoutMs`. */
export async function until<T>(
  child: Child,
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})\nstdout:\n${child.stdout}\nstderr:\n${child.stderr}`,
      );
    await sleep(50);
  }
}

/** chaud's own stderr lines (`[chaud] …`) that match `pattern`. */
export function chaudLines(child: Child, pattern: RegExp): string[] {
  return child.stderr.split("\n").filter((line) => line.startsWith("[chaud] ") && pattern.test(line));
}

/** The `restarting: …` lines so far. */
export const restartLines = (child: Child): string[] => chaudLines(child, /^\[chaud\] restarting: /);

export const RESTARTED = /^\[chaud\] restarted in \d+ ms$/;

/**
 * Waits until chaud watches the running program's files, so that a save is seen: the start
 * line (`hot reloading on: …`) of the first program, then one `restarted in N ms` per restart
 * so far. A save made before (right after the program printed its port) can go unseen.
 */
export async function watching(child: Child, restarts = 0): Promise<void> {
  await child.waitFor("the start line", () => chaudLines(child, /^\[chaud\] hot reloading on/).length > 0);
  if (restarts > 0)
    await child.waitFor(
      `${restarts} \`restarted in N ms\` line(s)`,
      () => chaudLines(child, RESTARTED).length >= restarts,
    );
}

/** The pid and port of the nth program chaud started (0-based), waiting for it to listen. */
export async function program(child: Child, index: number, timeoutMs = 20000): Promise<{ pid: number; port: number }> {
  const { pid, port } = await child.message("listening", index, timeoutMs);
  return { pid, port };
}

/** The JSON body the program on `port` serves at "/" once `check` holds of it. */
export function servedWhen(child: Child, port: number, check: (body: any) => boolean, what: string): Promise<any> {
  return until(child, what, async () => {
    const { body } = await get(port, "/");
    return check(body) && body;
  });
}

/**
 * After a save that restarts: the `index`th program (a new process, not `firstPid`), once chaud
 * watches it, and the JSON it serves at "/" once `check` holds of it.
 */
export async function restartedServing(
  child: Child,
  index: number,
  firstPid: number,
  check: (body: any) => boolean,
  what: string,
): Promise<any> {
  const started = await program(child, index);
  await watching(child, index);
  expect(started.pid).not.toBe(firstPid);
  return servedWhen(child, started.port, check, what);
}

/** Every process below `root` (children, their children...), from `ps`. */
function descendants(root: number): number[] {
  const ps = spawnSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
  const children = new Map<number, number[]>();
  for (const line of ps.stdout.split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Ends a test's chaud command: the leak check when the newest program is up (it answers
 * `stop` on stdin, passed on by chaud), then SIGKILL to chaud's group, and to every process
 * chaud had started or the programs reported (a program runs in a process group of its own,
 * which a SIGKILL to chaud cannot reach).
 */
export async function endCli(child: Child | undefined): Promise<void> {
  if (!child) return;
  const started = child.pid !== undefined && !child.done ? descendants(child.pid) : [];
  const reported = child.messages.filter((m) => typeof m["pid"] === "number").map((m) => m["pid"] as number);
  const newest = child.messages.filter((m) => m.type === "listening").at(-1);
  try {
    await stopWithLeakCheck(child, () => newest !== undefined && alive(newest["pid"]));
  } finally {
    for (const pid of new Set([...started, ...reported])) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, "SIGKILL");
        } catch {
          // gone already, or not a group leader
        }
      }
    }
  }
}

/**
 * The end of a TypeScript test program whose HTTP server is `server` (and which imports
 * `status` and `stop` from "chaud", and `AddressInfo` from "node:net"): it listens on
 * 127.0.0.1, prints `{"type":"listening","port","pid"}`, and answers `stop` on stdin with the
 * leak check's `{"type":"stopped","openWatchers"}` (see endCli), after `cleanUp`.
 */
export function listenAndStop(cleanUp = ""): string {
  return `server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ type: "listening", port, pid: process.pid }));
});

process.stdin.on("data", (data) => {
  if (!data.toString().split("\\n").includes("stop")) return;
  stop();
  server.close();
  ${cleanUp}
  console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
  process.exit(0);
});
`;
}
