// Compiles a cold start's files in parallel: worker threads (compile-worker.ts) compile the
// files the main thread is about to `require`, found by reading the import specifiers of each
// file it compiles, while the main thread compiles and runs the others.
//
// The main thread's `require` is synchronous, so it never waits on the event loop: it reads
// the workers' results with `receiveMessageOnPort`, and waits for a file a worker is in the
// middle of with `Atomics.wait` on that job's slot of a SharedArrayBuffer. A job a worker has
// not started yet is taken back (compare-and-swap on the slot) and compiled on the main
// thread. Whatever goes wrong in a worker (a compile error, a crash, a file changed since)
// leaves the file to the main thread, which then compiles it exactly as without workers.

import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { Mode } from "../runtime/settings";

/** Set in a compile worker's environment: chaud/register does nothing there. */
export const COMPILE_WORKER_ENV = "CHAUD_INTERNAL_COMPILE_WORKER";

/** A job's slot in the shared state. */
export const QUEUED = 0;
export const STARTED = 1;
export const DONE = 2;
/** Taken back by the main thread before the worker started it. */
export const TAKEN = 3;
/** Its worker died while compiling it. */
export const CRASHED = 4;

export interface WorkerData {
  cwd: string;
  /** A file like those to compile, to load Babel and its plugins for before the first job. */
  warmUpFile: string;
  state: SharedArrayBuffer;
  port: MessagePort;
  /** Tests only: crash while compiling the file whose path ends so. */
  crashOn?: string;
  /**
   * Files to compile over and over while no job waits (reload-compiler.ts), so that V8 has
   * optimized Babel's code before the first save needs it; in this mode.
   */
  rehearsal?: { files: string[]; mode: Mode };
}

export interface WorkerJob {
  /** Its slot in the shared state is `id` modulo the state's length. */
  id: number;
  file: string;
  /** As transformFile's option: true for a file being `require`d, false for an ES module. */
  commonjs: boolean;
  /** As transformFile's options (a reload's compile); absent: a whole file, in the settings' mode. */
  hotOnly?: boolean;
  mode?: Mode;
  /** The text to compile; absent: the file's, read when the job starts. */
  source?: string;
}

/**
 * A worker's answer: `code` (with the cache entry's key and the compile's ms), or none when the
 * main thread should compile the file (`source` null: unreadable, or not compiled by Babel;
 * `cached`: the cache has it; `failed`: the compile threw).
 */
export interface WorkerResult {
  id: number;
  file: string;
  source: string | null;
  code?: string;
  key?: string;
  ms?: number;
  cached?: true;
  failed?: true;
}

/** What a worker compiled for a file: its code, and the cache entry the main thread stores. */
export interface Compiled {
  code: string;
  key: string;
  ms: number;
}

export interface CompilePoolOptions {
  /** Babel's cwd (the workspace root), as the main thread's transform uses it. */
  cwd: string;
  /** A file like those to compile (the worker loads Babel and its plugins for it first). */
  warmUpFile: string;
  /** Worker threads; default: one per core beyond the main thread's, at least 1, at most 3. */
  size?: number;
  /** How long the main thread waits for a job a worker started before it compiles the file itself. */
  waitMs?: number;
  /**
   * false: the main thread waits for a job handed to a worker even before the worker starts it
   * (tests: which thread compiles a file handed out is then certain). Default true.
   */
  takeBack?: boolean;
  crashOn?: string;
  /** The files `file` (whose text is `source`) will require: a worker's result queues them for the workers. */
  importsOf?: (file: string, source: string) => string[];
}

/** Slots for this many jobs (the pool stops taking jobs beyond them). */
const CAPACITY = 1 << 16;
/** Jobs posted to a worker at once: the next one is there when it finishes, and few enough to take back. */
const IN_FLIGHT = 2;

export interface Slot {
  worker: Worker;
  port: MessagePort;
  inFlight: number;
  alive: boolean;
}

interface Job {
  id: number;
  file: string;
  slot: Slot | null;
  result: WorkerResult | null;
}

