// Native ESM: `node --import chaud/register`, TypeScript compiled as ESM through
// `npx chaud`, a program mixing ESM and CommonJS, and plain ESM calling init() without the
// loader. Real child processes, real files edited on disk.

import { transformSync } from "@babel/core";
import { join } from "node:path";
import { Child, sleep, stopWithLeakCheck } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let project: TempProject;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-esm-cache");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  child = undefined;
  project?.remove();
});

/** The entry: reports `probe()` (from src/app) after every batch; `stop` on stdin. */
const DRIVER = (ext: string) => `
import { on, epoch, stop, status } from "chaud";
import { probe } from "./src/app.${ext}";
const report = (type, extra = {}) => {
  let value;
  try { value = probe(); } catch (error) { value = "probe threw: " + error.message; extra = { ...extra, where: error.stack.split("\\n")[1] }; }
  console.log(JSON.stringify({ type, probe: value, epoch: epoch(), retained: status().retained, ...extra }));
};
on("reload", (e) => report("reload", { modules: e.modules }));
on("error", (e) => report("error", { file: e.file }));
process.stdin.on("data", (data) => {
  if (data.toString().trim() === "stop") { stop(); console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers })); process.exit(0); }
  report("probe");
});
setTimeout(() => report("ready", { watched: status().watched }), 300);
`;

const LIB = (limit: number, suffix = "", extra = "") => `
export const LIMIT = ${limit};
/* @chaud.hot */ export function shout(text) { return text.toUpperCase() + "${suffix}"; }
${extra}
`;
const APP = (greeting: string, extra = "") => `
import { shout, LIMIT } from "./lib.mjs";
import { middle } from "./middle.mjs";
/* @chaud.persist */ let calls = 0;
/* @chaud.hot */ export function probe() { calls++; return "${greeting} " + shout("x") + " " + LIMIT + " " + middle() + " calls=" + calls; }
/* @chaud.dispose */ function bye() { console.log(JSON.stringify({ type: "disposed", greeting: "${greeting}" })); }
${extra}
`;
const MIDDLE = `import { LIMIT } from "./lib.mjs";\nexport function middle() { return "m" + LIMIT; }\n`;

function esmProject(): TempProject {
  project = createTempProject("esm-app");
  project.write("main.mjs", DRIVER("mjs"));
  project.write("src/app.mjs", APP("hello"));
  project.write("src/lib.mjs", LIB(10));
  project.write("src/middle.mjs", MIDDLE);
  return project;
}

async function startImport(): Promise<Child> {
  child = new Child(["--import", "chaud/register", "main.mjs"], { cwd: project.dir, env: env() });
  const ready = await child.message("ready");
  expect(ready.watched).toEqual(expect.arrayContaining(["main.mjs", "src/app.mjs", "src/lib.mjs", "src/middle.mjs"]));
  return child;
}

