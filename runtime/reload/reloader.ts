// The reload algorithm, independent of Node: it works against a ModuleSystem,
// the registry and content hashes, so its tests can hand it fakes.
//
// One batch: keep the files whose content really changed; re-evaluate them dependencies
// first; when a module's exports changed in a way identity does not carry (see
// exports-diff.ts), queue its importers too; never re-run the entry's top-level code (its
// hot parts are re-evaluated alone); then commit the registry batch and the module system
// together, or roll both back so the previous version keeps running.

import type { ContentHashes } from "./content-hashes";

/** What the reloader needs of content hashes (ContentHashes, or a fake in tests). */
export type ContentCheckSource = Pick<ContentHashes, "check" | "markFailed"> &
  Partial<Pick<ContentHashes, "whyUnreadable" | "matches" | "changedLine">>;
import { changedExports } from "./exports-diff";
import type { ModuleSystem, ModuleTransaction } from "../modules/module-system";
import type { Batch } from "../registry/batch";
import { SHAPE_CHANGED } from "../registry/types";
import type { Registry } from "../registry/registry";
import type { Reevaluated, ReloadOutcome } from "./outcome";

export interface ReloaderOptions {
  modules: ModuleSystem;
  registry: Registry;
  hashes: ContentCheckSource;
  entry: string | null;
  now?: () => number;
}

export class Reloader {
  constructor(private readonly options: ReloaderOptions) {}

  /** Runs one batch for files that changed or were deleted. Never rejects. */
  async run(changed: string[], deleted: string[]): Promise<ReloadOutcome> {
    const { modules, hashes } = this.options;
    const now = this.options.now ?? (() => performance.now());
    const started = now();
    const present = changed.filter((file) => modules.isLoaded(file));
    const status = new Map(present.map((file) => [file, hashes.check(file)]));
    const reallyChanged = present.filter((file) => status.get(file) === "changed");
    // Deleted, or unreadable (permissions, a directory in its place): the loaded version stays.
    const gone = [
      ...deleted.filter((file) => modules.isLoaded(file)),
      ...present.filter((file) => status.get(file) === "unreadable"),
    ];
    // What the log says about each: deleted (ENOENT), a directory in its place (EISDIR), permission denied (EACCES)…
    const why =
      gone.length > 0 && hashes.whyUnreadable
        ? Object.fromEntries(
            gone.map((file) => [file, status.has(file) ? (hashes.whyUnreadable?.(file) ?? "unreadable") : "ENOENT"]),
          )
        : undefined;
    if (reallyChanged.length === 0) {
      if (gone.length > 0) return { kind: "removed", files: gone, ...(why ? { why } : {}) };
      const empty = present.filter((file) => status.get(file) === "empty");
      return empty.length > 0 ? { kind: "empty", files: empty } : { kind: "unchanged", files: present };
    }
    return this.reevaluate(reallyChanged, gone, why, started, now);
  }

