// Fault matrix (issue 7), the file system: a watched module deleted, renamed away, replaced by
// a directory, made unreadable; a git checkout switching 50 modules; the system's inotify
// limit reached. Real child processes under chaud/register, real files, real watchpack. In
// every case the process lives, the old version keeps answering until a good one arrives,
// the persisted counter keeps its value, and a `[chaud]` line says what happened.

import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { sleep } from "../helpers/child";
import {
  chaudLines,
  createFaultApp,
  faultAppsPerTest,
  expectIntact,
  expectOnlyChaudOutput,
  expectRecovery,
  escaped,
  logLine,
  probeNow,
  versionOf,
  type FaultApp,
  type ModuleFlavor,
  type StartOptions,
} from "../helpers/fault-app";
import { createTempDir } from "../helpers/temp-dir";

jest.setTimeout(120000);

const faults = faultAppsPerTest("chaud-faults-fs-cache");
const { start } = faults;

const goneLine = (app: FaultApp, reason: string): RegExp =>
  new RegExp(`${escaped(app.appPath)} was deleted or cannot be read \\(${reason}\\); the loaded version keeps running`);

/** The id of an unprivileged user (nobody) for running a child that file permissions apply to. */
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

describe.each<ModuleFlavor>(["cjs", "esm"])("%s: the watched file goes away", (flavor) => {
  test("a deleted module keeps running, and writing it again reloads", async () => {
    const { app, child } = await start(flavor);
    rmSync(app.appFile);
    await logLine(child, goneLine(app, "it no longer exists"));
    expect(versionOf(await probeNow(child))).toBe("v1");
    expect(child.count("error")).toBe(0);
    await expectRecovery(app, child);
  });

  test("a module unlinked and created anew moments later (as git checks files out) is one reload, not a deletion", async () => {
    const { app, child } = await start(flavor);
    rmSync(app.appFile);
    // A pause between unlink and create far longer than the 2 ms of quiet that ends a burst:
    // the watcher sees the file missing, and must wait for it rather than report it deleted.
    for (const until = Date.now() + 30; Date.now() < until;);
    app.writeVersion("v2");
    await child.waitFor(
      "v2 to reload",
      () => child.messages.find((m) => m.type === "reload" && versionOf(m.probe) === "v2"),
      60000,
    );
    await sleep(1000);
    expect(chaudLines(child).filter((line) => /was deleted/.test(line))).toEqual([]);
    expect(child.count("reload")).toBe(1);
    expect(child.count("error")).toBe(0);
    expectIntact(child);
    expectOnlyChaudOutput(child);
  });

  test("a module renamed away keeps running; renamed back it is the same content, and a save reloads", async () => {
    const { app, child } = await start(flavor);
    renameSync(app.appFile, `${app.appFile}.bak`);
    await logLine(child, goneLine(app, "it no longer exists"));
    expect(versionOf(await probeNow(child))).toBe("v1");
    renameSync(`${app.appFile}.bak`, app.appFile);
    // The content is the loaded version's: nothing to re-evaluate, and the log says it is back.
    await logLine(
      child,
      new RegExp(`${escaped(app.appPath)} is back, with the content that is loaded: nothing to reload`),
    );
    expect(versionOf(await probeNow(child))).toBe("v1");
    expect(child.count("reload") + child.count("error")).toBe(0);
    await expectRecovery(app, child);
  });

  test("a module replaced by a directory is a warn line, not a crash or a stack dump", async () => {
    const { app, child } = await start(flavor);
    rmSync(app.appFile);
    mkdirSync(app.appFile);
    // Even if a batch catches the moment between rm and mkdir, the watcher waits for the path
    // to come back: what is there then, a directory, is what the line says.
    await logLine(child, goneLine(app, "EISDIR: a directory is in its place"));
    expect(chaudLines(child).filter((line) => /no longer exists/.test(line))).toEqual([]);
    expect(versionOf(await probeNow(child))).toBe("v1");
    expect(child.count("error")).toBe(0);
    rmdirSync(app.appFile);
    await expectRecovery(app, child);
  });

  test("a module that cannot be read (permission denied) keeps running, and a readable save reloads", async () => {
    // root reads any file whatever its mode: as root, the child runs as an unprivileged user
    // (setpriv), with the project and a cache folder of its own that it can use.
    let options: StartOptions & { env?: NodeJS.ProcessEnv } = {};
    const app = faults.use(createFaultApp(flavor));
    if (isRoot) {
      chmodSync(app.project.dir, 0o755);
      const cache = createTempDir("chaud-faults-nobody-cache");
      chownSync(cache.dir, NOBODY, NOBODY);
      faults.onCleanup(() => cache.remove());
      options = {
        wrapper: { command: "setpriv", args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] },
        env: { ...faults.env(), CHAUD_CACHE_DIR: cache.dir, HOME: cache.dir },
      };
    }
    const { child } = await start(flavor, options);
    // A new version that cannot be read, saved by write-and-rename (chmod alone changes no
    // content and is not reported by every watcher; and a user who is not root cannot write
    // into a file of mode 000).
    const unreadable = `${app.appFile}.tmp`;
    writeFileSync(unreadable, app.source("v-unreadable"));
    chmodSync(unreadable, 0o000);
    renameSync(unreadable, app.appFile);
    await logLine(child, goneLine(app, "EACCES: permission denied"));
    expect(versionOf(await probeNow(child))).toBe("v1");
    expect(child.count("error")).toBe(0);
    chmodSync(app.appFile, 0o644);
    await expectRecovery(app, child);
  });
});

