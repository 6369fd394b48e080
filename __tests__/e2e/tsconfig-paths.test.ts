// tsconfig `paths` and `baseUrl` under the chaud command, in CommonJS and in ES modules: a
// wildcard alias (`@/lib/*`), an exact one, a pattern with two targets of which the first
// misses, a `baseUrl` bare import, an `index` file; edits of aliased modules reload in place,
// and an alias that resolves nowhere fails with Node's own error. Then JSON modules imported
// by ES modules (`with { type: "json" }`), which reload too.

import { join } from "node:path";
import { Child, stopWithLeakCheck } from "../helpers/child";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let project: TempProject;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-paths-cache");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  child = undefined;
  project?.remove();
});

type Flavor = "commonjs" | "module";

/** The entry: reports `probe()` with its pid when ready, after every reload, and for each stdin line but `stop`. */
const MAIN = (importProbe: string) => `
import { on, epoch, stop, status } from "chaud";
${importProbe}
const report = (type: string) => console.log(JSON.stringify({ type, probe: probe(), pid: process.pid, epoch: epoch() }));
on("reload", () => report("reload"));
on("error", () => report("error"));
process.stdin.on("data", (data) => {
  if (data.toString().trim() !== "stop") return report("probe");
  stop();
  console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
  process.exit(0);
});
setTimeout(() => report("ready"), 100);
`;

const TSCONFIG = {
  compilerOptions: {
    baseUrl: ".",
    paths: {
      "@/lib/*": ["src/lib/*"],
      config: ["src/config.ts"],
      "gen/*": ["missing/*", "generated/*"],
    },
  },
};

const APP = `
import { GREETING } from "config";
import { tag } from "@/lib/util";
import { made } from "gen/made";
import { bare } from "src/bare";
export function probe(): string { return [GREETING, tag(), made(), bare()].join(" "); }
`;
const CONFIG = (greeting: string) => `export const GREETING: string = "${greeting}";\n`;
const UTIL = (word: string) => `export function tag(): string { return "${word}"; }\n`;

function aliasProject(flavor: Flavor): TempProject {
  project = createTempProject(`paths-${flavor}`, flavor === "module" ? { type: "module" } : {});
  project.write("tsconfig.json", JSON.stringify(TSCONFIG, null, 2));
  // A `.js` specifier for a TypeScript file, through a wildcard alias.
  project.write("src/main.ts", MAIN(`import { probe } from "@/lib/app.js";`));
  project.write("src/lib/app.ts", APP);
  project.write("src/config.ts", CONFIG("g1"));
  project.write("src/lib/util/index.ts", UTIL("t1"));
  project.write("generated/made.ts", `export function made(): string { return "m1"; }\n`);
  project.write("src/bare.ts", `export function bare(): string { return "b1"; }\n`);
  return project;
}

describe.each<[string, Flavor]>([
  ["CommonJS", "commonjs"],
  ["ES modules", "module"],
])("tsconfig paths in %s", (_name, flavor) => {
  test("aliases resolve, and edits of aliased modules reload in place", async () => {
    aliasProject(flavor);
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const ready = await child.message("ready");
    expect(ready.probe).toBe("g1 t1 m1 b1");

    // A function body in a module reached through `@/lib/*` and its index file: updated in place.
    project.write("src/lib/util/index.ts", UTIL("t2"));
    const first = await child.message("reload");
    expect(first.probe).toBe("g1 t2 m1 b1");
    expect(first.pid).toBe(ready.pid);

    // A changed constant behind the exact alias: its importer (an aliased edge) is evaluated again.
    project.write("src/config.ts", CONFIG("g2"));
    const second = await child.message("reload", 1);
    expect(second.probe).toBe("g2 t2 m1 b1");
    expect(second.pid).toBe(ready.pid);

    // The second target of `gen/*`, and the `baseUrl` import.
    project.write("generated/made.ts", `export function made(): string { return "m2"; }\n`);
    project.write("src/bare.ts", `export function bare(): string { return "b2"; }\n`);
    await child.waitFor("both edits", () =>
      child!.messages.some((m) => m.type === "reload" && m.probe === "g2 t2 m2 b2"),
    );
    expect(child.messages.filter((m) => m.type === "reload").every((m) => m.pid === ready.pid)).toBe(true);
    expect(child.stderr).not.toContain("restarting");
  });

  test("under node --import chaud/register too (whose hooks also see requires on Node 22)", async () => {
    aliasProject(flavor);
    child = new Child(["--import", "chaud/register", "src/main.ts"], {
      cwd: project.dir,
      env: env({ CHAUD_MODE: "all" }),
    });
    expect((await child.message("ready")).probe).toBe("g1 t1 m1 b1");
    project.write("src/config.ts", CONFIG("g2"));
    expect((await child.message("reload")).probe).toBe("g2 t1 m1 b1");
  });

  test("an alias that resolves nowhere fails with Node's own error", () => {
    aliasProject(flavor);
    project.write("src/main.ts", `import { nothing } from "@/lib/nope";\nconsole.log(nothing);\n`);
    const register = flavor === "module" ? "--import" : "-r";
    const result = project.run([register, "chaud/register", "src/main.ts"], env());
    expect(result.status).not.toBe(0);
    // What Node says without chaud for the same import.
    if (flavor === "module")
      expect(result.stderr).toMatch(
        /Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package '@\/lib' imported from .*src\/main\.ts/,
      );
    else expect(result.stderr).toMatch(/Error: Cannot find module '@\/lib\/nope'\nRequire stack:\n- .*src\/main\.ts/);
  });
});

