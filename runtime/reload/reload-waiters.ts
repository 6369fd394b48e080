// Who waits for the next batch (`nextReload()`). chaud's watchers never keep a program alive
// on their own, so a program whose only pending work is `await nextReload()` would exit at
// once: while anyone waits, one referenced timer keeps the process alive.

import type { ReloadOutcome } from "./outcome";

interface Waiter {
  resolve(outcome: ReloadOutcome): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** The longest delay a Node timer takes; the keep-alive timer only needs to exist. */
const KEEP_ALIVE_MS = 2 ** 31 - 1;

export class ReloadWaiters {
  private readonly waiting = new Set<Waiter>();
  private keepAlive: NodeJS.Timeout | undefined;

  /** The next settled batch's outcome; rejects after `timeout` ms, or when chaud stops first. */
  wait(timeout: number | undefined): Promise<ReloadOutcome> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (timeout !== undefined) {
        waiter.timer = setTimeout(() => {
          this.remove(waiter);
          reject(new Error(`chaud: no reload within ${timeout} ms`));
        }, timeout);
      }
      this.waiting.add(waiter);
      this.keepAlive ??= setInterval(() => {}, KEEP_ALIVE_MS);
    });
  }

  /** A batch committed or failed: every waiter gets its outcome. */
  settle(outcome: ReloadOutcome): void {
    for (const waiter of [...this.waiting]) {
      this.remove(waiter);
      waiter.resolve(outcome);
    }
  }

  /** chaud stopped: no batch will come. */
  stop(): void {
    for (const waiter of [...this.waiting]) {
      this.remove(waiter);
      waiter.reject(new Error("chaud stopped before the next reload"));
    }
  }

  private remove(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiting.delete(waiter);
    if (this.waiting.size === 0) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }
}
