// The chaud command's own options: each from its flag, its CHAUD_* variable and the "chaud" key
// of the entry's package.json takes effect, a flag wins over a variable and a variable over
// package.json; bad values, unknown package.json keys and unknown options are errors that name
// them; --help lists the options.

import { Child, sleep } from "../helpers/child";
import {
  alive,
  chaudLines,
  CLI,
  endCli,
  entrySource,
  get,
  libSource,
  program,
  restartLines,
  storeSource,
  until,
  V1,
  watching,
  writeApp,
  type AppFiles,
  type Flavor,
} from "../helpers/cli-program";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-options-cache");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

const APP: Flavor = { server: "http", language: "js" };

/** A project whose package.json has `chaud` as its "chaud" key (none when undefined). */
function appProject(chaud?: unknown): AppFiles {
  project = createTempProject("options-app", chaud === undefined ? {} : { chaud });
  return writeApp(project, APP);
}

/** chaud on the app's entry, with `args` before it and `vars` in its environment. */
function start(files: AppFiles, args: string[], vars: NodeJS.ProcessEnv = {}): Child {
  child = new Child([CLI, ...args, files.entry], { cwd: project!.dir, env: env(vars) });
  return child;
}

/** The first program's pid and port, once chaud watches its files. */
async function started(): Promise<{ pid: number; port: number }> {
  const first = await program(child!, 0);
  await watching(child!);
  return first;
}