describe("cjs: a git checkout switching 50 modules at once", () => {
  const MODULES = 50;
  const name = (i: number): string => `m${String(i).padStart(2, "0")}`;
  const moduleSource = (branch: string, i: number): string =>
    `/* @chaud.hot */ function value() { return "${branch}-${String(i).padStart(2, "0")}"; }\nmodule.exports = { value };\n`;
  // probe(): "<50 values, comma-separated> calls=<n>"
  const APP = `
const modules = [${Array.from({ length: MODULES }, (_, i) => `require("./${name(i)}.js")`).join(", ")}];
/* @chaud.persist */ let calls = 0;
/* @chaud.hot */ function probe() { calls++; return modules.map((m) => m.value()).join(",") + " calls=" + calls; }
module.exports = { probe };
`;
  const git = (dir: string, ...args: string[]): string =>
    execFileSync(
      "git",
      [
        "-c",
        "user.name=chaud tests",
        "-c",
        "user.email=tests@chaud.invalid",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "core.hooksPath=/dev/null",
        ...args,
      ],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
      },
    );
  const values = (probe: string): string[] => versionOf(probe).split(",");
  const allOf = (branch: string): string =>
    Array.from({ length: MODULES }, (_, i) => `${branch}-${String(i).padStart(2, "0")}`).join(",");

  test("the app ends on the other branch's 50 versions, in a few consistent batches, and back", async () => {
    const app = faults.use(createFaultApp("cjs", "fault-git"));
    const { project } = app;
    for (let i = 0; i < MODULES; i++) project.write(`src/${name(i)}.js`, moduleSource("main", i));
    project.write("src/app.js", APP);
    project.write(".gitignore", "node_modules\n");
    git(project.dir, "init", "-q", "-b", "main");
    git(project.dir, "add", "-A");
    git(project.dir, "commit", "-q", "-m", "main");
    git(project.dir, "checkout", "-q", "-b", "other");
    for (let i = 0; i < MODULES; i++) project.write(`src/${name(i)}.js`, moduleSource("other", i));
    git(project.dir, "commit", "-q", "-am", "other");
    git(project.dir, "checkout", "-q", "main");

    const { child } = await start("cjs", { probe: `${allOf("main")} calls=1` });
    const switchTo = async (branch: string): Promise<number> => {
      const before = child.count("reload");
      git(project.dir, "checkout", "-q", branch);
      const reloads = () => child.messages.filter((m) => m.type === "reload");
      const done = await child.waitFor(
        `all 50 modules at ${branch}`,
        () =>
          reloads()
            .slice(before)
            .find((m) => versionOf(m.probe) === allOf(branch)),
        90000,
      );
      // Later events of the same checkout find nothing new.
      await sleep(1000);
      const batches = reloads().slice(before);
      expect(batches[batches.length - 1]).toBe(done);
      // Every batch that committed shows each module at one branch or the other, never a torn file.
      for (const batch of batches)
        for (const value of values(batch.probe)) expect(value).toMatch(/^(main|other)-\d\d$/);
      expect(child.count("error")).toBe(0);
      return batches.length;
    };
    const there = await switchTo("other");
    const back = await switchTo("main");
    // Figures for the report: how many batches a 50-file checkout became.
    const lines = chaudLines(child);
    console.log(
      `git checkout of ${MODULES} modules: ${there} batch(es) there, ${back} back; ${lines.filter((l) => /was deleted/.test(l)).length} "deleted" line(s) (a batch between git's unlink and create)`,
    );
    expect(there).toBeGreaterThanOrEqual(1);
    expect(back).toBeGreaterThanOrEqual(1);
    expect(versionOf(await probeNow(child))).toBe(allOf("main"));
    expectIntact(child);
    expectOnlyChaudOutput(child);
  });
});

