// The one place that imports watchpack. It watches the files the process has loaded and
// reports bursts of changes as one batch. Editors that save by writing a temporary file
// and renaming it over the original, and checkouts that touch many files, arrive as a few
// events milliseconds apart; watchpack's aggregation turns them into one batch.

import fs from "node:fs";
import Watchpack from "watchpack";

/**
 * Runs `fn` with `fs.watch` handing out unreferenced watchers: watching must not keep a
 * program alive that would otherwise exit. Watchpack creates its watchers synchronously
 * inside `watch()`, so the patch is in place only for that call.
 */
function withUnrefWatchers(fn: () => void): void {
  const original = fs.watch;
  fs.watch = function (this: unknown, ...args: Parameters<typeof fs.watch>) {
    const watcher = (original as (...a: unknown[]) => fs.FSWatcher).apply(this, args);
    watcher.unref?.();
    return watcher;
  } as typeof fs.watch;
  try {
    fn();
  } finally {
    fs.watch = original;
  }
}

export interface FileWatcher {
  /** Watches exactly these files from now on (adds and drops to match). */
  watch(files: Iterable<string>): void;
  close(): void;
  readonly closed: boolean;
}

export interface WatcherOptions {
  /** Quiet time that ends a burst, in ms. Small, so one save reaches running code fast. */
  aggregateTimeout: number;
  /** Use polling instead of inotify (CHAUD_POLL=1, or network file systems). */
  poll?: boolean | number;
  onBatch(changed: string[], removed: string[]): void;
}

/** Open watchers in this process, for tests that check nothing is left open. */
let openWatchers = 0;
export const openWatcherCount = (): number => openWatchers;

export function createWatcher(options: WatcherOptions): FileWatcher {
  const watchpack = new Watchpack({
    aggregateTimeout: options.aggregateTimeout,
    ...(options.poll !== undefined ? { poll: options.poll } : {}),
    followSymlinks: false,
  });
  openWatchers++;
  let closed = false;
  let watched = new Set<string>();
  watchpack.on("aggregated", (changes: Set<string>, removals: Set<string>) => {
    if (closed) return;
    const removed = [...removals].filter((file) => watched.has(file));
    const changed = [...changes].filter((file) => watched.has(file) && !removals.has(file));
    if (changed.length + removed.length > 0) options.onBatch(changed, removed);
  });

  return {
    watch(files) {
      if (closed) return;
      const next = new Set(files);
      if (next.size === watched.size && [...next].every((file) => watched.has(file))) return;
      watched = next;
      // startTime: changes before now are not news; content hashes filter the rest.
      withUnrefWatchers(() => watchpack.watch({ files: watched, directories: [], missing: [], startTime: Date.now() }));
    },
    close() {
      if (closed) return;
      closed = true;
      openWatchers--;
      watchpack.close();
    },
    get closed() {
      return closed;
    },
  };
}
