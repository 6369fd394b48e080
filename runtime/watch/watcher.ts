// The one place that imports watchpack. It watches the files the process has loaded and
// reports bursts of changes as one batch. Editors that save by writing a temporary file
// and renaming it over the original, and checkouts that touch many files, arrive as a few
// events milliseconds apart; watchpack's aggregation, and the OS's own events for files
// watchpack has not reported yet, turn them into one batch.
//
// Longer than most files: the patches to watchpack and fs.watch belong next to the only
// watchpack import, so that no other file depends on watchpack's internals.

import fs from "node:fs";
import { join } from "node:path";
import Watchpack from "watchpack";
import { warn } from "../logger";
import { DEFAULT_POLL_INTERVAL } from "../settings";

/**
 * How long a burst that left a watched file missing waits for it to come back (git's
 * unlink-and-create, a slow save) before the file is reported deleted.
 */
const REMOVAL_SETTLE_MS = 250;

/** How long OS events that watchpack has not reported wait before they make a batch themselves. */
const UNREPORTED_SETTLE_MS = 50;

/** fs.watch's errors when the system has no inotify watch (or file descriptor) left. */
const WATCHER_LIMIT_ERRORS = new Set(["ENOSPC", "EMFILE"]);

/**
 * Told of every path the OS reports an event for, the moment it does. Watchpack stats each
 * changed file before reporting it, and on a loaded machine those stats finish milliseconds
 * apart: two files saved together could end up in two batches, and between the two the
 * program would run half old, half new code. A batch therefore also takes every watched file
 * the OS has reported so far (content hashes drop the ones that did not change).
 */
const osEventListeners = new Set<(file: string) => void>();

/**
 * Runs `fn` with `fs.watch` handing out unreferenced watchers: watching must not keep a
 * program alive that would otherwise exit. Watchpack creates its watchers synchronously
 * inside `watch()`, so the patch is in place only for that call. Returns the first error
 * that said the system's watcher limit is reached, if one did (watchpack would poll those
 * directories every 5 s and print its own error a tick later).
 */
function withUnrefWatchers(fn: () => void): NodeJS.ErrnoException | null {
  const original = fs.watch;
  let limitError: NodeJS.ErrnoException | null = null;
  fs.watch = function (this: unknown, ...args: Parameters<typeof fs.watch>) {
    let watcher: fs.FSWatcher;
    try {
      watcher = (original as (...a: unknown[]) => fs.FSWatcher).apply(this, args);
    } catch (error) {
      if (WATCHER_LIMIT_ERRORS.has((error as NodeJS.ErrnoException).code ?? ""))
        limitError ??= error as NodeJS.ErrnoException;
      throw error;
    }
    watcher.unref?.();
    const dir = String(args[0]);
    watcher.on("change", (_type: string, filename: string | Buffer | null) => {
      if (filename === null || osEventListeners.size === 0) return;
      const file = join(dir, filename.toString());
      for (const listener of osEventListeners) listener(file);
    });
    return watcher;
  } as typeof fs.watch;
  try {
    fn();
  } finally {
    fs.watch = original;
  }
  return limitError;
}

/** Watchpack's watcher managers that belong to chaud's watchers (each Watchpack has its own). */
const pollingManagers = new WeakSet<object>();
let pollTimersPatched = false;

/**
 * When polling (CHAUD_POLL, or the inotify limit reached), watchpack re-arms a timer after
 * each scan of a directory, and that timer would keep a program alive that has nothing else
 * to do. Unreference the timers of chaud's own watchers (watchpack's DirectoryWatcher arms
 * them in `onScanFinished`); other users of watchpack in the process are left alone. If a
 * watchpack version lacks that method, polling keeps the program alive, as it did before.
 */
