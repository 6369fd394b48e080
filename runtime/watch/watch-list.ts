// The files chaud watches: those the process has loaded that belong to the watched packages.
// Kept in step with loading (refreshed shortly after each load, and after each batch), so a
// module required late is watched as soon as it exists. Files the user ignored are left out.

import type { ModuleSystem } from "../modules/module-system";
import type { ContentHashes } from "../reload/content-hashes";
import type { PathMatcher } from "./ignore";
import type { FileWatcher } from "./watcher";
import type { Workspace } from "./workspace";

export class WatchList {
  /** Whether each loaded file may be watched, decided once per file (it resolves symlinks). */
  private readonly watchable = new Map<string, boolean>();
  private refreshScheduled = false;
  private stopped = false;

  constructor(
    private readonly modules: ModuleSystem,
    private readonly workspace: Workspace,
    private readonly watcher: FileWatcher,
    private readonly hashes: ContentHashes,
    /** Told after each refresh that found files to watch. */
    private readonly onWatching: () => void,
    private readonly ignored: PathMatcher = () => false,
  ) {}

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
    if (this.stopped) return;
    const files = this.files();
    for (const file of files) this.hashes.remember(file);
    this.watcher.watch(files);
    if (files.length > 0) this.onWatching();
  }

  /** Refreshes once the current burst of loads is over (a program loads many modules in one tick). */
  scheduleRefresh(): void {
    if (this.refreshScheduled || this.stopped) return;
    this.refreshScheduled = true;
    setImmediate(() => this.refresh()).unref();
  }

  stop(): void {
    this.stopped = true;
  }
}
