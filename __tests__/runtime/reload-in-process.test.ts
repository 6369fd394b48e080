// Version 1 and version 2 of one module evaluated in one process, as a reload does, with no
// watcher: the registry alone must carry hot code, persisted state and hot classes across.

import { getRegistry } from "../../runtime/registry/registry";
import { load, resetRegistry } from "../helpers/compile";

beforeEach(resetRegistry);

const filename = "/virtual/app/src/counter.ts";

const version = (greeting: string, extra = ""): string => `
  /* @chaud.persist */ export let hits = 0;
  /* @chaud.persist */ export const seen: string[] = [];
  export const disposed: string[] = (globalThis as any).__disposed ??= [];

  /* @chaud.hot */
  export function greet(name: string) { hits++; seen.push(name); return "${greeting} " + name + " #" + hits; }

  /* @chaud.hot */
  export class Counter {
    count = 0;
    add(n: number) { this.count += n; return "${greeting}:" + this.count; }
    ${extra}
  }

  /* @chaud.dispose */
  function cleanup() { disposed.push("${greeting}"); }
`;

/** Evaluates a version inside a batch, committing or rolling back as the runtime would. */
function reload(code: string): Record<string, any> {
  const batch = getRegistry().beginBatch();
  try {
    const exports = load(code, { filename });
    batch.commit();
    return exports;
  } catch (error) {
    batch.rollback();
    throw error;
  }
}

afterEach(() => {
  delete (globalThis as any).__disposed;
});

test("old references run version 2 while persisted values and class instances carry over", () => {
  const v1 = load(version("hello"), { filename });
  const heldGreet = v1.greet;
  const counter = new v1.Counter();
  expect(heldGreet("a")).toBe("hello a #1");
  expect(counter.add(2)).toBe("hello:2");

  const v2 = reload(version("bonjour", "reset() { this.count = 0; return 'reset'; }"));

  expect(v2.greet).toBe(heldGreet);
  expect(heldGreet("b")).toBe("bonjour b #2");
  expect(v2.hits).toBe(2);
  expect(v2.seen).toEqual(["a", "b"]);
  expect(v2.Counter).toBe(v1.Counter);
  expect(counter).toBeInstanceOf(v2.Counter);
  expect(counter.add(3)).toBe("bonjour:5");
  expect(counter.reset()).toBe("reset");
  expect(v2.disposed).toEqual(["hello"]);
});

test("a version that throws halfway through evaluation changes nothing", () => {
  const v1 = load(version("hello"), { filename });
  const counter = new v1.Counter();
  v1.greet("a");

  const broken = version("broken", "extra() { return 1; }") + `\nthrow new Error("halfway");`;
  expect(() => reload(broken)).toThrow("halfway");

  expect(v1.greet("b")).toBe("hello b #2");
  expect(counter.add(1)).toBe("hello:1");
  expect(counter.extra).toBeUndefined();
  expect((globalThis as any).__disposed).toEqual([]);
  expect(getRegistry().activeBatch).toBeNull();

  // The next good version applies normally.
  reload(version("fixed"));
  expect(v1.greet("c")).toBe("fixed c #3");
  expect((globalThis as any).__disposed).toEqual(["hello"]);
});

test("without a batch, a second evaluation applies at once, as in a process with no runtime", () => {
  const v1 = load(version("hello"), { filename });
  v1.greet("a");
  const v2 = load(version("hi"), { filename });
  expect(v1.greet("b")).toBe("hi b #2");
  expect(v2.hits).toBe(2);
  expect((globalThis as any).__disposed).toEqual(["hello"]);
});

test("the commit report names updated, added and unchanged hot entries", () => {
  load(version("hello"), { filename });
  const batch = getRegistry().beginBatch();
  load(version("hello") + `\n/* @chaud.hot */ export function added() {}`, { filename });
  const same = batch.commit();
  expect(same.hotUpdated).toEqual([]);
  expect(same.hotAdded).toEqual([expect.stringMatching(/#added$/)]);

  const next = getRegistry().beginBatch();
  load(version("changed"), { filename });
  const report = next.commit();
  expect(report.hotUpdated).toEqual([expect.stringMatching(/#greet$/)]);
  expect(report.classesUpdated).toEqual([expect.stringMatching(/#Counter$/)]);
});

test("a persisted CommonJS export (TypeScript's output for `export let`) keeps its value and its writes", () => {
  // What TypeScript emits for `/* @chaud.persist */ export let hits = 0;` with module commonjs.
  const emitted = (greeting: string) => `"use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.hits = void 0;
    exports.bump = bump;
    /* @chaud.persist */
    exports.hits = 0;
    /* @chaud.hot */
    function bump() { exports.hits++; return "${greeting} " + exports.hits; }`;
  const v1 = load(emitted("one"), { filename, commonjs: false });
  expect(v1.bump()).toBe("one 1");
  expect(v1.bump()).toBe("one 2");
  const v2 = reload(emitted("two"));
  expect(v2.hits).toBe(2);
  expect(v1.bump()).toBe("two 3");
  expect(v2.hits).toBe(3);
  expect(Object.keys(v2)).toContain("hits");
});
