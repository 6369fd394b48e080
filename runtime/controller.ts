// The running chaud: one per process (kept on globalThis, so every copy of chaud shares it).
// It wires the workspace, the watcher, the CommonJS module system and the reloader, keeps the
// watch list in step with what the process has loaded, and reports each batch. Nothing on the
// watch/reload path throws into user code.

import { ContentHashes } from "./reload/content-hashes";
import { FileNotices } from "./reload/file-notices";
import { createCommonJsModules } from "./modules/commonjs";
import { complainIfWarningsHidden, configureLogger, log, warn } from "./logger";
import type { ModuleSystem } from "./modules/module-system";
import { getRegistry } from "./registry/registry";
import { safely } from "./safely";
import type { ReloadOutcome } from "./reload/outcome";
import { describeNotice, describeOutcome, type ReportLine } from "./reload/report";
import { Reloader } from "./reload/reloader";
import { createWatcher, DEFAULT_POLL_INTERVAL, type FileWatcher } from "./watch/watcher";
import { findWorkspace, type Workspace } from "./watch/workspace";

export interface InitOptions {
  /** The program's entry module; default: the main module. */
  entry?: string;
  /** Quiet time in ms that ends a burst of saves; default 5 (or CHAUD_AGGREGATE_TIMEOUT). */
  aggregateTimeout?: number;
  /** Poll instead of using inotify (also `CHAUD_POLL=1`): true polls every 100 ms, a number is the interval in ms. */
  poll?: boolean | number;
  /** Compiles an entry module's new source keeping only its hot parts (set by chaud/register). */
  compileHotOnly?: (file: string) => string | null;
  /** The module system to reload through; default: Node's CommonJS (`require.cache`). For integrations (Jest). */
  moduleSystem?: ModuleSystem;
  /** Appended to the start line, e.g. what compiling cost at a cold start (set by chaud/register). */
  startupNote?: () => string | null;
}

export { DEFAULT_POLL_INTERVAL };

/** CHAUD_POLL=1 (or true): poll every 100 ms; CHAUD_POLL=<ms>: that interval; else inotify. */
function pollFromEnvironment(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (value === "1" || value.toLowerCase() === "true") return DEFAULT_POLL_INTERVAL;
  const interval = Number(value);
  return Number.isFinite(interval) && interval > 1 ? interval : undefined;
}

/** Old ESM versions kept alive past which chaud suggests a restart (and again at each multiple). */
export const RETAINED_RECORDS_NOTICE = 500;

export interface ReloadEvent {
  files: string[];
  modules: string[];
  hotUpdated: number;
  ms: number;
  epoch: number;
  outcome: ReloadOutcome;
}

export interface ErrorEvent {
  file: string;
  error: unknown;
  files: string[];
  outcome: ReloadOutcome;
}

interface Listeners {
  reload: Set<(event: ReloadEvent) => void>;
  error: Set<(event: ErrorEvent) => void>;
}

/**
 * Quiet time that ends a burst of saves. An in-place save is two events (truncate, write)
 * well under a millisecond apart, an editor's write-and-rename likewise. Files saved together
 * (a checkout, a tool writing several files) must land in one batch, or the program runs half
 * old, half new code between two batches: with the watcher also taking files the OS reported
 * before watchpack did (watcher.ts), 5 ms split none of 80 two-file bursts on a 2-core machine
 * with both cores busy, where 2 ms split 4 (bench/http-load.js); it costs ~3 ms per save.
 */
export const DEFAULT_AGGREGATE_TIMEOUT = 5;

