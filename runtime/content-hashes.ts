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

export class ContentHashes {
  private readonly hashes = new Map<string, string>();

  private static hashFile(file: string): string | null {
    try {
      const content = readFileSync(file);
      return content.length === 0 ? EMPTY : createHash("sha1").update(content).digest("base64");
    } catch {
      return null;
    }
  }

  /** Records a file's current content, if it was not known yet. */
  remember(file: string): void {
    if (this.hashes.has(file)) return;
    const hash = ContentHashes.hashFile(file);
    if (hash !== null) this.hashes.set(file, hash);
  }

  /** Compares a file with what was recorded, and records the new content. */
  check(file: string): ContentCheck {
    const hash = ContentHashes.hashFile(file);
    if (hash === null) return "unreadable";
    if (hash === EMPTY) return "empty";
    const previous = this.hashes.get(file);
    this.hashes.set(file, hash);
    return previous === hash ? "unchanged" : "changed";
  }

  /** Restores a file's previous hash, so a save that failed to reload is retried next time. */
  forget(file: string): void {
    this.hashes.delete(file);
  }

}
