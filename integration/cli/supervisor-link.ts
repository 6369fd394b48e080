// The program's end of the chaud command (restart auto): chaud/register passes this to init(),
// so a save the program cannot apply asks the command for a restart. It only sends: a
// listener on the channel would keep a program alive that would otherwise end.

import type { Supervisor } from "../../runtime/controller";
import { settings } from "../../runtime/settings";
import { SUPERVISOR_VARIABLE, type ProgramMessage } from "./protocol";

/** How often the program checks that the command is still there. */
const PARENT_CHECK_MS = 500;

export function linkToSupervisor(): Supervisor | undefined {
  const supervised = settings().supervised;
  // Processes this program starts (a fork inherits chaud/register) have no channel to the command.
  delete process.env[SUPERVISOR_VARIABLE];
  if (!supervised || typeof process.send !== "function") return undefined;
  const send = (message: ProgramMessage): void => {
    if (process.connected) process.send!(message);
  };
  // A command killed outright (SIGKILL) cannot end the program: it ends itself, leaving no orphan.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
  }, PARENT_CHECK_MS).unref();
  return {
    restarted: supervised === "restart",
    restart: (why) => send({ chaud: "restart", why }),
    started: () => send({ chaud: "started" }),
  };
}