describe("each option from its flag, its variable and package.json, in that order of precedence", () => {
  // The kill timeout shows in the SIGKILL line: the program ignores SIGTERM, `rs` restarts it.
  test.each([
    { source: "package.json", chaud: { killTimeout: 700 }, vars: {}, args: [], expected: 700 },
    {
      source: "CHAUD_KILL_TIMEOUT over package.json",
      chaud: { killTimeout: 700 },
      vars: { CHAUD_KILL_TIMEOUT: "500" },
      args: [],
      expected: 500,
    },
    {
      source: "--kill-timeout over CHAUD_KILL_TIMEOUT and package.json",
      chaud: { killTimeout: 700 },
      vars: { CHAUD_KILL_TIMEOUT: "500" },
      args: ["--kill-timeout=300"],
      expected: 300,
    },
  ])("kill timeout: $source", async ({ chaud, vars, args, expected }) => {
    const files = appProject(chaud);
    start(files, args, { ...vars, APP_ON_SIGTERM: "ignore" });
    const first = await started();
    child!.send("rs");
    await program(child!, 1);
    expect(chaudLines(child!, /did not end/)).toEqual([
      `[chaud] the program did not end within ${expected} ms of SIGTERM: sent SIGKILL`,
    ]);
    expect(alive(first.pid)).toBe(false);
  });

  // The mode shows in a function-body edit of a module: applied in place (all), or a restart (marked).
  test.each([
    { source: "package.json", chaud: { mode: "marked" }, vars: {}, args: [], inPlace: false },
    {
      source: "CHAUD_MODE over package.json",
      chaud: { mode: "marked" },
      vars: { CHAUD_MODE: "all" },
      args: [],
      inPlace: true,
    },
    {
      source: "--mode over CHAUD_MODE and package.json",
      chaud: { mode: "all" },
      vars: { CHAUD_MODE: "all" },
      args: ["--mode", "marked"],
      inPlace: false,
    },
  ])("mode: $source", async ({ chaud, vars, args, inPlace }) => {
    const files = appProject(chaud);
    start(files, args, vars);
    const first = await started();
    project!.write(files.lib, libSource(APP, { ...V1, word: "w2" }));
    if (inPlace) {
      await until(child!, "the edit in place", async () => (await get(first.port, "/state")).body.word === "w2");
      await sleep(300);
      expect(child!.count("listening")).toBe(1);
      expect(restartLines(child!)).toEqual([]);
    } else {
      const second = await program(child!, 1);
      expect(second.pid).not.toBe(first.pid);
      expect((await get(second.port, "/state")).body).toMatchObject({ word: "w2" });
    }
  });

  // Restart off: the program's exit ends chaud with its code; auto: chaud waits for a change.
  test.each([
    { source: "package.json", chaud: { restart: "off" }, vars: {}, args: [], off: true },
    {
      source: "CHAUD_RESTART over package.json",
      chaud: { restart: "off" },
      vars: { CHAUD_RESTART: "auto" },
      args: [],
      off: false,
    },
    {
      source: "--restart over CHAUD_RESTART and package.json",
      chaud: { restart: "auto" },
      vars: { CHAUD_RESTART: "auto" },
      args: ["--restart", "off"],
      off: true,
    },
  ])("restart: $source", async ({ chaud, vars, args, off }) => {
    const files = appProject(chaud);
    start(files, args, vars);
    const first = await started();
    await get(first.port, "/exit?code=5");
    if (off) {
      expect(await child!.exited).toBe(5);
    } else {
      await child!.waitFor("the exit line", () => chaudLines(child!, /program exited with code 5/).length > 0);
      await sleep(300);
      expect(child!.done).toBe(false);
    }
  });

  // Watch: package.json's list (a string or an array), CHAUD_WATCH (comma-separated), or the
  // flags; a source present replaces the ones below it. The first file saved must not restart,
  // the second must.
  test.each([
    {
      source: "package.json (a string)",
      chaud: { watch: "config/*.yaml" },
      vars: {},
      args: [],
      quiet: "notes.txt",
      loud: "config/app.yaml",
    },
    {
      source: "package.json (an array)",
      chaud: { watch: ["notes.txt", "config/*.yaml"] },
      vars: {},
      args: [],
      quiet: "src/other.txt",
      loud: "config/app.yaml",
    },
    {
      source: "CHAUD_WATCH over package.json",
      chaud: { watch: ["config/*.yaml"] },
      vars: { CHAUD_WATCH: "src/other.txt,notes.txt" },
      args: [],
      quiet: "config/app.yaml",
      loud: "notes.txt",
    },
    {
      source: "--watch over CHAUD_WATCH",
      chaud: {},
      vars: { CHAUD_WATCH: "config/*.yaml" },
      args: ["--watch", "notes.txt"],
      quiet: "config/app.yaml",
      loud: "notes.txt",
    },
  ])("watch: $source", async ({ chaud, vars, args, quiet, loud }) => {
    const files = appProject(chaud);
    for (const file of ["config/app.yaml", "notes.txt", "src/other.txt"]) project!.write(file, "one\n");
    start(files, args, vars);
    const first = await started();
    await sleep(300);
    project!.write(quiet, "two\n");
    await sleep(1000);
    project!.write(loud, "two\n");
    const second = await program(child!, 1);
    expect(second.pid).not.toBe(first.pid);
    expect(restartLines(child!)).toHaveLength(1);
    expect(restartLines(child!)[0]).toContain(loud);
  });

  // Ignore: the store module is left unwatched (its edit does nothing while the lib's, saved
  // after it, applies), or watched when a higher source replaces the ignore list.
  test.each([
    { source: "package.json (a path glob)", chaud: { ignore: "src/store.*" }, vars: {}, args: [], ignored: true },
    {
      source: "CHAUD_IGNORE (file names)",
      chaud: {},
      vars: { CHAUD_IGNORE: "other.js,store.js" },
      args: [],
      ignored: true,
    },
    {
      source: "CHAUD_IGNORE over package.json",
      chaud: { ignore: ["store.js"] },
      vars: { CHAUD_IGNORE: "other.js" },
      args: [],
      ignored: false,
    },
    {
      source: "--ignore over CHAUD_IGNORE",
      chaud: {},
      vars: { CHAUD_IGNORE: "other.js" },
      args: ["--ignore=store.js"],
      ignored: true,
    },
  ])("ignore: $source", async ({ chaud, vars, args, ignored }) => {
    const files = appProject(chaud);
    start(files, args, vars);
    const first = await started();
    await get(first.port, "/add?name=a");
    project!.write(files.store, storeSource(APP, { ...V1, marked: true }));
    if (ignored) {
      await sleep(700);
      project!.write(files.lib, libSource(APP, { ...V1, word: "w2" }));
      await until(child!, "the lib edit", async () => (await get(first.port, "/state")).body.word === "w2");
      expect((await get(first.port, "/state")).body).toMatchObject({ pid: first.pid, items: ["a"] });
      expect(chaudLines(child!, /store\.js/)).toEqual([]);
    } else {
      await until(child!, "the store edit", async () => (await get(first.port, "/state")).body.items[0] === "a!");
    }
  });
});

