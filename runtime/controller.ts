// The running chaud: one per process (kept on globalThis, so every copy of chaud shares it).
// It wires the workspace, the watcher, the module system and the reloader together, runs
// batches one at a time, and reports each one (log lines, `reload`/`error` events, waiters of
// `nextReload()`). Nothing on the watch/reload path throws into user code.

import { isMainThread } from "node:worker_threads";
import { log, warn } from "./logger";
import { createCommonJsModules } from "./modules/commonjs";
import type { ModuleSystem } from "./modules/module-system";
import { getRegistry } from "./registry/registry";
import { ContentHashes } from "./reload/content-hashes";
import { FileNotices } from "./reload/file-notices";
import { safely } from "./safely";
import type { ReloadOutcome } from "./reload/outcome";
import { Reloader } from "./reload/reloader";
import { describeNotice, describeOutcome, type ReportLine } from "./reload/report";
import { restartReason } from "./reload/restart-reason";
import { ReloadWaiters } from "./reload/reload-waiters";
import { RetainedNotice } from "./reload/retained-notice";
import { DEFAULT_POLL_INTERVAL, settings } from "./settings";
import { withoutEscapes } from "./watch/escapes";
import { StartLine } from "./watch/start-line";
import { pathMatcher } from "./watch/ignore";
import { WatchList } from "./watch/watch-list";
import { createWatcher, type FileWatcher } from "./watch/watcher";
import { findWorkspace, moduleFileOf, type Workspace } from "./watch/workspace";

export interface InitOptions {
  /** The program's entry module; default: the main module. */
  entry?: string;
  /** Quiet time in ms that ends a burst of saves; default 5 (or CHAUD_AGGREGATE_TIMEOUT). */
  aggregateTimeout?: number;
  /** Poll instead of using inotify (also `CHAUD_POLL=1`): true polls every 100 ms, a number is the interval in ms. */
  poll?: boolean | number;
  /** Compiles an entry module's new source keeping only its hot parts (set by chaud/register). */
  compileHotOnly?: (file: string) => string | null;
  /**
   * Compiles what a reload of `file` will need, while the burst window is still open; the
   * reload then finds it done (set by chaud/register). Errors are the reload's to report.
   */
  prepare?: (file: string) => void;
  /** The module system to reload through; default: Node's CommonJS (`require.cache`). For integrations (Jest). */
  moduleSystem?: ModuleSystem;
  /** Appended to the start line, e.g. what compiling cost at a cold start (set by chaud/register). */
  startupNote?: () => string | null;
  /** Told once the program has loaded (its start line is out): V8's compile cache is written then (set by chaud/register). */
  onStarted?: () => void;
  /** The chaud command running this program, which restarts it for a save it cannot apply (set by chaud/register). */
  supervisor?: Supervisor;
}

/** The chaud command, as the program it runs sees it. */
export interface Supervisor {
  /** This run is a restart: the start line is the supervisor's to print. */
  readonly restarted: boolean;
  /** A save this process cannot apply (`why` names the file): end this program and start it again. */
  restart(why: string): void;
  /**
   * Compiles the batch's files into the transform cache before the restart: this process has
   * Babel loaded already, and the restarted one then starts from cache hits alone.
   */
  prepareRestart?(files: string[]): void;
  /** The program has loaded (its start line is out). */
  started(): void;
}

export interface ReloadEvent {
  files: string[];
  /** Modules evaluated again. */
  modules: string[];
  /** Modules whose hot items took new bodies without an evaluation (module state kept). */
  inPlace: string[];
  /** Files whose top-level code changed but does not re-run (the entry): applied only by a restart. */
  topLevelChanged: string[];
  /** Changed files whose new code nothing running will call, with the first line the edit touched. */
  unreached: Array<{ file: string; line: number | null }>;
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

export class Controller {
  private readonly hashes = new ContentHashes();
  private readonly fileNotices = new FileNotices((file) => this.workspace.relative(file));
  private readonly watcher: FileWatcher;
  private readonly watchList: WatchList;
  private readonly startLine: StartLine;
  private readonly retainedNotice: RetainedNotice;
  private readonly reloader: Reloader;
  private readonly modules: ModuleSystem;
  readonly workspace: Workspace;
  private readonly undoLoadHook: () => void;
  private readonly waiters = new ReloadWaiters();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  committed = 0;
  failed = 0;

