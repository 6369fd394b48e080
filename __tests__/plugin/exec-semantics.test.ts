// Marked code must behave exactly like unmarked code. Each case
// compiles one module twice, with the plugin off and on, runs its `run()` export and
// compares; then evaluates the marked module a second time, as a reload does, and compares
// again, so the forwarding stub is on the path. Runs under Babel 8 too (CHAUD_TEST_BABEL, see
// ../helpers/babel-under-test.ts).

import { BABEL_VERSION, useBabelUnderTest } from "../helpers/babel-under-test";
import { load, resetRegistry } from "../helpers/compile";

beforeAll(useBabelUnderTest);
beforeEach(resetRegistry);

interface Case {
  title: string;
  code: string;
}

const cases: Case[] = [
  {
    title: "keeps `this` for hot functions called as methods and plainly",
    code: `/* @chaud.hot */ function who() { return this === undefined ? "undefined" : this.tag; }
      export function run() { return [who(), who.call({ tag: "call" }), ({ tag: "obj", who }).who()]; }`,
  },
  {
    title: "keeps `arguments`, including extra and missing arguments",
    code: `/* @chaud.hot */ function count(a, b) { return [arguments.length, [...arguments]]; }
      export function run() { return [count(), count(1), count(1, 2), count(1, 2, 3, 4)]; }`,
  },
  {
    title: "keeps `new.target` and construction through `new`",
    code: `/* @chaud.hot */ function Point(x) { if (!new.target) return "called"; this.x = x; }
      Point.prototype.double = function () { return this.x * 2; };
      export function run() { const p = new Point(4); return [Point(1), p.x, p.double(), p instanceof Point]; }`,
  },
  {
    title: "keeps default and rest parameters and `fn.length`",
    code: `/* @chaud.hot */ function f(a, b = a + 1, ...rest) { return { a, b, rest }; }
      export function run() { return [f(1), f(1, 5), f(1, 2, 3, 4), f.length, f.name]; }`,
  },
  {
    title: "keeps `fn.name` and `fn.length` of arrows and function expressions",
    code: `/* @chaud.hot */ const arrow = (x, y) => x + y;
      /* @chaud.hot */ const expr = function named(a) { return a; };
      /* @chaud.hot */ let anon = function (a, b, c) { return a; };
      export function run() { return [arrow.name, arrow.length, expr.name, expr.length, anon.name, anon.length, arrow(1, 2)]; }`,
  },
  {
    title: "returns values and throws errors unchanged",
    code: `/* @chaud.hot */ function fail(message) { throw new TypeError(message); }
      /* @chaud.hot */ function ok() { return { nested: [1, 2] }; }
      export function run() { try { fail("boom"); } catch (e) { return [e instanceof TypeError, e.message, ok()]; } }`,
  },
  {
    title: "keeps async functions awaiting and rejecting",
    code: `/* @chaud.hot */ async function later(x) { await null; if (x < 0) throw new Error("negative"); return x * 2; }
      export async function run() { const a = await later(2); const b = await later(-1).catch((e) => e.message); return [a, b, later(1) instanceof Promise]; }`,
  },
  {
    title: "keeps generators lazy and resumable",
    code: `/* @chaud.hot */ function* count(n) { for (let i = 0; i < n; i++) { const got = yield i; if (got) i += got; } return "done"; }
      export function run() { const it = count(5); return [it.next(), it.next(), it.next(2), it.next(), it.next(), [...count(3)]]; }`,
  },
  {
    title: "keeps async generators",
    code: `/* @chaud.hot */ async function* ticks(n) { for (let i = 0; i < n; i++) { await null; yield i; } }
      export async function run() { const out = []; for await (const t of ticks(3)) out.push(t); return out; }`,
  },
  {
    title: "lets a hot function be called above its declaration",
    code: `const early = hoisted(2);
      /* @chaud.hot */ function hoisted(x) { return x + 40; }
      export function run() { return [early, hoisted(1)]; }`,
  },
  {
    title: "keeps recursion, direct and mutual",
    code: `/* @chaud.hot */ function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
      /* @chaud.hot */ function isEven(n) { return n === 0 ? true : isOdd(n - 1); }
      /* @chaud.hot */ function isOdd(n) { return n === 0 ? false : isEven(n - 1); }
      export function run() { return [fib(15), isEven(10), isOdd(7)]; }`,
  },
  {
    title: "keeps getters, setters and static methods of hot classes",
    code: `/* @chaud.hot */ class Temp {
        static unit = "C";
        static of(c) { return new Temp(c); }
        constructor(c) { this.c = c; }
        get f() { return this.c * 9 / 5 + 32; }
        set f(value) { this.c = (value - 32) * 5 / 9; }
      }
      export function run() { const t = Temp.of(100); const before = t.f; t.f = 32; return [before, t.c, Temp.unit, Temp.name, t instanceof Temp]; }`,
  },
  {
    title: "keeps `super` calls in hot classes and hot methods",
    code: `class Base { greet() { return "base"; } static kind() { return "Base"; } }
      /* @chaud.hot */ class Child extends Base { greet() { return "child+" + super.greet(); } static kind() { return "Child+" + super.kind(); } }
      class Plain extends Base { /* @chaud.hot */ greet() { return "plain+" + super.greet(); } }
      export function run() { return [new Child().greet(), Child.kind(), new Plain().greet(), new Child() instanceof Base]; }`,
  },
  {
    title: "keeps `#private` fields, methods, accessors, statics and `#x in obj` inside hot classes",
    code: `/* @chaud.hot */ class Account {
        #balance = 0;
        static #opened = 0;
        constructor() { Account.#opened++; }
        #log(n) { return "+" + n; }
        get #double() { return this.#balance * 2; }
        deposit(n) { this.#balance += n; return this.#log(n); }
        report() { return [this.#balance, this.#double, Account.#opened, #balance in this, #balance in {}]; }
        static opened() { return Account.#opened; }
      }
      export function run() { const a = new Account(); new Account(); return [a.deposit(5), a.report(), Account.opened(), Object.keys(a), JSON.stringify(a)]; }`,
  },
  {
    title: "keeps TypeScript parameter properties and overload signatures",
    code: `/* @chaud.hot */ class Box { constructor(private readonly value: number, public label = "box") {} get(): number { return this.value; } }
      /* @chaud.hot */ export function parse(input: string): number;
      export function parse(input: number): number;
      export function parse(input: string | number): number { return typeof input === "string" ? Number(input) : input; }
      export function run() { const b = new Box(3); return [b.get(), b.label, parse("4"), parse(5), parse.length]; }`,
  },
  {
    title: "keeps a hot class expression's own name, in static initializers and methods",
    code: `/* @chaud.hot */ const Foo = class Inner { static shared = new Inner(); static make() { return new Inner(); } };
      /* @chaud.hot */ class Registry { static instance = new Registry(); static { Registry.ready = true; } static get() { return Registry.instance; } }
      export function run() { return [Foo.name, Foo.make() instanceof Foo, Foo.shared instanceof Foo, Registry.ready, Registry.get() instanceof Registry]; }`,
  },
  {
    title: "keeps TypeScript method overloads with the marker on the first signature",
    code: `export class Parser { /* @chaud.hot */ parse(input: string): number; parse(input: number): number; parse(input: any): number { return Number(input) * 2; } }
      export function run() { const p = new Parser(); return [p.parse("2"), p.parse(3), Parser.prototype.parse.name]; }`,
  },
  {
    title: "keeps persisted let semantics for every kind of write",
    code: `/* @chaud.persist */ let n = 1;
      /* @chaud.persist */ let list = [];
      /* @chaud.persist */ var s;
      export function run() { n++; n += 10; n = n * 2; [n] = [n + 1]; for (s of ["a", "b"]) list.push(s); ++n; return [n, list, s, n--, n]; }`,
  },
  {
    title: "keeps hot single methods, static and accessor ones",
    code: `class Greeter {
        constructor(name) { this.name = name; }
        /* @chaud.hot */ hello(greeting = "hi") { return greeting + " " + this.name; }
        /* @chaud.hot */ static create(name) { return new Greeter(name); }
        /* @chaud.hot */ get shout() { return this.name.toUpperCase(); }
      }
      export function run() { const g = Greeter.create("ada"); return [g.hello(), g.hello("yo"), g.shout, Greeter.prototype.hello.name, Greeter.prototype.hello.length, Object.keys(Greeter.prototype)]; }`,
  },
];

describe(`marked code behaves as unmarked code (Babel ${BABEL_VERSION})`, () => {
  for (const { title, code } of cases) {
    test(title, async () => {
      const plain = await load(code, { enabled: false }).run();
      resetRegistry();
      const marked = await load(code).run();
      expect(marked).toEqual(plain);
      // A second evaluation (a reload of the same source) behaves the same.
      resetRegistry();
      load(code);
      const reloaded = await load(code).run();
      expect(reloaded).toEqual(plain);
    });
  }
});

test(`names an anonymous hot default export \`default\`, as native ESM does (Babel ${BABEL_VERSION})`, () => {
  // (Babel's CommonJS output names the unmarked function "_default"; chaud follows the spec.)
  const exported = load(`/* @chaud.hot */ export default function (a) { return a * 3; }`).default;
  expect([exported.name, exported.length, exported(2)]).toEqual(["default", 1, 6]);
});