describe("cjs: the system's inotify limit is reached", () => {
  // A user namespace of its own gives the child its own inotify limits: one watch, so chaud's
  // second watched folder finds none left (ENOSPC). The host's limits are never touched.
  const LIMITED = {
    command: "unshare",
    args: ["-U", "-r", "sh", "-c", 'echo 1 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"'],
  };

  beforeAll(() => {
    const probe = spawnSync(LIMITED.command, [...LIMITED.args, "true"], { encoding: "utf8" });
    if (probe.status !== 0) {
      throw new Error(
        `these tests need a user namespace of their own to lower the inotify limit for one child (\`unshare -U -r\`), which this machine refused: ${probe.stderr || probe.error}. ` +
          "Allow unprivileged user namespaces (e.g. sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04).",
      );
    }
  });

  test("chaud says so in its own warn line, polls fast instead, and saves still reload", async () => {
    const { app, child } = await start("cjs", { wrapper: LIMITED });
    await logLine(
      child,
      /the system's limit of file watchers is reached \(ENOSPC: .*\); chaud polls for changes every 100 ms instead.*fs\.inotify\.max_user_watches.*CHAUD_POLL=1/,
    );
    expect(versionOf(await probeNow(child))).toBe("v1");
    await expectRecovery(app, child);
    // Said once, by chaud: watchpack's own "Watchpack Error (watcher)" never reaches stderr.
    expect(chaudLines(child).filter((line) => /limit of file watchers/.test(line))).toHaveLength(1);
    expect(child.stderr).not.toContain("Watchpack");
    app.writeVersion("v3");
    await child.waitFor(
      "a second save to reload",
      () => child.messages.find((m) => m.type === "reload" && versionOf(m.probe) === "v3"),
      60000,
    );
    expectIntact(child);
  });

  test("a program whose work is done still exits while chaud polls", async () => {
    // Polling re-arms a timer after every scan; chaud's must not keep the program alive.
    const app = faults.use(createFaultApp("cjs", "fault-exit"));
    app.project.write("exit.js", `require("./src/app.js");\nsetTimeout(() => console.log("done"), 1000);\n`);
    const result = spawnSync(LIMITED.command, [...LIMITED.args, process.execPath, "-r", "chaud/register", "exit.js"], {
      cwd: app.project.dir,
      encoding: "utf8",
      env: { ...process.env, ...faults.env() },
      timeout: 60000,
    });
    expect(result.stderr).toMatch(/the system's limit of file watchers is reached/);
    expect(result.stdout).toBe("done\n");
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
  });
});
