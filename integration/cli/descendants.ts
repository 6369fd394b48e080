// The chaud command's door for the program's other processes and threads: a child process the
// program forks (`child_process.fork`, `cluster.fork`) or a worker thread inherits chaud/register
// and hot reloads its own files, but has no IPC channel to the command. A save it cannot apply
// reaches the command through a local socket (a Unix socket in a folder only this user can
// enter, a named pipe on Windows) whose address the program's environment carries, so that it
// restarts the whole program as a save of the main process would.
//
// A message names the run of the program it came from: one from a run being ended (a late
// child) does not restart the next.

import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProgramMessage } from "./protocol";

/** The variable that gives descendants the socket: `<run>:<address>`. */
export const DESCENDANTS_VARIABLE = "CHAUD_SUPERVISOR_SOCKET";

export interface DescendantsDoor {
  /** The variable's value for the program's run number `run`. */
  variable(run: number): string;
  close(): void;
}

/** Opens the door; `onRestart` gets the run a request came from and its reason. */
export function openDescendantsDoor(onRestart: (run: number, why: string) => void): DescendantsDoor {
  let folder: string | null = null;
  let address: string;
  if (process.platform === "win32") {
    address = `\\\\.\\pipe\\chaud-${process.pid}-${Math.random().toString(36).slice(2)}`;
  } else {
    folder = mkdtempSync(join(tmpdir(), "chaud-")); // 0700
    address = join(folder, "supervisor.sock");
  }
  const server: Server = createServer((socket) => {
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (text.length > 65536) socket.destroy(); // not one of ours
    });
    socket.on("error", () => {});
    socket.on("end", () => {
      for (const line of text.split("\n")) {
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          continue;
        }
        const run = (message as { run?: unknown }).run;
        if (isProgramMessage(message) && message.chaud === "restart" && typeof run === "number")
          onRestart(run, String(message.why));
      }
    });
  });
  server.on("error", () => {
    // descendants cannot reach the command: their saves are reported, not applied by a restart
  });
  server.listen(address);
  server.unref();
  const close = (): void => {
    server.close();
    if (folder !== null) rmSync(folder, { recursive: true, force: true });
    folder = null;
  };
  process.on("exit", close);
  return { variable: (run) => `${run}:${address}`, close };
}

/** From a descendant: asks the command (at the variable's `value`) to restart the program. */
export function askForRestart(value: string, why: string): void {
  const match = /^(\d+):(.+)$/s.exec(value);
  if (!match) return;
  const socket = createConnection(match[2]!);
  socket.on("error", () => {}); // the command is gone: nothing to restart
  socket.end(`${JSON.stringify({ chaud: "restart", why, run: Number(match[1]) })}\n`);
  socket.unref();
}
