// Callbacks chaud runs from the program's event loop (event listeners, watcher batches,
// Electron's window events) must never throw into the program: what they throw is a warning.

import { warn } from "./logger";

/** Runs `fn`; an error it throws becomes a warning that starts with `context`. */
export function safely(context: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    warn(`${context}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