/** CHAUD_AGGREGATE_TIMEOUT=<ms>: a longer quiet time, for slow disks or tools that pause between files. */
function aggregateFromEnvironment(value: string | undefined): number | undefined {
  const ms = Number(value);
  return value && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export class Controller {
  private readonly hashes = new ContentHashes();
  private readonly fileNotices = new FileNotices((file) => this.workspace.relative(file));
  private readonly watcher: FileWatcher;
  private readonly reloader: Reloader;
  private readonly modules: ModuleSystem;
  readonly workspace: Workspace;
  private readonly undoLoadHook: () => void;
  private waiters: Array<(outcome: ReloadOutcome) => void> = [];
  private refreshScheduled = false;
  private announced = false;
  private announceTimer: NodeJS.Timeout | undefined;
  /** CHAUD_RETAINED_NOTICE overrides the step (tests, and programs that reload very often). */
  private readonly retainedStep = Math.max(1, Number(process.env["CHAUD_RETAINED_NOTICE"]) || RETAINED_RECORDS_NOTICE);
  private retainedNoticeAt = this.retainedStep;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  committed = 0;
  failed = 0;

  constructor(
    readonly entry: string,
    readonly options: InitOptions,
    private readonly listeners: Listeners,
  ) {
    this.workspace = findWorkspace(entry);
    const compileHotOnly =
      options.compileHotOnly ??
      (() => {
        throw new Error(
          "the entry module's top-level code does not re-run; start the program with `chaud` or `-r chaud/register` to update its hot functions",
        );
      });
    this.modules = options.moduleSystem ?? createCommonJsModules({ compileHotOnly });
    this.reloader = new Reloader({ modules: this.modules, registry: getRegistry(), hashes: this.hashes, entry });
    const poll =
      options.poll === true ? DEFAULT_POLL_INTERVAL : options.poll || pollFromEnvironment(process.env["CHAUD_POLL"]);
    this.watcher = createWatcher({
      aggregateTimeout:
        options.aggregateTimeout ??
        aggregateFromEnvironment(process.env["CHAUD_AGGREGATE_TIMEOUT"]) ??
        DEFAULT_AGGREGATE_TIMEOUT,
      ...(poll !== undefined ? { poll } : {}),
      onBatch: (changed, removed) => void this.runBatch(changed, removed),
    });
    if (poll !== undefined) log.debug(`polling for changes every ${poll} ms (inotify is not used)`);
    this.undoLoadHook = this.modules.watchLoads(() => this.scheduleRefresh());
    getRegistry().noticeListeners.add(this.onNotice);
    this.refreshWatchList();
    log.debug(
      `workspace (${this.workspace.kind}) at ${this.workspace.root}; watching the loaded files of ${this.workspace.watched.map((pkg) => `${pkg.name} (${pkg.dir})`).join(", ")}`,
    );
  }

  private readonly onNotice = (notice: Parameters<typeof describeNotice>[0]): void =>
    this.print([describeNotice(notice)]);

  /** Whether each loaded file may be watched, decided once per file (it resolves symlinks). */
  private readonly watchable = new Map<string, boolean>();

  watchedFiles(): string[] {
    return this.modules.loadedFiles().filter((file) => {
      let decision = this.watchable.get(file);
      if (decision === undefined) this.watchable.set(file, (decision = this.workspace.isWatchable(file)));
      return decision;
    });
  }

  /** Watches what the process has loaded now: called after loads and after each batch. */
  private refreshWatchList(): void {
    this.refreshScheduled = false;
    if (this.stopped) return;
    const files = this.watchedFiles();
    for (const file of files) this.hashes.remember(file);
    this.watcher.watch(files);
    if (files.length > 0) this.scheduleAnnouncement();
  }

  /** Announces once loading has paused for a moment, so the counts are complete. */
  private scheduleAnnouncement(): void {
    if (this.announced) return;
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => this.announce(), 30).unref();
  }

  /**
   * The start line: what is watched. ES modules load asynchronously (and on Node 20 are
   * reported by the loader thread), so it waits for the first watched file, or a second.
   */
  announce(): void {
    if (this.announced || this.stopped) return;
    this.announced = true;
    const packages = this.workspace.watched.map((pkg) => pkg.name).join(", ");
    const note = this.options.startupNote?.();
    log.info(`hot reloading on: watching ${this.watchedFiles().length} files of ${packages}${note ? `; ${note}` : ""}`);
  }

  private noticeRetained(): void {
    const retained = this.modules.retained?.();
    if (!retained || retained.records < this.retainedNoticeAt) return;
    this.retainedNoticeAt = (Math.floor(retained.records / this.retainedStep) + 1) * this.retainedStep;
    log.info(
      `ES module reloads have kept ${retained.records} old module versions (~${(retained.bytes / 1048576).toFixed(1)} MB of code) alive; Node cannot unload them. Restart when convenient to free that memory.`,
    );
  }

  retained(): { records: number; bytes: number } {
    return this.modules.retained?.() ?? { records: 0, bytes: 0 };
  }

  private scheduleRefresh(): void {
    if (this.refreshScheduled || this.stopped) return;
    this.refreshScheduled = true;
    setImmediate(() => this.refreshWatchList()).unref();
  }

  /**
   * One batch, start to finish; batches never overlap (an ESM reload awaits imports, and a
   * save can land meanwhile). Exceptions of chaud's own become a failed outcome.
   */
  runBatch(changed: string[], removed: string[]): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.runNow(changed, removed));
    this.queue = run.then(() => undefined);
    return run;
  }

  private async runNow(changed: string[], removed: string[]): Promise<ReloadOutcome> {
    let outcome: ReloadOutcome;
    try {
      outcome = await this.reloader.run(this.refuseEscapes(changed), removed);
    } catch (error) {
      outcome = { kind: "failed", files: changed, removed, file: changed[0] ?? "", error, ms: 0 };
    }
    this.refreshWatchList();
    this.publish(outcome);
    this.fileNotices.after(outcome);
    this.noticeRetained();
    return outcome;
  }

  /**
   * Leaves out changed files that now lead outside the watched packages (a symlink to another
   * folder or into node_modules saved over a watched file): their content is never loaded, and
   * the version loaded before keeps running (SPEC 7).
   */
  private refuseEscapes(changed: string[]): string[] {
    return changed.filter((file) => {
      const target = this.workspace.escapesTo(file);
      if (target === null) return true;
      warn(
        `${this.workspace.relative(file)} now leads to ${target}, outside the watched packages: not reloaded; the version loaded before keeps running.`,
      );
      return false;
    });
  }

  /** Reloads the given files now (default: every watched file whose content changed). */
  reloadNow(paths?: string[]): Promise<ReloadOutcome> {
    return this.runBatch(paths ?? this.watchedFiles(), []);
  }

  nextReload(): Promise<ReloadOutcome> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private publish(outcome: ReloadOutcome): void {
    this.print(describeOutcome(outcome, (file) => this.workspace.relative(file)));
    if (outcome.kind === "reloaded") {
      this.committed++;
      const event: ReloadEvent = {
        files: outcome.files.map((file) => this.workspace.relative(file)),
        modules: outcome.reevaluated.map((item) => this.workspace.relative(item.file)),
        hotUpdated: outcome.hotUpdated.length + outcome.classesUpdated.length,
        ms: outcome.ms,
        epoch: this.committed,
        outcome,
      };
      for (const listener of this.listeners.reload) safely("a chaud event listener threw", () => listener(event));
    } else if (outcome.kind === "failed") {
      this.failed++;
      const event: ErrorEvent = {
        file: this.workspace.relative(outcome.file),
        error: outcome.error,
        files: outcome.files.map((file) => this.workspace.relative(file)),
        outcome,
      };
      for (const listener of this.listeners.error) safely("a chaud event listener threw", () => listener(event));
    }
    if (outcome.kind === "reloaded" || outcome.kind === "failed") {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve(outcome);
    }
  }

  private print(lines: ReportLine[]): void {
    for (const line of lines) {
      if (line.level === "warn") warn(line.text);
      else log[line.level](line.text);
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher.close();
    this.fileNotices.stop();
    this.undoLoadHook();
    getRegistry().noticeListeners.delete(this.onNotice);
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}

export { configureLogger, complainIfWarningsHidden };
