// A small app for the fault-matrix tests (__tests__/reliability/faults-*.test.ts), run under
// `-r chaud/register` (CommonJS) or `--import chaud/register` (ESM) in a child `node`.
//
// `src/app` has a hot `probe()` that returns its version and bumps a persisted counter; the
// driver prints one JSON line per report (ready, reload, error, probe) with what `probe()`
// returned and the report's ordinal. Since every report calls `probe()` exactly once, the
// counter equals the ordinal as long as the persisted value was never lost: `expectIntact`
// checks that over every report the child made.

import { Child, stopWithLeakCheck } from "./child";
import { createTempProject, sharedCacheDir, type TempProject } from "./temp-project";

export type ModuleFlavor = "cjs" | "esm";

const CJS_DRIVER = `
const chaud = require("chaud");
const app = require("./src/app.js");
let reports = 0;
const report = (type, extra = {}) => {
  let probe;
  try { probe = app.probe(); } catch (error) { probe = "probe threw: " + error.message; }
  console.log(JSON.stringify({ type, probe, ordinal: ++reports, epoch: chaud.epoch(), ...extra }));
};
chaud.on("reload", (e) => report("reload", { files: e.files, modules: e.modules }));
chaud.on("error", (e) => report("error", { file: e.file }));
process.stdin.on("data", (data) => {
  for (const command of data.toString().trim().split("\\n")) {
    if (command === "probe") report("probe");
    if (command === "stop") { chaud.stop(); console.log(JSON.stringify({ type: "stopped", openWatchers: chaud.status().openWatchers })); process.exit(0); }
  }
});
setTimeout(() => report("ready", { watched: chaud.status().watched }), 300);
`;

const ESM_DRIVER = `
import { on, epoch, stop, status } from "chaud";
import { probe as appProbe } from "./src/app.mjs";
let reports = 0;
const report = (type, extra = {}) => {
  let probe;
  try { probe = appProbe(); } catch (error) { probe = "probe threw: " + error.message; }
  console.log(JSON.stringify({ type, probe, ordinal: ++reports, epoch: epoch(), ...extra }));
};
on("reload", (e) => report("reload", { files: e.files, modules: e.modules }));
on("error", (e) => report("error", { file: e.file }));
process.stdin.on("data", (data) => {
  for (const command of data.toString().trim().split("\\n")) {
    if (command === "probe") report("probe");
    if (command === "stop") { stop(); console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers })); process.exit(0); }
  }
});
setTimeout(() => report("ready", { watched: status().watched }), 300);
`;

export interface FaultApp {
  flavor: ModuleFlavor;
  project: TempProject;
  /** `src/app.js` or `src/app.mjs`, relative to the project. */
  appPath: string;
  /** Absolute path of the app module. */
  appFile: string;
  /** The app module's source at a version; `extra` is appended at its top level. */
  source(version: string, extra?: string): string;
  /** Writes the app module at a version (in place). */
  writeVersion(version: string, extra?: string): void;
  /** The `node` arguments that start the driver under chaud/register. */
  args: string[];
}

/** The app module: `probe()` is hot and returns "<version> calls=<n>", n a persisted counter. */
export function appSource(flavor: ModuleFlavor, version: string, extra = ""): string {
  const exported = flavor === "esm" ? "export function" : "function";
  // CommonJS exports come before `extra`, so a read that catches a big save half-written
  // fails to parse or lacks only the end of `extra`, never the exports.
  const exportsLine = flavor === "esm" ? "" : "module.exports = { probe };\n";
  return `
/* @chaud.persist */ let calls = 0;
const VERSION = "${version}";
/* @chaud.hot */ ${exported} probe() { calls++; return VERSION + " calls=" + calls; }
${exportsLine}${extra}
`;
}

export function createFaultApp(flavor: ModuleFlavor, name = `fault-${flavor}`): FaultApp {
  const project = createTempProject(name);
  const ext = flavor === "esm" ? "mjs" : "js";
  const appPath = `src/app.${ext}`;
  project.write(`main.${ext}`, flavor === "esm" ? ESM_DRIVER : CJS_DRIVER);
  const app: FaultApp = {
    flavor,
    project,
    appPath,
    appFile: `${project.dir}/${appPath}`,
    source: (version, extra) => appSource(flavor, version, extra),
    writeVersion: (version, extra) => void project.write(appPath, appSource(flavor, version, extra)),
    args: flavor === "esm" ? ["--import", "chaud/register", "main.mjs"] : ["-r", "chaud/register", "main.js"],
  };
  app.writeVersion("v1");
  return app;
}