describe("node --import chaud/register", () => {
  test("an in-place edit runs the new code with persisted state intact, and the old version is disposed", async () => {
    esmProject();
    const c = await startImport();
    expect((await c.message("ready")).probe).toBe("hello X 10 m10 calls=1");
    project.write("src/app.mjs", APP("bonjour"));
    const reload = await c.message("reload");
    expect(reload.probe).toBe("bonjour X 10 m10 calls=2");
    expect(reload.modules).toEqual(["src/app.mjs"]);
    expect(c.messages.find((m) => m.type === "disposed")).toEqual({ type: "disposed", greeting: "hello" });
    expect(reload.retained.records).toBe(1);
  });

  test("counts the old versions Node keeps alive and suggests a restart past the threshold", async () => {
    esmProject();
    child = new Child(["--import", "chaud/register", "main.mjs"], {
      cwd: project.dir,
      env: { ...env(), CHAUD_RETAINED_NOTICE: "2" },
    });
    await child.message("ready");
    project.write("src/app.mjs", APP("two"));
    expect((await child.message("reload")).retained.records).toBe(1);
    project.write("src/app.mjs", APP("three"));
    const second = await child.message("reload", 1);
    expect(second.retained.records).toBe(2);
    expect(second.retained.bytes).toBeGreaterThan(200);
    await child.waitFor("the restart suggestion", () =>
      /ES module reloads have kept 2 old module versions \(~[\d.]+ MB of heap, estimated\) alive/.test(child!.stderr),
    );
  });

  test("an atomic write-and-rename save reloads; an unchanged save does nothing", async () => {
    esmProject();
    const c = await startImport();
    project.write("src/app.mjs", APP("hello"));
    await sleep(300);
    atomicWrite(join(project.dir, "src/app.mjs"), APP("salut"));
    const reload = await c.message("reload");
    expect(reload.probe).toBe("salut X 10 m10 calls=2");
    expect(reload.epoch).toBe(1);
  });

  test("propagation stops at unchanged exports and re-links importers when a constant changes", async () => {
    esmProject();
    const c = await startImport();
    // A top-level edit (not only a hot body, which would update lib in place) that leaves every export as it was.
    project.write("src/lib.mjs", LIB(10, "!", "const touched = true;"));
    const first = await c.message("reload");
    expect(first.modules).toEqual(["src/lib.mjs"]);
    expect(first.probe).toBe("hello X! 10 m10 calls=2");

    project.write("src/lib.mjs", LIB(42, "!"));
    const second = await c.message("reload", 1);
    // lib first, then its importers (app re-links to the new lib and the new middle).
    expect(second.modules[0]).toBe("src/lib.mjs");
    expect(second.modules).toEqual(expect.arrayContaining(["src/middle.mjs", "src/app.mjs"]));
    expect(second.probe).toBe("hello X! 42 m42 calls=3");
  });

  test("a syntax error, a throw while evaluating and a missing export each keep the old version; a good save applies", async () => {
    esmProject();
    const c = await startImport();
    project.write("src/app.mjs", APP("broken") + "\nexport const = ;\n");
    expect((await c.message("error")).probe).toBe("hello X 10 m10 calls=2");
    project.write("src/app.mjs", APP("throws", `throw new Error("evaluation exploded");`));
    expect((await c.message("error", 1)).probe).toBe("hello X 10 m10 calls=3");
    await c.waitFor("the warning", () => /reload failed in src\/app\.mjs: Error: evaluation exploded/.test(c.stderr));
    project.write("src/app.mjs", APP("unlinked", `import { missing } from "./lib.mjs"; console.log(missing);`));
    expect((await c.message("error", 2)).probe).toBe("hello X 10 m10 calls=4");
    await c.waitFor("the link warning", () => /does not provide an export named 'missing'/.test(c.stderr));
    expect(c.messages.some((m) => m.type === "disposed")).toBe(false);
    project.write("src/app.mjs", APP("fixed"));
    expect((await c.message("reload")).probe).toBe("fixed X 10 m10 calls=5");
  });

  test("top-level await, dynamic import(), import.meta and an import cycle behave in a reloaded module", async () => {
    esmProject();
    project.write(
      "src/cycle-b.mjs",
      `import { fromA } from "./app.mjs";\nexport function fromB() { return "b(" + typeof fromA + ")"; }\n`,
    );
    const extra = (tag: string) => `
      import { fromB } from "./cycle-b.mjs";
      const waited = await new Promise((resolve) => setTimeout(() => resolve("${tag}"), 5));
      const dynamic = await import("./lib.mjs");
      if (typeof dynamic.shout !== "function") throw new Error("dynamic import failed");
      export function fromA() { return "a"; }
      export const meta = { url: import.meta.url.endsWith("/src/app.mjs"), dirname: import.meta.dirname.endsWith("/src"), filename: import.meta.filename.endsWith("app.mjs") };
      console.log(JSON.stringify({ type: "evaluated", waited, cycle: fromB(), meta }));
    `;
    project.write("src/app.mjs", APP("hello", extra("v1")));
    const c = await startImport();
    expect(await c.message("evaluated")).toEqual({
      type: "evaluated",
      waited: "v1",
      cycle: "b(function)",
      meta: { url: true, dirname: true, filename: true },
    });
    project.write("src/app.mjs", APP("again", extra("v2")));
    expect((await c.message("reload")).probe).toBe("again X 10 m10 calls=2");
    expect(await c.message("evaluated", 1)).toEqual({
      type: "evaluated",
      waited: "v2",
      cycle: "b(function)",
      meta: { url: true, dirname: true, filename: true },
    });
  });
  test("a body-only save keeps no module record alive; the new body sees live imports, default and namespace imports, and import()", async () => {
    esmProject();
    project.write("src/counter.mjs", `export let n = 0;\nexport function bump() { n++; }\nexport default "D";\n`);
    // bump() then n: a copy of the binding taken when the new body was evaluated would read the old count.
    const app = (tag: string) => `
      import label, { n, bump } from "./counter.mjs";
      import * as path from "node:path";
      /* @chaud.persist */ let calls = 0;
      let loaded = "";
      /* @chaud.hot */ export function probe() {
        calls++;
        bump();
        import("./lib.mjs").then((lib) => {
          loaded = "${tag}:" + lib.shout("y");
          console.log(JSON.stringify({ type: "loaded", tag: "${tag}" }));
        });
        return "${tag} " + label + " n=" + n + " " + path.basename("/a/b.txt") + " calls=" + calls + " loaded=" + loaded;
      }
    `;
    project.write("src/app.mjs", app("v1"));
    const c = (child = new Child(["--import", "chaud/register", "main.mjs"], { cwd: project.dir, env: env() }));
    expect((await c.message("ready")).probe).toBe("v1 D n=1 b.txt calls=1 loaded=");
    // Each save waits for the previous body's import() to settle: it is asynchronous, and a
    // quick reload could otherwise overtake it.
    expect((await c.message("loaded")).tag).toBe("v1");
    project.write("src/app.mjs", app("v2"));
    const first = await c.message("reload");
    expect(first.probe).toBe("v2 D n=2 b.txt calls=2 loaded=v1:Y");
    expect((await c.message("loaded", 1)).tag).toBe("v2");
    project.write("src/app.mjs", app("v3"));
    const second = await c.message("reload", 1);
    // v2's body imported lib relative to src/app.mjs, as the module would.
    expect(second.probe).toBe("v3 D n=3 b.txt calls=3 loaded=v2:Y");
    // Updated in place both times (the module's top level never ran again), and no version kept.
    expect(second.epoch).toBe(2);
    expect(second.retained).toEqual({ records: 0, bytes: 0 });
  });

  test("a body-only save whose hot body reads import.meta keeps no module record either, and import.meta is the module's", async () => {
    esmProject();
    const app = (tag: string) => `
      /* @chaud.hot */ export function probe() {
        const m = import.meta;
        const where = new Error("here").stack.split("\\n")[1];
        return ["${tag}", m.url.endsWith("/src/app.mjs") && !m.url.includes("?"), m.filename.endsWith("app.mjs"),
          m.dirname.endsWith("src"), m.resolve("./lib.mjs").endsWith("/src/lib.mjs"), /app\\.mjs:4:/.test(where)].join(" ");
      }
    `;
    project.write("src/app.mjs", app("v1"));
    const c = (child = new Child(["--import", "chaud/register", "main.mjs"], { cwd: project.dir, env: env() }));
    expect((await c.message("ready")).probe).toBe("v1 true true true true true");
    project.write("src/app.mjs", app("v2"));
    const reload = await c.message("reload");
    // The stack line too: the new body's source map maps its lines back to the file's.
    expect(reload.probe).toBe("v2 true true true true true");
    expect(reload.retained).toEqual({ records: 0, bytes: 0 });
  });
});

