// The watcher against a real folder and real inotify: saves the OS reports but watchpack does
// not still become a batch. Watchpack drops a change whose mtime equals the one it last saw
// (it takes that for an attribute change); a long write that watchpack stated midway ends
// exactly like that, and its complete content would never reload.

import { mkdtempSync, realpathSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWatcher, type FileWatcher } from "../../runtime/watch/watcher";

let dir: string;
let watcher: FileWatcher | undefined;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "chaud-watcher-")));
});
afterEach(() => {
  watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a save that keeps the file's mtime (which watchpack ignores) still becomes a batch", async () => {
  const file = join(dir, "app.js");
  const tenSecondsAgo = new Date(Date.now() - 10000);
  writeFileSync(file, "exports.v = 1;\n");
  utimesSync(file, tenSecondsAgo, tenSecondsAgo);
  const batches: string[][] = [];
  watcher = createWatcher({ aggregateTimeout: 5, onBatch: (changed) => batches.push(changed) });
  watcher.watch([file]);
  await sleep(500); // watchpack's first scan of the folder

  // New content, the old mtime: in one synchronous step, so watchpack's stat sees only the end.
  writeFileSync(file, "exports.v = 2;\n");
  utimesSync(file, tenSecondsAgo, tenSecondsAgo);
  const deadline = Date.now() + 5000;
  while (batches.length === 0 && Date.now() < deadline) await sleep(20);
  expect(batches).toEqual([[file]]);
});
