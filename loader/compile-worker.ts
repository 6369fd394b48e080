// A compile worker: of the cold start's pool (compile-pool.ts), it compiles the workspace files
// the main thread expects to `require` soon, the way the require hook would; as the reload
// compiler (reload-compiler.ts), the files a save changed. It posts the code back, and never
// prints or writes the cache: the main thread does both, so the output, the cache and the start
// line stay exactly those of a compile on the main thread.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { transformFile, warmUp } from "./transform";
import { createTransformCache, type TransformCache } from "./transform-cache";
import { CRASHED, DONE, QUEUED, STARTED, type WorkerData, type WorkerJob, type WorkerResult } from "./compile-pool";

// No stack traces in this thread: Babel's templates capture one at every build (for their own
// error messages), a tenth of a warm compile. A file that fails here is compiled again on the
// main thread, whose error the user sees.
Error.stackTraceLimit = 0;

const data = workerData as WorkerData;
const state = new Int32Array(data.state);
const port: MessagePort = data.port;
// Read-only use of the disk cache: a file the main thread will find there needs no compile.
const disk = createTransformCache({ cwd: data.cwd });
const jobs: WorkerJob[] = [];
let current = -1;
let scheduled = false;

// A worker that dies mid-compile says so, so that the main thread stops waiting and compiles
// the file itself.
process.on("exit", () => {
  if (current >= 0) {
    Atomics.store(state, current, CRASHED);
    Atomics.notify(state, current);
  }
});

function compile(job: WorkerJob): WorkerResult {
  let source: string;
  try {
    source = job.source ?? readFileSync(job.file, "utf8");
  } catch {
    return { id: job.id, file: job.file, source: null };
  }
  if (data.crashOn && job.file.endsWith(data.crashOn)) {
    // Tests only (CHAUD_INTERNAL_COMPILE_CRASH): an uncaught error ends the worker mid-compile.
    throw new Error("chaud test: compile worker crash");
  }
  let found: { key: string; code: string } | null = null;
  let ms = 0;
  let cached = false;
  // A cache that remembers what transformFile stores, for the main thread to store.
  const recorder: TransformCache = {
    dir: null,
    get: (key) => {
      const code = disk.get(key);
      cached = code !== undefined;
      return code;
    },
    set: (key, code) => (found = { key, code }),
    recordTransform: (took) => (ms = took),
    stats: () => disk.stats(),
    savePack: () => {}, // the main thread's cache keeps the pack
  };
  try {
    const started = performance.now();
    const result = transformFile(job.file, source, {
      cache: recorder,
      cwd: data.cwd,
      commonjs: job.commonjs,
      ...(job.hotOnly !== undefined ? { hotOnly: job.hotOnly } : {}),
      ...(job.mode !== undefined ? { mode: job.mode } : {}),
    });
    if (cached) return { id: job.id, file: job.file, source, cached: true };
    const entry = found as { key: string; code: string } | null;
    // A file handed back untouched (needsNoBabel) has no cache entry: the main thread does it.
    if (!entry) return { id: job.id, file: job.file, source: null };
    return {
      id: job.id,
      file: job.file,
      source,
      code: result.code,
      key: entry.key,
      ms: ms || performance.now() - started,
    };
  } catch {
    // The main thread compiles it again, so the error is thrown there exactly as without workers.
    return { id: job.id, file: job.file, source, failed: true };
  }
}

function next(): void {
  scheduled = false;
  const job = jobs.shift();
  if (!job) {
    rehearse();
    return;
  }
  const slot = job.id % state.length;
  // The main thread may have taken the job itself meanwhile.
  if (Atomics.compareExchange(state, slot, QUEUED, STARTED) === QUEUED) {
    current = slot;
    const result = compile(job);
    port.postMessage(result);
    current = -1;
    Atomics.store(state, slot, DONE);
    Atomics.notify(state, slot);
  }
  schedule();
}

// One job per turn of the event loop, so the jobs posted meanwhile arrive in between.
function schedule(): void {
  if (scheduled || (jobs.length === 0 && !rehearsing())) return;
  scheduled = true;
  setImmediate(next);
}

// The reload compiler's worker compiles the program's files while it has nothing else to do,
// until V8 has optimized Babel's code: a save is then compiled in a third of the time it takes
// Babel fresh from loading (each save comes seconds apart, so the saves alone never get there).
// The count is where that gain levels off (BENCHMARKS.md); the budget caps it on a busy machine.
const REHEARSALS = 150;
const REHEARSAL_BUDGET_MS = 5000;
let rehearsed = 0;
let rehearsalStarted = -1;

function rehearsing(): boolean {
  const files = data.rehearsal?.files ?? [];
  if (files.length === 0 || rehearsed >= REHEARSALS) return false;
  return rehearsalStarted < 0 || performance.now() - rehearsalStarted < REHEARSAL_BUDGET_MS;
}

function rehearse(): void {
  if (!rehearsing()) return;
  if (rehearsalStarted < 0) rehearsalStarted = performance.now();
  const { files, mode } = data.rehearsal!;
  const file = files[Math.floor(rehearsed / 2) % files.length]!;
  const hotOnly = rehearsed % 2 === 0;
  rehearsed++;
  try {
    transformFile(file, readFileSync(file, "utf8"), { cwd: data.cwd, commonjs: true, hotOnly, mode });
  } catch {
    // a file that does not compile (or is gone) rehearses nothing
  }
  schedule();
}

// Babel loads before the first job is taken: a job taken while Babel loads would keep the main
// thread waiting for it.
try {
  warmUp(data.warmUpFile, data.cwd);
} catch {
  // the first compile will fail the same way and leave its file to the main thread
}

parentPort!.on("message", (job: WorkerJob) => {
  jobs.push(job);
  schedule();
});
schedule();