test("200 reloads in a row each run the version just saved (the hooks thread acknowledges first)", async () => {
  project = createTempProject("esm-stale-check");
  project.write("src/lib.mjs", LIB(0));
  project.write(
    "main.mjs",
    `
    import { reload, stop } from "chaud";
    import { writeFileSync } from "node:fs";
    import { fileURLToPath } from "node:url";
    import { shout } from "./src/lib.mjs";
    const file = fileURLToPath(new URL("./src/lib.mjs", import.meta.url));
    let stale = 0, failed = 0;
    for (let i = 1; i <= 200; i++) {
      writeFileSync(file, \`export const VERSION = \${i};\\n/* @chaud.hot */ export function shout() { return "v\${i}"; }\`);
      const outcome = await reload([file]);
      // "unchanged" when the watcher's batch for the same save ran first: the code is current either way.
      if (outcome.kind === "failed") failed++;
      // A module importing lib.mjs now (as a re-linked importer would) must get the new version.
      const { VERSION } = await import("./src/lib.mjs");
      if (shout() !== "v" + i || VERSION !== i) stale++;
    }
    stop();
    console.log(JSON.stringify({ type: "done", stale, failed }));
  `,
  );
  child = new Child(["--import", "chaud/register", "main.mjs"], {
    cwd: project.dir,
    env: { ...env(), CHAUD_LOG: "warn" },
  });
  expect(await child.message("done", 0, 60000)).toEqual({ type: "done", stale: 0, failed: 0 });
}, 90000);

