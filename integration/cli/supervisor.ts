// The chaud command with restarts on: runs the program as a child `node` in its own process
// group, restarts it when the program asks (a save it cannot apply), when a restart file
// changes, or on `rs`; waits for a save when the program ends by itself; and passes the user's
// Ctrl-C and signals to the program, ending with its exit code or signal.
//
// The program's own process group lets a restart end the program's whole tree (workers,
// tools it started) with one signal, and leave no process behind holding its port.

import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { log, warn } from "../../runtime/logger";
import type { PathMatcher } from "../../runtime/watch/ignore";
import { isProgramMessage, SUPERVISOR_VARIABLE } from "./protocol";
import { DESCENDANTS_VARIABLE, openDescendantsDoor } from "./descendants";
import { watchRestartFiles, watchWhileDown, type Watching } from "./restart-triggers";

/** Signals that end chaud: passed to the program, then chaud ends as the program did. */
const ENDING_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
/** Signals meant for the program alone (nodemon users send SIGUSR2 to it, for instance). */
const PASSED_SIGNALS: NodeJS.Signals[] = ["SIGUSR1", "SIGUSR2"];

/** How often an ending process group is checked for members left. */
const GROUP_POLL_MS = 10;
/** How long a group that SIGKILL could not end yet is waited for before chaud moves on. */
const AFTER_KILL_MS = 2000;
/** Clears the terminal and its scrollback, as `clear` does. */
const CLEAR_SCREEN = "\x1bc";

export interface SupervisorOptions {
  /** node's arguments: options, preload, entry, the program's arguments. */
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  killTimeout: number;
  clearScreen: boolean;
  /** Files whose change restarts the program: `--env-file` files, tsconfig.json and Babel's config. */
  restartFiles: string[];
  watch: string[];
  ignored: PathMatcher;
  /** Folders whose source files start the program again when it is down. */
  packageDirs: string[];
}

type State = "running" | "restarting" | "down" | "ending";

export class Supervisor {
  private program: ChildProcess | null = null;
  private state: State = "down";
  private restarts = 0;
  /** When the restart under way began, for `restarted in N ms`. */
  private restartBegan: number | null = null;
  private stdinEnded = false;
  /** Undefined until the first start, which begins watching right after spawning the program. */
  private restartFiles: Watching | null | undefined;
  private downWatching: Watching | null = null;

  // The program's forked processes and worker threads ask for a restart here.
  private readonly descendants = openDescendantsDoor((run, why) => {
    if (run === this.restarts && this.state === "running") void this.restart(why);
  });

  constructor(private readonly options: SupervisorOptions) {
    for (const signal of ENDING_SIGNALS) process.on(signal, this.onEndingSignal);
    for (const signal of PASSED_SIGNALS) process.on(signal, this.onPassedSignal);
    this.readStdin();
  }

  start(): void {
    this.downWatching?.close();
    this.downWatching = null;
    const program = spawn(process.execPath, this.options.args, {
      cwd: this.options.cwd,
      env: {
        ...this.options.env,
        [SUPERVISOR_VARIABLE]: this.restarts === 0 ? "1" : "restart",
        [DESCENDANTS_VARIABLE]: this.descendants.variable(this.restarts),
      },
      stdio: [this.stdinEnded ? "ignore" : "pipe", "inherit", "inherit", "ipc"],
      detached: true,
    });
    this.program = program;
    this.state = "running";
    program.stdin?.on("error", () => {
      // the program ended or closed its stdin: what is typed now has no reader
    });
    program.on("message", (message) => {
      // A program being ended has nothing more to say: its start line, late, is not the new one's.
      if (program !== this.program || this.state !== "running" || !isProgramMessage(message)) return;
      if (message.chaud === "restart") void this.restart(message.why);
      else if (this.restartBegan !== null) {
        log.info(`restarted in ${Math.round(performance.now() - this.restartBegan)} ms`);
        this.restartBegan = null;
      }
    });
    program.on("error", (error) => {
      warn(`could not start node: ${error.message}`);
      if (program === this.program) this.waitForChange();
    });
    // The program starts first; the watchers (and the modules they load) are set up while it loads.
    this.restartFiles ??= watchRestartFiles({
      cwd: this.options.cwd,
      files: this.options.restartFiles,
      watch: this.options.watch,
      ignored: this.options.ignored,
      onChange: (file) => void this.restart(`${this.relative(file)} changed`),
    });
    program.on("exit", (code, signal) => {
      if (program !== this.program) return;
      this.program = null;
      if (this.state === "ending") return exitLike(code, signal);
      if (this.state === "running") {
        this.waitForChange();
        log.info(`program ${ended(code, signal)}; waiting for a change to restart it (or type rs)`);
      }
    });
  }

