import { load, resetRegistry } from "../helpers/compile";

beforeEach(resetRegistry);

test("a hot function keeps its identity and runs the newest body", () => {
  const v1 = load(`/* @chaud.hot */ export function greet(name) { return "hello " + name; }`);
  const held = v1.greet;
  expect(held("a")).toBe("hello a");
  const v2 = load(`/* @chaud.hot */ export function greet(name) { return "bonjour " + name; }`);
  expect(v2.greet).toBe(held);
  expect(held("a")).toBe("bonjour a");
});
