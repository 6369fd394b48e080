// `chaud/electron`: hot reloading in Electron's main process. One call starts chaud there,
// reloads the windows whose files changed (page, its local scripts and styles, preload),
// says what to do when the entry's top-level code changed (or relaunches, if asked), and
// stops watching on `will-quit`. Electron is required lazily, so `chaud` loads without it.

import { createRequire } from "node:module";
import { resolve } from "node:path";
import { init } from "../../runtime/api";
import type { InitOptions } from "../../runtime/controller";
import { isDirectory } from "../../runtime/fs";
import { configureLogger, log } from "../../runtime/logger";
import { safely } from "../../runtime/safely";
import type { ElectronHandle, ElectronModule, ElectronOptions } from "./types";
import { WindowReloads } from "./window-reloads";

export type { ElectronHandle, ElectronModule, ElectronOptions, ElectronWindow } from "./types";

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
  const reloads = new WindowReloads(electron, entry, options);
  return {
    trackWindow(window, files = {}) {
      safely("chaud/electron", () =>
        reloads.track(window, [...(files.preload ? [files.preload] : []), ...(files.files ?? [])]),
      );
    },
    stop: () => reloads.stop(),
  };
}
