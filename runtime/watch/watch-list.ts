// The files chaud watches: those the process has loaded that belong to the watched packages.
// Kept in step with loading (refreshed shortly after each load, and after each batch), so a
// module required late is watched as soon as it exists. Files the user ignored are left out.

import { statSync } from "node:fs";
import type { ModuleSystem } from "../modules/module-system";
import type { ContentHashes } from "../reload/content-hashes";
import type { PathMatcher } from "./ignore";
import type { FileWatcher } from "./watcher";
import type { Workspace } from "./workspace";

export class WatchList {
  /** Whether each loaded file may be watched, decided once per file (it resolves symlinks). */
  private readonly watchable = new Map<string, boolean>();
  private refreshScheduled = false;
  /** A module loaded since the last refresh. */
  private loadedSinceRefresh = false;
  private stopped = false;

  constructor(
    private readonly modules: ModuleSystem,
    private readonly workspace: Workspace,
    private readonly watcher: FileWatcher,
    private readonly hashes: ContentHashes,
    /** Told after each refresh that found files to watch. */
    private readonly onWatching: () => void,
    private readonly ignored: PathMatcher = () => false,
    /** Told of files saved after their load began: what runs may not be what they hold. */
    private readonly onChangedSinceLoad: (files: string[]) => void = () => {},
  ) {}

  /** When each file loaded but not yet watched began loading. */
  private readonly loadBegan = new Map<string, number>();

  /** A module loaded: watched at the next refresh. */
  noteLoad(file?: string, began?: number): void {
    if (file !== undefined && began !== undefined) this.loadBegan.set(file, began);
    this.loadedSinceRefresh = true;
    this.scheduleRefresh();
  }

  files(): string[] {
    return this.modules.loadedFiles().filter((file) => {
      let decision = this.watchable.get(file);
      if (decision === undefined)
        this.watchable.set(file, (decision = this.workspace.isWatchable(file) && !this.ignored(file)));
      return decision;
    });
  }

  /** Watches what the process has loaded now, remembering each new file's content. */
  refresh(): void {
    this.refreshScheduled = false;
    this.loadedSinceRefresh = false;
    if (this.stopped) return;
    const files = this.files();
    // A file saved between its load and now would never reload: the watcher starts after the
    // save, and the content remembered would be the new one. Those are reloaded now. (A
    // program restarted by the chaud command is answering requests by then.)
    const changedSinceLoad: string[] = [];
    for (const file of files) {
      if (this.hashes.knows(file)) continue;
      const began = this.loadBegan.get(file);
      if (began !== undefined && modifiedAfter(file, began)) {
        this.hashes.markFailed(file);
        changedSinceLoad.push(file);
      } else this.hashes.remember(file);
    }
    this.loadBegan.clear();
    this.watcher.watch(files);
    if (files.length > 0) this.onWatching();
    if (changedSinceLoad.length > 0) this.onChangedSinceLoad(changedSinceLoad);
  }

  /**
   * Refreshes now if a module loaded since the last refresh (a batch that evaluated modules);
   * a batch that only updated hot bodies in place loaded nothing, and the list is current.
   */
  refreshIfLoaded(): void {
    if (this.loadedSinceRefresh) this.refresh();
  }

  /** Refreshes once the current burst of loads is over (a program loads many modules in one tick). */
  scheduleRefresh(): void {
    if (this.refreshScheduled || this.stopped) return;
    this.refreshScheduled = true;
    // Not unreferenced: an unreferenced immediate lets the loop sleep until some other event,
    // and a module loaded while the program idles would go unwatched until then.
    setImmediate(() => this.refresh());
  }

  stop(): void {
    this.stopped = true;
  }
}

/** Whether the file was written after `time` (ms since the epoch); a coarse file clock can only make this say no. */
function modifiedAfter(file: string, time: number): boolean {
  return (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > time;
}
