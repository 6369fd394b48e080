// Remembers what each watched file contained, so a save that leaves a file's content
// unchanged (editors do that, and so do `touch` and some formatters) triggers nothing.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

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

export class ContentHashes {
  private readonly hashes = new Map<string, string>();
  /** Why each file was last unreadable: the error code (ENOENT, EISDIR, EACCES, …). */
  private readonly unreadable = new Map<string, string>();

  private hashFile(file: string): string | null {
    try {
      const content = readFileSync(file);
      this.unreadable.delete(file);
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

  /** Records a file's current content, if it was not known yet. */
  remember(file: string): void {
    if (this.hashes.has(file)) return;
    const hash = this.hashFile(file);
    if (hash !== null) this.hashes.set(file, hash);
  }

  /** Compares a file with what was recorded, and records the new content. */
  check(file: string): ContentCheck {
    const hash = this.hashFile(file);
    if (hash === null) return "unreadable";
    if (hash === EMPTY) return "empty";
    const previous = this.hashes.get(file);
    this.hashes.set(file, hash);
    return previous === hash ? "unchanged" : "changed";
  }

  /** Whether the file still holds what the last check read (false once it changed, or cannot be read). */
  matches(file: string): boolean {
    const hash = this.hashFile(file);
    return hash !== null && hash === this.hashes.get(file);
  }

  /** Marks a file's content as not loaded, so its next save (same bytes or not) is retried. */
  markFailed(file: string): void {
    this.hashes.set(file, FAILED);
  }
}
