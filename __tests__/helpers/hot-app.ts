// A small CommonJS app for end-to-end reload tests: `main.js` starts chaud and reports over
// stdout (one JSON object per line) what its hot `probe()` returns after each reload; the
// test writes source files and waits for those reports.

import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TempProject } from "./temp-project";

/** The driver: reports `ready`, then `reload`/`error` events, and answers `probe`/`stop` on stdin. */
export const DRIVER = `
const chaud = require("chaud");
chaud.init();
const app = require(process.env.APP_MODULE || "./src/app.js");
const report = (type, extra) => {
  let probe;
  try { probe = app.probe(); } catch (error) { probe = "probe threw: " + error.message; }
  console.log(JSON.stringify({ type, probe, epoch: chaud.epoch(), ...extra }));
};
chaud.on("reload", (e) => report("reload", { files: e.files, modules: e.modules, hot: e.hotUpdated }));
chaud.on("error", (e) => report("error", { file: e.file }));
process.stdin.on("data", (data) => {
  for (const command of data.toString().trim().split("\\n")) {
    if (command === "probe") report("probe");
    if (command === "stop") { chaud.stop(); report("stopped", { status: chaud.status() }); process.exit(0); }
  }
});
setTimeout(() => report("ready", { status: chaud.status() }), 50);
`;

/** Saves like an editor that writes a temporary file and renames it over the original. */
export function atomicWrite(file: string, content: string): void {
  const temporary = join(file, "..", `.${Date.now()}.tmp`);
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

export function writeDriver(project: TempProject): void {
  project.write("main.js", DRIVER);
}