/** Starts one worker thread: unref'd, its output kept away from the program's. */
export function startWorker(
  options: Pick<CompilePoolOptions, "cwd" | "warmUpFile" | "crashOn"> & Pick<WorkerData, "rehearsal">,
  state: Int32Array,
): Slot {
  const { port1, port2 } = new MessageChannel();
  const data: WorkerData = {
    cwd: options.cwd,
    warmUpFile: options.warmUpFile,
    state: state.buffer as SharedArrayBuffer,
    port: port2,
    ...(options.crashOn ? { crashOn: options.crashOn } : {}),
    ...(options.rehearsal ? { rehearsal: options.rehearsal } : {}),
  };
  // stdout/stderr: true keeps whatever a worker might print away from the program's output.
  // No `-r`/`--import chaud/register` of the program's (execArgv), and a register that a
  // NODE_OPTIONS preload still runs stands down (COMPILE_WORKER_ENV): a worker only compiles.
  const worker = new Worker(join(__dirname, "compile-worker.js"), {
    workerData: data,
    transferList: [port2],
    stdout: true,
    stderr: true,
    execArgv: [],
    env: { ...process.env, [COMPILE_WORKER_ENV]: "1" },
  });
  const slot: Slot = { worker, port: port1, inFlight: 0, alive: true };
  worker.on("error", () => (slot.alive = false));
  worker.on("exit", () => (slot.alive = false));
  worker.unref();
  port1.unref();
  return slot;
}

/**
 * One worker per core left idle by the machine's load (`busy`: how many cores other work keeps
 * busy), at most 3 and never the main thread's core. On a machine that is already busy, workers
 * only add work: Babel loaded once more, and its garbage collection. (Measured: with the load
 * average at 9 on 2 cores, a 1000-file cold start with a worker was 5% slower than without.)
 */
export function defaultPoolSize(cores = availableParallelism(), busy = loadavg()[0] ?? 0): number {
  return Math.max(0, Math.min(3, cores - 1, Math.floor(cores - busy)));
}

/** The machine's CPU time so far, all its CPUs (ms), how much of it was idle, and how many CPUs. */
export interface CpuSample {
  idle: number;
  total: number;
  cpus: number;
}

export function sampleCpu(): CpuSample | null {
  let idle = 0;
  let total = 0;
  const all = cpus();
  for (const { times } of all) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return total > 0 ? { idle, total, cpus: all.length } : null;
}

/** Less CPU time than this per CPU between two samples says too little (the counters tick every 10 ms). */
const MIN_SAMPLED_MS_PER_CPU = 50;

/**
 * How many CPUs other work kept busy between `since` and `now`, while this thread was busy
 * compiling (its own is left out); null when the samples say too little, where the load
 * average is the next best guess. The load average lags by a minute: right after a build it
 * says busy on an idle machine, and the other way round.
 */
export function busyCoresSince(since: CpuSample | null, now: CpuSample | null): number | null {
  if (since === null || now === null || now.total - since.total < MIN_SAMPLED_MS_PER_CPU * now.cpus) return null;
  const busyShare = 1 - (now.idle - since.idle) / (now.total - since.total);
  return Math.max(0, busyShare * now.cpus - 1);
}

/**
 * A cold start's pool size, decided when the pool starts: `fixed` (chaud's tests set it), or
 * one worker per CPU the machine left idle since this call, while the first files compiled.
 */
export function poolSizeWhenStarted(fixed: number | null): () => number {
  if (fixed !== null) return () => fixed;
  const since = sampleCpu();
  return () => defaultPoolSize(undefined, busyCoresSince(since, sampleCpu()) ?? undefined);
}

