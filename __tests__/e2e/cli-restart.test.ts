// The chaud command as a drop-in for nodemon / node --watch: unmarked Express and node:http
// servers, in CommonJS and TypeScript, driven over HTTP while their files are edited (in place
// and by rename). Function-body edits apply in the same process; what cannot be applied
// restarts it (a new pid, the old one gone, its port free); a failed reload never restarts; a
// program that ends by itself waits for the next save; signals and exit codes pass through.

import { Child, sleep } from "../helpers/child";
import {
  accepts,
  alive,
  appFiles,
  chaudLines,
  CLI,
  configSource,
  endCli,
  entrySource,
  flavorName,
  FLAVORS,
  freePort,
  get,
  libSource,
  packageFields,
  program,
  RESTARTED,
  restartLines,
  storeSource,
  until,
  V1,
  watching,
  writeApp,
  type Flavor,
  type Version,
} from "../helpers/cli-program";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-restart-cache");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

const HTTP_JS: Flavor = { server: "http", language: "js" };
const HTTP_TS: Flavor = { server: "http", language: "ts" };

/** The first restart line of a session says this; later ones do not. */
const STATE_NOTE = " (a restart is a new process: in-memory state, persisted values included, starts over)";

/** A project with the app of `flavor` (and what `setup` adds), and chaud started on its entry with `args` before it. */
async function startApp(
  flavor: Flavor,
  args: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
  setup: (project: TempProject) => void = () => {},
): Promise<{ files: ReturnType<typeof appFiles>; first: { pid: number; port: number } }> {
  project = createTempProject(`restart-${flavor.server}-${flavor.language}`, packageFields(flavor));
  const files = writeApp(project, flavor);
  setup(project);
  child = new Child([CLI, ...args, files.entry], { cwd: project.dir, env: env(extraEnv) });
  const first = await program(child, 0);
  await watching(child);
  return { files, first };
}

/** GET /state until `check` holds on it; returns it. */
function stateWhen(port: number, what: string, check: (state: any) => boolean): Promise<any> {
  return until(child!, what, async () => {
    const { body } = await get(port, "/state");
    return check(body) && body;
  });
}

