// The types of `chaud/electron`'s API: the parts of Electron chaud uses, initElectron's
// options and the handle it returns.

import type { InitOptions } from "../../runtime/controller";

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
