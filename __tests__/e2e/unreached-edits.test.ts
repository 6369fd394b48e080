// An edit inside a callback the program kept: in mode "marked" the callback is not hot, so the
// edit reaches no running code, and chaud says so with the file and line (also in the reload
// event, as data); in mode "all" the inline callback is hot and the module is updated in place:
// one interval, running the new body.

import { join } from "node:path";
import { Child, sleep, stopWithLeakCheck } from "../helpers/child";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let project: TempProject;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-unreached-cache");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  child = undefined;
  project?.remove();
});

const JOBS = (word: string) => `const started = Date.now();
setInterval(() => {
  console.log(JSON.stringify({ type: "tick", word: "${word}", started }));
}, 50);
`;

const MAIN = `
const { on, stop, status } = require("chaud");
require("./jobs.js");
on("reload", (event) =>
  console.log(JSON.stringify({ type: "reload", modules: event.modules, inPlace: event.inPlace, unreached: event.unreached })),
);
process.stdin.on("data", () => {
  stop();
  console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
  process.exit(0);
});
setTimeout(() => console.log(JSON.stringify({ type: "ready" })), 100);
`;

async function start(mode: "marked" | "all"): Promise<Child> {
  project = createTempProject(`unreached-${mode}`);
  project.write("src/main.js", MAIN);
  project.write("src/jobs.js", JOBS("one"));
  // Restarts off: these check what chaud reports (the command would restart for an unreached edit).
  child = new Child([CLI, "--restart=off", "src/main.js"], {
    cwd: project.dir,
    env: { ...env, CHAUD_MODE: mode, CHAUD_LOG: "info" },
  });
  await child.message("ready");
  return child;
}

test('mode "marked": an edit inside an unhot callback the program kept is reported as reaching no running code, with its line', async () => {
  const c = await start("marked");
  project.write("src/jobs.js", JOBS("two"));
  const reload = await c.message("reload");
  expect(reload).toMatchObject({
    modules: ["src/jobs.js"],
    inPlace: [],
    unreached: [{ file: "src/jobs.js", line: 3 }],
  });
  expect(c.stderr).toMatch(/no hot function or class changed: the changed code \(src\/jobs\.js:3\) runs only where/);
});

test('mode "all": the inline interval callback is hot, the module is updated in place, and one interval runs the new body', async () => {
  const c = await start("all");
  const startedBefore = (await c.message("tick")).started;
  project.write("src/jobs.js", JOBS("two"));
  expect(await c.message("reload")).toMatchObject({ modules: [], inPlace: ["src/jobs.js"], unreached: [] });
  const reloadedAt = c.messages.length;
  await sleep(400);
  const after = c.messages.slice(reloadedAt).filter((m) => m.type === "tick");
  expect(after.length).toBeGreaterThan(2);
  // One interval (about one tick per 50 ms, not two), the new body, the module's state kept.
  expect(after.length).toBeLessThan(12);
  expect(after.every((m) => m.word === "two" && m.started === startedBefore)).toBe(true);
});
