// The `chaud` entry: the runtime API. The watcher and reloader arrive with the runtime
// issue; today it exposes the registry the compiled code talks to.

export { getRegistry, type CommitReport, type Notice } from "./registry";