  /** Ends the program (if it runs) and starts it again. */
  async restart(why: string): Promise<void> {
    if (this.state === "restarting" || this.state === "ending") return;
    this.state = "restarting";
    if (this.options.clearScreen) process.stdout.write(CLEAR_SCREEN);
    log.info(
      `restarting: ${why}${this.restarts === 0 ? " (a restart is a new process: in-memory state, persisted values included, starts over)" : ""}`,
    );
    this.restarts++;
    this.restartBegan = performance.now();
    if (this.program) await this.endProgram("SIGTERM");
    if (this.state !== "restarting") return; // the user ended chaud meanwhile
    this.start();
  }

  /** Sends `signal` to the program's group; SIGKILL once the kill timeout passes. Resolves once no process of it is left. */
  private async endProgram(signal: NodeJS.Signals): Promise<void> {
    const program = this.program!;
    const pid = program.pid!;
    signalGroup(pid, signal);
    if (await groupEnded(program, pid, this.options.killTimeout)) return;
    warn(`the program did not end within ${this.options.killTimeout} ms of ${signal}: sent SIGKILL`);
    signalGroup(pid, "SIGKILL");
    await groupEnded(program, pid, AFTER_KILL_MS);
  }

  private waitForChange(): void {
    this.state = "down";
    this.downWatching ??= watchWhileDown({
      directories: this.options.packageDirs,
      ignored: this.options.ignored,
      since: Date.now(),
      onChange: (file) => void this.restart(`${this.relative(file)} changed`),
    });
  }

  /** Ctrl-C and the like: the program gets the signal, and chaud ends as it does. A second one kills it. */
  private readonly onEndingSignal = (signal: NodeJS.Signals): void => {
    const program = this.program;
    if (this.state === "ending" && program) {
      signalGroup(program.pid!, "SIGKILL");
      return;
    }
    this.state = "ending";
    this.restartFiles?.close();
    this.downWatching?.close();
    if (!program) return exitLike(null, signal);
    signalGroup(program.pid!, signal);
  };

  private readonly onPassedSignal = (signal: NodeJS.Signals): void => {
    if (this.program) signalGroup(this.program.pid!, signal);
  };

  /** `rs` + Enter restarts; every other input goes on to the program. */
  private readStdin(): void {
    process.stdin.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      if (!/^rs\r?$/m.test(text)) {
        this.program?.stdin?.write(chunk);
        return;
      }
      // Lines typed quickly (or pasted) arrive together: `rs` is taken out, the rest passes on.
      const kept = text.split("\n").filter((line) => line.trim() !== "rs");
      if (kept.join("\n").trim() !== "") this.program?.stdin?.write(kept.join("\n"));
      void this.restart("rs");
    });
    process.stdin.on("end", () => {
      this.stdinEnded = true;
      this.program?.stdin?.end();
    });
    process.stdin.on("error", () => {
      this.stdinEnded = true;
    });
  }

  private relative(file: string): string {
    return relative(this.options.cwd, file) || file;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Whether a process of the group still runs. A zombie does not (it holds no port; whoever
 * adopted it reaps it, and in a container that may be late or never): on Linux, /proc tells
 * them apart; elsewhere any member counts.
 */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    // "<pid> (<name>) <state> <ppid> <pgrp> …": the name may hold spaces and parentheses.
    const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(group) === pgid && state !== "Z" && state !== "X") return true;
  }
  return false;
}

/** Whether the program exited and its whole group is gone within `ms`. */
function groupEnded(program: ChildProcess, pid: number, ms: number): Promise<boolean> {
  const done = (): boolean => (program.exitCode !== null || program.signalCode !== null) && !groupAlive(pid);
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const deadline = performance.now() + ms;
    const settle = (ended: boolean): void => {
      clearInterval(timer);
      program.off("exit", onExit);
      resolve(ended);
    };
    const timer = setInterval(() => {
      if (done()) settle(true);
      else if (performance.now() >= deadline) settle(false);
    }, GROUP_POLL_MS);
    // Most programs are their group's only process: the restart goes on at their exit, not at the next poll.
    const onExit = (): void => {
      if (done()) settle(true);
    };
    program.on("exit", onExit);
  });
}

function ended(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `ended by ${signal}` : `exited with code ${code ?? 1}`;
}

/** Ends chaud as the program ended: with its exit code, or by its signal. */
function exitLike(code: number | null, signal: NodeJS.Signals | null): void {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
}
