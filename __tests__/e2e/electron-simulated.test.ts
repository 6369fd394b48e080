// chaud/electron, simulated: the Electron binary cannot be downloaded here, so these tests run
// the built integration in plain `node` child processes against a stand-in `electron` module
// (helpers/electron-stand-in.js: only the public API chaud/electron uses, every call printed
// as a JSON line), with process.versions.electron set as Electron sets it. The integration is
// also type-checked against the real `electron` package's type definitions with tsc.

import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Child, sleep } from "../helpers/child";
import { copyExample, removeExampleCopies } from "../helpers/examples";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const cache = sharedCacheDir("chaud-electron");
let project: TempProject | undefined;
let child: Child | undefined;

afterEach(async () => {
  await child?.stop();
  child = undefined;
  project?.remove();
  project = undefined;
  removeExampleCopies();
});

/** node_modules/electron in `dir`: the stand-in, plus the `-r` files that simulate the runtime and drive the app. */
function installStandIn(dir: string): void {
  const target = join(dir, "node_modules/electron");
  mkdirSync(target, { recursive: true });
  copyFileSync(join(REPO_ROOT, "__tests__/helpers/electron-stand-in.js"), join(target, "index.js"));
  copyFileSync(join(REPO_ROOT, "__tests__/helpers/electron-driver.js"), join(target, "driver.js"));
  writeFileSync(
    join(target, "package.json"),
    JSON.stringify({ name: "electron", version: "0.0.0-stand-in", main: "index.js" }),
  );
  // What the Electron runtime provides before the main script runs.
  writeFileSync(join(target, "simulate.js"), `process.versions.electron = "45.0.0-simulated";\n`);
}

const NODE_ARGS = [
  "-r",
  "./node_modules/electron/simulate.js",
  "-r",
  "chaud/register",
  "-r",
  "./node_modules/electron/driver.js",
];

const entry = (top: string, greeting: string): string => `const path = require("node:path");
const { app, BrowserWindow, ipcMain } = require("electron");
const { initElectron } = require("chaud/electron");

const hot = initElectron({ relaunch: process.env.RELAUNCH === "1", renderer: { dirs: ["shared"] } });
const top = ${JSON.stringify(top)};

/* @chaud.persist */
let calls = 0;

/* @chaud.hot */
function greet(_event, name) {
  calls++;
  return ${JSON.stringify(greeting)} + " " + name + " #" + calls;
}

app.whenReady().then(() => {
  ipcMain.handle("greet", greet);
  const open = (title, page, preload) => {
    const file = path.join(__dirname, preload);
    const window = new BrowserWindow({ title, webPreferences: { preload: file } });
    hot.trackWindow(window, { preload: file });
    window.loadFile(path.join(__dirname, page));
  };
  open("one", "pages/one.html", "preload-a.js");
  open("one-again", "pages/one.html", "preload-b.js");
  open("two", "pages/two.html", "preload-a.js");
});
`;

function electronApp(): TempProject {
  const created = createTempProject("electron-app", { main: "main.js" });
  installStandIn(created.dir);
  created.write("main.js", entry("v1", "hello"));
  created.write(
    "pages/one.html",
    `<!doctype html><link rel="stylesheet" href="one.css"><script src="./one.js"></script><h1>one</h1>`,
  );
  created.write("pages/one.css", `h1 { color: red }`);
  created.write("pages/one.js", `console.log("one")`);
  created.write("pages/two.html", `<!doctype html><script src="https://example.com/x.js"></script><h1>two</h1>`);
  created.write("preload-a.js", `// preload a`);
  created.write("preload-b.js", `// preload b`);
  created.write("shared/util.js", `// loaded by renderers through imports chaud cannot see`);
  return created;
}

const reloads = (c: Child): string[] =>
  c.messages.filter((m) => m.type === "electron" && m.call === "reloadIgnoringCache").map((m) => m.window as string);

/** Edits a file and returns the windows reloaded because of it (waits for `expected` reloads, then a quiet moment). */
async function windowsReloadedBy(c: Child, file: string, content: string, expected: number): Promise<string[]> {
  const before = reloads(c).length;
  atomicWrite(file, content);
  await c.waitFor(`${expected} window reloads after editing ${file}`, () => reloads(c).length >= before + expected);
  await sleep(300);
  return reloads(c).slice(before).sort();
}

async function start(app: TempProject, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  child = new Child([...NODE_ARGS, "main.js"], { cwd: app.dir, env: cache.env(env) });
  const ready = await child.message("ready");
  expect(ready.windows).toBe(3);
  return child;
}

