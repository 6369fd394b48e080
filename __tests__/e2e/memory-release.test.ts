// A CommonJS reload lets the old version go: after re-evaluations and body-only updates of a
// module, gc() collects every old version's data (a FinalizationRegistry counts them), its
// importer's `children` holds only the new module, and `status().retained` stays empty. A real
// child under `node --expose-gc -r chaud/register`; it drives its own saves through `reload()`
// (the watcher polls once an hour), so the counts are exact.

import { Child, stopWithLeakCheck } from "../helpers/child";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const { env } = sharedCacheDir("chaud-memory-release-cache");
let project: TempProject | undefined;
let child: Child | undefined;

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  child = undefined;
  project?.remove();
  project = undefined;
});

const DATA = (version: number, body: number) => `
const VERSION = ${version};
const DATA = { version: VERSION, blob: "x".repeat(65536) + VERSION };
globalThis.__finalizer.register(DATA, VERSION);
/* @chaud.hot */
function probe() {
  return { version: DATA.version, body: ${body} };
}
module.exports = { probe };
`;

const MAIN = `
const fs = require("node:fs");
const path = require("node:path");
const { reload, status, stop } = require("chaud");
const freed = [];
globalThis.__finalizer = new FinalizationRegistry((version) => freed.push(version));
const { probe } = require("./data.js");
const file = path.join(__dirname, "data.js");
const DATA = ${DATA.toString()};
const settle = () => new Promise((resolve) => setImmediate(resolve));
process.stdin.on("data", async (chunk) => {
  if (String(chunk).trim() === "stop") {
    stop();
    console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
    return process.exit(0);
  }
  const outcomes = [];
  // Five re-evaluations (a new VERSION), then five body-only updates.
  for (let version = 1; version <= 5; version++) {
    fs.writeFileSync(file, DATA(version, 0));
    outcomes.push((await reload([file])).kind);
  }
  for (let body = 1; body <= 5; body++) {
    fs.writeFileSync(file, DATA(5, body));
    outcomes.push((await reload([file])).kind);
  }
  for (let i = 0; i < 6; i++) {
    globalThis.gc();
    await settle();
  }
  const main = require.cache[__filename];
  console.log(JSON.stringify({
    type: "measured",
    outcomes,
    probe: probe(),
    freed: [...freed].sort((a, b) => a - b),
    children: main.children.map((m) => path.basename(m.filename)),
    retained: status().retained,
  }));
});
console.log(JSON.stringify({ type: "ready", probe: probe() }));
`;

test("CommonJS: every old version is collected after re-evaluations and body-only updates", async () => {
  project = createTempProject("memory-release");
  project.write("src/main.js", MAIN);
  project.write("src/data.js", DATA(0, 0));
  child = new Child(["--expose-gc", "-r", "chaud/register", "src/main.js"], {
    cwd: project.dir,
    env: env({ CHAUD_POLL: "3600000" }),
  });
  expect((await child.message("ready")).probe).toEqual({ version: 0, body: 0 });
  child.send("run");
  const measured = await child.message("measured");
  expect(measured.outcomes).toEqual(Array(10).fill("reloaded"));
  expect(measured.probe).toEqual({ version: 5, body: 5 });
  // Versions 0-4 were replaced; version 5 is the running one.
  expect(measured.freed).toEqual([0, 1, 2, 3, 4]);
  // The entry's children: chaud and the newest data.js only.
  expect(measured.children.filter((name: string) => name === "data.js")).toHaveLength(1);
  expect(measured.retained).toEqual({ records: 0, bytes: 0 });
});
