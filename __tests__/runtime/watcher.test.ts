// The watcher against a real folder and real inotify: saves the OS reports but watchpack does
// not still become a batch. Watchpack drops a change whose mtime equals the one it last saw
// (it takes that for an attribute change); a long write that watchpack stated midway ends
// exactly like that, and its complete content would never reload.

import { utimesSync, writeFileSync } from "node:fs";
import { createWatcher, type FileWatcher } from "../../runtime/watch/watcher";
import { useTempDir } from "../helpers/temp-dir";

let watcher: FileWatcher | undefined;
afterEach(() => watcher?.close());
// Declared after the hook above, so the watcher is closed before its folder goes.
const tmp = useTempDir("chaud-watcher");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a save that keeps the file's mtime (which watchpack ignores) still becomes a batch", async () => {
  const file = tmp.path("app.js");
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
