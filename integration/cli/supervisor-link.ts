// The program's end of the chaud command (restart auto): chaud/register passes this to init(),
// so a save the program cannot apply asks the command for a restart. It only sends: a
// listener on the channel would keep a program alive that would otherwise end. The program's
// worker threads have no channel of their own: theirs go through the main thread.

import { BroadcastChannel } from "node:worker_threads";
import type { Supervisor } from "../../runtime/controller";
import { settings } from "../../runtime/settings";
import { SUPERVISOR_VARIABLE, type ProgramMessage } from "./protocol";

/** How often the program checks that the command is still there. */
const PARENT_CHECK_MS = 500;
/** The channel on which worker threads ask the main thread for a restart (one process's threads only). */
const WORKER_RESTARTS = "chaud:restart";

export function linkToSupervisor(prepareRestart?: (files: string[]) => void): Supervisor | undefined {
  const supervised = settings().supervised;
  // Processes this program starts (a fork inherits chaud/register) have no channel to the command.
  delete process.env[SUPERVISOR_VARIABLE];
  if (!supervised || typeof process.send !== "function") return undefined;
  const send = (message: ProgramMessage): void => {
    if (process.connected) process.send!(message);
  };
  const fromWorkers = new BroadcastChannel(WORKER_RESTARTS);
  fromWorkers.onmessage = (event) => send({ chaud: "restart", why: String((event as MessageEvent).data) });
  (fromWorkers as unknown as { unref(): void }).unref();
  // A command killed outright (SIGKILL) cannot end the program: it ends itself, leaving no
  // orphan (SIGTERM first, as a restart would; SIGKILL if that did not end it).
  const parent = process.ppid;
  let orphaned = false;
  setInterval(() => {
    if (process.ppid === parent) return;
    process.kill(process.pid, orphaned ? "SIGKILL" : "SIGTERM");
    orphaned = true;
  }, PARENT_CHECK_MS).unref();
  return {
    restarted: supervised === "restart",
    restart: (why) => send({ chaud: "restart", why }),
    ...(prepareRestart ? { prepareRestart } : {}),
    started: () => send({ chaud: "started" }),
  };
}

/**
 * A worker thread's view of the chaud command, for a program it supervises: a save the worker
 * cannot apply restarts the whole program, through the main thread.
 */
export function linkWorkerToSupervisor(): Supervisor {
  const toMain = new BroadcastChannel(WORKER_RESTARTS);
  (toMain as unknown as { unref(): void }).unref();
  return {
    // The main thread's start line speaks for the program: the worker's goes to debug.
    restarted: true,
    restart: (why) => toMain.postMessage(why),
    started: () => {},
  };
}
