// The start line, `hot reloading on: watching N files of <packages>`, printed once loading
// has paused, so its counts are complete. ES modules load asynchronously (and on Node 20 are
// reported by the loader thread), so it waits for the first watched file, or at most a second
// (the caller's fallback).

import { log } from "../logger";
import type { Workspace } from "./workspace";

/** Quiet time after the last load before the line is printed. */
const SETTLE_MS = 30;

export class StartLine {
  private printed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly workspace: Workspace,
    private readonly watchedCount: () => number,
    /** Appended to the line, e.g. what compiling cost at a cold start. */
    private readonly note: (() => string | null) | undefined,
    /** Told once the line is printed: the program has loaded. */
    private readonly onPrint: (() => void) | undefined = undefined,
    /** debug after a restart, where the chaud command's `restarted in N ms` says the same. */
    private readonly level: "info" | "debug" = "info",
  ) {}

  /** (Re)starts the wait after a load. */
  schedule(): void {
    if (this.printed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.print(), SETTLE_MS).unref();
  }

  print(): void {
    if (this.printed) return;
    this.printed = true;
    clearTimeout(this.timer);
    const packages = this.workspace.watched.map((pkg) => pkg.name).join(", ");
    const note = this.note?.();
    log[this.level](`hot reloading on: watching ${this.watchedCount()} files of ${packages}${note ? `; ${note}` : ""}`);
    this.onPrint?.();
  }

  /** Nothing is printed after stop. */
  stop(): void {
    this.printed = true;
    clearTimeout(this.timer);
  }
}