describe("TypeScript as ESM, through the chaud command", () => {
  test("reloads a .mts module and the entry's hot functions, with stack traces on the TypeScript lines", async () => {
    project = createTempProject("ts-esm-app", { type: "module" });
    project.write("main.ts", DRIVER("js").replace("./src/app.js", "./src/app.js"));
    const app = (word: string) => `import { helper } from "./helper.mjs";
/* @chaud.persist */ let calls: number = 0;
/* @chaud.hot */
export function probe(): string {
  calls++;
  if (calls === 3) throw new Error("thrown at line 6");
  return "${word} " + helper(2) + " calls=" + calls;
}
`;
    project.write("src/app.ts", app("hello"));
    project.write("src/helper.mts", `/* @chaud.hot */ export function helper(n: number): number { return n * 2; }\n`);
    child = new Child([CLI, "main.ts"], { cwd: project.dir, env: env() });
    expect((await child.message("ready")).probe).toBe("hello 4 calls=1");
    project.write("src/helper.mts", `/* @chaud.hot */ export function helper(n: number): number { return n * 3; }\n`);
    expect((await child.message("reload")).probe).toBe("hello 6 calls=2");
    project.write("src/app.ts", app("bonjour"));
    const third = await child.message("reload", 1);
    expect(third.probe).toBe("probe threw: thrown at line 6");
    expect(third.where).toMatch(/src\/app\.ts:6:\d+/);
    child.send("probe");
    expect((await child.message("probe")).probe).toBe("bonjour 6 calls=4");
  });

  test("the entry's hot functions update without re-running its top-level code", async () => {
    project = createTempProject("ts-esm-entry", { type: "module" });
    const main = (label: string) => `
import { on, stop, status } from "chaud";
/* @chaud.persist */ const starts = { count: 0 };
starts.count++;
/* @chaud.hot */ function label(): string { return "${label}"; }
on("reload", () => console.log(JSON.stringify({ type: "reload", label: label(), starts: starts.count })));
process.stdin.on("data", () => { stop(); console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers })); process.exit(0); });
setTimeout(() => console.log(JSON.stringify({ type: "ready", label: label(), starts: starts.count })), 300);
`;
    project.write("main.mts", main("one"));
    child = new Child([CLI, "main.mts"], { cwd: project.dir, env: env() });
    expect(await child.message("ready")).toEqual({ type: "ready", label: "one", starts: 1 });
    project.write("main.mts", main("two"));
    expect(await child.message("reload")).toEqual({ type: "reload", label: "two", starts: 1 });
    await sleep(400);
    expect(child.count("ready")).toBe(1);
  });
});

describe("a program mixing ESM and CommonJS", () => {
  test("an ESM entry reloads a CommonJS file it imports, and re-links when the file's exports change", async () => {
    project = createTempProject("mixed-app");
    project.write("main.mjs", DRIVER("mjs"));
    project.write(
      "src/app.mjs",
      `import config from "./config.cjs";\n/* @chaud.hot */ export function probe() { return config.greet("x") + " " + config.level; }\n`,
    );
    const config = (greeting: string, level: number) =>
      `/* @chaud.hot */ function greet(who) { return "${greeting} " + who; }\nmodule.exports = { greet, level: ${level} };\n`;
    project.write("src/config.cjs", config("hello", 1));
    child = new Child(["--import", "chaud/register", "main.mjs"], { cwd: project.dir, env: env() });
    expect((await child.message("ready")).probe).toBe("hello x 1");
    project.write("src/config.cjs", config("bonjour", 1));
    // The exports object is new, so the ES module importing it is re-imported and re-linked.
    expect((await child.message("reload")).probe).toBe("bonjour x 1");
    project.write("src/config.cjs", config("bonjour", 2));
    const relinked = await child.message("reload", 1);
    expect(relinked.probe).toBe("bonjour x 2");
    expect(relinked.modules).toEqual(["src/config.cjs", "src/app.mjs"]);
  });
});

describe("plain ESM calling init(), without the loader", () => {
  test("re-imports a changed module alone, its hot functions update, and it says what it cannot do", async () => {
    project = createTempProject("plain-esm-app", { type: "module" });
    const compile = (source: string, file: string): string =>
      transformSync(source, {
        babelrc: false,
        configFile: false,
        filename: join(project.dir, file),
        plugins: [[join(REPO_ROOT, "dist/plugin/index.js"), { enabled: true }]],
      })!.code!;
    project.write("main.js", `import { init } from "chaud";\ninit();\n` + DRIVER("js"));
    const app = (word: string) =>
      compile(
        `/* @chaud.persist */ let calls = 0;\n/* @chaud.hot */ export function probe() { calls++; return "${word} calls=" + calls; }\n`,
        "src/app.js",
      );
    project.write("src/app.js", app("one"));
    child = new Child(["main.js"], { cwd: project.dir, env: env() });
    expect((await child.message("ready")).probe).toBe("one calls=1");
    project.write("src/app.js", app("two"));
    expect((await child.message("reload")).probe).toBe("two calls=2");
    expect(child.stderr).toContain("ES modules without chaud's loader: a changed module is re-imported alone");
  });
});
