// The reload algorithm in memory: a fake module system, the real registry.

import type { ContentCheck } from "../../runtime/reload/content-hashes";
import type { ModuleSystem, ModuleTransaction } from "../../runtime/modules/module-system";
import { getRegistry } from "../../runtime/registry/registry";
import { Reloader } from "../../runtime/reload/reloader";
import { resetRegistry } from "../helpers/compile";

interface FakeModule {
  deps: string[];
  /** Evaluates the current source: registers with the registry and returns exports. */
  evaluate: () => unknown;
  /** A module the runtime may update in place: registers its new hot bodies (and may throw as the registry does). */
  evaluateHotOnly?: () => void;
  exports?: unknown;
}

class FakeModules implements ModuleSystem {
  readonly log: string[] = [];
  constructor(
    readonly modules: Record<string, FakeModule>,
    private readonly entry: string | null = "main",
  ) {
    for (const module of Object.values(modules)) module.exports = module.evaluate();
  }
  loadedFiles = (): string[] => Object.keys(this.modules);
  isLoaded = (file: string): boolean => file in this.modules;
  dependenciesOf = (file: string): string[] => this.modules[file]?.deps ?? [];
  importersOf = (file: string): string[] =>
    Object.keys(this.modules).filter((other) => this.modules[other]!.deps.includes(file));
  watchLoads = (): (() => void) => () => {};
  begin(): ModuleTransaction {
    const saved = new Map<string, unknown>();
    return {
      reevaluate: (file) => {
        const module = this.modules[file]!;
        if (!saved.has(file)) saved.set(file, module.exports);
        this.log.push(file);
        const before = module.exports;
        module.exports = module.evaluate();
        return { before, after: module.exports };
      },
      reevaluateHotOnly: (file) => {
        const module = this.modules[file]!;
        if (file !== this.entry && !module.evaluateHotOnly) return false;
        this.log.push(`hot-only ${file}`);
        module.evaluateHotOnly?.();
        return true;
      },
      commit: () => {
        this.log.push("commit");
      },
      rollback: () => {
        for (const [file, exports] of saved) this.modules[file]!.exports = exports;
        this.log.push("rollback");
      },
    };
  }
}

class FakeHashes {
  readonly checks = new Map<string, ContentCheck>();
  forgotten: string[] = [];
  check = (file: string): ContentCheck => this.checks.get(file) ?? "changed";
  markFailed = (file: string): void => void this.forgotten.push(file);
}

beforeEach(resetRegistry);

const constant = (value: unknown) => () => ({ value });
const hotExports = (file: string, body: () => string) => () => ({
  run: getRegistry().module(file).fn("run", body, String(Math.random())),
});

function setup(modules: Record<string, FakeModule>, entry: string | null = "main") {
  const system = new FakeModules(modules, entry);
  const hashes = new FakeHashes();
  const reloader = new Reloader({ modules: system, registry: getRegistry(), hashes, entry });
  return { system, hashes, reloader };
}

test("re-evaluates changed modules dependencies first", async () => {
  const { system, reloader } = setup({
    main: { deps: ["a"], evaluate: constant(0) },
    a: { deps: ["b"], evaluate: hotExports("a", () => "a") },
    b: { deps: [], evaluate: hotExports("b", () => "b") },
  });
  const outcome = await reloader.run(["a", "b"], []);
  expect(outcome.kind).toBe("reloaded");
  expect(system.log).toEqual(["b", "a", "commit"]);
});

test("stops propagating when every export kept its identity", async () => {
  const { system, reloader } = setup({
    main: { deps: ["a"], evaluate: constant(0) },
    a: { deps: ["b"], evaluate: constant(1) },
    b: { deps: [], evaluate: hotExports("b", () => "b") },
  });
  await reloader.run(["b"], []);
  expect(system.log).toEqual(["b", "commit"]);
});

test("re-evaluates importers when an export changed, naming why, but never the entry", async () => {
  let version = 0;
  const { system, reloader } = setup({
    main: { deps: ["a", "b"], evaluate: constant(0) },
    a: { deps: ["b"], evaluate: constant("a") },
    b: { deps: [], evaluate: () => ({ limit: version++ }) },
  });
  const outcome = await reloader.run(["b"], []);
  expect(system.log).toEqual(["b", "a", "commit"]);
  if (outcome.kind !== "reloaded") throw new Error(outcome.kind);
  expect(outcome.reevaluated).toEqual([
    { file: "b", reason: { kind: "changed" } },
    { file: "a", reason: { kind: "importer", of: "b", exports: ["limit"] } },
  ]);
  expect(outcome.stoppedAtEntry).toEqual(["b"]);
});

test("an importer edited in the same batch is evaluated again, not updated in place, when an export it imports changed", async () => {
  let version = 0;
  const { system, reloader } = setup({
    main: { deps: ["routes"], evaluate: constant(0) },
    routes: { deps: ["service"], evaluate: constant("routes"), evaluateHotOnly: () => {} },
    service: { deps: [], evaluate: () => ({ count: version++ }) },
  });
  const outcome = await reloader.run(["routes", "service"], []);
  expect(system.log).toEqual(["service", "routes", "commit"]);
  if (outcome.kind !== "reloaded") throw new Error(outcome.kind);
  expect(outcome.inPlace).toEqual([]);
  expect(outcome.reevaluated.map((item) => item.file)).toEqual(["service", "routes"]);
});

