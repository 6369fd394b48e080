// `npx chaud app.ts` and `node -r chaud/register`: TypeScript and JavaScript entries in real
// child processes, files edited on disk.

import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Child, sleep, stopWithLeakCheck } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let project: TempProject;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-cache");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0 && c.count("pid") > 0);
  child = undefined;
  project?.remove();
});

/** A TypeScript program: reports its hot `probe()` after every reload, counts its own starts. */
const MAIN_TS = (label: string) => `
import { on, epoch, stop, status } from "chaud";
import { probe } from "./probe.js";
import config from "./config.json";
/* @chaud.persist */ const starts = { count: 0 };
starts.count++;
const report = (type: string) => console.log(JSON.stringify({ type, probe: probe(), label: label(), starts: starts.count, epoch: epoch(), config }));
/* @chaud.hot */ function label() { return "${label}"; }
on("reload", () => report("reload"));
on("error", () => report("error"));
process.on("SIGTERM", () => { console.log(JSON.stringify({ type: "sigterm" })); process.exit(7); });
process.stdin.on("data", (data) => {
  if (data.toString().trim() !== "stop") return report("probe");
  stop();
  console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
  process.exit(0);
});
setTimeout(() => console.log(JSON.stringify({ type: "pid", pid: process.pid })), 0);
setTimeout(() => report("ready"), 100);
`;
const PROBE_TS = (word: string) => `
import { helper } from "./cycle-a.js";
/* @chaud.persist */ let calls: number = 0;
/* @chaud.hot */
export function probe(): string { calls++; return "${word} " + helper() + " calls=" + calls; }
`;
const CYCLE_A = (tag: string) =>
  `import { fromB } from "./cycle-b.js";\nexport const A = "${tag}";\n/* @chaud.hot */ export function helper() { return A + fromB(); }\n`;
const CYCLE_B = `import { A } from "./cycle-a.js";\n/* @chaud.hot */ export function fromB() { return "+b(" + typeof A + ")"; }\n`;

function tsProject(name = "ts-app"): TempProject {
  project = createTempProject(name);
  project.write("src/main.ts", MAIN_TS("one"));
  project.write("src/probe.ts", PROBE_TS("hello"));
  project.write("src/cycle-a.ts", CYCLE_A("a1"));
  project.write("src/cycle-b.ts", CYCLE_B);
  project.write("src/config.json", JSON.stringify({ mode: "dev" }));
  return project;
}

