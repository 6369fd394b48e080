// A job scheduler. Timers and the job table persist; the tick is hot, so a timer started
// before a reload runs the newest tick.

export interface Job {
  readonly name: string;
  everyMs: number;
  lastRun: number;
  run(): void | Promise<void>;
}

/* @chaud.persist */
const jobs = new Map<string, Job>();

/* @chaud.persist */
let timer: ReturnType<typeof setInterval> | undefined;

/* @chaud.persist */
var failures: Array<{ job: string; error: string; at: number }> = [];

/* @chaud.hot */
export async function tick(now = Date.now()): Promise<string[]> {
  const ran: string[] = [];
  for (const job of jobs.values()) {
    if (now - job.lastRun < job.everyMs) continue;
    job.lastRun = now;
    try {
      await job.run();
      ran.push(job.name);
    } catch (error) {
      failures = [...failures.slice(-99), { job: job.name, error: String(error), at: now }];
    }
  }
  return ran;
}

export function schedule(name: string, everyMs: number, run: Job["run"]): () => boolean {
  jobs.set(name, { name, everyMs, lastRun: 0, run });
  return () => jobs.delete(name);
}

export function start(intervalMs = 250): void {
  if (timer) return;
  timer = setInterval(() => void tick(), intervalMs);
  timer.unref?.();
}

/* @chaud.dispose */
export function stop(): void {
  if (timer) clearInterval(timer);
  timer = undefined;
}

export const recentFailures = () => failures.slice(-10);
