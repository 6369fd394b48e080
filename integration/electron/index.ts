// `chaud/electron`: hot reloading in Electron's main process. One call starts chaud there,
// reloads the windows whose files changed (page, its local scripts and styles, preload),
// says what to do when the entry's top-level code changed (or relaunches, if asked), and
// stops watching on `will-quit`. Electron is required lazily, so `chaud` loads without it.

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { init, on, stop as stopChaud } from "../../runtime/api";
import { DEFAULT_AGGREGATE_TIMEOUT, type InitOptions } from "../../runtime/controller";
import { isDirectory } from "../../runtime/fs";
import { configureLogger, log } from "../../runtime/logger";
import { ContentHashes } from "../../runtime/reload/content-hashes";
import { safely } from "../../runtime/safely";
import { createWatcher, type FileWatcher } from "../../runtime/watch/watcher";
import { topLevelSignature } from "./top-level";
import { filesOfPage } from "./windows";

/** The part of a `BrowserWindow` chaud uses (Electron's own type fits it). */
export interface ElectronWindow {
  readonly id: number;
  readonly webContents: {
    getURL(): string;
    reloadIgnoringCache(): void;
    isDestroyed(): boolean;
    on(event: "did-finish-load", listener: () => void): unknown;
  };
  isDestroyed(): boolean;
}

/** The part of the `electron` module chaud uses (`typeof import("electron")` fits it). */
export interface ElectronModule {
  app: {
    on(event: "will-quit", listener: () => void): unknown;
    on(event: "browser-window-created", listener: (event: unknown, window: ElectronWindow) => void): unknown;
    relaunch(): void;
    exit(exitCode?: number): void;
  };
  BrowserWindow: { getAllWindows(): ElectronWindow[] };
}

export interface ElectronOptions extends InitOptions {
  /**
   * Files the renderers load that chaud cannot learn from the windows (modules a page script
   * imports, a bundle, a preload used by windows you did not `trackWindow`). A change to one
   * of them reloads every window, unless chaud knows which windows load it.
   */
  renderer?: { files?: string[]; dirs?: string[] };
  /** On an edit of the entry's top-level code, restart the app (`app.relaunch()` + `app.exit()`) instead of logging. */
  relaunch?: boolean;
  /** The `electron` module; default: required from the entry's folder when `initElectron` runs. */
  electron?: ElectronModule;
}

export interface ElectronHandle {
  /** Tells chaud which preload script (and extra files) a window loads: their edits reload it. */
  trackWindow(window: ElectronWindow, files?: { preload?: string; files?: string[] }): void;
  /** Stops watching (done on `will-quit`). */
  stop(): void;
}

interface Tracked {
  window: ElectronWindow;
  /** Files learned from the page (its HTML, local scripts and styles). */
  page: Set<string>;
  /** Files given by `trackWindow` (preload and extras). */
  declared: Set<string>;
}

const NOOP_HANDLE: ElectronHandle = { trackWindow() {}, stop() {} };

/** Starts chaud in Electron's main process and reloads windows whose renderer files change. */
export function initElectron(options: ElectronOptions = {}): ElectronHandle {
  configureLogger();
  if (!process.versions["electron"]) {
    log.info(
      "chaud/electron: not running in Electron (process.versions.electron is not set); starting plain chaud, no windows to reload",
    );
    init(withoutElectronOptions(options));
    return NOOP_HANDLE;
  }
  const entry = options.entry ?? mainEntry();
  let electron: ElectronModule;
  try {
    electron = options.electron ?? (createRequire(entry)("electron") as ElectronModule);
  } catch (error) {
    log.error(
      `chaud/electron could not load "electron": ${error instanceof Error ? error.message : String(error)}. Windows will not reload.`,
    );
    init({ ...withoutElectronOptions(options), entry });
    return NOOP_HANDLE;
  }
  init({ ...withoutElectronOptions(options), entry });
  return startWindowReloads(electron, entry, options);
}

function withoutElectronOptions(options: ElectronOptions): InitOptions {
  const { renderer: _renderer, relaunch: _relaunch, electron: _electron, ...rest } = options;
  return rest;
}

