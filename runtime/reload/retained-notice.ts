// ES modules cannot be unloaded: each reload keeps its old module versions alive. Past a step
// (500 by default, CHAUD_RETAINED_NOTICE), and again at each multiple, one info line says how
// much is kept and suggests a restart.

import { log } from "../logger";

export class RetainedNotice {
  private nextAt: number;

  constructor(private readonly step: number) {
    this.nextAt = step;
  }

  /** Called after each batch with what the module system keeps alive. */
  check(retained: { records: number; bytes: number } | undefined): void {
    if (!retained || retained.records < this.nextAt) return;
    this.nextAt = (Math.floor(retained.records / this.step) + 1) * this.step;
    log.info(
      `ES module reloads have kept ${retained.records} old module versions (~${(retained.bytes / 1048576).toFixed(1)} MB of heap, estimated) alive; Node cannot unload them. Restart when convenient to free that memory.`,
    );
  }
}