  constructor(
    readonly entry: string,
    readonly options: InitOptions,
    private readonly listeners: Listeners,
  ) {
    const environment = settings();
    this.workspace = findWorkspace(entry);
    // Without chaud/register nothing compiles hot-only code: other modules are evaluated
    // again instead, but the entry's top-level code must not re-run.
    const compileHotOnly =
      options.compileHotOnly ??
      ((file: string) => {
        if (file !== entry) return null;
        throw new Error(
          "the entry module's top-level code does not re-run; start the program with `chaud` or `-r chaud/register` to update its hot functions",
        );
      });
    this.modules = options.moduleSystem ?? createCommonJsModules({ compileHotOnly });
    this.reloader = new Reloader({ modules: this.modules, registry: getRegistry(), hashes: this.hashes, entry });
    const poll = options.poll === true ? DEFAULT_POLL_INTERVAL : options.poll || environment.poll;
    this.watcher = createWatcher({
      aggregateTimeout: options.aggregateTimeout ?? environment.aggregateTimeout,
      ...(poll !== undefined ? { poll } : {}),
      onBatch: (changed, deleted) => void this.runBatch(changed, deleted),
      ...(options.prepare ? { onChangeSeen: (file: string) => this.prepareAhead(file) } : {}),
    });
    if (poll !== undefined) log.debug(`polling for changes every ${poll} ms (inotify is not used)`);
    const { supervisor } = options;
    this.startLine = new StartLine(
      this.workspace,
      () => this.watchedFiles().length,
      options.startupNote,
      () => {
        supervisor?.started();
        options.onStarted?.();
      },
      // After a restart the command's `restarted in N ms` says it; in a worker thread, the main thread's line.
      supervisor?.restarted || !isMainThread ? "debug" : "info",
    );
    this.retainedNotice = new RetainedNotice(environment.retainedNotice);
    this.watchList = new WatchList(
      this.modules,
      this.workspace,
      this.watcher,
      this.hashes,
      () => this.startLine.schedule(),
      pathMatcher(environment.ignore ?? [], process.cwd()),
      (files) => void this.runBatch(files, []),
    );
    this.undoLoadHook = this.modules.watchLoads((file, began) => this.watchList.noteLoad(file, began));
    getRegistry().noticeListeners.add(this.onNotice);
    this.watchList.refresh();
    log.debug(
      `workspace (${this.workspace.kind}) at ${this.workspace.root}; watching the loaded files of ${this.workspace.watched.map((pkg) => `${pkg.name} (${pkg.dir})`).join(", ")}`,
    );
  }

  private readonly onNotice = (notice: Parameters<typeof describeNotice>[0]): void =>
    this.print([describeNotice(notice)]);

  /** Whether `file` held new content to prepare (see the watcher's onChangeSeen). */
  private prepareAhead(file: string): boolean {
    // Watchpack also reports files written just before it started, and `touch` changes nothing:
    // only new content is worth compiling.
    if (this.stopped || !this.modules.isLoaded(file) || this.hashes.matches(file)) return false;
    try {
      this.options.prepare!(file);
    } catch {
      // the reload compiles the file again and reports what is wrong with it
    }
    return true;
  }

  watchedFiles(): string[] {
    return this.watchList.files();
  }

  /** Prints the start line now if it has not been printed (the API's one-second fallback). */
  printStartLine(): void {
    if (!this.stopped) this.startLine.print();
  }

  retained(): { records: number; bytes: number } {
    return this.modules.retained?.() ?? { records: 0, bytes: 0 };
  }

  /**
   * One batch, start to finish; batches never overlap (an ESM reload awaits imports, and a
   * save can land meanwhile). Exceptions of chaud's own become a failed outcome.
   */
  runBatch(changed: string[], deleted: string[]): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.runNow(changed, deleted));
    this.queue = run.then(() => undefined);
    return run;
  }

  private async runNow(changed: string[], deleted: string[]): Promise<ReloadOutcome> {
    let outcome: ReloadOutcome;
    try {
      outcome = await this.reloader.run(withoutEscapes(changed, this.workspace), deleted);
    } catch (error) {
      outcome = { kind: "failed", files: changed, removed: deleted, file: changed[0] ?? "", error, ms: 0 };
    }
    this.watchList.refreshIfLoaded();
    this.publish(outcome);
    this.fileNotices.after(outcome);
    this.retainedNotice.check(this.modules.retained?.());
    return outcome;
  }

  /** Reloads the given files now (default: every watched file whose content changed). */
  reloadNow(paths?: string[]): Promise<ReloadOutcome> {
    return this.runBatch(paths ?? this.watchedFiles(), []);
  }

  nextReload(timeout?: number): Promise<ReloadOutcome> {
    return this.waiters.wait(timeout);
  }

  private publish(outcome: ReloadOutcome): void {
    const lines = describeOutcome(outcome, (file) => this.workspace.relative(file));
    const restart =
      this.options.supervisor &&
      restartReason(
        outcome,
        (file) => this.workspace.relative(file),
        (module) => moduleFileOf(this.workspace, module),
      );
    if (restart) {
      // The supervisor's `restarting: <why>` says what matters; the details stay at debug.
      this.print(lines.map((line) => (line.level === "info" ? { ...line, level: "debug" } : line)));
      const { supervisor } = this.options;
      if (outcome.kind === "reloaded" && supervisor!.prepareRestart)
        safely("chaud could not compile the changed files ahead of the restart", () =>
          supervisor!.prepareRestart!(outcome.files),
        );
      supervisor!.restart(restart);
    } else this.print(lines);
    if (outcome.kind === "reloaded") {
      this.committed++;
      const event: ReloadEvent = {
        files: outcome.files.map((file) => this.workspace.relative(file)),
        modules: outcome.reevaluated.map((item) => this.workspace.relative(item.file)),
        inPlace: outcome.inPlace.map((file) => this.workspace.relative(file)),
        topLevelChanged: outcome.topLevelChanged.map((file) => this.workspace.relative(file)),
        unreached: outcome.unreached.map((item) => ({ ...item, file: this.workspace.relative(item.file) })),
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
    if (outcome.kind === "reloaded" || outcome.kind === "failed") this.waiters.settle(outcome);
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
    this.waiters.stop();
    this.watchList.stop();
    this.startLine.stop();
    this.watcher.close();
    this.fileNotices.stop();
    this.undoLoadHook();
    getRegistry().noticeListeners.delete(this.onNotice);
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
