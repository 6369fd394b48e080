// Content hashes against real files in a temporary folder: what counts as a change, and what
// a failed reload leaves behind.

import { utimesSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { ContentHashes } from "../../runtime/reload/content-hashes";
import { useTempDir } from "../helpers/temp-dir";

const tmp = useTempDir("chaud-hashes");

test("a save with the same bytes is unchanged, new bytes are changed, no bytes are empty", () => {
  const file = tmp.path("a.js");
  writeFileSync(file, "one");
  const hashes = new ContentHashes();
  hashes.remember(file);
  expect(hashes.check(file)).toBe("unchanged");
  writeFileSync(file, "two");
  expect(hashes.check(file)).toBe("changed");
  writeFileSync(file, "");
  expect(hashes.check(file)).toBe("empty");
  writeFileSync(file, "two");
  expect(hashes.check(file)).toBe("unchanged");
});

test("after a failed reload the next check is a change, even when the watch-list refresh remembered the file meanwhile", () => {
  // A large save read half-written fails to reload; by the time chaud refreshes its watch list
  // the write has completed. That complete content must still count as new.
  const file = tmp.path("a.js");
  writeFileSync(file, "half");
  const hashes = new ContentHashes();
  hashes.remember(file);
  writeFileSync(file, "half-written");
  expect(hashes.check(file)).toBe("changed");
  hashes.markFailed(file);
  writeFileSync(file, "half-written, now complete");
  hashes.remember(file);
  expect(hashes.check(file)).toBe("changed");
  expect(hashes.check(file)).toBe("unchanged");
});

/** A file whose save "broken" was checked and failed to reload. */
function failedSave(): { file: string; hashes: ContentHashes } {
  const file = tmp.path("a.js");
  writeFileSync(file, "v1");
  const hashes = new ContentHashes();
  hashes.remember(file);
  writeFileSync(file, "broken");
  expect(hashes.check(file)).toBe("changed");
  hashes.markFailed(file);
  return { file, hashes };
}

/** Moves the file's mtime forward, as a new save does. */
function touchLater(file: string): void {
  const later = new Date(Date.now() + 5000);
  utimesSync(file, later, later);
}

test("the same bytes saved again after a failed reload are retried", () => {
  const { file, hashes } = failedSave();
  writeFileSync(file, "broken");
  touchLater(file);
  expect(hashes.check(file)).toBe("changed");
});

test("the save that failed, reported again by the OS, is not retried; a new save of it is", () => {
  const { file, hashes } = failedSave();
  expect(hashes.check(file)).toBe("unchanged");
  expect(hashes.check(file)).toBe("unchanged");
  touchLater(file);
  expect(hashes.check(file)).toBe("changed");
});

test("an unreadable file says why: deleted, a directory in its place", () => {
  const file = tmp.path("a.js");
  writeFileSync(file, "v1");
  const hashes = new ContentHashes();
  hashes.remember(file);
  rmSync(file);
  expect(hashes.check(file)).toBe("unreadable");
  expect(hashes.whyUnreadable(file)).toBe("ENOENT");
  mkdirSync(file);
  expect(hashes.check(file)).toBe("unreadable");
  expect(hashes.whyUnreadable(file)).toBe("EISDIR");
  rmSync(file, { recursive: true });
  writeFileSync(file, "v1");
  // Back with the content it had: nothing to reload, and no longer unreadable.
  expect(hashes.check(file)).toBe("unchanged");
  expect(hashes.whyUnreadable(file)).toBeUndefined();
});

test("matches says whether a file still holds what the last check read", () => {
  const file = tmp.path("a.js");
  writeFileSync(file, "v1");
  const hashes = new ContentHashes();
  hashes.remember(file);
  writeFileSync(file, "v2 half");
  expect(hashes.check(file)).toBe("changed");
  expect(hashes.matches(file)).toBe(true);
  writeFileSync(file, "v2 half, and the rest");
  expect(hashes.matches(file)).toBe(false);
  rmSync(file);
  expect(hashes.matches(file)).toBe(false);
});

test("a change knows the first line it touched, across a save caught between truncate and write", () => {
  const file = tmp.path("lines.js");
  writeFileSync(file, "a\nb\nc\nd\n");
  const hashes = new ContentHashes();
  hashes.remember(file);
  expect(hashes.changedLine(file)).toBeUndefined();
  writeFileSync(file, "a\nb\nC\nd\n");
  expect(hashes.check(file)).toBe("changed");
  expect(hashes.changedLine(file)).toBe(3);
  writeFileSync(file, "");
  expect(hashes.check(file)).toBe("empty");
  writeFileSync(file, "a\nB\nC\nd\n");
  expect(hashes.check(file)).toBe("changed");
  expect(hashes.changedLine(file)).toBe(2);
});
