// The program's end of the chaud command (restart auto): chaud/register passes this to init(),
// so a save the program cannot apply asks the command for a restart. It only sends: a
// listener on the channel would keep a program alive that would otherwise end. The processes
// the program forks and its worker threads have no channel of their own: they ask through the
// command's socket (descendants.ts).

import { isMainThread } from "node:worker_threads";
import type { Supervisor } from "../../runtime/controller";
import { settings } from "../../runtime/settings";
import { SUPERVISOR_VARIABLE, type ProgramMessage } from "./protocol";
import { askForRestart, DESCENDANTS_VARIABLE } from "./descendants";

/** How often the program checks that the command is still there. */
const PARENT_CHECK_MS = 500;

export function linkToSupervisor(prepareRestart?: (files: string[]) => void): Supervisor | undefined {
  const supervised = settings().supervised;
  // Processes this program starts (a fork inherits chaud/register) have no channel to the command.
  delete process.env[SUPERVISOR_VARIABLE];
  if (!supervised || !isMainThread || typeof process.send !== "function") return linkDescendant();
  const send = (message: ProgramMessage): void => {
    if (process.connected) process.send!(message);
  };
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
 * A process the program started, or one of its worker threads: a save it cannot apply restarts
 * the whole program, through the command's socket. Its start line is a debug line (the
 * program's speaks for it).
 */
function linkDescendant(): Supervisor | undefined {
  const door = process.env[DESCENDANTS_VARIABLE];
  if (!door) return undefined;
  return { restarted: true, restart: (why) => askForRestart(door, why), started: () => {} };
}
