// Window reloads: which windows chaud knows of and which files each loads (its page, the
// page's local scripts and styles, what `trackWindow` declared), one watcher over all of them
// plus the entry, and what a batch of changes does: reload the windows that load a changed
// file, and report (or relaunch on) an edit of the entry's top-level code.

import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { on, stop as stopChaud } from "../../runtime/api";
import { DEFAULT_AGGREGATE_TIMEOUT } from "../../runtime/settings";
import { log } from "../../runtime/logger";
import { ContentHashes } from "../../runtime/reload/content-hashes";
import { safely } from "../../runtime/safely";
import { createWatcher, type FileWatcher } from "../../runtime/watch/watcher";
import { topLevelSignature } from "./top-level";
import type { ElectronModule, ElectronOptions, ElectronWindow } from "./types";
import { filesOfPage } from "./windows";

interface Tracked {
  window: ElectronWindow;
  /** Files learned from the page (its HTML, local scripts and styles). */
  page: Set<string>;
  /** Files given by `trackWindow` (preload and extras). */
  declared: Set<string>;
}

/** Started once chaud runs in Electron's main process; stops on `will-quit` or `stop()`. */
export class WindowReloads {
  private readonly tracked = new Map<number, Tracked>();
  private readonly hashes = new ContentHashes();
  private readonly watcher: FileWatcher;
  private readonly unsubscribe: () => void;
  private stopped = false;
  private entrySignature: string | null;

  constructor(
    private readonly electron: ElectronModule,
    private readonly entry: string,
    private readonly options: ElectronOptions,
  ) {
    this.entrySignature = signatureOf(entry);
    this.watcher = createWatcher({
      aggregateTimeout: options.aggregateTimeout ?? DEFAULT_AGGREGATE_TIMEOUT,
      ...(options.poll !== undefined ? { poll: options.poll } : {}),
      onBatch: (changed, removed) => safely("chaud/electron", () => this.onChanged([...changed, ...removed])),
    });
    // A reload of main-process modules can make a window's page different (a new URL): relearn.
    this.unsubscribe = on("reload", () => {
      for (const item of this.tracked.values()) safely("chaud/electron", () => this.learn(item));
    });
    electron.app.on("browser-window-created", (_event, window) => safely("chaud/electron", () => this.track(window)));
    electron.app.on("will-quit", () => this.stop());
    for (const window of electron.BrowserWindow.getAllWindows()) this.track(window);
    this.refresh();
  }

  /** Starts tracking `window` (once) with extra files it loads, and learns its page's files. */
  track(window: ElectronWindow, declared: string[] = []): void {
    let item = this.tracked.get(window.id);
    if (!item) {
      item = { window, page: new Set(), declared: new Set() };
      this.tracked.set(window.id, item);
      const current = item;
      window.webContents.on("did-finish-load", () => safely("chaud/electron", () => this.learn(current)));
    }
    for (const file of declared) item.declared.add(resolve(file));
    this.learn(item);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe();
    this.watcher.close();
    stopChaud();
  }

  /** Reads which files the window's page loads now; a closed window is forgotten. */
  private learn(item: Tracked): void {
    if (item.window.isDestroyed() || item.window.webContents.isDestroyed()) {
      this.tracked.delete(item.window.id);
    } else {
      item.page = new Set(filesOfPage(item.window.webContents.getURL()));
    }
    this.refresh();
  }

  /** Watches the entry, the `renderer` option's files and every tracked window's files. */
  private refresh(): void {
    if (this.stopped) return;
    const files = new Set([this.entry, ...this.rendererOptionFiles()]);
    for (const item of this.tracked.values()) for (const file of [...item.page, ...item.declared]) files.add(file);
    for (const file of files) this.hashes.remember(file);
    this.watcher.watch(files);
  }

  private rendererOptionFiles(): string[] {
    return [
      ...(this.options.renderer?.files ?? []).map((file) => resolve(file)),
      ...(this.options.renderer?.dirs ?? []).flatMap((dir) => filesUnder(resolve(dir))),
    ];
  }

  private onChanged(files: string[]): void {
    if (this.stopped) return;
    // As for modules: a save that left the content as it was (or a change the watcher's first
    // scan reports for a file written just before start) reloads nothing; nor does an empty file.
    const rendererFiles = files.filter(
      (file) => file !== this.entry && ["changed", "unreadable"].includes(this.hashes.check(file)),
    );
    if (rendererFiles.length > 0) this.reloadWindowsFor(rendererFiles);
    if (files.includes(this.entry)) this.entryChanged();
  }

  private reloadWindowsFor(files: string[]): void {
    const live = [...this.tracked.values()].filter(
      (item) => !item.window.isDestroyed() && !item.window.webContents.isDestroyed(),
    );
    const known = (item: Tracked, file: string): boolean => item.page.has(file) || item.declared.has(file);
    const targets = new Set<Tracked>();
    for (const file of files) {
      const users = live.filter((item) => known(item, file));
      // A declared renderer file no window is known to load: every window may load it.
      for (const item of users.length > 0 ? users : live) targets.add(item);
    }
    for (const item of targets) item.window.webContents.reloadIgnoringCache();
    if (targets.size > 0)
      log.info(
        `reloaded ${targets.size} window${targets.size === 1 ? "" : "s"} (${files.length} renderer file${files.length === 1 ? "" : "s"} changed)`,
      );
  }

  private entryChanged(): void {
    const signature = signatureOf(this.entry);
    if (signature === null || signature === this.entrySignature) return;
    this.entrySignature = signature;
    if (this.options.relaunch) {
      log.info("the main entry's top-level code changed: relaunching the app");
      this.stop();
      this.electron.app.relaunch();
      this.electron.app.exit(0);
      return;
    }
    log.info(
      "the main entry's top-level code changed; it does not re-run (only its hot functions updated). Restart the app to apply it, or pass `relaunch: true` to initElectron.",
    );
  }
}

function signatureOf(file: string): string | null {
  try {
    return topLevelSignature(file, readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .map((entry) => ({ entry, parent: entry.parentPath ?? (entry as { path?: string }).path ?? dir }))
      .filter(({ entry, parent }) => entry.isFile() && !parent.split(/[\\/]/).includes("node_modules"))
      .map(({ entry, parent }) => resolve(parent, entry.name));
  } catch {
    return [];
  }
}
