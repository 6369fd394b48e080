// What chaud says about a watched file between batches, beyond each batch's report: that a
// file reported gone is back with the content already loaded, and that a file left empty
// stays empty (an empty read is usually a save between truncate and write, logged at debug).

import { statSync } from "node:fs";
import { log } from "../logger";
import type { ReloadOutcome } from "./outcome";

export class FileNotices {
  private stopped = false;

  constructor(private readonly relative: (file: string) => string) {}

  /** Called after every batch with its outcome. */
  after(outcome: ReloadOutcome): void {
    if (outcome.kind === "empty") this.noticeStillEmpty(outcome.files);
    this.noticeBack(outcome);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.emptyTimers.values()) clearTimeout(timer);
    this.emptyTimers.clear();
  }

  /** Files reported deleted or unreadable, until they are readable again. */
  private readonly gone = new Set<string>();

  /**
   * A file reported gone that is back with the content already loaded (renamed away and
   * back, a checkout there and back) reloads nothing: say at info that it is back, since
   * the warning said it was gone.
   */
  private noticeBack(outcome: ReloadOutcome): void {
    const gone =
      outcome.kind === "removed"
        ? outcome.files
        : outcome.kind === "unchanged" || outcome.kind === "empty"
          ? []
          : outcome.removed;
    for (const file of gone) this.gone.add(file);
    if (outcome.kind === "reloaded" || outcome.kind === "failed")
      for (const file of outcome.files) this.gone.delete(file);
    if (outcome.kind !== "unchanged") return;
    for (const file of outcome.files) {
      if (this.gone.delete(file))
        log.info(`${this.relative(file)} is back, with the content that is loaded: nothing to reload.`);
    }
  }

  private readonly emptyTimers = new Map<string, NodeJS.Timeout>();

  /**
   * An empty file is reported at debug (a save between truncate and write looks like that);
   * one that is still empty a moment later was emptied for good: say so at info.
   */
  private noticeStillEmpty(files: string[]): void {
    for (const file of files) {
      if (this.emptyTimers.has(file)) continue;
      // Empty now and untouched since (same modification time): not a save in progress.
      const emptied = emptySince(file);
      if (emptied === null) continue;
      const timer = setTimeout(() => {
        this.emptyTimers.delete(file);
        if (!this.stopped && emptySince(file) === emptied)
          log.info(`${this.relative(file)} is still empty; the loaded version keeps running until it has content.`);
      }, STILL_EMPTY_MS);
      this.emptyTimers.set(file, timer.unref());
    }
  }
}

/** How long a file stays empty before chaud says so at info (a save's truncate and write are far closer). */
const STILL_EMPTY_MS = 1000;

/** The modification time of an empty file, or null when it is not an empty file. */
function emptySince(file: string): number | null {
  try {
    const stats = statSync(file);
    return stats.isFile() && stats.size === 0 ? stats.mtimeMs : null;
  } catch {
    return null;
  }
}
