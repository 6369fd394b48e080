// The path from a save to new code running, as the chaud command runs a program: a changed file
// is compiled while the burst window is still open, and the reload uses that compile. The
// compile runs on chaud's reload compiler (a worker thread), so the program's thread runs Babel
// for none of it; without that worker (CHAUD_INTERNAL_RELOAD_WORKER=0, as when a worker cannot
// start) it runs on the program's thread, once per save, before the batch begins. Saves are
// atomic renames: a read in the middle of an in-place write would be compiled, then compiled
// again (reload-compiler.test.ts has that case, and the reliability tests torn writes).

import { join } from "node:path";
import { Child, sleep, stopWithLeakCheck } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let project: TempProject;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-reload-path-cache");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  child = undefined;
  project?.remove();
});

/** Answers the leak check's \`stop\` on stdin (and keeps the program alive until then). */
const STOP_ON_STDIN = `
process.stdin.on("data", () => {
  require("chaud").stop();
  console.log(JSON.stringify({ type: "stopped", openWatchers: require("chaud").status().openWatchers }));
  process.exit(0);
});
`;

const PROBE = (value: number) => `
/* @chaud.hot */
function probe() {
  return ${value};
}
module.exports = { probe };
`;

/**
 * Counts Babel's compiles of the probe (chaud's own @babel/core, where its index reads
 * transformSync) and reports, on each reload, whether the last of them ended before the batch
 * began (the listener runs after the batch; `event.ms` is the batch's length).
 */
const MAIN = `
const path = require("node:path");
const { on } = require("chaud");
const { probe } = require("./probe.js");
const probeFile = require.resolve("./probe.js");
const babelIndex = require.resolve("@babel/core", { paths: [path.dirname(require.resolve("chaud"))] });
const transform = require(path.join(path.dirname(babelIndex), "transform.js"));
const transformSync = transform.transformSync;
let compiles = 0;
let lastCompileEnd = 0;
transform.transformSync = function (...args) {
  try {
    return transformSync.apply(this, args);
  } finally {
    if (args[1] && args[1].filename === probeFile) {
      compiles++;
      lastCompileEnd = performance.now();
    }
  }
};
on("reload", (event) => {
  const batchBegan = performance.now() - event.ms;
  console.log(JSON.stringify({ type: "reload", value: probe(), compiles, compiledAhead: compiles > 0 && lastCompileEnd < batchBegan, inPlace: event.inPlace }));
  compiles = 0;
});
setTimeout(() => console.log(JSON.stringify({ type: "ready" })), 100);
${STOP_ON_STDIN}`;

const ON_WORKER = { compiles: 0, compiledAhead: false };
const ON_MAIN_THREAD = { compiles: 1, compiledAhead: true };

describe.each([
  ["on the reload compiler's worker thread", {}, ON_WORKER],
  ["on the program's thread when the worker is off", { CHAUD_INTERNAL_RELOAD_WORKER: "0" }, ON_MAIN_THREAD],
] as const)("%s", (_name, extraEnv, compiled) => {
  test("a saved file is compiled once, while the burst window is still open, and the reload runs that code", async () => {
    project = createTempProject("reload-path-ahead");
    project.write("probe.js", PROBE(1));
    project.write("main.js", MAIN);
    // A long window leaves no doubt about what ran before it closed.
    child = new Child([CLI, "--restart=off", "main.js"], {
      cwd: project.dir,
      env: env({ CHAUD_AGGREGATE_TIMEOUT: "300", CHAUD_LOG: "info", ...extraEnv }),
    });
    await child.message("ready");
    await sleep(500); // the reload compiler's start (or the warm-up load of Babel), once the program has loaded

    for (const [value, index] of [
      [2, 0],
      [3, 1],
    ] as const) {
      atomicWrite(project.path("probe.js"), PROBE(value));
      expect(await child.message("reload", index)).toEqual({
        type: "reload",
        value,
        ...compiled,
        inPlace: ["probe.js"],
      });
    }
  });

  test("an ES module's hot-only version is compiled once too, while the window is open", async () => {
    project = createTempProject("reload-path-ahead-esm", { type: "module" });
    project.write("probe.js", PROBE(1).replace("module.exports = { probe };", "export { probe };"));
    project.write(
      "main.cjs",
      MAIN.replace(`const { probe } = require("./probe.js");`, "").replace(
        "value: probe()",
        "value: globalThis.probeModule.probe()",
      ),
    );
    project.write(
      "main.js",
      `import * as probeModule from "./probe.js";\nglobalThis.probeModule = probeModule;\nawait import("./main.cjs");\n`,
    );
    child = new Child([CLI, "--restart=off", "main.js"], {
      cwd: project.dir,
      env: env({ CHAUD_AGGREGATE_TIMEOUT: "300", CHAUD_LOG: "info", ...extraEnv }),
    });
    await child.message("ready");
    await sleep(500);
    atomicWrite(project.path("probe.js"), PROBE(2).replace("module.exports = { probe };", "export { probe };"));
    expect(await child.message("reload")).toEqual({
      type: "reload",
      value: 2,
      ...compiled,
      inPlace: ["probe.js"],
    });
  });
});
