// A child `node` process under test: collects its stdout JSON lines and stderr, and waits
// for what a test expects to see.

import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ChildMessage {
  type: string;
  [key: string]: any;
}

export class Child {
  readonly messages: ChildMessage[] = [];
  stderr = "";
  stdout = "";
  private readonly process: ChildProcess;
  private waiters: Array<() => void> = [];
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  /** Whether the process has ended (by exit code or by signal). */
  done = false;
  exited: Promise<number | null>;

  constructor(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; command?: string }) {
    this.process = spawn(options.command ?? process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, CHAUD_LOG: "debug", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group, so stop() also ends what it started (the chaud command's child).
      detached: true,
    });
    let buffer = "";
    this.process.stdout!.on("data", (chunk: Buffer) => {
      this.stdout += chunk.toString();
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          this.messages.push(JSON.parse(line) as ChildMessage);
        } catch {
          // not a JSON line: kept in stdout only
        }
        this.notify();
      }
    });
    this.process.stderr!.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.notify();
    });
    this.exited = new Promise((resolve) =>
      this.process.on("exit", (code, signal) => {
        this.exitCode = code;
        this.signalCode = signal;
        this.done = true;
        this.notify();
        resolve(code);
      }),
    );
  }

  /** The process's id (the group's too: it leads its own process group). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Waits until `predicate` holds, or fails with what the child printed. */
  async waitFor<T>(what: string, predicate: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (this.done)
        throw new Error(
          `child exited (${this.exitCode ?? this.signalCode}) while waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
        );
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The nth message of a type (0-based), waiting for it. */
  message(type: string, index = 0, timeoutMs?: number): Promise<ChildMessage> {
    return this.waitFor(
      `message "${type}" #${index}`,
      () => this.messages.filter((m) => m.type === type)[index],
      timeoutMs,
    );
  }

  count(type: string): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  send(line: string): void {
    this.process.stdin!.write(`${line}\n`);
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /**
   * Ends the child's process group and every process it started: the chaud command runs the
   * program in a group of its own. Returns once they are all gone, so none of them writes into
   * a folder the test removes next (Node 22's V8 compile cache is written at exit).
   */
  async stop(): Promise<void> {
    const descendants = this.done ? [] : descendantsOf(this.process.pid!);
    for (const pid of [-this.process.pid!, ...descendants]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (!this.done) await this.exited;
    const deadline = Date.now() + 5000;
    while (descendants.some(isRunning) && Date.now() < deadline) await sleep(20);
    this.process.stdin?.destroy();
  }
}

/** The ids of `pid`'s descendants, read from /proc (none where there is no /proc). */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0;) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/** State and parent of a process from /proc/<pid>/stat; null when it is gone. */
function procStat(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (name) state ppid …": the name may hold spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: state!, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

/** A zombie has ended (its parent has not reaped it yet): it writes nothing more. */
const isRunning = (pid: number): boolean => {
  const stat = procStat(pid);
  return stat !== null && stat.state !== "Z";
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ends a test's child: when the program is up and answers `stop` on stdin, first check that
 * stopping chaud leaves no watcher open (the leak check every end-to-end test ends with).
 */
export async function stopWithLeakCheck(child: Child | undefined, isUp: (child: Child) => boolean): Promise<void> {
  if (child && !child.done && isUp(child)) {
    child.send("stop");
    const stopped = await child.message("stopped");
    if (stopped.openWatchers !== 0) throw new Error(`chaud left ${stopped.openWatchers} watcher(s) open`);
  }
  await child?.stop();
}