export class CompilePool {
  private readonly state = new Int32Array(new SharedArrayBuffer(CAPACITY * 4));
  private readonly slots: Slot[] = [];
  /** Jobs the main thread has not asked for yet, by file. */
  private readonly jobs = new Map<string, Job>();
  /** Jobs a worker may still answer, by id. */
  private readonly byId = new Map<number, Job>();
  /** Files known to the pool (every file prefetched, taken or not), so each is queued once. */
  private readonly seen = new Set<string>();
  /** Jobs not yet posted to a worker, oldest first: the main thread needs the newest first. */
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  private readonly waitMs: number;
  private readonly takeBack: boolean;
  private readonly importsOf: CompilePoolOptions["importsOf"];
  /** How the main thread's asks went (for chaud's debug line and benchmarks). */
  readonly counts = { fromWorker: 0, takenBack: 0, notQueued: 0, waits: 0, waitedMs: 0, lost: 0, failed: 0 };

  constructor(options: CompilePoolOptions) {
    this.waitMs = options.waitMs ?? 10_000;
    this.takeBack = options.takeBack ?? true;
    this.importsOf = options.importsOf;
    const size = options.size ?? defaultPoolSize();
    for (let i = 0; i < size; i++) {
      const slot = startWorker(options, this.state);
      this.slots.push(slot);
    }
  }

  /** Files waiting or being compiled by the workers (for the progress line). */
  get pending(): number {
    return this.jobs.size;
  }

  /**
   * Hands `files` to the workers, ahead of their `require`; files already seen are skipped.
   * The queue works like a work-stealing deque: the main thread requires depth first, so it
   * needs the files it queued last first, and the workers take the oldest; the imports of a
   * file a worker compiled go to the workers' end (`forWorkers`), so a worker stays on the
   * part of the import graph the main thread reaches last.
   */
  prefetch(files: readonly string[], forWorkers = false): void {
    if (this.closed) return;
    const added: Job[] = [];
    for (const file of files) {
      if (this.seen.has(file) || this.nextId >= CAPACITY) continue;
      this.seen.add(file);
      const job: Job = { id: this.nextId++, file, slot: null, result: null };
      this.jobs.set(file, job);
      this.byId.set(job.id, job);
      added.push(job);
    }
    if (forWorkers) this.queue.unshift(...added);
    else this.queue.push(...added);
    this.dispatch();
  }

  /**
   * A worker's compile of `file` whose text is `source`, waiting for it if a worker is on it;
   * null when the main thread should compile the file itself.
   */
  take(file: string, source: string): Compiled | null {
    this.seen.add(file);
    const job = this.jobs.get(file);
    if (!job) return null;
    this.jobs.delete(file);
    this.drain();
    if (job.slot === null) {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.byId.delete(job.id);
      this.counts.notQueued++;
      return null;
    }
    if (this.takeBack && job.result === null && Atomics.compareExchange(this.state, job.id, QUEUED, TAKEN) === QUEUED) {
      job.slot.inFlight--; // the worker skips it
      this.byId.delete(job.id);
      this.dispatch();
      this.counts.takenBack++;
      return null;
    }
    let result = job.result;
    if (result === null) {
      const began = performance.now();
      result = this.wait(job);
      this.counts.waits++;
      this.counts.waitedMs += performance.now() - began;
    }
    this.byId.delete(job.id);
    this.dispatch();
    if (result?.failed) this.counts.failed++;
    if (result?.source !== source || result.code === undefined || result.key === undefined) return null;
    this.counts.fromWorker++;
    return { code: result.code, key: result.key, ms: result.ms ?? 0 };
  }

  /** Ends the workers; later calls take nothing and prefetch nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.jobs.clear();
    this.byId.clear();
    for (const slot of this.slots) {
      slot.alive = false;
      void slot.worker.terminate();
      slot.port.close();
    }
  }

  private wait(job: Job): WorkerResult | null {
    const deadline = performance.now() + this.waitMs;
    for (;;) {
      this.drain();
      if (job.result !== null) return job.result;
      const state = Atomics.load(this.state, job.id);
      const left = deadline - performance.now();
      // Crashed, or no word from the worker in all that time: treat it as gone.
      if (state === CRASHED || !job.slot!.alive || left <= 0) {
        if (job.slot!.alive) this.counts.lost++;
        job.slot!.alive = false;
        return null;
      }
      // DONE: the result is posted before the slot says so, so the next drain has it.
      if (state === STARTED || state === QUEUED) Atomics.wait(this.state, job.id, state, Math.min(left, 50));
    }
  }

  /** Reads every result the workers have posted. */
  private drain(): void {
    for (const slot of this.slots) {
      for (;;) {
        const message = receiveMessageOnPort(slot.port) as { message: WorkerResult } | undefined;
        if (!message) break;
        slot.inFlight--;
        const result = message.message;
        const job = this.byId.get(result.id);
        if (job) job.result = result;
        if (result.source !== null && this.importsOf) this.prefetch(this.importsOf(result.file, result.source), true);
      }
    }
  }

