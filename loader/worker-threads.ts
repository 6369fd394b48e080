// The program's worker threads. A worker inherits the program's execArgv, chaud/register
// included, so it compiles its own files (a `new Worker("./task.ts")` loads as it does under
// tsx) and hot reloads them on its own watcher. What it cannot know by itself, the program's
// entry (whose workspace the worker compiles and watches: under `-r` the worker's own file is
// not known yet), comes from the thread that started it, through Node's per-worker environment
// data (copied into every worker a thread starts, never into child processes).

import { getEnvironmentData, isMainThread, setEnvironmentData } from "node:worker_threads";

const PROGRAM_KEY = "chaud:program";

/** What a thread tells the workers it starts. */
export interface ProgramOfWorkers {
  /** The program's entry file (the main thread's). */
  entry: string;
}

/** The main thread's part: every worker started from now on learns about the program. */
export function describeProgramToWorkers(program: ProgramOfWorkers): void {
  if (isMainThread) setEnvironmentData(PROGRAM_KEY, program);
}

/** In a worker of a program that runs chaud/register: what its main thread said; else null. */
export function programOfThisWorker(): ProgramOfWorkers | null {
  if (isMainThread) return null;
  const data = getEnvironmentData(PROGRAM_KEY) as ProgramOfWorkers | undefined;
  return data && typeof data.entry === "string" ? data : null;
}
