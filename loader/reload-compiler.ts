// Compiles what a save changed on a worker thread (compile-worker.ts) that keeps Babel loaded
// and, while idle, compiles the program's own files until V8 has optimized Babel's code. The
// main thread hands a changed file over on its first event of a burst and takes the code when
// the batch needs it, waiting for it if need be: the program's thread never loads or runs Babel
// for a reload, and a save costs a warm compile instead of one in Babel's slowest, first tier.
//
// The wait is synchronous (the batch runs inside `require`): the worker's answer is read with
// `receiveMessageOnPort`, and a job under way is waited for with `Atomics.wait` on its slot.
// Anything else (no answer in time, a crash, a compile error, a file changed since) returns
// null, and the main thread compiles the file itself, exactly as without the worker.

import { receiveMessageOnPort } from "node:worker_threads";
import type { Mode } from "../runtime/settings";
import {
  CRASHED,
  DONE,
  QUEUED,
  startWorker,
  type Compiled,
  type Slot,
  type WorkerJob,
  type WorkerResult,
} from "./compile-pool";

/** Slots in the shared state; a job's is its id modulo this (far more than saves in flight). */
const SLOTS = 1024;
/** How long a reload waits for the worker before compiling the file itself (Babel loading included). */
const WAIT_MS = 5000;

export interface ReloadCompilerOptions {
  /** Babel's cwd (the workspace root). */
  cwd: string;
  /** A file like those to compile, to load Babel and the user's config for first. */
  warmUpFile: string;
  /** The program's files, for the worker to compile while it is idle (see compile-worker.ts). */
  rehearsalFiles: string[];
  mode: Mode;
}

/** Which compile of a file: as transformFile's options of the same names. */
export interface CompileKind {
  hotOnly: boolean;
  commonjs: boolean;
}

interface Pending {
  id: number;
  result: WorkerResult | null;
}

const jobKey = (file: string, kind: CompileKind): string =>
  `${kind.hotOnly ? "hot-only" : "whole"}:${kind.commonjs ? "cjs" : "esm"}:${file}`;

export class ReloadCompiler {
  private readonly state = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private readonly slot: Slot;
  private readonly mode: Mode;
  /** The newest job of each file and kind, until a reload takes it. */
  private readonly pending = new Map<string, Pending>();
  /** Every job not answered yet, by id (a file's older job is answered and dropped). */
  private readonly byId = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(options: ReloadCompilerOptions) {
    this.mode = options.mode;
    this.slot = startWorker(
      {
        cwd: options.cwd,
        warmUpFile: options.warmUpFile,
        rehearsal: { files: options.rehearsalFiles, mode: options.mode },
      },
      this.state,
    );
  }

  /** Whether the worker can still take files (false once it has died or been closed). */
  get alive(): boolean {
    return this.slot.alive && !this.closed;
  }

  /**
   * Hands `file` to the worker, which compiles `source`, or else the text it reads from disk
   * when the job starts (jobs run in order).
   */
  prepare(file: string, kind: CompileKind, source?: string): void {
    if (!this.alive) return;
    const id = this.nextId++;
    const job: Pending = { id, result: null };
    this.pending.set(jobKey(file, kind), job);
    this.byId.set(id, job);
    Atomics.store(this.state, id % SLOTS, QUEUED);
    this.slot.worker.postMessage({
      id,
      file,
      ...kind,
      mode: this.mode,
      ...(source !== undefined ? { source } : {}),
    } satisfies WorkerJob);
  }

  /** Whether a compile of `file` of this kind was handed over and not taken yet. */
  has(file: string, kind: CompileKind): boolean {
    return this.pending.has(jobKey(file, kind));
  }

  /**
   * The worker's compile of `file` (this kind) whose text is `source`, waiting for it if it is
   * not in yet; null when the main thread should compile the file itself. A file handed over
   * whose text changed after the worker read it (read mid-write, or saved again) is compiled
   * again there, from `source`: the program's thread need not load Babel for it.
   */
  take(file: string, source: string, kind: CompileKind): Compiled | null {
    const key = jobKey(file, kind);
    let job = this.pending.get(key);
    if (!job) return null;
    let result = job.result ?? this.wait(job);
    if (result !== null && result.source !== source && this.alive) {
      this.prepare(file, kind, source);
      job = this.pending.get(key)!;
      result = this.wait(job);
    }
    this.pending.delete(key);
    this.byId.delete(job.id);
    if (result?.source !== source || result.code === undefined || result.key === undefined) return null;
    return { code: result.code, key: result.key, ms: result.ms ?? 0 };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    this.byId.clear();
    this.slot.alive = false;
    void this.slot.worker.terminate();
    this.slot.port.close();
  }

  private wait(job: Pending): WorkerResult | null {
    const deadline = performance.now() + WAIT_MS;
    const index = job.id % SLOTS;
    for (;;) {
      this.drain();
      if (job.result !== null) return job.result;
      const state = Atomics.load(this.state, index);
      const left = deadline - performance.now();
      // Crashed, or no answer in all that time (a worker stuck on something): done with it.
      if (state === CRASHED || !this.slot.alive || left <= 0) {
        this.close();
        return null;
      }
      // DONE: the answer is posted before the slot says so, so the next drain has it.
      if (state !== DONE) Atomics.wait(this.state, index, state, Math.min(left, 50));
    }
  }

  /** Reads every answer the worker has posted. */
  private drain(): void {
    for (;;) {
      const message = receiveMessageOnPort(this.slot.port) as { message: WorkerResult } | undefined;
      if (!message) return;
      const job = this.byId.get(message.message.id);
      if (job) job.result = message.message;
      this.byId.delete(message.message.id);
    }
  }
}