  private async reevaluate(
    files: string[],
    gone: string[],
    why: Record<string, string> | undefined,
    started: number,
    now: () => number,
  ): Promise<ReloadOutcome> {
    const { modules, registry, entry } = this.options;
    // Only a queue of several files needs the order (most saves queue one): computed then, once.
    let order: Map<string, number> | undefined;
    const first = (): string => takeFirst(queue, queue.size > 1 ? (order ??= topologicalIndex(modules)) : undefined);
    const queue = new Map<string, Reevaluated["reason"]>(
      files.map((file) => [file, file === entry ? { kind: "entry" } : { kind: "changed" }]),
    );
    const done: Reevaluated[] = [];
    const inPlace: string[] = [];
    const topLevelChanged: string[] = [];
    const stoppedAtEntry: string[] = [];
    const batch = registry.beginBatch();
    const transaction = modules.begin();
    let current = files[0]!;
    try {
      while (queue.size > 0) {
        current = first();
        const reason = queue.get(current)!;
        queue.delete(current);
        if (current === entry) {
          // Its top-level code never re-runs: only its hot parts take the new code, in place.
          // What else the edit changed waits for a restart.
          const changedBefore = batch.shapeChanged.size;
          await transaction.reevaluateHotOnly(current, "entry");
          if (batch.shapeChanged.size > changedBefore) {
            done.push({ file: current, reason });
            topLevelChanged.push(current);
          } else inPlace.push(current);
          continue;
        }
        if (reason.kind === "changed" && (await updatesInPlace(batch, transaction, current))) {
          inPlace.push(current);
          continue;
        }
        done.push({ file: current, reason });
        // Importers hold the version being replaced: ask before it is.
        const importers = modules.importersOf(current);
        const { before, after } = await transaction.reevaluate(current);
        const exports = changedExports(before, after);
        if (exports.length === 0) continue;
        for (const importer of importers) {
          if (done.some((item) => item.file === importer)) continue;
          // The entry holds the old exports whether or not it changed too: only a restart helps.
          if (importer === entry) stoppedAtEntry.push(current);
          // Queued because it changed as well: its edit may fit in its hot bodies, but the
          // binding it holds of these exports does not update in place; it is evaluated again.
          else queue.set(importer, { kind: "importer", of: current, exports });
        }
      }
    } catch (error) {
      batch.rollback();
      await settle(() => transaction.rollback());
      // A file that changed since it was checked was read while still being written (a large
      // save in place, a burst): its complete content arrives as the next batch.
      const { hashes } = this.options;
      const superseded = hashes.matches !== undefined && files.some((file) => !hashes.matches!(file));
      // Mark the new content failed so saving the same bytes again retries the reload.
      for (const file of files) hashes.markFailed(file);
      return {
        kind: "failed",
        files,
        removed: gone,
        ...(why ? { why } : {}),
        ...(superseded ? { superseded } : {}),
        file: current,
        error,
        ms: now() - started,
      };
    }
    const report = batch.commit();
    await settle(() => transaction.commit());
    // No hot item took new code (updated, added, or the same body now closing over the new
    // module): whatever the edit changed runs only where the program calls it anew.
    const nothingSwitched =
      inPlace.length === 0 &&
      report.hotUpdated.length + report.hotAdded.length + report.classesUpdated.length + report.hotUnchanged === 0;
    const unreached = nothingSwitched
      ? done
          .filter((item) => item.reason.kind === "changed")
          .map((item) => ({ file: item.file, line: this.options.hashes.changedLine?.(item.file) ?? null }))
      : [];
    return {
      kind: "reloaded",
      files,
      removed: gone,
      ...(why ? { why } : {}),
      reevaluated: done,
      inPlace,
      topLevelChanged,
      unreached,
      hotUpdated: report.hotUpdated,
      hotAdded: report.hotAdded,
      classesUpdated: report.classesUpdated,
      notices: report.notices,
      stoppedAtEntry,
      ms: now() - started,
    };
  }
}

/**
 * Tries to switch a changed module's hot items to their new bodies without evaluating it: its
 * hot-only version runs, and throws before registering anything if the edit reached beyond the
 * hot bodies. False: the module must be evaluated again.
 */
async function updatesInPlace(batch: Batch, transaction: ModuleTransaction, file: string): Promise<boolean> {
  batch.updatingInPlace = true;
  try {
    return await transaction.reevaluateHotOnly(file, "in-place");
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === SHAPE_CHANGED) return false;
    throw error;
  } finally {
    batch.updatingInPlace = false;
  }
}

/** Runs a module system's clean-up step; its failure must not turn into a failed batch. */
async function settle(step: () => void | Promise<void>): Promise<void> {
  try {
    await step();
  } catch {
    // the registry already decided the batch; a module system that cannot tidy up only leaks
  }
}

/** Position of each loaded module in dependencies-first order (cycles broken arbitrarily). */
function topologicalIndex(modules: ModuleSystem): Map<string, number> {
  const index = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (file: string): void => {
    if (index.has(file) || visiting.has(file)) return;
    visiting.add(file);
    for (const dependency of modules.dependenciesOf(file)) visit(dependency);
    visiting.delete(file);
    index.set(file, index.size);
  };
  for (const file of modules.loadedFiles()) visit(file);
  return index;
}

/** The queued file that comes first in dependencies-first order (the only one, without an order). */
function takeFirst(queue: Map<string, unknown>, order: Map<string, number> | undefined): string {
  let best: string | null = null;
  if (order === undefined) return queue.keys().next().value!;
  for (const file of queue.keys()) {
    if (best === null || (order.get(file) ?? Infinity) < (order.get(best) ?? Infinity)) best = file;
  }
  return best!;
}