describe("run from a workspace's root, the entry's package.json is the one read, and its globs are its package's", () => {
  /** A workspace whose packages/api has the app and `chaud` in its package.json; chaud started from the root. */
  async function startInWorkspace(chaud: unknown): Promise<{ pid: number; port: number }> {
    project = createTempProject("workspace-root", { private: true, workspaces: ["packages/*"] });
    project.write("packages/api/package.json", JSON.stringify({ name: "api", chaud }));
    project.write("packages/api/config/app.yaml", "one\n");
    project.write("packages/api/src/lib.js", libSource(APP, V1));
    project.write("packages/api/src/store.js", storeSource(APP, V1));
    project.write("packages/api/src/config.js", 'exports.GREETING = "g1";\n');
    project.write("packages/api/src/server.js", entrySource(APP, V1));
    child = new Child([CLI, "packages/api/src/server.js"], { cwd: project.dir, env: env() });
    return started();
  }

  test("watch", async () => {
    const first = await startInWorkspace({ watch: ["config/*.yaml"] });
    project!.write("packages/api/config/app.yaml", "two\n");
    const second = await program(child!, 1, 8000);
    expect(second.pid).not.toBe(first.pid);
    expect(restartLines(child!)).toHaveLength(1);
    expect(restartLines(child!)[0]).toContain("config/app.yaml");
  });

  test("ignore", async () => {
    const first = await startInWorkspace({ ignore: ["src/store.js"] });
    await get(first.port, "/add?name=a");
    project!.write("packages/api/src/store.js", storeSource(APP, { ...V1, marked: true }));
    await sleep(700);
    project!.write("packages/api/src/lib.js", libSource(APP, { ...V1, word: "w2" }));
    await until(child!, "the lib edit", async () => (await get(first.port, "/state")).body.word === "w2");
    expect((await get(first.port, "/state")).body).toMatchObject({ pid: first.pid, items: ["a"] });
  });
});

describe("switches", () => {
  test("--quiet: no info lines from chaud across a restart, while a failed reload still warns", async () => {
    const files = appProject();
    start(files, ["--quiet"]);
    const first = await program(child!, 0);
    await sleep(500); // no start line to wait for: it is info
    project!.write(files.lib, "function word() {\n");
    await child!.waitFor("the failed reload", () => chaudLines(child!, /reload failed in src\/lib\.js/).length > 0);
    project!.write(files.lib, libSource(APP, { ...V1, word: "w2" }));
    await until(child!, "the fixed lib", async () => (await get(first.port, "/state")).body.word === "w2");
    child!.send("rs");
    const second = await program(child!, 1);
    expect(second.pid).not.toBe(first.pid);
    await sleep(500);
    expect(chaudLines(child!, /./)).toEqual([expect.stringMatching(/^\[chaud\] reload failed in src\/lib\.js/)]);
  });

  test("--clear-screen clears the terminal before a restart, and only with the flag", async () => {
    const files = appProject();
    start(files, []);
    await started();
    child!.send("rs");
    await program(child!, 1);
    expect(child!.stdout).not.toContain("\x1b");
    await endCli(child);

    start(files, ["--clear-screen"]);
    await started();
    expect(child!.stdout).not.toContain("\x1b");
    child!.send("rs");
    // The clearing sequence and the new program's first line share a line of stdout: not a JSON line.
    await child!.waitFor("the second program", () => child!.stdout.split('{"type":"listening"').length === 3);
    const clear = child!.stdout.indexOf("\x1b");
    expect(clear).toBeGreaterThan(-1);
    expect(clear).toBeLessThan(child!.stdout.lastIndexOf('{"type":"listening"'));
  });
});

