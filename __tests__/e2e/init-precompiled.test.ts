// A program that compiles its own code with Babel (the chaud plugin on) and calls init():
// real child processes, real files edited on disk, real watchpack.

import { transformSync } from "@babel/core";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Child, sleep } from "../helpers/child";
import { atomicWrite, writeDriver } from "../helpers/hot-app";
import { createTempProject, REPO_ROOT, type TempProject } from "../helpers/temp-project";

let project: TempProject;
let child: Child;

/** Compiles like a build tool would, into the .js file the program loads. */
function compiled(file: string, source: string): string {
  return transformSync(source, {
    babelrc: false,
    configFile: false,
    filename: join(project.dir, file),
    plugins: [[join(REPO_ROOT, "dist/plugin/index.js"), { enabled: true }], "@babel/plugin-transform-modules-commonjs"],
  })!.code!;
}
const build = (file: string, source: string): string => project.write(file, compiled(file, source));

const lib = (limit: number, suffix = "") => `
  export const LIMIT = ${limit};
  /* @chaud.hot */ export function shout(text) { return text.toUpperCase() + "${suffix}"; }
`;
const app = (greeting: string) => `
  import { shout, LIMIT } from "./lib.js";
  /* @chaud.persist */ let calls = 0;
  /* @chaud.hot */ export function probe() { calls++; return "${greeting} " + shout("x") + " " + LIMIT + " calls=" + calls; }
  /* @chaud.dispose */ function bye() { console.log(JSON.stringify({ type: "disposed", greeting: "${greeting}" })); }
`;

async function start(): Promise<void> {
  writeDriver(project);
  child = new Child(["main.js"], { cwd: project.dir });
  const ready = await child.message("ready");
  expect(ready.status.running).toBe(true);
  expect(ready.status.watched).toEqual(expect.arrayContaining(["src/app.js", "src/lib.js"]));
}

beforeEach(async () => {
  project = createTempProject("precompiled-app");
  build("src/lib.js", lib(10));
  build("src/app.js", app("hello"));
  await start();
});

afterEach(async () => {
  // Leak check: stopping leaves no watcher open.
  if (!child.done) {
    child.send("stop");
    const stopped = await child.message("stopped");
    expect(stopped.status.openWatchers).toBe(0);
    expect(stopped.status.running).toBe(false);
  }
  await child.stop();
  project.remove();
});

test("an in-place edit runs the new code with persisted state intact", async () => {
  expect((await child.message("ready")).probe).toBe("hello X 10 calls=1");
  build("src/app.js", app("bonjour"));
  const reload = await child.message("reload");
  expect(reload.probe).toBe("bonjour X 10 calls=2");
  expect(reload.files).toEqual(["src/app.js"]);
  expect(child.messages.find((m) => m.type === "disposed")).toEqual({ type: "disposed", greeting: "hello" });
  await child.waitFor("the report line", () =>
    /\[chaud\] reloaded src\/app\.js in \d+ ms, 1 hot function updated/.test(child.stderr),
  );
});

test("an atomic write-and-rename save reloads", async () => {
  atomicWrite(join(project.dir, "src/app.js"), compiled("src/app.js", app("salut")));
  expect((await child.message("reload")).probe).toBe("salut X 10 calls=2");
});

test("a save that leaves the content unchanged triggers nothing", async () => {
  build("src/app.js", app("hello"));
  await sleep(400);
  build("src/lib.js", lib(10, "!"));
  const reload = await child.message("reload");
  expect(reload.files).toEqual(["src/lib.js"]);
  expect(reload.epoch).toBe(1);
  expect(child.count("reload")).toBe(1);
});

test("propagation stops when exports keep their identity and continues when a constant changes", async () => {
  build("src/lib.js", lib(10, "?"));
  const first = await child.message("reload");
  expect(first.modules).toEqual(["src/lib.js"]);
  expect(first.probe).toBe("hello X? 10 calls=2");

  build("src/lib.js", lib(99, "?"));
  const second = await child.message("reload", 1);
  expect(second.modules).toEqual(["src/lib.js", "src/app.js"]);
  expect(second.probe).toBe("hello X? 99 calls=3");
  // (stderr and stdout are separate pipes: wait for the log lines themselves)
  await child.waitFor("the report line", () => /reloaded src\/lib\.js \(\+1 importer\)/.test(child.stderr));
  await child.waitFor("the reason line", () =>
    /re-evaluated src\/app\.js: imports src\/lib\.js, whose exports changed \(LIMIT\)/.test(child.stderr),
  );
});

test("a throw while evaluating rolls back, says the old version still runs, and the next good save applies", async () => {
  project.write("src/app.js", compiled("src/app.js", app("broken")) + `\nthrow new Error("evaluation exploded");\n`);
  const error = await child.message("error");
  expect(error.file).toBe("src/app.js");
  expect(error.probe).toBe("hello X 10 calls=2");
  await child.waitFor("the warning", () =>
    /reload failed in src\/app\.js: Error: evaluation exploded/.test(child.stderr),
  );
  expect(child.stderr).toContain("The previous version is still running");
  expect(child.messages.some((m) => m.type === "disposed")).toBe(false);

  build("src/app.js", app("fixed"));
  expect((await child.message("reload")).probe).toBe("fixed X 10 calls=3");
});

test("a syntax error keeps the old code running and the next good save applies", async () => {
  project.write("src/app.js", `exports.probe = function ( { broken`);
  const error = await child.message("error");
  expect(error.probe).toBe("hello X 10 calls=2");
  await child.waitFor("the warning", () => /reload failed in src\/app\.js: SyntaxError/.test(child.stderr));
  build("src/app.js", app("repaired"));
  expect((await child.message("reload")).probe).toBe("repaired X 10 calls=3");
});

test("a deleted file keeps its loaded version, and recreating it reloads", async () => {
  rmSync(join(project.dir, "src/app.js"));
  await child.waitFor("deletion warning", () => /src\/app\.js was deleted/.test(child.stderr));
  child.send("probe");
  expect((await child.message("probe")).probe).toBe("hello X 10 calls=2");
  build("src/app.js", app("back"));
  expect((await child.message("reload")).probe).toBe("back X 10 calls=3");
});

test("a burst of 200 saves becomes a few batches that end on the last version", async () => {
  const versions = Array.from({ length: 200 }, (_, i) => compiled("src/app.js", app(`v${i + 1}`)));
  for (const version of versions) writeFileSync(join(project.dir, "src/app.js"), version);
  await child.waitFor("the last version", () =>
    child.messages.find((m) => m.type === "reload" && /^v200 /.test(m.probe)),
  );
  await sleep(300);
  expect(child.count("reload")).toBeLessThan(20);
  expect(child.count("error")).toBe(0);
});
