// A persisted binding whose initializer is an assignment chain (`const re = exports.re = []`,
// common in CommonJS; found by the plugin fuzzer in semver): after a reload the binding keeps
// its value AND the module's new exports object gets it, because only the value is persisted
// and the assignments in front of it are the module's own code, run on every evaluation.

import { compile, evaluate, resetRegistry } from "../helpers/compile";

const source = `
exports = module.exports = {};
/* @chaud.persist */
const re = exports.re = [];
/* @chaud.persist */
let count = module.exports.count = exports.total = 0;
exports.add = (pattern) => { re.push(pattern); count++; return count; };
exports.count_ = () => count;
`;

afterEach(resetRegistry);

test("a reloaded module's exports get the persisted value of a chained initializer", () => {
  resetRegistry();
  const code = compile(source, { filename: "/virtual/app/src/re.cjs", commonjs: false });
  const first = evaluate(code);
  expect(first.add("a")).toBe(1);
  expect(first.add("b")).toBe(2);

  const reloaded = evaluate(code);
  expect(reloaded).not.toBe(first);
  expect(reloaded.re).toBe(first.re);
  expect(reloaded.re).toEqual(["a", "b"]);
  expect(reloaded.count_()).toBe(2);
  // The exports assigned in the chain hold the persisted value as of the reload.
  expect(reloaded.count).toBe(2);
  expect(reloaded.total).toBe(2);
  expect(reloaded.add("c")).toBe(3);
});

test("the chained initializer's value is created once, on the first evaluation", () => {
  resetRegistry();
  const code = compile(source, { filename: "/virtual/app/src/re.cjs", commonjs: false });
  const first = evaluate(code);
  expect(first.re).toEqual([]);
  expect(first.count).toBe(0);
  expect(first.total).toBe(0);
});
