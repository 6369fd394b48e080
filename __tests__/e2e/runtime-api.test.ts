// nextReload(), reload(paths) and CommonJS eviction hygiene, in a child process started
// with `node --expose-gc -r chaud/register`.

import { Child, sleep } from "../helpers/child";
import { createTempProject, type TempProject } from "../helpers/temp-project";

let project: TempProject;
let child: Child;
afterEach(async () => {
  if (!child.done) {
    child.send("stop");
    expect((await child.message("stopped")).openWatchers).toBe(0);
  }
  await child.stop();
  project.remove();
});

const LIB = (word: string) =>
  `/* @chaud.hot */ exports.probe = function probe() { return "${word}"; };\nexports.word = "${word}";\n`;
const MAIN = `
const chaud = require("chaud");
const fs = require("fs");
const path = require("path");
const libPath = path.join(__dirname, "lib.js");
const lib = require("./lib.js");
const firstLib = new WeakRef(require.cache[libPath]);
const print = (type, extra) => console.log(JSON.stringify({ type, probe: lib.probe(), epoch: chaud.epoch(), ...extra }));
process.stdin.on("data", async (data) => {
  for (const line of data.toString().trim().split("\\n")) {
    const [command, ...rest] = line.split(" ");
    if (command === "next") chaud.nextReload().then((outcome) => print("next", { kind: outcome.kind }));
    if (command === "write-and-reload") {
      fs.writeFileSync(libPath, rest.join(" ").replace(/\\\\n/g, "\\n"));
      const outcome = await chaud.reload([libPath]);
      print("reloaded-now", { kind: outcome.kind });
    }
    if (command === "hygiene") {
      global.gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      global.gc();
      const libModules = module.children.filter((child) => child.filename === libPath);
      print("hygiene", {
        children: module.children.length,
        libModules: libModules.length,
        current: libModules[0] === require.cache[libPath],
        cacheSize: Object.keys(require.cache).length,
        firstReleased: firstLib.deref() === undefined,
      });
    }
    if (command === "stop") { chaud.stop(); console.log(JSON.stringify({ type: "stopped", openWatchers: chaud.status().openWatchers })); process.exit(0); }
  }
});
setTimeout(() => print("ready", { children: module.children.length, cacheSize: Object.keys(require.cache).length }), 100);
`;

function start(): Promise<any> {
  project = createTempProject("api-app");
  project.write("main.js", MAIN);
  project.write("lib.js", LIB("one"));
  child = new Child(["--expose-gc", "-r", "chaud/register", "main.js"], {
    cwd: project.dir,
    env: { CHAUD_LOG: "info" },
  });
  return child.message("ready");
}

test("nextReload() resolves with the outcome of the next batch, committed or failed", async () => {
  await start();
  child.send("next");
  await sleep(100);
  project.write("lib.js", LIB("two"));
  const next = await child.message("next");
  expect(next).toMatchObject({ kind: "reloaded", probe: "two", epoch: 1 });

  child.send("next");
  await sleep(100);
  project.write("lib.js", "exports.probe = ;");
  const failed = await child.message("next", 1);
  expect(failed).toMatchObject({ kind: "failed", probe: "two", epoch: 1 });
});

test("reload(paths) reloads at once, and the watcher then finds nothing left to do", async () => {
  await start();
  child.send(`write-and-reload ${LIB("three").replace(/\n/g, "\\n")}`);
  expect(await child.message("reloaded-now")).toMatchObject({ kind: "reloaded", probe: "three", epoch: 1 });
  await sleep(300);
  child.send("next");
  project.write("lib.js", LIB("four"));
  expect(await child.message("next")).toMatchObject({ probe: "four", epoch: 2 });
});

test("30 reloads leave the importer one child for the module, the cache its size, and old versions collectable", async () => {
  const ready = await start();
  for (let i = 0; i < 30; i++) {
    child.send("next");
    await sleep(20);
    // Each version exports a different constant: the importer is the entry, which never re-runs.
    project.write("lib.js", LIB(`v${i}`));
    await child.message("next", i);
  }
  child.send("hygiene");
  const hygiene = await child.message("hygiene");
  expect(hygiene).toMatchObject({
    children: ready.children,
    libModules: 1,
    current: true,
    cacheSize: ready.cacheSize,
    firstReleased: true,
    probe: "v29",
  });
});

// A program whose only pending work is `await nextReload()`: nothing else keeps it alive.
const IDLE_MAIN = (call: string) => `
const chaud = require("chaud");
const lib = require("./lib.js");
const print = (type, extra) => console.log(JSON.stringify({ type, probe: lib.probe(), ...extra }));
setTimeout(async () => {
  print("waiting");
  try {
    const outcome = await ${call};
    print("next", { kind: outcome.kind });
  } catch (error) {
    print("rejected", { message: error.message, name: error.name });
  }
}, 100);
`;

function startIdle(call: string): Promise<any> {
  project = createTempProject("idle-app");
  project.write("main.js", IDLE_MAIN(call));
  project.write("lib.js", LIB("one"));
  child = new Child(["-r", "chaud/register", "main.js"], { cwd: project.dir, env: { CHAUD_LOG: "info" } });
  return child.message("waiting");
}

test("await nextReload() keeps an otherwise idle program alive until the next batch", async () => {
  await startIdle("chaud.nextReload()");
  await sleep(500);
  expect(child.done).toBe(false);
  project.write("lib.js", LIB("two"));
  expect(await child.message("next")).toMatchObject({ kind: "reloaded", probe: "two" });
  expect(await child.exited).toBe(0);
});

test("nextReload({ timeout }) rejects when no batch ends in time, and the program can end", async () => {
  await startIdle("chaud.nextReload({ timeout: 300 })");
  expect(await child.message("rejected")).toMatchObject({ message: "chaud: no reload within 300 ms", probe: "one" });
  expect(await child.exited).toBe(0);
});

test("nextReload() with a timeout that is not a number of ms rejects with a TypeError", async () => {
  await startIdle('chaud.nextReload({ timeout: "soon" })');
  expect(await child.message("rejected")).toMatchObject({ name: "TypeError" });
  expect((await child.message("rejected")).message).toContain("timeout must be a number of ms");
  expect(await child.exited).toBe(0);
});
