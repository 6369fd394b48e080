// `npx chaud src/server.ts` on a project that never installed chaud (npx runs it from its own
// cache, as `npx tsx` would): the compiled code's `chaud/registry`, and the program's own
// `import … from "chaud"`, resolve to the chaud that runs the program, and a save applies in
// place. CommonJS (the require hook) and ES modules (the loader hooks).

import { rmSync } from "node:fs";
import { Child } from "../helpers/child";
import { CLI, endCli, get, listenAndStop, program, restartLines, until, watching } from "../helpers/cli-program";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-without-install-cache");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

const wordSource = (word: string): string => `export function word(): string {
  return "${word}";
}
`;

const serverSource = (esm: boolean): string => `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { on, status, stop } from "chaud";
import { word } from "./word${esm ? ".js" : ""}";

let hits = 0;
let reloads = 0;
on("reload", () => reloads++);
const server = createServer((req, res) => {
  hits++;
  res.end(JSON.stringify({ word: word(), hits, reloads, pid: process.pid }));
});
${listenAndStop()}`;

describe.each([
  { name: "TypeScript to CommonJS", esm: false },
  { name: "TypeScript ES modules", esm: true },
])("$name", ({ esm }) => {
  test("the program runs with chaud's own registry and API, and a save applies in place", async () => {
    project = createTempProject("without-install", esm ? { type: "module" } : {});
    rmSync(project.path("node_modules"), { recursive: true, force: true });
    project.write("src/word.ts", wordSource("w1"));
    project.write("src/server.ts", serverSource(esm));
    child = new Child([CLI, "src/server.ts"], { cwd: project.dir, env: env() });
    const { port, pid } = await program(child, 0);
    await watching(child);
    expect((await get(port, "/")).body).toMatchObject({ word: "w1", hits: 1, reloads: 0, pid });

    atomicWrite(project.path("src/word.ts"), wordSource("w2"));
    const edited = await until(child, "the new word", async () => {
      const { body } = await get(port, "/");
      return body.word === "w2" && body;
    });
    expect(edited).toMatchObject({ pid, reloads: 1 });
    expect(edited.hits).toBeGreaterThan(1);
    expect(restartLines(child)).toEqual([]);
  }, 60000);
});