describe("chaud/electron (simulated: a stand-in electron module in plain node)", () => {
  test("simulated: a renderer file edit reloads exactly the windows showing it", async () => {
    project = electronApp();
    const c = await start(project);
    expect(await windowsReloadedBy(c, join(project.dir, "pages/one.css"), `h1 { color: blue }`, 2)).toEqual([
      "one",
      "one-again",
    ]);
    expect(await windowsReloadedBy(c, join(project.dir, "pages/two.html"), `<!doctype html><h1>two!</h1>`, 1)).toEqual([
      "two",
    ]);
    expect(await windowsReloadedBy(c, join(project.dir, "pages/one.js"), `console.log("one!")`, 2)).toEqual([
      "one",
      "one-again",
    ]);
    // A declared renderer folder's file that no page names: every window may load it.
    expect(await windowsReloadedBy(c, join(project.dir, "shared/util.js"), `// changed`, 3)).toEqual([
      "one",
      "one-again",
      "two",
    ]);
    expect(c.stderr).toMatch(/\[chaud\] reloaded 2 windows \(1 renderer file changed\)/);
  });

  test("simulated: a preload edit reloads the windows that use it", async () => {
    project = electronApp();
    const c = await start(project);
    expect(await windowsReloadedBy(c, join(project.dir, "preload-b.js"), `// preload b, edited`, 1)).toEqual([
      "one-again",
    ]);
    expect(await windowsReloadedBy(c, join(project.dir, "preload-a.js"), `// preload a, edited`, 2)).toEqual([
      "one",
      "two",
    ]);
  });

  test("simulated: a main-process hot ipcMain handler edit applies with its state, without reloading windows or relaunching", async () => {
    project = electronApp();
    const c = await start(project, { RELAUNCH: "1" });
    c.send("invoke greet ada");
    expect((await c.message("invoked", 0)).value).toBe("hello ada #1");
    atomicWrite(join(project.dir, "main.js"), entry("v1", "bonjour"));
    await c.message("reload");
    c.send("invoke greet ada");
    expect((await c.message("invoked", 1)).value).toBe("bonjour ada #2");
    await sleep(300);
    expect(reloads(c)).toEqual([]);
    expect(c.messages.filter((m) => m.type === "electron" && (m.call === "relaunch" || m.call === "exit"))).toEqual([]);
    expect(c.stderr).not.toMatch(/top-level code changed/);
  });

  test("simulated: an edit of the entry's top-level code logs that a restart is needed", async () => {
    project = electronApp();
    const c = await start(project);
    atomicWrite(join(project.dir, "main.js"), entry("v2", "hello"));
    await c.waitFor("the restart line", () =>
      /top-level code changed; it does not re-run.*Restart the app/.test(c.stderr),
    );
    expect(c.done).toBe(false);
    expect(reloads(c)).toEqual([]);
  });

  test("simulated: with relaunch, an edit of the entry's top-level code calls app.relaunch() and app.exit()", async () => {
    project = electronApp();
    const c = await start(project, { RELAUNCH: "1" });
    atomicWrite(join(project.dir, "main.js"), entry("v2", "hello"));
    expect(await c.exited).toBe(0);
    const calls = c.messages
      .filter((m) => m.type === "electron" && (m.call === "relaunch" || m.call === "exit"))
      .map((m) => m.call);
    expect(calls).toEqual(["relaunch", "exit"]);
    expect(c.stderr).toMatch(/top-level code changed: relaunching the app/);
  });

  test("simulated: will-quit stops watching (no watcher left open)", async () => {
    project = electronApp();
    const c = await start(project);
    expect(c.messages.find((m) => m.type === "ready")!.status.openWatchers).toBeGreaterThan(0);
    c.send("quit");
    const quit = await c.message("quit");
    expect(quit.status).toMatchObject({ running: false, openWatchers: 0 });
    // Nothing reacts to edits any more.
    atomicWrite(join(project.dir, "pages/one.css"), `h1 { color: green }`);
    await sleep(400);
    expect(reloads(c)).toEqual([]);
  });

  test("simulated: an ES module main starts chaud and reloads the window of an edited page", async () => {
    project = createTempProject("electron-esm", { main: "main.mjs" });
    installStandIn(project.dir);
    project.write(
      "main.mjs",
      `import { app, BrowserWindow } from "electron";
import { initElectron } from "chaud/electron";
import { status } from "chaud";

initElectron();
await app.whenReady();
new BrowserWindow({ title: "esm" }).loadFile(new URL("./index.html", import.meta.url).pathname);
setTimeout(() => console.log(JSON.stringify({ type: "esm-up", running: status().running, entry: status().entry })), 200);
`,
    );
    project.write("index.html", `<h1>esm</h1>`);
    child = new Child(["-r", "./node_modules/electron/simulate.js", "--import", "chaud/register", "main.mjs"], {
      cwd: project.dir,
      env: cache.env(),
    });
    const up = await child.message("esm-up");
    expect(up.running).toBe(true);
    expect(up.entry).toBe(join(project.dir, "main.mjs"));
    expect(await windowsReloadedBy(child, join(project.dir, "index.html"), `<h1>esm!</h1>`, 1)).toEqual(["esm"]);
  });

  test("simulated: examples/electron-main reloads its window on a style edit and its ipcMain handler hot", async () => {
    const dir = copyExample("electron-main");
    installStandIn(dir);
    child = new Child([...NODE_ARGS, "."], { cwd: dir, env: cache.env() });
    const c = child;
    expect((await c.message("ready")).windows).toBe(1);
    c.send("invoke click ada");
    expect((await c.message("invoked", 0)).value).toMatch(/#1\b/);
    const main = join(dir, "main.js");
    const edited = readFileSync(main, "utf8").replace("Hello", "Bonjour");
    expect(edited).not.toBe(readFileSync(main, "utf8"));
    atomicWrite(main, edited);
    await c.message("reload");
    c.send("invoke click ada");
    expect((await c.message("invoked", 1)).value).toMatch(/^Bonjour .*#2\b/);
    expect(await windowsReloadedBy(c, join(dir, "renderer/style.css"), `body { background: #fde }`, 1)).toHaveLength(1);
  });
});

describe("chaud without electron", () => {
  test('require("chaud") and require("chaud/electron") load where electron is not installed, and load no electron', () => {
    project = createTempProject("no-electron");
    project.write(
      "check.js",
      `
let electronFound = true;
try { require.resolve("electron"); } catch { electronFound = false; }
const chaud = require("chaud");
const { initElectron } = require("chaud/electron");
console.log(JSON.stringify({ electronFound, init: typeof chaud.init, initElectron: typeof initElectron,
  electronLoaded: Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]electron[\\\\/]/.test(file)) }));
`,
    );
    const result = project.run(["check.js"]);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      electronFound: false,
      init: "function",
      initElectron: "function",
      electronLoaded: false,
    });
  });
});

