// The `chaud` entry: the runtime API.

export { init, on, nextReload, reload, status, epoch, stop, isRunning } from "./api";
export type { ErrorEvent, InitOptions, ReloadEvent, ReloadOutcome, Status } from "./api";
export { getRegistry, type CommitReport, type Notice } from "./registry/registry";
/** chaud's loglevel logger (named "chaud"): `logger.setLevel("debug")`. */
export { log as logger } from "./logger";