  /** Posts the oldest queued jobs to workers with room for them. */
  private dispatch(): void {
    for (const slot of this.slots) {
      while (slot.alive && slot.inFlight < IN_FLIGHT && this.queue.length > 0) {
        const job = this.queue.shift()!;
        job.slot = slot;
        slot.inFlight++;
        slot.worker.postMessage({ id: job.id, file: job.file, commonjs: true } satisfies WorkerJob);
      }
    }
  }
}

/**
 * The same workers for hooks that may wait asynchronously (the ESM load hook on Node 20's
 * loader thread): Node asks for many modules at once, so each file goes to an idle worker
 * while the loader thread compiles the others itself. The workers end after a second without
 * work.
 */
export class AsyncCompilePool {
  private readonly state = new Int32Array(new SharedArrayBuffer(CAPACITY * 4));
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, (result: WorkerResult | null) => void>();
  private nextId = 0;
  private idle: NodeJS.Timeout | null = null;
  closed = false;
  /** Files compiled by the workers (the rest were compiled by the caller). */
  fromWorker = 0;

  constructor(private readonly options: CompilePoolOptions) {
    const size = options.size ?? defaultPoolSize();
    for (let i = 0; i < size; i++) {
      const slot = startWorker(options, this.state);
      slot.port.on("message", (result: WorkerResult) => this.settle(slot, result));
      slot.port.unref();
      // A worker that fails leaves its files to the caller.
      const abandon = (): void => {
        for (const [id, resolve] of this.pending) if (this.owner.get(id) === slot) resolve(null);
      };
      slot.worker.on("error", abandon);
      slot.worker.on("exit", abandon);
      this.slots.push(slot);
    }
  }

  private readonly owner = new Map<number, Slot>();

  /**
   * A worker's compile of the ES module `file` (text `source`); null when no worker is free
   * or it could not compile it: the caller compiles the file itself.
   */
  compile(file: string, source: string): Promise<Compiled | null> | null {
    const slot = this.slots.find((candidate) => candidate.alive && candidate.inFlight === 0);
    if (this.closed || !slot || this.nextId >= CAPACITY) return null;
    const id = this.nextId++;
    slot.inFlight++;
    slot.port.ref(); // the loader waits on this answer: its thread must not go idle meanwhile
    this.owner.set(id, slot);
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    return new Promise<WorkerResult | null>((resolve) => {
      this.pending.set(id, resolve);
      slot.worker.postMessage({ id, file, commonjs: false } satisfies WorkerJob);
    }).then((result) => {
      if (result?.source !== source || result.code === undefined || result.key === undefined) return null;
      this.fromWorker++;
      return { code: result.code, key: result.key, ms: result.ms ?? 0 };
    });
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots) {
      slot.alive = false;
      void slot.worker.terminate();
      slot.port.close();
    }
    for (const resolve of this.pending.values()) resolve(null);
    this.pending.clear();
  }

  private settle(slot: Slot, result: WorkerResult): void {
    slot.inFlight--;
    if (slot.inFlight === 0) slot.port.unref();
    this.pending.get(result.id)?.(result);
    this.pending.delete(result.id);
    this.owner.delete(result.id);
    if (this.pending.size === 0 && !this.closed) {
      this.idle = setTimeout(() => this.close(), 1000);
      this.idle.unref();
    }
  }
}
