// An edit inside hot bodies updates the module in place: nothing is evaluated again, so its
// unmarked module state (an array, a Map, a `let` counter) keeps its values and identity and no
// top-level statement runs twice. CommonJS and TypeScript compiled as ES modules, under the
// chaud command, with files edited in place and by rename.

import { join } from "node:path";
import { Child, stopWithLeakCheck } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let project: TempProject;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-in-place-cache");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  child = undefined;
  project?.remove();
});

/** The store: unmarked state, a counter of its own evaluations, two hot functions. */
const STORE = (word: string, extra = "") => `
export const items = [];
export const cache = new Map();
let count = 0;
globalThis.storeEvaluations = (globalThis.storeEvaluations ?? 0) + 1;
${extra}
/* @chaud.hot */
export function add(item) {
  items.push(item);
  cache.set(item, items.length);
  count++;
  return "${word}:" + count;
}
/* @chaud.hot */
export function state() {
  return { items: items.length, cache: cache.size, count, evaluations: globalThis.storeEvaluations };
}
`;

/** The entry: keeps the store's array and Map it saw first, and answers stdin commands. */
const MAIN = (importStore: string) => `
${importStore}
const { on, stop, status } = require("chaud");
const firstItems = store.items;
const firstCache = store.cache;
const report = (type, extra) =>
  console.log(JSON.stringify({ type, ...store.state(), sameItems: store.items === firstItems, sameCache: store.cache === firstCache, ...extra }));
on("reload", (event) => report("reload", { modules: event.modules }));
process.stdin.on("data", (data) => {
  const [command, argument] = data.toString().trim().split(" ");
  if (command === "add") return report("added", { result: store.add(argument) });
  stop();
  console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
  process.exit(0);
});
setTimeout(() => report("ready"), 100);
`;

const FLAVORS = [
  {
    name: "CommonJS",
    files: { entry: "src/main.js", store: "src/store.js" },
    store: (word: string, extra?: string) =>
      STORE(word, extra)
        .replace(/export const (\w+) =/g, "const $1 = exports.$1 =")
        .replace(/export function (\w+)/g, "function $1") + "exports.add = add;\nexports.state = state;\n",
    main: MAIN(`const store = require("./store.js");`),
  },
  {
    name: "TypeScript as ES modules",
    files: { entry: "src/main.mts", store: "src/store.mts" },
    store: (word: string, extra?: string) =>
      STORE(word, extra).replace("export function add(item)", "export function add(item: string)"),
    main: MAIN(
      `import * as store from "./store.mts";\nimport { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);`,
    ),
  },
];

describe.each(FLAVORS)("$name", (flavor) => {
  async function start(): Promise<void> {
    project = createTempProject(`in-place-${flavor.name.split(" ")[0]!.toLowerCase()}`);
    project.write(flavor.files.store, flavor.store("v1"));
    project.write(flavor.files.entry, flavor.main);
    // Restarts off: the top-level edit below checks the re-evaluation chaud/register does (the
    // command would restart instead, since the entry imports the store's changed exports).
    child = new Child([CLI, "--restart=off", flavor.files.entry], {
      cwd: project.dir,
      env: { ...env, CHAUD_LOG: "info" },
    });
    await child.message("ready");
    child.send("add a");
    expect(await child.message("added")).toMatchObject({ result: "v1:1" });
  }

  test("an edit inside a hot body keeps the array, the Map and the counter, and runs no top-level statement again", async () => {
    await start();
    project.write(flavor.files.store, flavor.store("v2"));
    expect(await child!.message("reload")).toMatchObject({ modules: [], evaluations: 1 });
    child!.send("add b");
    expect(await child!.message("added", 1)).toMatchObject({
      result: "v2:2",
      items: 2,
      cache: 2,
      count: 2,
      evaluations: 1,
      sameItems: true,
      sameCache: true,
    });
    expect(child!.stderr).toMatch(
      /\[chaud\] updated src\/store\.m?[jt]s in \d+ ms: 1 hot function updated, module state kept/,
    );

    // Saved by rename, as editors do: the same in-place update.
    atomicWrite(project.path(flavor.files.store), flavor.store("v3"));
    await child!.message("reload", 1);
    child!.send("add c");
    expect(await child!.message("added", 2)).toMatchObject({ result: "v3:3", evaluations: 1, sameItems: true });
  });

  test("an edit of the top-level code evaluates the module again, as before", async () => {
    await start();
    project.write(flavor.files.store, flavor.store("v2", "export const added = 1;"));
    const reload = await child!.message("reload");
    expect(reload.modules).toEqual([flavor.files.store]);
    expect(reload).toMatchObject({ evaluations: 2 });
  });
});
