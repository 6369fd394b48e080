// The chaud command's socket for the program's forked processes and worker threads, over a
// real Unix socket: a restart request arrives with the run it came from and its reason, what
// is not a request is ignored, and closing removes the socket's private folder.

import { existsSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { dirname } from "node:path";
import { askForRestart, openDescendantsDoor, type DescendantsDoor } from "../../integration/cli/descendants";

let door: DescendantsDoor | undefined;
afterEach(() => door?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5000) throw new Error("timed out");
    await sleep(10);
  }
}

test("a request names its run and its reason; other text is ignored", async () => {
  const requests: Array<[number, string]> = [];
  door = openDescendantsDoor((run, why) => requests.push([run, why]));
  const address = door.variable(3).slice("3:".length);
  const junk = createConnection(address);
  junk.end('not json\n{"chaud":"started","run":3}\n{"chaud":"restart","why":"no run"}\n');
  askForRestart(door.variable(3), "src/child.ts: its top-level code changed");
  askForRestart(door.variable(4), "from the next run");
  await until(() => requests.length === 2);
  await sleep(50);
  expect(requests.sort()).toEqual([
    [3, "src/child.ts: its top-level code changed"],
    [4, "from the next run"],
  ]);
});

test("the socket is in a folder only this user can enter, removed on close", () => {
  if (process.platform === "win32") return; // a named pipe: no folder
  door = openDescendantsDoor(() => {});
  const folder = dirname(door.variable(0).slice("0:".length));
  expect(statSync(folder).mode & 0o077).toBe(0);
  door.close();
  expect(existsSync(folder)).toBe(false);
});

test("asking a command that is gone, or with a malformed variable, throws nothing", async () => {
  door = openDescendantsDoor(() => {});
  const value = door.variable(0);
  door.close();
  expect(() => askForRestart(value, "late")).not.toThrow();
  expect(() => askForRestart("no-run-number", "bad")).not.toThrow();
  await sleep(50); // the failed connection's error event, handled
});
