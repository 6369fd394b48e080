// What the chaud command watches while the program is down, against real folders and inotify:
// a save made right as the program ended starts it again, though the file's modification time
// (the kernel's coarse clock) can read a few milliseconds earlier than the moment it ended.

import { mkdirSync, writeFileSync } from "node:fs";
import { watchWhileDown, type Watching } from "../../integration/cli/restart-triggers";
import { useTempDir } from "../helpers/temp-dir";

let watching: Watching | undefined;
afterEach(() => watching?.close());
// Declared after the hook above, so the watcher is closed before its folder goes.
const tmp = useTempDir("chaud-restart-triggers");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a save made as the program ended starts it again (ten tries)", async () => {
  for (let attempt = 0; attempt < 10; attempt++) {
    const dir = tmp.path(`app-${attempt}`);
    mkdirSync(`${dir}/src`, { recursive: true });
    writeFileSync(`${dir}/src/server.js`, "exports.v = 1;\n");
    await sleep(20);
    const changed: string[] = [];
    watching = watchWhileDown({
      directories: [dir],
      ignored: () => false,
      since: Date.now(),
      onChange: (file) => changed.push(file),
    });
    // The save lands at once: before the watcher has looked at the folder.
    writeFileSync(`${dir}/src/server.js`, `exports.v = ${attempt + 2};\n`);
    const deadline = Date.now() + 3000;
    while (changed.length === 0 && Date.now() < deadline) await sleep(20);
    expect(changed).toEqual([`${dir}/src/server.js`]);
    watching.close();
  }
});