describe("bad input", () => {
  /** Runs chaud to its end (it must fail before starting the program). */
  function run(
    args: string[],
    vars: NodeJS.ProcessEnv = {},
  ): { status: number | null; stderr: string; stdout: string } {
    return project!.run([CLI, ...args], env(vars));
  }

  test.each([
    { flag: "--mode=fast", name: "--mode", value: "fast" },
    { flag: "--restart=maybe", name: "--restart", value: "maybe" },
    { flag: "--kill-timeout=soon", name: "--kill-timeout", value: "soon" },
    { flag: "--kill-timeout=-5", name: "--kill-timeout", value: "-5" },
  ])("a bad flag value is an error naming it: $flag", ({ flag, name, value }) => {
    const files = appProject();
    const result = run([flag, files.entry]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(name);
    expect(result.stderr).toContain(value);
    expect(result.stdout).not.toContain("listening");
  });

  test.each([
    { chaud: { mdoe: "all" }, key: "mdoe" },
    { chaud: { mode: "fast" }, key: "mode" },
    { chaud: { restart: true }, key: "restart" },
    { chaud: { killTimeout: "soon" }, key: "killTimeout" },
    { chaud: { watch: 5 }, key: "watch" },
    { chaud: { ignore: ["ok/*.js", 7] }, key: "ignore" },
  ])(
    "an unknown key or a bad value in package.json is an error naming package.json and the key: $key",
    ({ chaud, key }) => {
      const files = appProject(chaud);
      const result = run([files.entry]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("package.json");
      expect(result.stderr).toContain(key);
      expect(result.stdout).not.toContain("listening");
    },
  );

  test.each([
    { name: "CHAUD_MODE", value: "fast" },
    { name: "CHAUD_RESTART", value: "maybe" },
    { name: "CHAUD_KILL_TIMEOUT", value: "soon" },
  ])("a bad $name value is reported once, naming the variable and the value", async ({ name, value }) => {
    const files = appProject();
    start(files, [], { [name]: value });
    const naming = (): string[] =>
      child!.stderr.split("\n").filter((line) => line.includes(name) && line.includes(value));
    // An error that ends chaud, or a warning and the program runs: either way, one line names both.
    await child!.waitFor(`a line naming ${name}`, () => naming().length > 0 || child!.done || undefined);
    if (!child!.done) await started();
    else await sleep(200);
    expect(naming()).toHaveLength(1);
  });

  test("an unknown option before the entry is an error naming it; the program does not start", () => {
    const files = appProject();
    const result = run(["--foo", files.entry]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("chaud: unknown option --foo");
    expect(result.stdout).not.toContain("listening");
  });
});

test("--help lists chaud's options and their variables", () => {
  project = createTempProject("help-app");
  const result = project.run([CLI, "--help"]);
  expect(result.status).toBe(0);
  for (const option of [
    "--mode",
    "--restart",
    "--watch",
    "--ignore",
    "--kill-timeout",
    "--clear-screen",
    "--quiet",
    "--help",
    "--version",
    "CHAUD_MODE",
    "CHAUD_RESTART",
    "CHAUD_WATCH",
    "CHAUD_IGNORE",
    "CHAUD_KILL_TIMEOUT",
    "package.json",
  ])
    expect(result.stdout).toContain(option);
});