describe("JSON modules in ES modules", () => {
  function jsonProject(entryImportsJson: boolean): TempProject {
    project = createTempProject("json-esm", { type: "module" });
    project.write("src/data.json", JSON.stringify({ word: "first" }));
    project.write(
      "src/reader.ts",
      `import data from "./data.json" with { type: "json" };\nexport function word(): string { return data.word; }\n`,
    );
    project.write(
      "src/main.ts",
      entryImportsJson
        ? MAIN(`import data from "./data.json" with { type: "json" };\nconst probe = () => data.word;`)
        : MAIN(`import { word as probe } from "./reader.js";`),
    );
    return project;
  }

  test("an edit reaches a function that reads it in a module the entry imports, without a restart", async () => {
    jsonProject(false);
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const ready = await child.message("ready");
    expect(ready.probe).toBe("first");
    project.write("src/data.json", JSON.stringify({ word: "second" }));
    const reload = await child.message("reload");
    expect(reload.probe).toBe("second");
    expect(reload.pid).toBe(ready.pid);
    project.write("src/data.json", JSON.stringify({ word: "third" }));
    expect((await child.message("reload", 1)).probe).toBe("third");
    expect(child.stderr).not.toContain("restarting");
  });

  test("an edit of a JSON module the entry imports restarts the program, which reads the new value", async () => {
    jsonProject(true);
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const ready = await child.message("ready");
    expect(ready.probe).toBe("first");
    project.write("src/data.json", JSON.stringify({ word: "second" }));
    const again = await child.message("ready", 1);
    expect(again.probe).toBe("second");
    expect(again.pid).not.toBe(ready.pid);
    expect(child.stderr).toMatch(/restarting: src\/data\.json: its exports changed, and the entry module imports it/);
  });

  test("under node --import chaud/register, the module and its importer are evaluated again", async () => {
    jsonProject(false);
    child = new Child(["--import", "chaud/register", "src/main.ts"], {
      cwd: project.dir,
      env: env({ CHAUD_MODE: "all" }),
    });
    await child.message("ready");
    project.write("src/data.json", JSON.stringify({ word: "second" }));
    expect((await child.message("reload")).probe).toBe("second");
    await child.waitFor(
      "the report",
      () => /src\/data\.json/.test(child!.stderr) && /src\/reader\.ts/.test(child!.stderr),
    );
  });

  test("a CommonJS require of JSON in the same program stays CommonJS's, and reloads too", async () => {
    jsonProject(false);
    project.write("src/legacy.cjs", `const data = require("./data.json");\nexports.legacy = () => data.word;\n`);
    project.write(
      "src/reader.ts",
      `import data from "./data.json" with { type: "json" };\nimport { legacy } from "./legacy.cjs";\nexport function word(): string { return data.word + "/" + legacy(); }\n`,
    );
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const ready = await child.message("ready");
    expect(ready.probe).toBe("first/first");
    project.write("src/data.json", JSON.stringify({ word: "second" }));
    const reload = await child.message("reload");
    expect(reload.probe).toBe("second/second");
    expect(reload.pid).toBe(ready.pid);
  });
});
