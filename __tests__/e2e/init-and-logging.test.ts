// init() in its edge cases, and what chaud logs, in child processes.

import { Child } from "../helpers/child";
import { createTempProject, type TempProject } from "../helpers/temp-project";

let project: TempProject;
let child: Child | undefined;
afterEach(async () => {
  await child?.stop();
  project?.remove();
});

function run(main: string, env: NodeJS.ProcessEnv = {}): Child {
  project = createTempProject("init-app");
  project.write("main.js", main);
  child = new Child(["main.js"], { cwd: project.dir, env: { CHAUD_LOG: "", ...env } });
  return child;
}

const REPORT_STATUS = `setTimeout(() => { console.log(JSON.stringify({ type: "status", status: chaud.status() })); chaud.stop(); }, 100);`;

test("init() without the plugin on logs one info line and does nothing", async () => {
  const c = run(`const chaud = require("chaud"); chaud.init(); ${REPORT_STATUS}`);
  const { status } = await c.message("status");
  expect(status.running).toBe(false);
  await c.exited;
  expect(c.stderr.match(/\[chaud\] .*plugin is not on/g)).toHaveLength(1);
});

test("init() twice starts one watcher; the same options log at debug, different ones warn", async () => {
  const c = run(
    `const chaud = require("chaud"); chaud.init(); chaud.init(); chaud.init({ aggregateTimeout: 50 }); ${REPORT_STATUS}`,
    { CHAUD_HOT: "1", CHAUD_LOG: "debug" },
  );
  const { status } = await c.message("status");
  expect(status.running).toBe(true);
  expect(status.openWatchers).toBe(1);
  await c.exited;
  expect(c.stderr).toContain("[chaud] init() called again; chaud is already running");
  expect(c.stderr).toContain("[chaud] init() called again with different options");
});

test("with NODE_ENV=production, init() refuses to watch unless CHAUD_HOT=1, and says so", async () => {
  const refused = run(`const chaud = require("chaud"); chaud.init(); ${REPORT_STATUS}`, { NODE_ENV: "production" });
  expect((await refused.message("status")).status.running).toBe(false);
  await refused.exited;
  expect(refused.stderr).toContain("NODE_ENV=production: chaud does not watch or reload");
  project.remove();

  const forced = run(`const chaud = require("chaud"); chaud.init(); ${REPORT_STATUS}`, {
    NODE_ENV: "production",
    CHAUD_HOT: "1",
  });
  expect((await forced.message("status")).status.running).toBe(true);
});

test("CHAUD_HOT takes true as well as 1 under NODE_ENV=production, as the plugin does", async () => {
  const forced = run(`const chaud = require("chaud"); chaud.init(); ${REPORT_STATUS}`, {
    NODE_ENV: "production",
    CHAUD_HOT: "true",
  });
  expect((await forced.message("status")).status.running).toBe(true);
});

test("a variable with a bad value gets one warn line naming it, and its default applies", async () => {
  const c = run(`const chaud = require("chaud"); chaud.init(); ${REPORT_STATUS}`, {
    CHAUD_HOT: "1",
    CHAUD_POLL: "often",
    CHAUD_LOG: "debug",
  });
  expect((await c.message("status")).status.running).toBe(true);
  await c.exited;
  expect(c.stderr.match(/\[chaud\] CHAUD_POLL="often" is not .*; chaud uses the default\./g)).toHaveLength(1);
  expect(c.stderr).not.toContain("polling for changes");
});

test("CHAUD_LOG sets the level, and logs go to stderr with the [chaud] prefix", async () => {
  const quiet = run(`const chaud = require("chaud"); chaud.init(); ${REPORT_STATUS}`, {
    CHAUD_HOT: "1",
    CHAUD_LOG: "warn",
  });
  await quiet.message("status");
  await quiet.exited;
  expect(quiet.stderr).toBe("");
  expect(quiet.stdout).not.toContain("[chaud]");
  project.remove();

  const chatty = run(`const chaud = require("chaud"); chaud.init(); ${REPORT_STATUS}`, {
    CHAUD_HOT: "1",
    CHAUD_LOG: "debug",
  });
  await chatty.message("status");
  await chatty.exited;
  expect(chatty.stderr).toMatch(/^\[chaud\] workspace \(single\)/m);
  expect(chatty.stdout).not.toContain("[chaud]");
});

test("a logger level that hides warnings gets one line on stderr, unless silenced", async () => {
  // The program's own copy of loglevel (here: the one chaud depends on).
  const setLevel = `require(require.resolve("loglevel", { paths: [require.resolve("chaud")] })).getLogger("chaud").setLevel("error");`;
  const main = `${setLevel} const chaud = require("chaud"); chaud.init(); ${REPORT_STATUS}`;
  const complained = run(main, { CHAUD_HOT: "1" });
  await complained.exited;
  expect(complained.stderr.match(/hides warnings/g)).toHaveLength(1);
  expect(complained.stderr).toContain('the "chaud" logger is set to "error"');
  project.remove();

  const silenced = run(main, { CHAUD_HOT: "1", CHAUD_SILENCE_LOG_LEVEL_WARNING: "1" });
  await silenced.exited;
  expect(silenced.stderr).not.toContain("hides warnings");
});

test("a reload that changed no hot function says so", async () => {
  project = createTempProject("no-hot-app");
  project.write(
    "main.js",
    `
    const chaud = require("chaud");
    chaud.init();
    const lib = require("./lib.js");
    chaud.on("reload", (e) => console.log(JSON.stringify({ type: "reload", hot: e.hotUpdated })));
    setTimeout(() => console.log(JSON.stringify({ type: "ready" })), 100);
    setInterval(() => {}, 1000);
  `,
  );
  // Compiled by the plugin (a hot function exists) but the edit touches only unmarked code.
  project.write(
    "lib.js",
    `const _chaud = require("chaud/registry").chaudModule("no-hot-app/lib.js");\nexports.plain = () => 1;\n`,
  );
  child = new Child(["main.js"], { cwd: project.dir, env: { CHAUD_HOT: "1", CHAUD_LOG: "info" } });
  await child.message("ready");
  project.write(
    "lib.js",
    `const _chaud = require("chaud/registry").chaudModule("no-hot-app/lib.js");\nexports.plain = () => 2;\n`,
  );
  expect((await child.message("reload")).hot).toBe(0);
  await child.waitFor("the explicit line", () =>
    /reloaded lib\.js in \d+ ms, but no hot function or class changed/.test(child!.stderr),
  );
});
