// Remembers what each watched file contained, so a save that leaves a file's content
// unchanged (editors do that, and so do `touch` and some formatters) triggers nothing.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export type ContentCheck = "changed" | "unchanged" | "unreadable";

export class ContentHashes {
  private readonly hashes = new Map<string, string>();

  private static hashFile(file: string): string | null {
    try {
      return createHash("sha1").update(readFileSync(file)).digest("base64");
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
    const previous = this.hashes.get(file);
    this.hashes.set(file, hash);
    return previous === hash ? "unchanged" : "changed";
  }

  /** Restores a file's previous hash, so a save that failed to reload is retried next time. */
  forget(file: string): void {
    this.hashes.delete(file);
  }

  has(file: string): boolean {
    return this.hashes.has(file);
  }
}
