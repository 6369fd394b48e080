// A warm start of a CommonJS TypeScript program under chaud/register (built, in child `node`
// processes): the first start leaves a pack in the cache folder, and the next one loads
// neither Babel nor the ES module loader before the program's own code has run.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createTempProject, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
afterEach(() => project?.remove());

test("a warm start reads the pack and loads no Babel and no ES module loader", () => {
  project = createTempProject();
  project.write("src/lib.ts", "export const twice = (n: number): number => n * 2;\n");
  project.write(
    "src/main.ts",
    [
      'import { twice } from "./lib.js";',
      "declare const require: { cache: Record<string, unknown> };",
      "const loaded = Object.keys(require.cache).filter((file) => /@babel[\\\\/]core|esm-loader|esm-hooks/.test(file));",
      "console.log(JSON.stringify({ value: twice(21), loaded }));",
      "",
    ].join("\n"),
  );
  const cache = join(project.dir, "cache");
  const args = ["-r", "chaud/register", "src/main.ts"];
  const env = { CHAUD_CACHE_DIR: cache, CHAUD_LOG: "warn" };
  const cold = project.run(args, env);
  expect(cold.stderr).toBe("");
  expect(JSON.parse(cold.stdout)).toMatchObject({ value: 42 });
  expect(readdirSync(cache).filter((name) => name.endsWith(".pack"))).toHaveLength(1);
  const warm = project.run(args, env);
  expect(warm.stderr).toBe("");
  expect(JSON.parse(warm.stdout)).toEqual({ value: 42, loaded: [] });
});