/**
 * The main script: CommonJS mains are `require.main`; an ESM main (no `require.main`) is
 * `process.argv[1]`, which under `electron .` is the app folder, whose package.json names it.
 */
function mainEntry(): string {
  if (require.main?.filename) return require.main.filename;
  const argument = resolve(process.argv[1] ?? ".");
  if (!isDirectory(argument)) return argument;
  try {
    return require.resolve(argument);
  } catch {
    return argument; // no resolvable main: use the argument as it is
  }
}

function startWindowReloads(electron: ElectronModule, entry: string, options: ElectronOptions): ElectronHandle {
  const tracked = new Map<number, Tracked>();
  const hashes = new ContentHashes();
  let stopped = false;
  let entrySignature = signatureOf(entry);

  const userFiles = (): string[] => [
    ...(options.renderer?.files ?? []).map((file) => resolve(file)),
    ...(options.renderer?.dirs ?? []).flatMap((dir) => filesUnder(resolve(dir))),
  ];

  const watcher: FileWatcher = createWatcher({
    aggregateTimeout: options.aggregateTimeout ?? DEFAULT_AGGREGATE_TIMEOUT,
    ...(options.poll !== undefined ? { poll: options.poll } : {}),
    onBatch: (changed, removed) => safely("chaud/electron", () => onChanged([...changed, ...removed])),
  });

  const refresh = (): void => {
    if (stopped) return;
    const files = new Set([entry, ...userFiles()]);
    for (const item of tracked.values()) for (const file of [...item.page, ...item.declared]) files.add(file);
    for (const file of files) hashes.remember(file);
    watcher.watch(files);
  };

  const learn = (item: Tracked): void => {
    if (item.window.isDestroyed() || item.window.webContents.isDestroyed()) {
      tracked.delete(item.window.id);
    } else {
      item.page = new Set(filesOfPage(item.window.webContents.getURL()));
    }
    refresh();
  };

  const track = (window: ElectronWindow, declared: string[] = []): void => {
    let item = tracked.get(window.id);
    if (!item) {
      item = { window, page: new Set(), declared: new Set() };
      tracked.set(window.id, item);
      const current = item;
      window.webContents.on("did-finish-load", () => safely("chaud/electron", () => learn(current)));
    }
    for (const file of declared) item.declared.add(resolve(file));
    learn(item);
  };

  const onChanged = (files: string[]): void => {
    if (stopped) return;
    // As for modules: a save that left the content as it was (or a change the watcher's first
    // scan reports for a file written just before start) reloads nothing; nor does an empty file.
    const rendererFiles = files.filter(
      (file) => file !== entry && ["changed", "unreadable"].includes(hashes.check(file)),
    );
    if (rendererFiles.length > 0) reloadWindowsFor(rendererFiles);
    if (files.includes(entry)) entryChanged();
  };

  const reloadWindowsFor = (files: string[]): void => {
    const live = [...tracked.values()].filter(
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
  };

  const entryChanged = (): void => {
    const signature = signatureOf(entry);
    if (signature === null || signature === entrySignature) return;
    entrySignature = signature;
    if (options.relaunch) {
      log.info("the main entry's top-level code changed: relaunching the app");
      stop();
      electron.app.relaunch();
      electron.app.exit(0);
      return;
    }
    log.info(
      "the main entry's top-level code changed; it does not re-run (only its hot functions updated). Restart the app to apply it, or pass `relaunch: true` to initElectron.",
    );
  };

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    watcher.close();
    stopChaud();
  };

  // A reload of main-process modules can make a window's page different (a new URL): relearn.
  const unsubscribe = on("reload", () => {
    for (const item of tracked.values()) safely("chaud/electron", () => learn(item));
  });
  electron.app.on("browser-window-created", (_event, window) => safely("chaud/electron", () => track(window)));
  electron.app.on("will-quit", () => stop());
  for (const window of electron.BrowserWindow.getAllWindows()) track(window);
  refresh();

  return {
    trackWindow(window, files = {}) {
      safely("chaud/electron", () =>
        track(window, [...(files.preload ? [files.preload] : []), ...(files.files ?? [])]),
      );
    },
    stop,
  };
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
