// Code compiled by the plugin, run by plain `node` with no chaud runtime started: the
// registry module is reached through the package's own `exports`, from CommonJS and ESM,
// and stack traces map back to the original TypeScript lines.

import { transformFileSync } from "@babel/core";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTempProject, REPO_ROOT, type TempProject } from "../helpers/temp-project";

let project: TempProject;
afterEach(() => project?.remove());

function compileInto(project: TempProject, source: string, out: string, commonjs: boolean): void {
  const result = transformFileSync(join(project.dir, source), {
    babelrc: false,
    configFile: false,
    presets: ["@babel/preset-typescript"],
    plugins: [
      [join(REPO_ROOT, "dist/plugin/index.js"), { enabled: true }],
      ...(commonjs ? ["@babel/plugin-transform-modules-commonjs"] : []),
    ],
    sourceMaps: "inline",
  });
  writeFileSync(join(project.dir, out), result!.code!);
}

const thrower = `// line 1
/* @chaud.persist */
let calls = 0;

/* @chaud.hot */
export function explode(reason: string): never {
  calls++;
  throw new Error("exploded: " + reason + " after " + calls); // line 8
}
`;

test("CommonJS output runs without a runtime and its stack trace names the original file and line", () => {
  project = createTempProject("trace-app");
  project.write("src/thrower.ts", thrower);
  compileInto(project, "src/thrower.ts", "src/thrower.js", true);
  project.write("main.js", `try { require("./src/thrower.js").explode("cjs"); } catch (e) { console.log(e.stack); }`);
  const { status, stdout, stderr } = project.run(["--enable-source-maps", "main.js"]);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(stdout).toContain("exploded: cjs after 1");
  expect(stdout).toMatch(/src[\\/]thrower\.ts:8:\d+/);
});

test("ESM output imports chaud/registry and its stack trace names the original line", () => {
  project = createTempProject("trace-app-esm", { type: "module" });
  project.write("src/thrower.ts", thrower);
  compileInto(project, "src/thrower.ts", "src/thrower.js", false);
  project.write(
    "main.js",
    `import { explode } from "./src/thrower.js"; try { explode("esm"); } catch (e) { console.log(e.stack); }`,
  );
  const { status, stdout, stderr } = project.run(["--enable-source-maps", "main.js"]);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(stdout).toContain("exploded: esm after 1");
  expect(stdout).toMatch(/src[\\/]thrower\.ts:8:\d+/);
});