test("the entry, edited in the same batch as a module whose exports it imports changed, stops propagation", async () => {
  let version = 0;
  const { reloader } = setup({
    main: { deps: ["config"], evaluate: constant(0) },
    config: { deps: [], evaluate: () => ({ limit: version++ }) },
  });
  const outcome = await reloader.run(["main", "config"], []);
  if (outcome.kind !== "reloaded") throw new Error(outcome.kind);
  expect(outcome.stoppedAtEntry).toEqual(["config"]);
});

test("evaluates only the hot parts of an edited entry", async () => {
  const { system, reloader } = setup({ main: { deps: [], evaluate: constant(0) } });
  const outcome = await reloader.run(["main"], []);
  expect(system.log).toEqual(["hot-only main", "commit"]);
  // Only hot bodies changed (the shape is the same): an update in place, nothing evaluated anew.
  if (outcome.kind !== "reloaded") throw new Error(outcome.kind);
  expect(outcome.inPlace).toEqual(["main"]);
  expect(outcome.reevaluated).toEqual([]);
  expect(outcome.topLevelChanged).toEqual([]);
});

test("re-evaluates each module of an import cycle once", async () => {
  let version = 0;
  const { system, reloader } = setup({
    main: { deps: ["a"], evaluate: constant(0) },
    a: { deps: ["b"], evaluate: () => ({ a: version++ }) },
    b: { deps: ["a"], evaluate: () => ({ b: version++ }) },
  });
  await reloader.run(["a"], []);
  expect(system.log).toEqual(["a", "b", "commit"]);
});

test("rolls back the registry and the modules when an evaluation throws, and retries the same save later", async () => {
  let broken = false;
  const { system, hashes, reloader } = setup({
    main: { deps: ["a"], evaluate: constant(0) },
    a: {
      deps: ["b"],
      evaluate: () => {
        if (broken) throw new Error("boom");
        return { x: 1 };
      },
    },
    b: { deps: [], evaluate: hotExports("b", () => "b1") },
  });
  const held = (system.modules["b"]!.exports as { run: () => string }).run;
  system.modules["b"]!.evaluate = hotExports("b", () => "b2");
  system.modules["a"]!.deps = ["b"];
  broken = true;
  const outcome = await reloader.run(["b", "a"], []);
  expect(outcome.kind).toBe("failed");
  expect(outcome.kind === "failed" && outcome.file).toBe("a");
  expect(system.log).toEqual(["b", "a", "rollback"]);
  expect(held()).toBe("b1");
  expect(getRegistry().activeBatch).toBeNull();
  expect(hashes.forgotten.sort()).toEqual(["a", "b"]);
});

test("does nothing for a save that left the content unchanged", async () => {
  const { system, hashes, reloader } = setup({
    main: { deps: ["a"], evaluate: constant(0) },
    a: { deps: [], evaluate: constant(1) },
  });
  hashes.checks.set("a", "unchanged");
  expect(await reloader.run(["a"], [])).toEqual({ kind: "unchanged", files: ["a"] });
  expect(system.log).toEqual([]);
});

test("does not load an empty file (a save caught between truncating and writing)", async () => {
  const { system, hashes, reloader } = setup({
    main: { deps: ["a"], evaluate: constant(0) },
    a: { deps: [], evaluate: constant(1) },
  });
  hashes.checks.set("a", "empty");
  expect(await reloader.run(["a"], [])).toEqual({ kind: "empty", files: ["a"] });
  expect(system.log).toEqual([]);
});

test("keeps the loaded version of a deleted or unreadable file", async () => {
  const { system, hashes, reloader } = setup({
    main: { deps: ["a", "b"], evaluate: constant(0) },
    a: { deps: [], evaluate: constant(1) },
    b: { deps: [], evaluate: constant(2) },
  });
  hashes.checks.set("b", "unreadable");
  expect(await reloader.run(["b"], ["a"])).toEqual({ kind: "removed", files: ["a", "b"] });
  expect(system.log).toEqual([]);
});

test("ignores files that are not loaded modules", async () => {
  const { system, reloader } = setup({ main: { deps: [], evaluate: constant(0) } });
  expect(await reloader.run(["/elsewhere/notes.txt"], [])).toEqual({ kind: "unchanged", files: [] });
  expect(system.log).toEqual([]);
});

test("says why each file is gone when the hashes know (deleted, a directory in its place, permission denied)", async () => {
  const { system, hashes } = setup({
    main: { deps: ["a", "b"], evaluate: constant(0) },
    a: { deps: [], evaluate: constant(1) },
    b: { deps: [], evaluate: constant(2) },
  });
  hashes.checks.set("b", "unreadable");
  const why = { b: "EISDIR" } as Record<string, string>;
  const withReasons = Object.assign(hashes, { whyUnreadable: (file: string) => why[file] });
  const reasoned = new Reloader({ modules: system, registry: getRegistry(), hashes: withReasons, entry: "main" });
  expect(await reasoned.run(["b"], ["a"])).toEqual({
    kind: "removed",
    files: ["a", "b"],
    why: { a: "ENOENT", b: "EISDIR" },
  });
  expect(system.log).toEqual([]);
});

