// The ESM module system's bookkeeping (retained versions, import resolutions) and how it runs a
// hot-only version: as a CommonJS function, not a new ES module. Jest cannot `import()` (no
// --experimental-vm-modules), so what reaches real namespaces is tested in e2e/esm.test.ts.

import nodeModule from "node:module";
import { EsmModules, retainedEstimate } from "../../runtime/modules/esm";

const FILE = "/project/src/app.mjs";
const noChannel = { setVersion: async () => {} };
const load = (bytes: number) => ({ format: "module" as const, bytes, transformed: true, transformMs: 1 });

/** Calls made by hot-only code: it reaches this through `module.constructor`, the real Module class. */
const ran: string[] = [];
(nodeModule as unknown as { chaudTestRan?: (what: string) => void }).chaudTestRan = (what) => ran.push(what);
beforeEach(() => ran.splice(0));

test("each new version of a loaded ES module counts the old one, at its estimated heap cost", () => {
  const modules = new EsmModules(noChannel);
  modules.noteLoad(FILE, load(1000));
  expect(modules.retained()).toEqual({ records: 0, bytes: 0 });
  modules.noteLoad(FILE, load(5000));
  modules.noteLoad(FILE, load(9000));
  expect(modules.retained()).toEqual({ records: 2, bytes: retainedEstimate(1000) + retainedEstimate(5000) });
  // More than the compiled code alone: the module record, its functions and the source map cost more.
  expect(retainedEstimate(5000)).toBeGreaterThan(2 * 5000);
});

test("remembers what each module's import specifiers resolved to, the latest resolution winning", () => {
  const modules = new EsmModules(noChannel);
  modules.noteImport(FILE, "./lib.mjs", "file:///project/src/lib.mjs");
  modules.noteImport(FILE, "./data.json", "file:///project/src/data.json", { type: "json" });
  modules.noteImport(FILE, "./lib.mjs", "file:///project/src/lib/index.mjs");
  expect([...modules.importsOf(FILE)]).toEqual([
    ["./lib.mjs", { url: "file:///project/src/lib/index.mjs" }],
    ["./data.json", { url: "file:///project/src/data.json", attributes: { type: "json" } }],
  ]);
  expect(modules.importsOf("/project/src/other.mjs").size).toBe(0);
});

test("a hot-only version compiled to CommonJS runs as a function: no module is imported, nothing is retained", async () => {
  const compiled: string[] = [];
  const modules = new EsmModules(noChannel, true, {
    compileHotOnly: (file) => {
      compiled.push(file);
      return `"use strict"; module.constructor.chaudTestRan("hot-only of " + __filename);`;
    },
  });
  modules.noteLoad(FILE, load(1000));
  const transaction = modules.begin();
  await expect(transaction.reevaluateHotOnly(FILE, "in-place")).resolves.toBe(true);
  await expect(transaction.reevaluateHotOnly(FILE, "entry")).resolves.toBe(true);
  expect(compiled).toEqual([FILE, FILE]);
  expect(ran).toEqual([`hot-only of ${FILE}`, `hot-only of ${FILE}`]);
  expect(modules.retained()).toEqual({ records: 0, bytes: 0 });
});

test("what the hot-only version throws is the update's error", async () => {
  const modules = new EsmModules(noChannel, true, {
    compileHotOnly: () => `throw Object.assign(new Error("shape changed"), { code: "TEST_CODE" });`,
  });
  await expect(modules.begin().reevaluateHotOnly(FILE, "in-place")).rejects.toMatchObject({ code: "TEST_CODE" });
});

test("an import the running version does not have, import.meta, or a failed compile: imported as a module instead", async () => {
  for (const code of [
    `"use strict"; var _x = require("./new.mjs"); module.constructor.chaudTestRan("ran");`,
    `"use strict"; module.constructor.chaudTestRan(import.meta.url);`,
    null,
  ]) {
    const modules = new EsmModules(noChannel, true, {
      compileHotOnly: () => {
        if (code === null) throw new SyntaxError("Babel could not compile it");
        return code;
      },
    });
    // The module import is what Jest cannot do: reaching it is the fallback.
    await expect(modules.begin().reevaluateHotOnly(FILE, "in-place")).rejects.toThrow(/dynamic import|vm-modules/i);
  }
  expect(ran).toEqual([]);
});

test("without the loader's hot-only compile, an update in place is not attempted", async () => {
  const modules = new EsmModules(noChannel, false, { compileHotOnly: () => `module.constructor.chaudTestRan("ran");` });
  await expect(modules.begin().reevaluateHotOnly(FILE, "in-place")).resolves.toBe(false);
  expect(ran).toEqual([]);
});
