// The published surface: `chaud`, `chaud/babel`, `chaud/registry` and `chaud/register` load
// from CommonJS and ESM consumers, share one runtime, and ship types.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createTempProject, REPO_ROOT, type TempProject } from "../helpers/temp-project";

let project: TempProject;
afterEach(() => project?.remove());

test("CommonJS and ESM consumers get the same runtime and plugin", () => {
  project = createTempProject("consumer");
  project.write(
    "check.mjs",
    `
    import { init, on, nextReload, reload, status, epoch, stop, logger } from "chaud";
    import plugin from "chaud/babel";
    import { chaudModule, getRegistry } from "chaud/registry";
    import { createRequire } from "node:module";
    const require = createRequire(import.meta.url);
    const cjs = require("chaud");
    console.log(JSON.stringify({
      esm: [init, on, nextReload, reload, status, epoch, stop].every((f) => typeof f === "function"),
      sameRuntime: cjs.status === status && cjs.getRegistry() === getRegistry(),
      plugin: typeof plugin === "function" && typeof require("chaud/babel").default === "function",
      registry: typeof chaudModule === "function",
      logger: logger.getLevel() >= 0,
    }));
  `,
  );
  const result = project.run(["check.mjs"]);
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual({
    esm: true,
    sameRuntime: true,
    plugin: true,
    registry: true,
    logger: true,
  });
});

test("types ship for CommonJS and ESM consumers", () => {
  project = createTempProject("typed-consumer");
  project.write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "node16",
        moduleResolution: "node16",
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      include: ["*.ts", "*.mts"],
    }),
  );
  const usage = `
    const outcome = nextReload();
    const n: number = epoch();
    const s = status(); const files: string[] = s.watched;
    init({ aggregateTimeout: 10 });
    on("reload", (e) => { const ms: number = e.ms; void ms; });
    const p: (api: any, options?: Record<string, unknown>) => unknown = plugin;
    void outcome; void n; void files; void p;
  `;
  project.write(
    "use.ts",
    `import { init, on, nextReload, status, epoch } from "chaud";\nimport plugin = require("chaud/babel");\nconst _p = plugin.default;\n${usage.replace("= plugin;", "= _p;")}`,
  );
  project.write(
    "use.mts",
    `import { init, on, nextReload, status, epoch } from "chaud";\nimport plugin from "chaud/babel";\n${usage}`,
  );
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", project.dir], {
    encoding: "utf8",
  });
  expect(tsc.stdout + tsc.stderr).toBe("");
  expect(tsc.status).toBe(0);
});
