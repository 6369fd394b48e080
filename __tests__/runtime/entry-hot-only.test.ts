// The entry module never re-runs its top-level code: a hot-only evaluation of its
// new source updates its hot functions and reads every other binding from the running version.

import { getRegistry } from "../../runtime/registry/registry";
import { compile, load, resetRegistry } from "../helpers/compile";

beforeEach(() => {
  resetRegistry();
  (globalThis as any).__sideEffects = [];
});

const filename = "/virtual/app/src/main.ts";
const entry = (greeting: string): string => `
  const sideEffects: string[] = (globalThis as any).__sideEffects;
  const server = { started: Date.now(), id: Math.random() };
  let requests = 0;
  /* @chaud.persist */ let total = 0;
  class Session { constructor(public user: string) {} }
  function helper(name: string) { return name.toUpperCase(); }
  /* @chaud.hot */
  export function handle(name: string) { total++; return "${greeting} " + helper(name) + " on " + server.id + " " + (new Session(name) instanceof Session); }
  sideEffects.push("listen");
  export const session = new Session("first");
  export const serverId = server.id;
`;

test("updates the entry's hot functions without re-running its top-level code", () => {
  const v1 = load(entry("hello"), { filename });
  expect(v1.handle("a")).toBe(`hello A on ${v1.serverId} true`);
  expect((globalThis as any).__sideEffects).toEqual(["listen"]);

  const batch = getRegistry().beginBatch();
  load(entry("bonjour"), { filename, hotOnly: true });
  const report = batch.commit();

  expect(report.hotUpdated).toEqual([expect.stringMatching(/#handle$/)]);
  expect((globalThis as any).__sideEffects).toEqual(["listen"]);
  // Same server object and same Session class as the running version.
  expect(v1.handle("b")).toBe(`bonjour B on ${v1.serverId} true`);
  expect(getRegistry().cells.get([...getRegistry().cells.keys()][0]!)!.v).toBe(2);
});

test("a hot-only compile drops side effects and reaches unmarked bindings in the running version", () => {
  const out = compile(entry("x"), { filename, hotOnly: true });
  expect(out).toContain("hotOnly: true");
  expect(out).not.toContain("sideEffects.push");
  expect(out).toMatch(/_previous\.server\.id/);
  expect(out).toMatch(/Session = _previous\.Session/);
  expect(out).toContain("function helper");
  expect(out).not.toContain(".dispose(");
});

test("a hot-only evaluation does not dispose the running entry", () => {
  const withDispose = (
    tag: string,
  ) => `/* @chaud.dispose */ function stop() { (globalThis as any).__sideEffects.push("disposed ${tag}"); }
    /* @chaud.hot */ export function f() { return "${tag}"; }`;
  const v1 = load(withDispose("v1"), { filename });
  const batch = getRegistry().beginBatch();
  load(withDispose("v2"), { filename, hotOnly: true });
  batch.commit();
  expect(v1.f()).toBe("v2");
  expect((globalThis as any).__sideEffects).toEqual([]);
});

test("new bodies assign the running module's top-level let: n = 1, n++, n += 2, destructuring", () => {
  const counter = (step: string): string => `
    let n = 0;
    let label = "start";
    /* @chaud.hot */ export function bump() { ${step} return n; }
    /* @chaud.hot */ export function read() { return label + ":" + n; }
  `;
  const v1 = load(counter("n++;"), { filename });
  expect(v1.bump()).toBe(1);
  expect(v1.bump()).toBe(2);

  for (const [step, expected] of [
    ["n += 2;", 4],
    ["n = n * 10;", 40],
    ["({ n, label } = { n: n + 1, label: 'obj' });", 41],
    ["[n] = [n - 1];", 40],
  ] as const) {
    const batch = getRegistry().beginBatch();
    load(counter(step), { filename, hotOnly: true });
    batch.commit();
    expect(v1.bump()).toBe(expected);
  }
  // The running version's read() sees what the new bodies wrote.
  expect(v1.read()).toBe("obj:40");
});
