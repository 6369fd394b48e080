// The watch list: a file saved between its load and the moment it is watched must still reload
// (the watcher starts after the save, and the content it would remember is the new one).

import { utimesSync } from "node:fs";
import type { ModuleSystem } from "../../runtime/modules/module-system";
import { ContentHashes } from "../../runtime/reload/content-hashes";
import type { FileWatcher } from "../../runtime/watch/watcher";
import { WatchList } from "../../runtime/watch/watch-list";
import type { Workspace } from "../../runtime/watch/workspace";
import { useTempDir } from "../helpers/temp-dir";

const dir = useTempDir("chaud-watch-list");

function setup(files: string[]) {
  const modules = { loadedFiles: () => files } as unknown as ModuleSystem;
  const workspace = { isWatchable: () => true } as unknown as Workspace;
  const watched: string[][] = [];
  const watcher: FileWatcher = { watch: (list) => void watched.push([...list]), close: () => {}, closed: false };
  const hashes = new ContentHashes();
  const reloads: string[][] = [];
  const list = new WatchList(
    modules,
    workspace,
    watcher,
    hashes,
    () => {},
    () => false,
    (changed) => reloads.push(changed),
  );
  return { list, hashes, reloads, watched };
}

test("a file saved after its load began is reloaded once it is watched; one saved before is not", () => {
  const saved = dir.write("saved-after.js", "module.exports = 2;\n");
  const before = dir.write("saved-before.js", "module.exports = 1;\n");
  const { list, hashes, reloads, watched } = setup([saved, before]);
  const began = Date.now();
  // saved-after.js was written 50 ms after its load began, saved-before.js 50 ms before.
  utimesSync(saved, new Date(began + 50), new Date(began + 50));
  utimesSync(before, new Date(began - 50), new Date(began - 50));
  list.noteLoad(saved, began);
  list.noteLoad(before, began);
  list.refresh();
  expect(watched.at(-1)).toEqual([saved, before]);
  expect(reloads).toEqual([[saved]]);
  expect(hashes.check(saved)).toBe("changed");
  expect(hashes.check(before)).toBe("unchanged");
});

test("a file loaded without a known time (an ES module) is remembered as it is", () => {
  const file = dir.write("esm.mjs", "export const x = 1;\n");
  const { list, reloads, hashes } = setup([file]);
  list.noteLoad();
  list.refresh();
  expect(reloads).toEqual([]);
  expect(hashes.check(file)).toBe("unchanged");
});
