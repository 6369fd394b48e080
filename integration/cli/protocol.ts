// What the program tells the chaud command that runs it, over the IPC channel the command
// opens. Tagged, so the program's own `process.send` messages pass by untouched.

export const SUPERVISOR_VARIABLE = "CHAUD_SUPERVISOR";

export type ProgramMessage = { chaud: "restart"; why: string } | { chaud: "started" };

export function isProgramMessage(message: unknown): message is ProgramMessage {
  const chaud = (message as { chaud?: unknown } | null)?.chaud;
  return chaud === "restart" || chaud === "started";
}