describe.each(FLAVORS.map((flavor) => ({ ...flavor, name: flavorName(flavor) })))("$name", (flavor) => {
  test("function-body edits in a module, in the module that holds the items and in the entry apply in place: same pid, counter and items kept, no restart", async () => {
    const { files, first } = await startApp(flavor);
    const { pid, port } = first;
    expect((await get(port, "/add?name=a")).body).toEqual({ count: 1 });
    expect((await get(port, "/add?name=b")).body).toEqual({ count: 2 });
    expect((await get(port, "/state")).body).toMatchObject({
      pid,
      hits: 1,
      entry: "e1",
      word: "w1",
      items: ["a", "b"],
    });

    // A module's function, saved in place.
    let v: Version = { ...V1, word: "w2" };
    project!.write(files.lib, libSource(flavor, v));
    let state = await stateWhen(port, "word() to return w2", (s) => s.word === "w2");
    expect(state).toMatchObject({ pid, entry: "e1", items: ["a", "b"] });

    // A function of the module whose top level holds the items, saved by rename.
    v = { ...v, marked: true };
    atomicWrite(project!.path(files.store), storeSource(flavor, v));
    state = await stateWhen(port, "all() to mark the items", (s) => s.items[0] === "a!");
    expect(state).toMatchObject({ pid, word: "w2", items: ["a!", "b!"] });

    // The entry's route handler, by rename: its counter (a top-level `let` of the entry) goes on.
    const hitsBefore = state.hits as number;
    v = { ...v, entry: "e2" };
    atomicWrite(project!.path(files.entry), entrySource(flavor, v));
    state = await stateWhen(port, "the entry's handler to return e2", (s) => s.entry === "e2");
    expect(state).toMatchObject({ pid, word: "w2", items: ["a!", "b!"] });
    expect(state.hits).toBeGreaterThan(hitsBefore);
    expect((await get(port, "/add?name=c")).body).toEqual({ count: 3 });

    // The entry again, in place.
    v = { ...v, entry: "e3" };
    project!.write(files.entry, entrySource(flavor, v));
    state = await stateWhen(port, "the entry's handler to return e3", (s) => s.entry === "e3");
    expect(state).toMatchObject({ pid, items: ["a!", "b!", "c!"] });

    await sleep(300);
    expect(restartLines(child!)).toEqual([]);
    expect(chaudLines(child!, RESTARTED)).toEqual([]);
    expect(child!.count("listening")).toBe(1);
    expect(alive(pid)).toBe(true);
  });

  test("a new route in the entry's top level restarts (old pid and port gone), a changed exported constant of an imported module restarts, and the new program applies body edits in place", async () => {
    const { files, first } = await startApp(flavor);
    await get(first.port, "/add?name=a");
    expect((await get(first.port, "/new")).status).toBe(404);

    // A route added at the entry's top level, saved in place.
    let v: Version = { ...V1, newRoute: true };
    project!.write(files.entry, entrySource(flavor, v));
    const second = await program(child!, 1);
    expect(second.pid).not.toBe(first.pid);
    expect((await get(second.port, "/new")).body).toEqual({ route: "new", pid: second.pid });
    // A new process: its state starts over.
    expect((await get(second.port, "/state")).body).toMatchObject({ pid: second.pid, hits: 1, items: [] });
    expect(alive(first.pid)).toBe(false);
    if (second.port !== first.port) expect(await accepts(first.port)).toBe(false);
    let lines = restartLines(child!);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^\\[chaud\\] restarting: ${files.entry.replace(".", "\\.")}\\b`));
    expect(lines[0]!.endsWith(STATE_NOTE)).toBe(true);
    await watching(child!, 1);
    expect(chaudLines(child!, RESTARTED)).toHaveLength(1);

    // An exported constant of a module the entry imports, saved by rename.
    v = { ...v, greeting: "g2" };
    atomicWrite(project!.path(files.config), configSource(flavor, v));
    const third = await program(child!, 2);
    expect(third.pid).not.toBe(second.pid);
    expect((await get(third.port, "/state")).body).toMatchObject({ pid: third.pid, greeting: "g2", word: "w1" });
    expect(alive(second.pid)).toBe(false);
    if (third.port !== second.port) expect(await accepts(second.port)).toBe(false);
    lines = restartLines(child!);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(files.config);
    expect(lines[1]).not.toContain("starts over");
    await watching(child!, 2);
    expect(chaudLines(child!, RESTARTED)).toHaveLength(2);

    // The restarted program watches its files and takes body edits in place.
    v = { ...v, word: "w2" };
    project!.write(files.lib, libSource(flavor, v));
    const state = await stateWhen(third.port, "word() to return w2 after the restarts", (s) => s.word === "w2");
    expect(state).toMatchObject({ pid: third.pid, greeting: "g2" });
    expect(child!.count("listening")).toBe(3);
    expect(restartLines(child!)).toHaveLength(2);
  });
});

describe("restarts", () => {
  test.each([[["--env-file=.env"]], [["--env-file", ".env"]]])(
    "a file named by %j changes: restart, the new value served",
    async (args) => {
      const [major, minor] = process.versions.node.split(".").map(Number);
      if (major! < 20 || (major === 20 && minor! < 6)) return; // --env-file came with Node 20.6
      const { first } = await startApp(HTTP_JS, args, {}, (p) => p.write(".env", "APP_GREETING=one\n"));
      expect((await get(first.port, "/state")).body).toMatchObject({ env: "one" });

      project!.write(".env", "APP_GREETING=two\n");
      const second = await program(child!, 1);
      expect(second.pid).not.toBe(first.pid);
      expect((await get(second.port, "/state")).body).toMatchObject({ pid: second.pid, env: "two" });
      expect(restartLines(child!)).toEqual([`[chaud] restarting: .env changed${STATE_NOTE}`]);
      expect(alive(first.pid)).toBe(false);
    },
  );

  test("tsconfig.json changes (read once per process: compile options, paths): restart", async () => {
    const { first } = await startApp(HTTP_TS, [], {}, (p) => p.write("tsconfig.json", `{ "compilerOptions": {} }\n`));
    project!.write("tsconfig.json", `{ "compilerOptions": { "strict": true } }\n`);
    const second = await program(child!, 1);
    expect(second.pid).not.toBe(first.pid);
    expect(restartLines(child!)).toEqual([`[chaud] restarting: tsconfig.json changed${STATE_NOTE}`]);
  });

  test("`rs` on stdin restarts and other lines reach the program; a pinned port is free for the new program; the old program's own child process is gone too", async () => {
    const port = await freePort();
    const { first } = await startApp(HTTP_JS, [], { APP_PORT: String(port), APP_GRANDCHILD: "1" });
    expect(first.port).toBe(port);
    const grandchild = (await child!.message("grandchild", 0))["pid"] as number;
    expect(alive(grandchild)).toBe(true);

    child!.send("hello there");
    expect(await child!.message("stdin", 0)).toMatchObject({ line: "hello there", pid: first.pid });

    child!.send("rs");
    const second = await program(child!, 1);
    expect(second).toEqual({ pid: expect.any(Number), port });
    expect(second.pid).not.toBe(first.pid);
    expect(restartLines(child!)).toEqual([`[chaud] restarting: rs${STATE_NOTE}`]);
    expect(alive(first.pid)).toBe(false);
    await until(child!, "the old program's child process to end", () => !alive(grandchild), 2000);
    expect(child!.stderr).not.toMatch(/EADDRINUSE/);
    await child!.waitFor("`restarted in N ms`", () => chaudLines(child!, RESTARTED).length === 1);

    // `rs` reached chaud only; the next line reaches the new program.
    child!.send("after the restart");
    expect(await child!.message("stdin", 1)).toMatchObject({ line: "after the restart", pid: second.pid });
    expect(child!.count("stdin")).toBe(2);

    child!.send("rs");
    const third = await program(child!, 2);
    expect(third.port).toBe(port);
    expect(restartLines(child!)).toEqual([`[chaud] restarting: rs${STATE_NOTE}`, "[chaud] restarting: rs"]);
    expect((await get(port, "/state")).body).toMatchObject({ pid: third.pid });
  });

  test("a syntax error in a module or in the entry never restarts: same pid, old code served; the fix applies in place", async () => {
    const { files, first } = await startApp(HTTP_TS);
    const { pid, port } = first;
    const failedLines = (file: string): string[] => chaudLines(child!, /failed/).filter((line) => line.includes(file));

    project!.write(files.lib, `export function word(): string {\n  return "w2";\n`);
    await child!.waitFor("a failed reload of the module", () => failedLines(files.lib).length > 0);
    expect((await get(port, "/state")).body).toMatchObject({ pid, word: "w1" });
    let v: Version = { ...V1, word: "w3" };
    project!.write(files.lib, libSource(HTTP_TS, v));
    expect(await stateWhen(port, "the fixed module's word()", (s) => s.word === "w3")).toMatchObject({ pid });

    atomicWrite(project!.path(files.entry), entrySource(HTTP_TS, { ...v, entry: "e2" }) + "\n}\n");
    await child!.waitFor("a failed reload of the entry", () => failedLines(files.entry).length > 0);
    expect((await get(port, "/state")).body).toMatchObject({ pid, entry: "e1", word: "w3" });
    v = { ...v, entry: "e3" };
    atomicWrite(project!.path(files.entry), entrySource(HTTP_TS, v));
    expect(await stateWhen(port, "the fixed entry's handler", (s) => s.entry === "e3")).toMatchObject({ pid });

    await sleep(300);
    expect(restartLines(child!)).toEqual([]);
    expect(child!.count("listening")).toBe(1);
  });

  test("a program that exits by itself: one line with its code, chaud stays up, the next save starts it again; one ended by a signal: `rs` starts it again", async () => {
    const { files, first } = await startApp(HTTP_JS);
    await get(first.port, "/exit?code=3");
    const exitedLine = /^\[chaud\] program exited with code 3; waiting for a change to restart it \(or type rs\)$/;
    await child!.waitFor("the exit line", () => chaudLines(child!, exitedLine).length > 0);
    expect(alive(first.pid)).toBe(false);
    await sleep(500);
    expect(child!.done).toBe(false);
    expect(chaudLines(child!, /program exited/)).toHaveLength(1);
    expect(child!.count("listening")).toBe(1);

    project!.write(files.lib, libSource(HTTP_JS, { ...V1, word: "w2" }));
    const second = await program(child!, 1);
    expect(second.pid).not.toBe(first.pid);
    expect((await get(second.port, "/state")).body).toMatchObject({ pid: second.pid, word: "w2" });

    await get(second.port, "/signal?name=SIGTERM");
    await child!.waitFor(
      "the signal line",
      () => chaudLines(child!, /^\[chaud\] program ended by SIGTERM; waiting/).length > 0,
    );
    expect(alive(second.pid)).toBe(false);
    await sleep(300);
    expect(child!.done).toBe(false);
    expect(child!.count("listening")).toBe(2);
    child!.send("rs");
    const third = await program(child!, 2);
    expect((await get(third.port, "/state")).body).toMatchObject({ pid: third.pid, word: "w2" });

    // Ctrl-C while no program runs ends chaud.
    await get(third.port, "/exit?code=0");
    await child!.waitFor("the exit line", () => chaudLines(child!, /program exited with code 0/).length > 0);
    child!.signal("SIGINT");
    await child!.exited;
    expect(alive(third.pid)).toBe(false);
  });

  test("a program that fails at start waits for the save that fixes it; a restart into a top-level throw does too", async () => {
    project = createTempProject("start-crash-app");
    const files = writeApp(project, HTTP_JS);
    const good = entrySource(HTTP_JS, V1);
    project.write(files.entry, `${good}\n}\n`);
    child = new Child([CLI, files.entry], { cwd: project.dir, env: env() });
    const exited = /^\[chaud\] program exited with code 1; waiting for a change to restart it \(or type rs\)$/;
    await child.waitFor("the program's failed start", () => chaudLines(child!, exited).length === 1);
    expect(child.count("listening")).toBe(0);
    project.write(files.entry, good);
    const first = await program(child, 0);
    expect((await get(first.port, "/state")).body).toMatchObject({ pid: first.pid, entry: "e1" });
    await watching(child, 1);

    // A top-level edit that throws: the restart runs it, the program ends, the fix starts it again.
    const throwing = good.replace(
      "let hits = 0;",
      'let hits = 0;\nif (!process.env.NEVER_SET) throw new Error("thrown at start");',
    );
    expect(throwing).not.toBe(good);
    project.write(files.entry, throwing);
    await child.waitFor("the restarted program's failed start", () => chaudLines(child!, exited).length === 2);
    expect(child.stderr).toContain("thrown at start");
    expect(alive(first.pid)).toBe(false);
    project.write(files.entry, entrySource(HTTP_JS, { ...V1, entry: "e2" }));
    const second = await program(child, 1);
    expect((await get(second.port, "/state")).body).toMatchObject({ pid: second.pid, entry: "e2" });
  });

  test("a constant of a module that a module (not the entry) imports, and a value in an exported object: the next request sees the new value", async () => {
    const { files, first } = await startApp(HTTP_JS, [], {}, (p) => {
      p.write("src/limits.js", "exports.LIMIT = 5;\n");
      p.write("src/settings.js", 'module.exports = { prefix: "p1" };\n');
      p.write(
        "src/lib.js",
        'const { LIMIT } = require("./limits.js");\nconst settings = require("./settings.js");\n\nfunction word() {\n  return settings.prefix + "-" + LIMIT;\n}\n\nmodule.exports = { word };\n',
      );
    });
    expect((await get(first.port, "/state")).body).toMatchObject({ word: "p1-5" });
    expect(files.lib).toBe("src/lib.js");

    project!.write("src/limits.js", "exports.LIMIT = 6;\n");
    let port = first.port;
    const served = async (word: string): Promise<boolean> => {
      // Served by whichever program runs now (in place, or restarted).
      const newest = child!.messages.filter((m) => m.type === "listening").at(-1)!;
      port = newest["port"];
      return (await get(port, "/state")).body.word === word;
    };
    await until(child!, "the new constant served", () => served("p1-6"));
    await sleep(200);
    await watching(child!, restartLines(child!).length);
    project!.write("src/settings.js", 'module.exports = { prefix: "p2" };\n');
    await until(child!, "the new object's value served", () => served("p2-6"));
  });

  test("Ctrl-C (SIGINT to chaud) after a restart ends the program, leaves no process, and chaud exits with the program's exit code", async () => {
    const { first } = await startApp(HTTP_JS, [], { APP_ON_SIGINT: "9" });
    child!.send("rs");
    const second = await program(child!, 1);
    child!.signal("SIGINT");
    expect(await child!.exited).toBe(9);
    expect(alive(first.pid)).toBe(false);
    expect(alive(second.pid)).toBe(false);
  });

  test("Ctrl-C when the program does not handle SIGINT: chaud ends by SIGINT as node would, no process left", async () => {
    const { first } = await startApp(HTTP_JS);
    child!.signal("SIGINT");
    await child!.exited;
    expect(child!.signalCode).toBe("SIGINT");
    expect(alive(first.pid)).toBe(false);
  });

  test("chaud killed outright (SIGKILL, which it cannot pass on): the program does not outlive it for long", async () => {
    const { first } = await startApp(HTTP_JS);
    child!.signal("SIGKILL");
    await child!.exited;
    await until(child!, "the orphaned program to end", () => !alive(first.pid), 3000);
  });

  test("a program that ignores SIGTERM is SIGKILLed after --kill-timeout 300, and the restart goes on", async () => {
    const port = await freePort();
    const { first } = await startApp(HTTP_JS, ["--kill-timeout", "300"], {
      APP_ON_SIGTERM: "ignore",
      APP_PORT: String(port),
    });
    const sent = Date.now();
    child!.send("rs");
    const second = await program(child!, 1);
    const took = Date.now() - sent;
    expect(second.port).toBe(port);
    expect(child!.messages).toContainEqual({ type: "sigterm", pid: first.pid });
    expect(chaudLines(child!, /did not end/)).toEqual([
      "[chaud] the program did not end within 300 ms of SIGTERM: sent SIGKILL",
    ]);
    expect(took).toBeGreaterThanOrEqual(300);
    expect(alive(first.pid)).toBe(false);
    expect((await get(port, "/state")).body).toMatchObject({ pid: second.pid });
  });

  test("`restarted in N ms` comes once the new program has loaded, also for a restart that began while the old one was still loading", async () => {
    project = createTempProject("restarted-line-app");
    const files = writeApp(project, HTTP_JS);
    child = new Child([CLI, "--kill-timeout", "300", files.entry], {
      cwd: project.dir,
      env: env({ APP_ON_SIGTERM: "ignore" }),
    });
    // `rs` as soon as the program listens, before its start line (it loaded a moment ago).
    await program(child, 0);
    child.send("rs");
    await program(child, 1);
    await child.waitFor("`restarted in N ms`", () => chaudLines(child!, RESTARTED).length > 0);
    await sleep(300);
    // After the SIGKILL (the old program outlived SIGTERM by 300 ms), N counting the wait; once.
    const lines = chaudLines(child, /did not end|restarted in/);
    expect(lines).toEqual([expect.stringContaining("did not end"), expect.stringMatching(RESTARTED)]);
    expect(Number(/restarted in (\d+) ms/.exec(lines[1]!)![1])).toBeGreaterThanOrEqual(300);
  });

  test.each(["SIGTERM", "SIGHUP"] as const)(
    "%s to chaud reaches the program, which ends by it; chaud ends the same way, no process left",
    async (signal) => {
      const { first } = await startApp(HTTP_JS);
      child!.signal(signal);
      await child!.exited;
      expect(child!.signalCode).toBe(signal);
      expect(alive(first.pid)).toBe(false);
    },
  );

  test("--restart=off: an entry top-level edit does not restart (an info line says it needs one); the program exiting ends chaud with its code", async () => {
    const { files, first } = await startApp(HTTP_JS, ["--restart=off"]);
    const mentions = (): string[] => chaudLines(child!, /restart/i).filter((line) => line.includes(files.entry));
    expect(mentions()).toEqual([]);
    project!.write(files.entry, entrySource(HTTP_JS, { ...V1, newRoute: true }));
    await child!.waitFor("a line saying the edit needs a restart", () => mentions().length > 0);
    expect((await get(first.port, "/new")).status).toBe(404);
    expect((await get(first.port, "/state")).body).toMatchObject({ pid: first.pid });
    expect(restartLines(child!)).toEqual([]);
    expect(child!.count("listening")).toBe(1);

    await get(first.port, "/exit?code=4");
    expect(await child!.exited).toBe(4);
    expect(alive(first.pid)).toBe(false);
  });

  test("--mode=marked: an unmarked function-body edit is not applied in place (with --restart=off the old body keeps running; by default it restarts)", async () => {
    const { files, first } = await startApp(HTTP_JS, ["--mode=marked", "--restart=off"]);
    project!.write(files.lib, libSource(HTTP_JS, { ...V1, word: "w2" }));
    await child!.waitFor("the module's reload", () => chaudLines(child!, /src\/lib\.js/).length > 0);
    await sleep(300);
    expect((await get(first.port, "/state")).body).toMatchObject({ pid: first.pid, word: "w1" });
    await endCli(child);
    project!.remove();

    const again = await startApp(HTTP_JS, ["--mode", "marked"]);
    project!.write(again.files.lib, libSource(HTTP_JS, { ...V1, word: "w2" }));
    const second = await program(child!, 1);
    expect(second.pid).not.toBe(again.first.pid);
    expect((await get(second.port, "/state")).body).toMatchObject({ pid: second.pid, word: "w2" });
    expect(restartLines(child!)).toHaveLength(1);
  });

  test("--watch (a glob, a folder) restarts on a change of a file the program never loads; --ignore (a file name) leaves a module unwatched", async () => {
    project = createTempProject("watch-app");
    const files = writeApp(project, HTTP_JS);
    project.write("config/app.yaml", "name: one\n");
    project.write("notes/todo.txt", "first\n");
    child = new Child([CLI, "--watch", "config/*.yaml", "--watch=notes", "--ignore", "store.js", files.entry], {
      cwd: project.dir,
      env: env({ APP_READ: "config/app.yaml" }),
    });
    const first = await program(child, 0);
    await watching(child);
    await get(first.port, "/add?name=a");
    expect((await get(first.port, "/state")).body).toMatchObject({ file: "name: one", items: ["a"] });

    // The ignored module: nothing happens, while an edit saved after it applies.
    project.write(files.store, storeSource(HTTP_JS, { ...V1, marked: true }));
    await sleep(700);
    project.write(files.lib, libSource(HTTP_JS, { ...V1, word: "w2" }));
    const state = await stateWhen(first.port, "the module's edit after the ignored one", (s) => s.word === "w2");
    expect(state).toMatchObject({ pid: first.pid, items: ["a"] });
    expect(chaudLines(child, /store\.js/)).toEqual([]);

    project.write("config/app.yaml", "name: two\n");
    const second = await program(child, 1);
    expect((await get(second.port, "/state")).body).toMatchObject({ pid: second.pid, file: "name: two" });
    expect(restartLines(child)).toHaveLength(1);
    expect(restartLines(child)[0]).toContain("config/app.yaml");
    await watching(child, 1);

    project.write("notes/todo.txt", "second\n");
    const third = await program(child, 2);
    expect(third.pid).not.toBe(second.pid);
    expect(restartLines(child)).toHaveLength(2);
    expect(restartLines(child)[1]).toContain("notes/todo.txt");
    expect(alive(first.pid) || alive(second.pid)).toBe(false);
  });

  test("--watch naming a file that does not exist yet: no restart until it is created, then one", async () => {
    const { first } = await startApp(HTTP_JS, ["--watch", "later.txt"]);
    await sleep(1000);
    expect(restartLines(child!)).toEqual([]);
    expect(child!.count("listening")).toBe(1);
    expect(alive(first.pid)).toBe(true);

    project!.write("later.txt", "now\n");
    const second = await program(child!, 1);
    expect(second.pid).not.toBe(first.pid);
    expect(restartLines(child!)).toEqual([`[chaud] restarting: later.txt changed${STATE_NOTE}`]);
  });

  test("--inspect on a fixed port survives a restart: a second debugger listens, no EADDRINUSE", async () => {
    const inspectPort = await freePort();
    const { first } = await startApp(HTTP_JS, [`--inspect=127.0.0.1:${inspectPort}`]);
    const debuggers = (): number =>
      child!.stderr
        .split("\n")
        .filter((line) => line.startsWith(`Debugger listening on ws://127.0.0.1:${inspectPort}/`)).length;
    await child!.waitFor("the first debugger", () => debuggers() === 1);
    child!.send("rs");
    const second = await program(child!, 1);
    expect(second.pid).not.toBe(first.pid);
    await child!.waitFor("the second debugger", () => debuggers() === 2);
    expect(child!.stderr).not.toMatch(/EADDRINUSE|address already in use|Starting inspector on .* failed/);
  });
});
