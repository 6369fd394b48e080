// Remembers what each watched file contained, so a save that leaves a file's content
// unchanged (editors do that, and so do `touch` and some formatters) triggers nothing.

import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

/**
 * "empty": the file has no content. Editors and `writeFile` save by truncating, then writing;
 * on a loaded machine the two can land in separate batches. An empty module is never a good
 * new version, so it is not loaded and not remembered: the write that follows decides.
 */
export type ContentCheck = "changed" | "unchanged" | "unreadable" | "empty";

const EMPTY = "<empty>";
/**
 * Recorded for a file whose new content failed to reload: no content hashes to it, so the
 * next save (even of the same bytes) is "changed" and retried. Deleting the entry instead
 * would let `remember()` (the watch-list refresh after every batch) record whatever the
 * file holds by then, and a save that completed while the failed batch ran (a large file
 * read half-written) would then look unchanged and never load.
 */
const FAILED = "<failed>";

/** Files up to this size keep their text, to say where an edit is; larger ones only their hash. */
const TEXT_LIMIT = 1 << 20;

export class ContentHashes {
  private readonly hashes = new Map<string, string>();
  /** The text each file last had, where small enough, and the first line its latest change touched. */
  private readonly texts = new Map<string, string>();
  private readonly changedLines = new Map<string, number>();
  /** Why each file was last unreadable: the error code (ENOENT, EISDIR, EACCES, …). */
  private readonly unreadable = new Map<string, string>();
  /**
   * The content and mtime that failed to reload, by file: the OS can report one save twice
   * (a write's events straddling the batch), and that second report is not a new save.
   */
  private readonly failedSaves = new Map<string, { hash: string | undefined; mtimeMs: number | undefined }>();

  private hashFile(file: string, keepText = false): string | null {
    try {
      const content = readFileSync(file);
      this.unreadable.delete(file);
      if (keepText) this.keepText(file, content);
      return content.length === 0 ? EMPTY : createHash("sha1").update(content).digest("base64");
    } catch (error) {
      this.unreadable.set(file, (error as NodeJS.ErrnoException).code ?? String(error));
      return null;
    }
  }

  /** The error code of the last failed read of `file` (ENOENT, EISDIR, EACCES, …), if it failed. */
  whyUnreadable(file: string): string | undefined {
    return this.unreadable.get(file);
  }

  /** Whether the file's content is recorded (or marked failed). */
  knows(file: string): boolean {
    return this.hashes.has(file);
  }

  /** Records a file's current content, if it was not known yet. */
  remember(file: string): void {
    if (this.hashes.has(file)) return;
    const hash = this.hashFile(file, true);
    if (hash !== null) this.hashes.set(file, hash);
  }

  /** Compares a file with what was recorded, and records the new content. */
  check(file: string): ContentCheck {
    const hash = this.hashFile(file, true);
    if (hash === null) return "unreadable";
    if (hash === EMPTY) return "empty";
    const previous = this.hashes.get(file);
    if (previous === FAILED && this.isFailedSave(file, hash)) return "unchanged";
    this.failedSaves.delete(file);
    this.hashes.set(file, hash);
    return previous === hash ? "unchanged" : "changed";
  }

  /** Whether the file still holds the save that failed: the same bytes, not written since. */
  private isFailedSave(file: string, hash: string): boolean {
    const failed = this.failedSaves.get(file);
    return (
      failed !== undefined &&
      failed.hash === hash &&
      failed.mtimeMs !== undefined &&
      statSync(file, { throwIfNoEntry: false })?.mtimeMs === failed.mtimeMs
    );
  }

  /** Whether the file still holds what the last check read (false once it changed, or cannot be read). */
  matches(file: string): boolean {
    const hash = this.hashFile(file);
    return hash !== null && hash === this.hashes.get(file);
  }

  /** The first line (1-based) that the file's latest change touched, when its text was kept. */
  changedLine(file: string): number | undefined {
    return this.changedLines.get(file);
  }

  private keepText(file: string, content: Buffer): void {
    const previous = this.texts.get(file);
    if (content.length > TEXT_LIMIT || content.length === 0) {
      if (content.length > TEXT_LIMIT) this.texts.delete(file);
      this.changedLines.delete(file);
      return;
    }
    const text = content.toString("utf8");
    if (previous !== undefined && previous !== text) this.changedLines.set(file, firstDifferentLine(previous, text));
    this.texts.set(file, text);
  }

  /** Marks a file's content as not loaded, so its next save (same bytes or not) is retried. */
  markFailed(file: string): void {
    const hash = this.hashes.get(file);
    const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    this.failedSaves.set(file, { hash: hash === FAILED ? undefined : hash, mtimeMs });
    this.hashes.set(file, FAILED);
  }
}

function firstDifferentLine(before: string, after: string): number {
  let at = 0;
  while (at < before.length && at < after.length && before[at] === after[at]) at++;
  let line = 1;
  for (let i = 0; i < at; i++) if (after.charCodeAt(i) === 10) line++;
  return line;
}
