// Security (issue 7), in child processes under `-r chaud/register`: a reload never loads a
// file from outside the watched packages (a symlink pointing out, a path in node_modules); the
// transform cache is private and a tampered entry is rejected, not executed; with
// NODE_ENV=production and no explicit CHAUD_HOT=1 nothing is watched or transformed.

import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Child, stopWithLeakCheck } from "../helpers/child";
import { useTempDirs } from "../helpers/temp-dir";
import { createTempProject, REPO_ROOT, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");

/** Reports what each module's hot `probe()` answers, the watch list and the reloads. */
const MAIN = `
const chaud = require("chaud");
const app = require("./src/app.js");
const linked = require("./src/linked.js");
const dep = require("dep");
const report = (type, extra) => console.log(JSON.stringify({
  type, app: app.probe(), linked: linked.probe(), dep: dep.probe(), epoch: chaud.epoch(), status: chaud.status(), ...extra,
}));
chaud.on("reload", (e) => report("reload", { files: e.files }));
process.stdin.on("data", (data) => {
  for (const command of data.toString().trim().split("\\n")) {
    if (command === "probe") report("probe");
    if (command === "stop") { chaud.stop(); console.log(JSON.stringify({ type: "stopped", openWatchers: chaud.status().openWatchers })); process.exit(0); }
  }
});
setTimeout(() => report("ready"), 50);
`;

/** A module with a persisted call counter; loading it prints a line, so a load is visible. */
const MODULE = (word: string) => `
console.log(JSON.stringify({ type: "loaded", word: ${JSON.stringify(word)} }));
/* @chaud.persist */ let calls = 0;
/* @chaud.hot */ exports.probe = function probe() { calls++; return ${JSON.stringify(word)} + ":" + calls; };
`;

let project: TempProject;
let outside: string;
let cacheDir: string;
let child: Child | undefined;

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  project.remove();
});
// Declared after the hook above, so the child has stopped before its folders go.
const tempDir = useTempDirs();
beforeEach(() => {
  project = createTempProject("secure-app");
  outside = tempDir("chaud-outside").dir;
  // Not created yet: chaud creates the cache folder itself, and the tests check how.
  cacheDir = tempDir("chaud-security-cache").path("cache");
  child = undefined;
});

function writeApp(): void {
  project.write("main.js", MAIN);
  project.write("src/app.js", MODULE("app-v1"));
  writeFileSync(join(outside, "ext.js"), MODULE("outside-v1"));
  symlinkSync(join(outside, "ext.js"), join(project.dir, "src/linked.js"));
  project.write("node_modules/dep/package.json", JSON.stringify({ name: "dep", version: "1.0.0" }));
  project.write("node_modules/dep/index.js", MODULE("dep-v1"));
  project.write("node_modules/dep/evil.js", MODULE("dep-evil"));
}

function start(env: NodeJS.ProcessEnv = {}): Child {
  child = new Child(["-r", "chaud/register", "main.js"], {
    cwd: project.dir,
    env: { CHAUD_CACHE_DIR: cacheDir, CHAUD_LOG: "info", ...env },
  });
  return child;
}

/** Saves `target` as a symlink over `file` the way an editor saves: write aside, rename over. */
function swapInSymlink(file: string, target: string): void {
  const aside = `${file}.swap`;
  symlinkSync(target, aside);
  renameSync(aside, file);
}

const loads = (c: Child, word: string) => c.messages.filter((m) => m.type === "loaded" && m.word === word).length;

