// V8's compile cache (Node 22.10 and later) under `node -r chaud/register`: a program under
// development ends by a signal (Ctrl-C, the chaud command's restart), and Node writes the
// cache only at a normal exit. chaud writes it once the program has loaded, so the next start
// finds it even when the program never exits normally.

import NodeModule from "node:module";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Child, sleep } from "../helpers/child";
import { createTempDir, type TempDir } from "../helpers/temp-dir";
import { createTempProject, type TempProject } from "../helpers/temp-project";

const hasFlush = typeof (NodeModule as { flushCompileCache?: unknown }).flushCompileCache === "function";

let project: TempProject | undefined;
let cache: TempDir | undefined;
let child: Child | undefined;
afterEach(async () => {
  await child?.stop();
  project?.remove();
  cache?.remove();
});

/** The files V8's compile cache holds (its folder has one subfolder per Node version). */
function compileCacheFiles(dir: string): string[] {
  const v8 = join(dir, "v8");
  if (!existsSync(v8)) return [];
  return readdirSync(v8).flatMap((version) => readdirSync(join(v8, version)));
}

(hasFlush ? test : test.skip)(
  "a program killed by a signal after it loaded leaves V8's compile cache written for the next start",
  async () => {
    project = createTempProject("compile-cache-app");
    for (let i = 0; i < 5; i++) project.write(`m${i}.ts`, `export const value${i}: number = ${i};\n`);
    project.write(
      "main.ts",
      `${[0, 1, 2, 3, 4].map((i) => `import { value${i} } from "./m${i}.js";`).join("\n")}
console.log(JSON.stringify({ type: "started", sum: value0 + value1 + value2 + value3 + value4 }));
setInterval(() => {}, 1000); // a server's lifetime: it ends by a signal
`,
    );
    cache = createTempDir("chaud-compile-cache");
    child = new Child(["-r", "chaud/register", "main.ts"], {
      cwd: project.dir,
      env: { CHAUD_CACHE_DIR: cache.dir, CHAUD_MODE: "all" },
    });
    expect((await child.message("started")).sum).toBe(10);
    await child.waitFor("the start line", () => child!.stderr.includes("hot reloading on"));
    const dir = cache.dir;
    // Written right after the start line; a few tries allow for the write itself.
    for (let i = 0; i < 50 && compileCacheFiles(dir).length < 6; i++) await sleep(50);
    child.signal("SIGKILL");
    await child.exited;
    // main.ts and its five modules at least (chaud's own files are there too).
    expect(compileCacheFiles(dir).length).toBeGreaterThanOrEqual(6);
  },
);