test("a failed batch whose file changed meanwhile says it is superseded (a newer batch follows)", async () => {
  const { system, hashes } = setup({
    main: { deps: ["a"], evaluate: constant(0) },
    a: { deps: [], evaluate: constant(1) },
  });
  system.modules["a"]!.evaluate = () => {
    throw new SyntaxError("Unterminated string constant");
  };
  const changedMeanwhile = Object.assign(hashes, { matches: () => false });
  const reloader = new Reloader({ modules: system, registry: getRegistry(), hashes: changedMeanwhile, entry: "main" });
  const outcome = await reloader.run(["a"], []);
  expect(outcome).toMatchObject({ kind: "failed", file: "a", superseded: true });
  const unchangedSince = Object.assign(hashes, { matches: () => true });
  const again = await new Reloader({
    modules: system,
    registry: getRegistry(),
    hashes: unchangedSince,
    entry: "main",
  }).run(["a"], []);
  expect(again.kind).toBe("failed");
  expect(again).not.toHaveProperty("superseded");
});

// A module whose first version registered `run` with shape "s1"; its next source has `shape`.
function inPlaceModule(file: string, shape: string, body: () => string, deps: string[] = []): FakeModule {
  return {
    deps,
    evaluate: () => ({
      run: getRegistry()
        .module(file, { shape: "s1" })
        .fn("run", () => "v1", "h1"),
    }),
    evaluateHotOnly: () => void getRegistry().module(file, { hotOnly: true, shape }).fn("run", body, "h2"),
  };
}

test("an edit inside hot bodies updates the module in place: nothing evaluated, importers untouched", async () => {
  let evaluations = 0;
  const { system, reloader } = setup({
    main: { deps: ["app"], evaluate: constant(0) },
    app: { deps: ["store"], evaluate: () => ({ n: ++evaluations }) },
    store: inPlaceModule("store", "s1", () => "v2"),
  });
  const run = (system.modules["store"]!.exports as { run: () => string }).run;
  const outcome = await reloader.run(["store"], []);
  expect(system.log).toEqual(["hot-only store", "commit"]);
  if (outcome.kind !== "reloaded") throw new Error(outcome.kind);
  expect(outcome.inPlace).toEqual(["store"]);
  expect(outcome.reevaluated).toEqual([]);
  expect(outcome.hotUpdated).toEqual(["store#run"]);
  expect(run()).toBe("v2");
  expect(evaluations).toBe(1);
});

test("an edit beyond the hot bodies (another shape) evaluates the module again", async () => {
  const { system, reloader } = setup({
    main: { deps: ["store"], evaluate: constant(0) },
    store: inPlaceModule("store", "s2", () => "v2"),
  });
  const outcome = await reloader.run(["store"], []);
  expect(system.log).toEqual(["hot-only store", "store", "commit"]);
  if (outcome.kind !== "reloaded") throw new Error(outcome.kind);
  expect(outcome.inPlace).toEqual([]);
  expect(outcome.reevaluated).toEqual([{ file: "store", reason: { kind: "changed" } }]);
});

test("an entry whose top-level code changed updates its hot parts and says the rest is not applied", async () => {
  const { reloader } = setup({ main: inPlaceModule("main", "s2", () => "v2") });
  const outcome = await reloader.run(["main"], []);
  if (outcome.kind !== "reloaded") throw new Error(outcome.kind);
  expect(outcome.topLevelChanged).toEqual(["main"]);
  expect(outcome.hotUpdated).toEqual(["main#run"]);
});

test("an entry edited inside its hot bodies only reports nothing left unapplied", async () => {
  const { reloader } = setup({ main: inPlaceModule("main", "s1", () => "v2") });
  const outcome = await reloader.run(["main"], []);
  expect(outcome.kind === "reloaded" && outcome.topLevelChanged).toEqual([]);
});

test("a re-evaluation in which no hot item took new code names the changed files and lines nothing running calls", async () => {
  const { reloader, hashes } = setup({
    main: { deps: ["jobs"], evaluate: constant(0) },
    jobs: { deps: [], evaluate: constant("jobs") },
  });
  Object.assign(hashes, { changedLine: (file: string) => (file === "jobs" ? 7 : undefined) });
  const outcome = await reloader.run(["jobs"], []);
  expect(outcome.kind === "reloaded" && outcome.unreached).toEqual([{ file: "jobs", line: 7 }]);
});

test("a re-evaluation that switched a hot item reaches running code: nothing unreached", async () => {
  const { reloader } = setup({
    main: { deps: ["a"], evaluate: constant(0) },
    a: { deps: [], evaluate: hotExports("a", () => "a") },
  });
  const outcome = await reloader.run(["a"], []);
  expect(outcome.kind === "reloaded" && outcome.unreached).toEqual([]);
});