/** Starts the driver and waits for its first report, which shows v1 and a watched app module. */
export interface StartOptions {
  /** Runs the child through another program: `command args… node <app args>` (setpriv, unshare). */
  wrapper?: { command: string; args: string[] };
  /** What the first report's probe says; default "v1 calls=1". */
  probe?: string;
}

export async function startFaultApp(app: FaultApp, env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<Child> {
  const { wrapper } = options;
  const child = wrapper
    ? new Child([...wrapper.args, process.execPath, ...app.args], {
        cwd: app.project.dir,
        env,
        command: wrapper.command,
      })
    : new Child(app.args, { cwd: app.project.dir, env });
  const ready = await child.message("ready", 0, 60000);
  expect(ready.watched).toEqual(expect.arrayContaining([app.appPath]));
  expect(ready.probe).toBe(options.probe ?? "v1 calls=1");
  return child;
}

/** The version part of a probe ("v3 calls=7" → "v3"). */
export const versionOf = (probe: string): string => probe.split(" ")[0]!;

/** Asks the child for a report now and returns what `probe()` said. */
export async function probeNow(child: Child): Promise<string> {
  const index = child.count("probe");
  child.send("probe");
  return (await child.message("probe", index, 30000)).probe as string;
}

/**
 * The persisted counter never lost its value: every report's `calls` equals its ordinal (each
 * report called probe() once), and the child is still running.
 */
export function expectIntact(child: Child): void {
  expect(child.done).toBe(false);
  const reports = child.messages.filter((m) => typeof m.ordinal === "number");
  expect(reports.length).toBeGreaterThan(0);
  for (const report of reports)
    expect(`${report.type} #${report.ordinal}: ${report.probe}`).toMatch(new RegExp(` calls=${report.ordinal}$`));
}

/** chaud's own log lines (`[chaud] …`) in what the child printed to stderr. */
export const chaudLines = (child: Child): string[] =>
  child.stderr.split("\n").filter((line) => line.startsWith("[chaud]"));

/** Waits for a `[chaud]` line matching `pattern` and returns it. */
export function logLine(child: Child, pattern: RegExp, timeoutMs = 30000): Promise<string> {
  return child.waitFor(
    `a log line matching ${pattern}`,
    () => chaudLines(child).find((line) => pattern.test(line)),
    timeoutMs,
  );
}

/** Nothing but chaud's lines (and their continuation lines) reached stderr: no stack dump, no third-party noise. */
export function expectOnlyChaudOutput(child: Child): void {
  const foreign = child.stderr.split("\n").filter((line) => /Watchpack|\[BABEL\]|^\s+at /.test(line));
  expect(foreign).toEqual([]);
}

/** A good save (v2) reloads, with the counter intact and nothing but chaud's lines on stderr. */
export async function expectRecovery(app: FaultApp, child: Child): Promise<void> {
  app.writeVersion("v2");
  const reload = await child.waitFor(
    "the good save to reload",
    () => child.messages.find((m) => m.type === "reload" && versionOf(m.probe) === "v2"),
    60000,
  );
  expect(reload.files).toEqual([app.appPath]);
  expect(versionOf(await probeNow(child))).toBe("v2");
  expectIntact(child);
  expectOnlyChaudOutput(child);
}

/** A path with its dots escaped, to match it inside a RegExp. */
export const escaped = (path: string): string => path.replace(/[.]/g, "\\.");

/**
 * One test file's fault apps: a transform cache shared by the file's children, and after each
 * test the child stopped (leak-checked), extra clean-ups run and the app's project removed.
 */
export function faultAppsPerTest(cachePrefix: string): {
  env: (extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** Keeps `app` for this test (to start it later, or for its clean-up alone). */
  use(app: FaultApp): FaultApp;
  /** Starts this test's app (made for `flavor` unless `use()` gave one) and waits for v1. */
  start(
    flavor: ModuleFlavor,
    options?: StartOptions & { env?: NodeJS.ProcessEnv },
  ): Promise<{ app: FaultApp; child: Child }>;
  onCleanup(cleanup: () => void): void;
} {
  const { env } = sharedCacheDir(cachePrefix);
  let app: FaultApp | undefined;
  let child: Child | undefined;
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
    child = undefined;
    for (const cleanup of cleanups.splice(0)) cleanup();
    app?.project.remove();
    app = undefined;
  });
  return {
    env,
    use: (given) => (app = given),
    async start(flavor, options = {}) {
      app ??= createFaultApp(flavor);
      child = await startFaultApp(app, options.env ?? env(), options);
      return { app, child };
    },
    onCleanup: (cleanup) => void cleanups.push(cleanup),
  };
}