describe("a reload never loads a file from outside the watched packages", () => {
  test("a symlink pointing out and a node_modules package are loaded once and never watched", async () => {
    writeApp();
    const c = start();
    const ready = await c.message("ready");
    expect(ready.status.watched.sort()).toEqual(["main.js", "src/app.js"]);
    expect(ready).toMatchObject({ app: "app-v1:1", linked: "outside-v1:1", dep: "dep-v1:1" });

    writeFileSync(join(outside, "ext.js"), MODULE("outside-v2"));
    project.write("node_modules/dep/index.js", MODULE("dep-v2"));
    // A watched save afterwards: its batch comes after any event the two edits above could cause.
    project.write("src/app.js", MODULE("app-v2"));
    const reload = await c.message("reload");
    expect(reload.files).toEqual(["src/app.js"]);
    expect(reload).toMatchObject({ app: "app-v2:2", linked: "outside-v1:2", dep: "dep-v1:2" });
    expect(loads(c, "outside-v2") + loads(c, "dep-v2")).toBe(0);
  });

  test("a watched file replaced by a symlink to elsewhere or into node_modules is refused with a warning", async () => {
    writeApp();
    const c = start();
    await c.message("ready");
    const appFile = join(project.dir, "src/app.js");
    writeFileSync(join(outside, "evil.js"), MODULE("outside-evil"));

    swapInSymlink(appFile, join(outside, "evil.js"));
    await c.waitFor("the refusal", () =>
      /\[chaud\] src\/app\.js now leads to .*evil\.js, outside the watched packages: not reloaded/.test(c.stderr),
    );
    swapInSymlink(appFile, join(project.dir, "node_modules/dep/evil.js"));
    await c.waitFor("the second refusal", () =>
      /src\/app\.js now leads to .*node_modules\/dep\/evil\.js, outside the watched packages/.test(c.stderr),
    );
    c.send("probe");
    expect(await c.message("probe")).toMatchObject({ app: "app-v1:2", epoch: 0 });

    // An editor saving a real file again: reloads normally, the persisted counter intact.
    project.write("src/app.js.new", MODULE("app-v2"));
    renameSync(`${appFile}.new`, appFile);
    expect(await c.message("reload")).toMatchObject({ files: ["src/app.js"], app: "app-v2:3", epoch: 1 });
    expect(loads(c, "outside-evil") + loads(c, "dep-evil")).toBe(0);
  });
  test("under the ES module loader too", async () => {
    project.write(
      "main.mjs",
      `
import { epoch, on, status, stop } from "chaud";
import { probe } from "./src/app.mjs";
const report = (type, extra) => console.log(JSON.stringify({ type, app: probe(), epoch: epoch(), ...extra }));
on("reload", (e) => report("reload", { files: e.files }));
process.stdin.on("data", (data) => {
  if (data.toString().trim() === "stop") { stop(); console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers })); process.exit(0); }
  report("probe");
});
setTimeout(() => report("ready"), 300);
`,
    );
    const esmModule = (word: string) => `
console.log(JSON.stringify({ type: "loaded", word: ${JSON.stringify(word)} }));
/* @chaud.persist */ let calls = 0;
/* @chaud.hot */ export function probe() { calls++; return ${JSON.stringify(word)} + ":" + calls; }
`;
    project.write("src/app.mjs", esmModule("app-v1"));
    writeFileSync(join(outside, "evil.mjs"), esmModule("outside-evil"));
    const c = (child = new Child(["--import", "chaud/register", "main.mjs"], {
      cwd: project.dir,
      env: { CHAUD_CACHE_DIR: cacheDir, CHAUD_LOG: "info" },
    }));
    expect((await c.message("ready")).app).toBe("app-v1:1");

    const appFile = join(project.dir, "src/app.mjs");
    swapInSymlink(appFile, join(outside, "evil.mjs"));
    await c.waitFor("the refusal", () =>
      /src\/app\.mjs now leads to .*evil\.mjs, outside the watched packages: not reloaded/.test(c.stderr),
    );
    c.send("probe");
    expect(await c.message("probe")).toMatchObject({ app: "app-v1:2", epoch: 0 });

    project.write("src/app.mjs.new", esmModule("app-v2"));
    renameSync(`${appFile}.new`, appFile);
    expect(await c.message("reload")).toMatchObject({ files: ["src/app.mjs"], app: "app-v2:3", epoch: 1 });
    expect(loads(c, "outside-evil")).toBe(0);
  });
});

describe("the transform cache", () => {
  test("is private to its user, and a tampered entry is rejected and not executed", async () => {
    writeApp();
    let c = start();
    expect((await c.message("ready")).app).toBe("app-v1:1");
    await stopWithLeakCheck(c, () => true);

    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    const entries = readdirSync(cacheDir).filter((name) => name.endsWith(".cache"));
    expect(entries.length).toBeGreaterThan(0);
    for (const name of entries) expect(statSync(join(cacheDir, name)).mode & 0o777).toBe(0o600);

    // Whoever could write the cache tries to make the next start run their code: src/app.js's
    // entry file and its copy in the start's pack (same length, so the pack still parses).
    const copies = readdirSync(cacheDir)
      .map((name) => join(cacheDir, name))
      .filter((file) => statSync(file).isFile() && readFileSync(file, "utf8").includes('"app-v1"'));
    expect(copies.some((file) => file.endsWith(".cache"))).toBe(true);
    expect(copies.some((file) => !file.endsWith(".cache"))).toBe(true);
    for (const file of copies) writeFileSync(file, readFileSync(file, "utf8").replace('"app-v1"', '"evil-1"'));

    c = start();
    expect((await c.message("ready")).app).toBe("app-v1:1");
    expect(c.stderr).toMatch(/rejected the entry \S+ of the cache pack .*does not match its sha256/);
    expect(c.stderr).toMatch(/rejected the cache entry .*does not match its sha256/);
    expect(loads(c, "evil-1")).toBe(0);
  });

  test("a cache folder other users can write to is not used", async () => {
    writeApp();
    mkdirSync(cacheDir);
    chmodSync(cacheDir, 0o777);
    const c = start();
    expect((await c.message("ready")).app).toBe("app-v1:1");
    expect(c.stderr).toMatch(/not caching transformed files: .* is group- or world-writable \(mode 777\)/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});

describe("with NODE_ENV=production and no explicit CHAUD_HOT=1", () => {
  const PRODUCTION_MAIN = `
const chaud = require("chaud");
chaud.init();
const app = require("./src/app.js");
console.log(JSON.stringify({
  type: "ready", status: chaud.status(), source: app.probe.toString(),
}));
`;

  test.each([
    ["node -r chaud/register", ["-r", "chaud/register", "main.js"]],
    ["the chaud command", [CLI, "main.js"]],
  ])("%s watches nothing, transforms nothing, writes no cache, and says so", async (_name, args) => {
    project.write("main.js", PRODUCTION_MAIN);
    project.write("src/app.js", MODULE("app-v1"));
    const c = (child = new Child(args, {
      cwd: project.dir,
      env: { CHAUD_CACHE_DIR: cacheDir, CHAUD_LOG: "info", NODE_ENV: "production", CHAUD_HOT: "" },
    }));
    const ready = await c.message("ready");
    expect(ready.status).toMatchObject({ running: false, watched: [], openWatchers: 0 });
    // Untransformed: the function as written, and nothing registered hot or persisted.
    expect(ready.source).toBe('function probe() { calls++; return "app-v1" + ":" + calls; }');
    expect(ready.status.registry).toEqual({ hotFunctions: 0, hotClasses: 0, persisted: 0, modules: 0 });
    expect(await c.exited).toBe(0);
    expect(c.stderr).toContain("NODE_ENV=production");
    expect(existsSync(cacheDir)).toBe(false);
  });
});