describe("the chaud command", () => {
  test("runs a TypeScript entry and reloads an edited module with its state", async () => {
    tsProject();
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    expect((await child.message("ready")).probe).toBe("hello a1+b(string) calls=1");
    project.write("src/probe.ts", PROBE_TS("bonjour"));
    const reload = await child.message("reload");
    expect(reload.probe).toBe("bonjour a1+b(string) calls=2");
    expect(reload.starts).toBe(1);
  });

  test("editing the entry updates its hot functions without re-running its top-level code", async () => {
    tsProject();
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    await child.message("ready");
    atomicWrite(join(project.dir, "src/main.ts"), MAIN_TS("two"));
    const reload = await child.message("reload");
    expect(reload.label).toBe("two");
    expect(reload.starts).toBe(1);
    await sleep(300);
    expect(child.count("ready")).toBe(1);
  });

  test("a JSON file the entry imports: a change restarts the program, which reads the new value", async () => {
    tsProject();
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const first = await child.message("pid");
    await child.message("ready");
    project.write("src/config.json", JSON.stringify({ mode: "changed" }));
    // The entry never re-runs in place, and it holds the value it read: only a restart applies it.
    const ready = await child.message("ready", 1);
    expect(ready.config).toEqual({ mode: "changed" });
    expect((await child.message("pid", 1)).pid).not.toBe(first.pid);
    expect(child.stderr).toMatch(/restarting: src\/config\.json: its exports changed, and the entry module imports it/);
    await child.waitFor("the restarted line", () => /restarted in \d+ ms/.test(child!.stderr));
  });

  test("with --restart=off, a JSON file the entry imports reloads, and the entry keeps the value it read", async () => {
    tsProject();
    child = new Child([CLI, "--restart=off", "src/main.ts"], { cwd: project.dir, env: env() });
    await child.message("ready");
    project.write("src/config.json", JSON.stringify({ mode: "changed" }));
    await child.waitFor("the JSON reload", () => /reloaded src\/config\.json/.test(child!.stderr));
    await child.waitFor("the entry notice", () =>
      /the entry module imports src\/config\.json, whose exports changed/.test(child!.stderr),
    );
    expect(child.stderr).not.toContain("restarting");
  });

  test("reloads a module in an import cycle", async () => {
    tsProject();
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    await child.message("ready");
    project.write("src/cycle-a.ts", CYCLE_A("a2"));
    const reload = await child.message("reload");
    expect(reload.probe).toBe("hello a2+b(string) calls=2");
  });

  test("passes arguments and, with --restart=off, the exit code through", async () => {
    project = createTempProject("args-app");
    project.write(
      "main.ts",
      `const args: string[] = process.argv.slice(2); console.log(JSON.stringify({ type: "args", args })); process.exitCode = Number(args[1]);`,
    );
    child = new Child([CLI, "--restart=off", "main.ts", "first", "42", "--flag"], { cwd: project.dir, env: env() });
    expect((await child.message("args")).args).toEqual(["first", "42", "--flag"]);
    expect(await child.exited).toBe(42);
  });

  test("a program that ends by itself: one line with its exit code, then chaud waits; Ctrl-C ends chaud", async () => {
    project = createTempProject("ends-app");
    project.write("main.ts", `console.log(JSON.stringify({ type: "ran" })); process.exitCode = 42;`);
    child = new Child([CLI, "main.ts"], { cwd: project.dir, env: env() });
    await child.message("ran");
    await child.waitFor("the exit line", () =>
      /program exited with code 42; waiting for a change to restart it \(or type rs\)/.test(child!.stderr),
    );
    await sleep(200);
    expect(child.done).toBe(false);
    child.signal("SIGINT");
    await child.exited;
    expect(child.signalCode).toBe("SIGINT");
  });

  test("passes node options to node", async () => {
    project = createTempProject("options-app");
    project.write("main.js", `console.log(JSON.stringify({ type: "options", execArgv: process.execArgv }));`);
    child = new Child([CLI, "--no-warnings", "--stack-size=2000", "main.js"], { cwd: project.dir, env: env() });
    const { execArgv } = await child.message("options");
    expect(execArgv).toEqual(expect.arrayContaining(["--no-warnings", "--stack-size=2000"]));
    await child.waitFor("the exit line", () => /program exited with code 0/.test(child!.stderr));
  });

  test("forwards SIGTERM to the program and exits with its code", async () => {
    tsProject();
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    await child.message("ready");
    child.signal("SIGTERM");
    await child.message("sigterm");
    expect(await child.exited).toBe(7);
  });

  test("Ctrl-C (SIGINT to chaud) stops the program and leaves no orphan", async () => {
    tsProject();
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const { pid } = await child.message("pid");
    await child.message("ready");
    child.signal("SIGINT");
    await child.exited;
    await sleep(100);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  test("prints its help and version", async () => {
    child = new Child([CLI, "--help"], { cwd: REPO_ROOT });
    expect(await child.exited).toBe(0);
    expect(child.stdout).toContain("Usage: chaud [chaud options] [node options] <entry> [args...]");
    child = new Child([CLI, "--version"], { cwd: REPO_ROOT });
    expect(await child.exited).toBe(0);
    expect(child.stdout.trim()).toBe(require(join(REPO_ROOT, "package.json")).version);
  });

  test("says so when the entry file does not exist", async () => {
    child = new Child([CLI, "nope.ts"], { cwd: REPO_ROOT });
    expect(await child.exited).toBe(1);
    expect(child.stderr).toContain("cannot find the entry file nope.ts");
  });
});

describe("chaud/register", () => {
  const JS_MAIN = `
    const { on } = require("chaud");
    const lib = require("./lib.js");
    on("reload", () => console.log(JSON.stringify({ type: "reload", probe: lib.probe() })));
    setTimeout(() => console.log(JSON.stringify({ type: "ready", probe: lib.probe() })), 100);
    setInterval(() => {}, 1000);
  `;
  const JS_LIB = (word: string) => `/* @chaud.hot */ exports.probe = function probe() { return "${word}"; };\n`;

  test("`node -r chaud/register` reloads a JavaScript module", async () => {
    project = createTempProject("register-app");
    project.write("main.js", JS_MAIN);
    project.write("lib.js", `/* @chaud.hot */ function probe() { return "one"; }\nexports.probe = probe;\n`);
    child = new Child(["-r", "chaud/register", "main.js"], { cwd: project.dir, env: env() });
    expect((await child.message("ready")).probe).toBe("one");
    project.write("lib.js", `/* @chaud.hot */ function probe() { return "two"; }\nexports.probe = probe;\n`);
    expect((await child.message("reload")).probe).toBe("two");
  });

  test("CHAUD_POLL polls for changes instead of using inotify", async () => {
    project = createTempProject("poll-app");
    project.write("main.js", JS_MAIN);
    project.write("lib.js", `/* @chaud.hot */ function probe() { return "one"; }\nexports.probe = probe;\n`);
    child = new Child(["-r", "chaud/register", "main.js"], { cwd: project.dir, env: { ...env(), CHAUD_POLL: "50" } });
    expect((await child.message("ready")).probe).toBe("one");
    project.write("lib.js", `/* @chaud.hot */ function probe() { return "polled"; }\nexports.probe = probe;\n`);
    expect((await child.message("reload")).probe).toBe("polled");
    expect(child.stderr).toContain("polling for changes every 50 ms");
  });

  test("NODE_OPTIONS=-r chaud/register works too", async () => {
    project = createTempProject("node-options-app");
    project.write("main.js", JS_MAIN);
    project.write("lib.js", `/* @chaud.hot */ function probe() { return "one"; }\nexports.probe = probe;\n`);
    child = new Child(["main.js"], { cwd: project.dir, env: { ...env(), NODE_OPTIONS: "-r chaud/register" } });
    expect((await child.message("ready")).probe).toBe("one");
    project.write("lib.js", `/* @chaud.hot */ function probe() { return "three"; }\nexports.probe = probe;\n`);
    expect((await child.message("reload")).probe).toBe("three");
    void JS_LIB;
  });

  test("with NODE_ENV=production and no CHAUD_HOT=1, compiles and watches nothing, and says so", async () => {
    project = createTempProject("prod-app");
    project.write("main.js", `console.log(JSON.stringify({ type: "status", status: require("chaud").status() }));`);
    child = new Child(["-r", "chaud/register", "main.js"], {
      cwd: project.dir,
      env: { ...env(), NODE_ENV: "production", CHAUD_HOT: "" },
    });
    const { status } = await child.message("status");
    expect(status.running).toBe(false);
    expect(await child.exited).toBe(0);
    expect(child.stderr).toContain("NODE_ENV=production");
  });
});

describe("an npm workspace", () => {
  test("editing a library package reloads into the app that depends on it", async () => {
    project = createTempProject("ws-root", { private: true, workspaces: ["packages/*"] });
    project.write(
      "packages/lib/package.json",
      JSON.stringify({ name: "@ws/lib", version: "1.0.0", main: "src/index.ts" }),
    );
    project.write(
      "packages/lib/src/index.ts",
      `/* @chaud.hot */ export function shout(s: string): string { return s.toUpperCase(); }\n`,
    );
    project.write(
      "packages/app/package.json",
      JSON.stringify({ name: "@ws/app", version: "1.0.0", dependencies: { "@ws/lib": "*" } }),
    );
    project.write(
      "packages/app/main.ts",
      `
      import { shout } from "@ws/lib";
      import { on } from "chaud";
      on("reload", (e) => console.log(JSON.stringify({ type: "reload", probe: shout("x"), files: e.files })));
      setTimeout(() => console.log(JSON.stringify({ type: "ready", probe: shout("x") })), 100);
      setInterval(() => {}, 1000);
    `,
    );
    mkdirSync(join(project.dir, "node_modules/@ws"), { recursive: true });
    symlinkSync(join(project.dir, "packages/lib"), join(project.dir, "node_modules/@ws/lib"), "dir");
    child = new Child([CLI, "packages/app/main.ts"], { cwd: project.dir, env: env() });
    expect((await child.message("ready")).probe).toBe("X");
    project.write(
      "packages/lib/src/index.ts",
      `/* @chaud.hot */ export function shout(s: string): string { return s.toUpperCase() + "!"; }\n`,
    );
    const reload = await child.message("reload");
    expect(reload.probe).toBe("X!");
    expect(reload.files).toEqual(["packages/lib/src/index.ts"]);
  });
});
