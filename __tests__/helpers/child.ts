// A child `node` process under test: collects its stdout JSON lines and stderr, and waits
// for what a test expects to see.

import { spawn, type ChildProcess } from "node:child_process";

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

  async stop(): Promise<void> {
    try {
      process.kill(-this.process.pid!, "SIGKILL");
    } catch {
      // the group is already gone
    }
    if (!this.done) await this.exited;
    this.process.stdin?.destroy();
  }
}

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
