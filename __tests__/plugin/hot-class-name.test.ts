// A hot class keeps the name V8 gives it in its own messages and stack traces, not only in
// `.name`: "Class constructor Queue cannot be invoked without 'new'", `at new Queue`. Found
// by the plugin fuzzer on yocto-queue, whose hot `export default class Queue` threw
// "Class constructors cannot be invoked without 'new'" (an anonymous class's message).

import { load, resetRegistry } from "../helpers/compile";

afterEach(resetRegistry);

function callWithoutNew(cls: unknown): string {
  try {
    (cls as () => unknown)();
  } catch (error) {
    return (error as Error).message;
  }
  return "(no error)";
}

const BODY = '{ constructor(fail) { if (fail) throw new Error("probe"); } }';

function stackOfConstructor(cls: unknown): string {
  try {
    new (cls as new (fail: boolean) => unknown)(true);
  } catch (error) {
    return (error as Error).stack ?? "";
  }
  return "";
}

test.each([
  ["a class declaration", `/* @chaud.hot */\nexport class Queue ${BODY}\nexport const cls = Queue;`, "Queue"],
  [
    "an exported default class",
    `/* @chaud.hot */\nexport default class Queue ${BODY}\nexport const cls = Queue;`,
    "Queue",
  ],
  [
    "a class expression in a const",
    `/* @chaud.hot */\nexport const Queue = class ${BODY};\nexport const cls = Queue;`,
    "Queue",
  ],
  ["an anonymous default class", `/* @chaud.hot */\nexport default class ${BODY}`, "default"],
])("%s", (_, source, name) => {
  resetRegistry();
  const exports = load(source);
  const cls = exports["cls"] ?? exports["default"];
  expect(cls.name).toBe(name);
  expect(callWithoutNew(cls)).toBe(`Class constructor ${name} cannot be invoked without 'new'`);
  expect(stackOfConstructor(cls)).toContain(`at new ${name} `);
});

// A static initializer that names the class runs before the outer binding exists, so the
// plugin gives it another name for the class; the class itself still answers to its own name.
test("a class whose static initializer names the class keeps its name", () => {
  resetRegistry();
  const source = `/* @chaud.hot */\nexport class Registry { static shared = new Registry(); static { Registry.ready = true; } ${BODY.slice(1)}\nexport const cls = Registry;`;
  const first = load(source);
  expect(first["cls"].name).toBe("Registry");
  expect(callWithoutNew(first["cls"])).toBe("Class constructor Registry cannot be invoked without 'new'");
  expect(stackOfConstructor(first["cls"])).toContain("at new Registry ");
  expect(first["cls"].shared).toBeInstanceOf(first["cls"]);
  expect(first["cls"].ready).toBe(true);

  const reloaded = load(source);
  expect(reloaded["cls"]).toBe(first["cls"]);
  expect(reloaded["cls"].name).toBe("Registry");
});