describe("chaud/electron types", () => {
  test("a main process using chaud/electron type-checks against the real electron package's types", () => {
    project = createTempProject("typed-app", { main: "main.js" });
    const dir = project.dir;
    mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
    symlinkSync(join(REPO_ROOT, "node_modules/electron"), join(dir, "node_modules/electron"), "dir");
    symlinkSync(join(REPO_ROOT, "node_modules/@types/node"), join(dir, "node_modules/@types/node"), "dir");
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "node16",
          moduleResolution: "node16",
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          types: ["node"],
        },
        files: ["main.ts"],
      }),
    );
    writeFileSync(
      join(dir, "main.ts"),
      `import * as electron from "electron";
import { app, BrowserWindow, ipcMain } from "electron";
import { initElectron, type ElectronHandle, type ElectronModule, type ElectronWindow } from "chaud/electron";

// The real module and windows fit what chaud/electron asks for.
const module: ElectronModule = electron;
const hot: ElectronHandle = initElectron({ electron: module, relaunch: true, renderer: { files: ["renderer/app.js"], dirs: ["renderer"] }, aggregateTimeout: 5 });
initElectron();

app.whenReady().then(() => {
  ipcMain.handle("ping", () => "pong");
  const preload = "preload.js";
  const window = new BrowserWindow({ webPreferences: { preload } });
  const fits: ElectronWindow = window;
  hot.trackWindow(fits, { preload });
  hot.trackWindow(window, { files: ["renderer/extra.css"] });
  void window.loadFile("index.html");
});
app.on("will-quit", () => hot.stop());

// @ts-expect-error relaunch is a boolean
initElectron({ relaunch: "yes" });
// @ts-expect-error renderer files are paths
initElectron({ renderer: { files: [1] } });
`,
    );
    const tsc = join(REPO_ROOT, "node_modules/typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60000,
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 60000);
});
