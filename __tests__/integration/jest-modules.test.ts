// The module system over Jest's registry (integration/jest-modules.ts), against a fake `jest`
// object and a fake `require.cache`: what a reset forgets stays known, the test file is an
// importer but never reloaded, and a transaction resets the registry once.

import { createJestModules, type JestModuleApi } from "../../integration/jest/modules";

interface FakeModule {
  filename: string;
  exports: unknown;
  children: FakeModule[];
  loaded: boolean;
}

const TEST_FILE = "/app/__tests__/a.test.ts";

function setup() {
  const cache: Record<string, FakeModule> = {};
  const calls: string[] = [];
  const load = (filename: string, exports: unknown, children: FakeModule[] = []): FakeModule => {
    const module = { filename, exports, children, loaded: true };
    cache[filename] = module;
    return module;
  };
  const jest: JestModuleApi = {
    resetModules() {
      calls.push("reset");
      for (const key of Object.keys(cache)) delete cache[key];
    },
    requireActual(file) {
      calls.push(`require ${file}`);
      return load(file, { version: 2 }).exports;
    },
  };
  const modules = createJestModules({ jest, cache, testFile: TEST_FILE });
  return { cache, calls, load, modules };
}

test("keeps knowing the modules a reset dropped, so they stay watched", () => {
  const { load, modules } = setup();
  const unit = load("/app/src/unit.ts", { UNIT: "clicks" });
  load("/app/src/counter.ts", {}, [unit]);
  expect(modules.loadedFiles()).toEqual(["/app/src/unit.ts", "/app/src/counter.ts"]);

  const transaction = modules.begin();
  transaction.reevaluate("/app/src/unit.ts");
  transaction.commit();

  expect(modules.loadedFiles()).toEqual(["/app/src/unit.ts", "/app/src/counter.ts"]);
  expect(modules.isLoaded("/app/src/counter.ts")).toBe(true);
  expect(modules.importersOf("/app/src/unit.ts")).toEqual(["/app/src/counter.ts"]);
});

test("counts the test file as an importer but never watches or reloads it", () => {
  const { load, modules } = setup();
  const counter = load("/app/src/counter.ts", {});
  load(TEST_FILE, {}, [counter]);

  expect(modules.loadedFiles()).toEqual(["/app/src/counter.ts"]);
  expect(modules.isLoaded(TEST_FILE)).toBe(false);
  expect(modules.importersOf("/app/src/counter.ts")).toEqual([TEST_FILE]);
  expect(modules.dependenciesOf(TEST_FILE)).toEqual(["/app/src/counter.ts"]);
});

test("ignores modules still loading", () => {
  const { cache, load, modules } = setup();
  load("/app/src/counter.ts", {});
  cache["/app/src/half.ts"] = { filename: "/app/src/half.ts", exports: {}, children: [], loaded: false };

  expect(modules.loadedFiles()).toEqual(["/app/src/counter.ts"]);
});

test("a transaction resets the registry once, requires each file afresh and hands back the old and new exports", () => {
  const { calls, load, modules } = setup();
  const before = { version: 1 };
  load("/app/src/unit.ts", before);
  load("/app/src/counter.ts", {});
  modules.loadedFiles();

  const transaction = modules.begin();
  // Jest's module system answers synchronously (Jest's require is synchronous).
  const result = transaction.reevaluate("/app/src/unit.ts") as { before: unknown; after: unknown };
  transaction.reevaluate("/app/src/counter.ts");
  transaction.commit();

  expect(result).toEqual({ before, after: { version: 2 } });
  expect(result.before).toBe(before);
  expect(calls).toEqual(["reset", "require /app/src/unit.ts", "require /app/src/counter.ts"]);
});

test("rollback empties the registry again, so no module of the failed attempt is handed out", () => {
  const { cache, calls, load, modules } = setup();
  load("/app/src/unit.ts", {});
  modules.loadedFiles();

  const transaction = modules.begin();
  transaction.reevaluate("/app/src/unit.ts");
  transaction.rollback();

  expect(calls).toEqual(["reset", "require /app/src/unit.ts", "reset"]);
  expect(Object.keys(cache)).toEqual([]);
  expect(modules.isLoaded("/app/src/unit.ts")).toBe(true);
});

test("a transaction that re-evaluates nothing leaves the registry alone", () => {
  const { calls, modules } = setup();
  const transaction = modules.begin();
  transaction.reevaluateHotOnly(TEST_FILE, "entry");
  transaction.rollback();
  expect(calls).toEqual([]);
});

test("refresh() tells the load listener, and the undo stops that", () => {
  const { modules } = setup();
  const onLoad = jest.fn();
  const undo = modules.watchLoads(onLoad);
  modules.refresh();
  undo();
  undo();
  modules.refresh();
  expect(onLoad).toHaveBeenCalledTimes(1);
});
