// The chaud command starts the program before loading what only its watchers need (watchpack,
// picomatch) or what only an error message needs (Babel's option helper), and still restarts
// the running program when a restart file (here its --env-file) changes.

import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { CLI } from "../helpers/cli-program";
import { createTempProject, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
afterEach(() => project?.remove());

// Kept by the chaud process (node's own -r, before the CLI): the modules loaded when the CLI
// first spawns a node, and each start of the program.
const PROBE = `
const cp = require("node:child_process");
const fs = require("node:fs");
const original = cp.spawn;
cp.spawn = function (...args) {
  if (!fs.existsSync(__dirname + "/loaded.json"))
    fs.writeFileSync(__dirname + "/loaded.json", JSON.stringify(Object.keys(require.cache)));
  return original.apply(this, args);
};
`;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("the program is spawned before the watchers' modules load, and an --env-file change still restarts it", async () => {
  project = createTempProject();
  const dir = project.dir;
  project.write("probe.js", PROBE);
  project.write(".env", "A=1\n");
  project.write(
    "main.js",
    `require("node:fs").appendFileSync(__dirname + "/starts.txt", "start\\n");\nsetInterval(() => {}, 1000);\n`,
  );
  const child = spawn(process.execPath, ["-r", `${dir}/probe.js`, CLI, "--env-file=.env", "main.js"], {
    cwd: dir,
    env: { ...process.env, CHAUD_CACHE_DIR: `${dir}/cache` },
    stdio: ["pipe", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const starts = (): number =>
    existsSync(`${dir}/starts.txt`) ? readFileSync(`${dir}/starts.txt`, "utf8").split("\n").length - 1 : 0;
  try {
    await until(() => starts() === 1, "the first run");
    const loaded = JSON.parse(readFileSync(`${dir}/loaded.json`, "utf8")) as string[];
    expect(loaded.some((file) => file.includes("/dist/integration/cli/index.js"))).toBe(true);
    expect(loaded.filter((file) => /[\\/](watchpack|picomatch|@babel)[\\/]/.test(file))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the watchers start just after the program
    writeFileSync(`${dir}/.env`, "A=2\n");
    await until(() => starts() === 2, `a restart after the .env change (stderr: ${stderr})`);
  } finally {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already ended
    }
  }
});