function unrefPollTimers(watchpack: object): void {
  const manager = (watchpack as { watcherManager?: object }).watcherManager;
  if (manager) pollingManagers.add(manager);
  if (pollTimersPatched) return;
  pollTimersPatched = true;
  try {
    type DirectoryWatcher = { watcherManager?: object; timeout?: NodeJS.Timeout; onScanFinished(): void };
    const proto = (require("watchpack/lib/DirectoryWatcher") as { prototype: DirectoryWatcher }).prototype;
    const original = proto.onScanFinished;
    if (typeof original !== "function") return;
    proto.onScanFinished = function (this: DirectoryWatcher) {
      original.call(this);
      if (this.watcherManager && pollingManagers.has(this.watcherManager)) this.timeout?.unref?.();
    };
  } catch {
    // another layout of watchpack: polling keeps the program alive
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
  /**
   * Told of a watched file's first change in a burst, right after the burst window opens, so
   * the work a reload of it needs (compiling) can run while the window is still open. Returns
   * false when the file held nothing new (a late event of a save already applied): its next
   * event in the same burst is then told too.
   */
  onChangeSeen?(file: string): boolean;
  /** Poll instead of using inotify (network file systems): true every DEFAULT_POLL_INTERVAL ms, a number is the interval. */
  poll?: boolean | number;
  onBatch(changed: string[], deleted: string[]): void;
}

/** Says, once per watcher, that the inotify limit is reached and what chaud does about it. */
function warnWatcherLimit(error: NodeJS.ErrnoException, interval: number): void {
  warn(
    `the system's limit of file watchers is reached (${error.code}: ${error.message}); chaud polls for changes every ${interval} ms instead, which costs some CPU. ` +
      `Raise the limit (on Linux: sudo sysctl fs.inotify.max_user_watches=524288, and fs.inotify.max_user_instances), or set CHAUD_POLL=1 to poll from the start without this warning.`,
  );
}

/** Open watchers in this process, for tests that check nothing is left open. */
let openWatchers = 0;
export const openWatcherCount = (): number => openWatchers;

export function createWatcher(options: WatcherOptions): FileWatcher {
  return new Watcher(options);
}

class Watcher implements FileWatcher {
  private poll: number | undefined;
  private isClosed = false;
  private watched = new Set<string>();
  /** Files with events not yet handed over as a batch. */
  private readonly pending = new Set<string>();
  /** Watched files the OS reported an event for that watchpack may not have reported yet. */
  private readonly reportedByOs = new Set<string>();
  private osEventTimer: NodeJS.Timeout | undefined;
  /** Set while a batch with a missing file waits for it to come back. */
  private settleTimer: NodeJS.Timeout | undefined;
  private watchpack: InstanceType<typeof Watchpack>;
  /** Files already handed to onChangeSeen in the current burst. */
  private readonly seenThisBurst = new Set<string>();
  /**
   * Set when onChangeSeen ran during the window: the event loop was busy, and the OS may hold
   * events of the same burst that the loop has not read yet.
   */
  private busyDuringWindow = false;
  /** Set from watchpack's first event of a burst until its window closes ("aggregated"). */
  private windowOpen = false;

  constructor(private readonly options: WatcherOptions) {
    this.poll = options.poll === true ? DEFAULT_POLL_INTERVAL : options.poll || undefined;
    osEventListeners.add(this.onOsEvent);
    this.watchpack = this.start();
    openWatchers++;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  watch(files: Iterable<string>): void {
    if (this.isClosed) return;
    const next = new Set(files);
    if (next.size === this.watched.size && [...next].every((file) => this.watched.has(file))) return;
    this.watched = next;
    this.watchFiles();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    openWatchers--;
    clearTimeout(this.settleTimer);
    this.pending.clear();
    osEventListeners.delete(this.onOsEvent);
    clearTimeout(this.osEventTimer);
    this.reportedByOs.clear();
    this.watchpack.close();
  }

  private start(): InstanceType<typeof Watchpack> {
    const created = new Watchpack({
      aggregateTimeout: this.options.aggregateTimeout,
      ...(this.poll !== undefined ? { poll: this.poll } : {}),
      followSymlinks: false,
    });
    if (this.poll !== undefined) unrefPollTimers(created);
    const opensWindow = (): void => {
      if (created === this.watchpack) this.windowOpen = true;
    };
    created.on("change", opensWindow);
    created.on("remove", opensWindow);
    // Watchpack emits "change" just before it (re)arms its window timer, so what runs on the
    // next turn of the loop overlaps the window instead of delaying it.
    if (this.options.onChangeSeen)
      created.on("change", (file: string) => {
        if (this.isClosed || created !== this.watchpack || !this.watched.has(file) || this.seenThisBurst.has(file))
          return;
        this.seenThisBurst.add(file);
        setImmediate(() => {
          if (this.isClosed) return;
          this.busyDuringWindow = true;
          if (!this.options.onChangeSeen!(file)) this.seenThisBurst.delete(file);
        });
      });
    created.on("aggregated", (changes: Set<string>, removals: Set<string>) => {
      if (created === this.watchpack) this.windowOpen = false;
      if (!this.isClosed && created === this.watchpack) this.onAggregated([...changes, ...removals]);
    });
    return created;
  }

  private watchFiles(): void {
    // startTime: changes before now are not news; content hashes filter the rest.
    const startTime = Date.now();
    const limitError = withUnrefWatchers(() =>
      this.watchpack.watch({ files: this.watched, directories: [], missing: [], startTime }),
    );
    if (limitError === null || this.poll !== undefined) return;
    // Out of inotify watches: poll everything with a fresh Watchpack (closing this one also
    // drops the directory watchers that would have polled every 5 s and printed an error).
    this.watchpack.close();
    this.windowOpen = false;
    this.poll = DEFAULT_POLL_INTERVAL;
    this.watchpack = this.start();
    this.watchpack.watch({ files: this.watched, directories: [], missing: [], startTime });
    warnWatcherLimit(limitError, this.poll);
  }

  private onAggregated(files: string[]): void {
    for (const file of files) if (this.watched.has(file)) this.pending.add(file);
    // A watched file missing right now may be back in a moment: git checks a file out by
    // unlinking it and creating it anew, and on a loaded machine a burst can pause between
    // the two. Hold the batch until the files have been quiet for a while (further events
    // join it), so a checkout does not read as deletions; a real deletion is reported late.
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    if ([...this.pending].some((file) => !fs.existsSync(file)))
      this.settleTimer = setTimeout(() => this.flush(), REMOVAL_SETTLE_MS).unref();
    else if (this.busyDuringWindow) {
      // One more turn of the loop reads the OS events that arrived while it was busy (the rest
      // of a burst saved meanwhile), so they join this batch instead of making the next one.
      this.busyDuringWindow = false;
      setImmediate(() => this.flush());
    } else this.flush();
  }

  private readonly onOsEvent = (file: string): void => {
    if (!this.watched.has(file)) return;
    this.reportedByOs.add(file);
    // Watchpack reports a file only when its mtime moved since watchpack last stated it, and
    // a stat taken while a long write was running can already show the final mtime: the end
    // of that write is then never reported (a half-written read failed, the complete file
    // never reloads). OS events no watchpack report has taken along become a batch of their
    // own once they have been quiet for a moment (content hashes drop what did not change).
    clearTimeout(this.osEventTimer);
    this.osEventTimer = setTimeout(() => this.flushUnreported(), UNREPORTED_SETTLE_MS).unref();
  };

  private flushUnreported(): void {
    this.osEventTimer = undefined;
    // A batch waiting for a missing file to come back takes these along when it goes, and so
    // does the one whose window watchpack has open (a long aggregateTimeout is not cut short).
    if (this.reportedByOs.size > 0 && this.settleTimer === undefined && !this.windowOpen) this.flush();
  }

  /**
   * Hands over what happened to the pending files as one batch. An event describes the moment
   * it happened; the batch is about now: a file that exists is a change (its content decides,
   * and a directory in its place reads as unreadable), one that does not is deleted.
   */
  private flush(): void {
    this.settleTimer = undefined;
    this.seenThisBurst.clear();
    // The rest of the burst, already written but not yet stated by watchpack; a missing one
    // is left to watchpack's own report (which waits for it to come back).
    for (const file of this.reportedByOs) if (fs.existsSync(file)) this.pending.add(file);
    this.reportedByOs.clear();
    const files = [...this.pending].filter((file) => this.watched.has(file));
    this.pending.clear();
    if (this.isClosed || files.length === 0) return;
    const deleted = new Set(files.filter((file) => !fs.existsSync(file)));
    this.options.onBatch(
      files.filter((file) => !deleted.has(file)),
      [...deleted],
    );
  }
}

export interface TreeWatcherOptions {
  files: Iterable<string>;
  /** Watched with everything inside them, at any depth. */
  directories: Iterable<string>;
  /** Globs of paths not to watch (node_modules, .git). */
  ignored: string[];
  aggregateTimeout: number;
  /** Changes from this time on count (ms since the epoch; default: now). */
  since?: number;
  /** Files that changed, appeared or were deleted, after a burst. */
  onChange(files: string[]): void;
}

/**
 * Watches files and whole folders for the chaud command, which restarts the program on their
 * changes. Unlike the program's watcher, it keeps the process alive: the command waits for
 * changes while the program is down.
 */
export function watchTree(options: TreeWatcherOptions): { close(): void } {
  const watchpack = new Watchpack({
    aggregateTimeout: options.aggregateTimeout,
    followSymlinks: false,
    ignored: options.ignored,
  });
  // "aggregated" names a watched folder, not the file inside it that changed: collect the files.
  const changed = new Set<string>();
  const startTime = options.since ?? Date.now();
  watchpack.on("change", (file: string) => changed.add(file));
  watchpack.on("remove", (file: string) => changed.add(file));
  watchpack.on("aggregated", () => {
    // Watchpack also reports files written shortly before it started (its allowance for coarse
    // file system clocks): those are not changes.
    const files = [...changed].filter(
      (file) => (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) >= startTime,
    );
    changed.clear();
    if (files.length > 0) options.onChange(files);
  });
  watchpack.watch({ files: [...options.files], directories: [...options.directories], missing: [], startTime });
  return { close: () => watchpack.close() };
}
