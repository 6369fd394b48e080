// The watcher against a real folder and real inotify: saves the OS reports but watchpack does
// not still become a batch. Watchpack drops a change whose mtime equals the one it last saw
// (it takes that for an attribute change); a long write that watchpack stated midway ends
// exactly like that, and its complete content would never reload.

import { utimesSync, writeFileSync } from "node:fs";
import { createWatcher, type FileWatcher, type WatcherOptions } from "../../runtime/watch/watcher";
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

/** Keeps the event loop busy, as compiling a file does. */
function busyFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

test("a burst's first change of each file is handed to onChangeSeen once, before the batch", async () => {
  const a = tmp.path("a.js");
  const b = tmp.path("b.js");
  writeFileSync(a, "exports.v = 1;\n");
  writeFileSync(b, "exports.v = 1;\n");
  const events: string[] = [];
  watcher = createWatcher({
    aggregateTimeout: 5,
    onChangeSeen: (file) => events.push(`seen ${file}`) > 0,
    onBatch: (changed) => events.push(`batch ${[...changed].sort().join(",")}`),
  });
  watcher.watch([a, b]);
  await sleep(500);

  writeFileSync(a, "exports.v = 2;\n");
  writeFileSync(a, "exports.v = 3;\n");
  writeFileSync(b, "exports.v = 2;\n");
  const deadline = Date.now() + 5000;
  while (!events.some((event) => event.startsWith("batch")) && Date.now() < deadline) await sleep(20);
  // Each file once (three saves), whatever the order the OS reported them in, both before the
  // batch. (Later batches of the same burst, which content hashes drop, may follow.)
  const firstBatch = events.findIndex((event) => event.startsWith("batch"));
  expect(events.slice(0, firstBatch).sort()).toEqual([`seen ${a}`, `seen ${b}`]);
  expect(events[firstBatch]).toBe(`batch ${[a, b].sort().join(",")}`);
});

test("a save landing while onChangeSeen keeps the loop busy past the window joins the same batch", async () => {
  const a = tmp.path("a.js");
  const b = tmp.path("b.js");
  writeFileSync(a, "exports.v = 1;\n");
  writeFileSync(b, "exports.v = 1;\n");
  const batches: string[][] = [];
  let seen = 0;
  watcher = createWatcher({
    aggregateTimeout: 5,
    onChangeSeen: () => {
      if (seen++ > 0) return true;
      // The rest of the burst is saved while the first file compiles, which outlasts the window.
      writeFileSync(b, "exports.v = 2;\n");
      busyFor(40);
      return true;
    },
    onBatch: (changed) => batches.push([...changed].sort()),
  });
  watcher.watch([a, b]);
  await sleep(500);

  writeFileSync(a, "exports.v = 2;\n");
  const deadline = Date.now() + 5000;
  while (batches.length === 0 && Date.now() < deadline) await sleep(20);
  await sleep(300);
  expect(batches[0]).toEqual([a, b]);
});

/** Saves `file` twice, 100 ms apart, inside one long window; returns when the burst is over. */
async function twoSavesInOneWindow(file: string, options: Partial<WatcherOptions>): Promise<string[][]> {
  // Written well before the watch starts: watchpack reports a file written just before.
  const tenSecondsAgo = new Date(Date.now() - 10000);
  utimesSync(file, tenSecondsAgo, tenSecondsAgo);
  const batches: string[][] = [];
  watcher = createWatcher({ aggregateTimeout: 400, ...options, onBatch: (changed) => batches.push(changed) });
  watcher.watch([file]);
  await sleep(500);
  writeFileSync(file, "exports.v = 2;\n");
  await sleep(100);
  writeFileSync(file, "exports.v = 3;\n");
  await sleep(1000);
  return batches;
}

test("saves within a long window make one batch (the OS's own events do not cut the window short)", async () => {
  const a = tmp.path("a.js");
  writeFileSync(a, "exports.v = 1;\n");
  expect(await twoSavesInOneWindow(a, {})).toEqual([[a]]);
});

test("a change that held nothing new leaves the file's next change in the same burst to onChangeSeen", async () => {
  const a = tmp.path("a.js");
  writeFileSync(a, "exports.v = 1;\n");
  let seen = 0;
  // The first event is a late one of a save already applied (nothing to prepare); the next is news.
  const batches = await twoSavesInOneWindow(a, { onChangeSeen: () => ++seen > 1 });
  expect(seen).toBe(2);
  expect(batches).toEqual([[a]]);
});
