// The plugin fuzzer's corpus: real JavaScript shipped by popular npm packages (installed as
// dev dependencies), the files of each that get markers, and sample calls of each package's
// own exports whose results the marked-and-compiled package must reproduce.
//
// CommonJS: semver (classes, many small modules), minimist (one file: `var`s, nested
// functions, `module.exports = function`), lodash (a subset: hundreds of tiny modules,
// prototype assignments, IIFEs). ES modules: change-case (`export function`, `const`
// regexps, `import * as`), yocto-queue (`export default class` with `#private` fields, a
// getter and generator methods, one computed).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export const NODE_MODULES = resolve(__dirname, "../../node_modules");

/** Loads a module of the package under test (a path relative to the package root) in the sandbox. */
export type Load = (relativePath: string) => any;

export interface SampleCase {
  label: string;
  run: (load: Load) => unknown;
}

export interface FuzzPackage {
  name: string;
  root: string;
  /** The package's files are ES modules: the sandbox compiles them to CommonJS, with and without chaud alike. */
  esm: boolean;
  /** Absolute paths of the files that get markers. */
  files: string[];
  samples: SampleCase[];
}

const root = (name: string): string => join(NODE_MODULES, name);

/** `[label, run]` pairs to sample cases. */
function cases(list: Array<[string, (load: Load) => unknown]>): SampleCase[] {
  return list.map(([label, run]) => ({ label, run }));
}

function semverPackage(): FuzzPackage {
  const dir = root("semver");
  const folders = ["classes", "functions", "internal", "ranges"];
  const files = [join(dir, "index.js"), ...folders.flatMap((folder) => listJs(join(dir, folder)))];
  const s = (load: Load): any => load("index.js");
  return {
    name: "semver",
    root: dir,
    esm: false,
    files,
    samples: cases([
      ["satisfies caret", (l) => s(l).satisfies("1.2.3", "^1.0.0")],
      [
        "satisfies range set",
        (l) => s(l).satisfies("2.0.0-beta.1", ">=1.0.0 <2.0.0 || 2.0.0-beta.x", { includePrerelease: true }),
      ],
      ["satisfies hyphen", (l) => s(l).satisfies("1.5.0", "1.2.3 - 1.9")],
      ["valid", (l) => [s(l).valid("1.2.3"), s(l).valid("a.b.c"), s(l).valid("v1.2.3-rc.1+build.5")]],
      ["clean", (l) => s(l).clean("  =v1.2.3   ")],
      [
        "inc",
        (l) => [
          s(l).inc("1.2.3", "minor"),
          s(l).inc("1.2.3", "prerelease", "beta"),
          s(l).inc("1.2.3-beta.0", "prerelease"),
          s(l).inc("1.2.3", "major"),
        ],
      ],
      ["diff", (l) => [s(l).diff("1.2.3", "1.3.0"), s(l).diff("1.2.3", "2.0.0-pre"), s(l).diff("1.2.3", "1.2.3")]],
      [
        "compare and sort",
        (l) => [
          s(l).compare("1.2.3", "1.10.0"),
          s(l).rcompare("1.0.0", "2.0.0"),
          s(l).sort(["1.10.0", "1.2.0", "1.2.0-alpha", "0.9.9"]),
          s(l).rsort(["1.0.0", "3.0.0", "2.0.0"]),
        ],
      ],
      ["compareBuild", (l) => s(l).compareBuild("1.0.0+b", "1.0.0+a")],
      [
        "comparison operators",
        (l) => [
          s(l).gt("2.0.0", "1.9.9"),
          s(l).lt("1.0.0-alpha", "1.0.0"),
          s(l).eq("1.0.0", "v1.0.0"),
          s(l).neq("1.0.0", "1.0.1"),
          s(l).gte("1.0.0", "1.0.0"),
          s(l).lte("1.0.1", "1.0.0"),
          s(l).cmp("1.0.0", ">=", "0.1.0"),
        ],
      ],
      [
        "parts",
        (l) => [
          s(l).major("4.5.6"),
          s(l).minor("4.5.6"),
          s(l).patch("4.5.6"),
          s(l).prerelease("1.2.3-alpha.1"),
          s(l).prerelease("1.2.3"),
        ],
      ],
      ["parse", (l) => s(l).parse("1.2.3-beta.4+exp.sha.5114f85")],
      ["coerce", (l) => [String(s(l).coerce("v2")), String(s(l).coerce("42.6.7.9.3-alpha")), s(l).coerce("none")]],
      [
        "maxSatisfying and minSatisfying",
        (l) => [
          s(l).maxSatisfying(["1.2.3", "1.2.4", "1.3.0"], "~1.2.0"),
          s(l).minSatisfying(["1.2.3", "1.2.4"], "^1.2.4"),
        ],
      ],
      ["minVersion", (l) => String(s(l).minVersion(">=1.2.3 <2.0.0 || ^3.0.0"))],
      ["validRange", (l) => [s(l).validRange("^1.2.3 || ~2.0"), s(l).validRange("nonsense!")]],
      [
        "intersects and subset",
        (l) => [
          s(l).intersects("^1.0.0", "1.5.x"),
          s(l).intersects(">2.0.0", "<1.0.0"),
          s(l).subset("^1.2.0", ">=1.0.0"),
          s(l).subset(">=1.0.0", "^1.2.0"),
        ],
      ],
      [
        "outside, gtr, ltr",
        (l) => [s(l).gtr("3.0.0", "^2.0.0"), s(l).ltr("1.0.0", "^2.0.0"), s(l).outside("1.0.0", "^2.0.0", "<")],
      ],
      [
        "simplifyRange",
        (l) => s(l).simplifyRange(["1.1.0", "1.2.0", "1.2.1", "1.3.0", "2.0.0"], "1.1.0 || 1.2.0 || 1.2.1 || 2.0.0"),
      ],
      ["toComparators", (l) => s(l).toComparators("^1.2.3 || >=4.0.0 <5.0.0")],
      [
        "SemVer class",
        (l) => {
          const { SemVer } = s(l);
          const version = new SemVer("1.2.3-alpha.1");
          version.inc("prerelease");
          return [
            version.format(),
            version.toString(),
            version.compare("1.2.3"),
            version.comparePre("1.2.3-alpha.0"),
            version instanceof SemVer,
            new SemVer(version) === version,
          ];
        },
      ],
      [
        "Range and Comparator classes",
        (l) => {
          const { Range, Comparator, SemVer } = s(l);
          const range = new Range(">=1.2.3 <1.3.0");
          const comparator = new Comparator(">=1.2.3");
          return [
            range.test("1.2.5"),
            range.test(new SemVer("1.3.0")),
            range.format(),
            range.intersects(new Range("^1.2.4")),
            comparator.test("1.2.4"),
            comparator.intersects(new Comparator("<2.0.0")),
            String(comparator),
          ];
        },
      ],
      ["invalid input throws", (l) => new (s(l).SemVer)("not a version")],
      ["invalid range throws", (l) => new (s(l).Range)("=>>>1")],
      [
        "constants",
        (l) => [s(l).SEMVER_SPEC_VERSION, s(l).RELEASE_TYPES, typeof s(l).re, Object.keys(s(l).tokens).length > 10],
      ],
    ]),
  };
}

function yoctoQueuePackage(): FuzzPackage {
  const dir = root("yocto-queue");
  const Queue = (load: Load): any => load("index.js").default;
  const filled = (load: Load, values: unknown[]): any => {
    const queue = new (Queue(load))();
    for (const value of values) queue.enqueue(value);
    return queue;
  };
  return {
    name: "yocto-queue",
    root: dir,
    esm: true,
    files: [join(dir, "index.js")],
    samples: cases([
      [
        "enqueue and dequeue",
        (l) => {
          const queue = filled(l, ["a", "b", "c"]);
          return [
            queue.size,
            queue.dequeue(),
            queue.peek(),
            queue.size,
            queue.dequeue(),
            queue.dequeue(),
            queue.dequeue(),
            queue.size,
          ];
        },
      ],
      [
        "iteration keeps the queue",
        (l) => {
          const queue = filled(l, [1, 2, 3]);
          return [[...queue], queue.size];
        },
      ],
      [
        "drain empties the queue",
        (l) => {
          const queue = filled(l, [1, 2, 3]);
          return [[...queue.drain()], queue.size, queue.peek()];
        },
      ],
      [
        "clear",
        (l) => {
          const queue = filled(l, [1, 2]);
          queue.clear();
          queue.enqueue(9);
          return [queue.size, [...queue]];
        },
      ],
      [
        "private state is not visible",
        (l) => [
          Object.keys(filled(l, [1])),
          Object.getOwnPropertyNames(Queue(l).prototype).sort(),
          Queue(l).name,
          Queue(l).length,
        ],
      ],
      ["a class, not callable", (l) => (Queue(l) as () => unknown)()],
    ]),
  };
}

function minimistPackage(): FuzzPackage {
  const dir = root("minimist");
  const parse = (load: Load): any => load("index.js");
  return {
    name: "minimist",
    root: dir,
    esm: false,
    files: [join(dir, "index.js")],
    samples: cases([
      [
        "short and long flags",
        (l) => parse(l)(["-x", "3", "-y", "4", "-n5", "-abc", "--beep=boop", "foo", "bar", "baz"]),
      ],
      [
        "booleans and strings",
        (l) =>
          parse(l)(["-t", "moo", "--verbose", "--name", "x", "--no-color"], {
            boolean: ["t", "verbose"],
            string: ["name"],
          }),
      ],
      [
        "aliases and defaults",
        (l) => parse(l)(["-h", "--level=2"], { alias: { h: "help", l: "level" }, default: { level: 1, mode: "fast" } }),
      ],
      ["double dash", (l) => parse(l)(["--a", "1", "--", "--not-a-flag", "-x"], { "--": true })],
      ["stopEarly", (l) => parse(l)(["--aaa", "bbb", "ccc", "--ddd"], { stopEarly: true })],
      ["dotted keys", (l) => parse(l)(["--a.b=1", "--a.c", "2", "--x.y.z", "deep"])],
      [
        "unknown callback",
        (l) => {
          const unknown: string[] = [];
          const argv = parse(l)(["--known", "--mystery", "-q"], {
            boolean: ["known"],
            unknown: (arg: string) => (unknown.push(arg), false),
          });
          return [argv, unknown];
        },
      ],
      ["numbers", (l) => parse(l)(["-n", "-5", "--hex", "0x10", "--exp", "1e3", "7"])],
    ]),
  };
}

// lodash functions the samples call; their whole `require` graph gets markers.
const LODASH_ENTRIES = [
  "chunk",
  "camelCase",
  "kebabCase",
  "snakeCase",
  "startCase",
  "capitalize",
  "words",
  "padStart",
  "trim",
  "escape",
  "template",
  "memoize",
  "groupBy",
  "sortBy",
  "uniq",
  "flattenDeep",
  "get",
  "set",
  "merge",
  "cloneDeep",
  "isEqual",
  "pick",
  "omit",
  "range",
  "zip",
  "partition",
  "intersection",
  "difference",
  "debounce",
  "countBy",
  "invert",
  "mapValues",
];

function lodashPackage(): FuzzPackage {
  const dir = root("lodash");
  const fn = (load: Load, name: string): any => load(`${name}.js`);
  return {
    name: "lodash",
    root: dir,
    esm: false,
    files: requireClosure(LODASH_ENTRIES.map((name) => join(dir, `${name}.js`))),
    samples: cases([
      ["chunk", (l) => [fn(l, "chunk")(["a", "b", "c", "d", "e"], 2), fn(l, "chunk")([1, 2, 3])]],
      [
        "case conversions",
        (l) => ["camelCase", "kebabCase", "snakeCase", "startCase"].map((name) => fn(l, name)("__Foo Bar-bazQux 42__")),
      ],
      [
        "string helpers",
        (l) => [
          fn(l, "capitalize")("hELLO"),
          fn(l, "words")("fred, barney, & pebbles"),
          fn(l, "padStart")("7", 3, "0"),
          fn(l, "trim")("  -x-  "),
          fn(l, "escape")('<a href="x">&</a>'),
        ],
      ],
      [
        "template",
        (l) => fn(l, "template")("hello <%= user %>! <% if (n > 1) { %>many<% } %>")({ user: "fred", n: 2 }),
      ],
      [
        "memoize",
        (l) => {
          let calls = 0;
          const square = fn(l, "memoize")((n: number) => (calls++, n * n));
          return [square(3), square(3), square(4), calls, square.cache.has(3)];
        },
      ],
      [
        "collections",
        (l) => [
          fn(l, "groupBy")([6.1, 4.2, 6.3], Math.floor),
          fn(l, "sortBy")(
            [
              { u: "fred", a: 48 },
              { u: "barney", a: 36 },
              { u: "fred", a: 40 },
            ],
            ["u", "a"],
          ),
          fn(l, "partition")([1, 2, 3, 4, 5], (n: number) => n % 2),
          fn(l, "countBy")(["one", "two", "three"], "length"),
        ],
      ],
      [
        "arrays",
        (l) => [
          fn(l, "uniq")([2, 1, 2, 3, 1]),
          fn(l, "flattenDeep")([1, [2, [3, [4]], 5]]),
          fn(l, "zip")(["a", "b"], [1, 2], [true, false]),
          fn(l, "intersection")([2, 1], [2, 3]),
          fn(l, "difference")([2, 1, 5], [2, 3]),
          fn(l, "range")(0, 20, 5),
        ],
      ],
      [
        "paths",
        (l) => {
          const object: any = { a: [{ b: { c: 3 } }] };
          fn(l, "set")(object, "x[0].y.z", 5);
          return [fn(l, "get")(object, "a[0].b.c"), fn(l, "get")(object, ["a", "0", "b", "d"], "default"), object];
        },
      ],
      [
        "objects",
        (l) => [
          fn(l, "merge")({ a: [{ b: 2 }, { d: 4 }] }, { a: [{ c: 3 }, { e: 5 }] }),
          fn(l, "pick")({ a: 1, b: "2", c: 3 }, ["a", "c"]),
          fn(l, "omit")({ a: 1, b: "2", c: 3 }, ["a", "c"]),
          fn(l, "invert")({ a: 1, b: 2, c: 1 }),
          fn(l, "mapValues")({ fred: { age: 40 }, pebbles: { age: 1 } }, "age"),
        ],
      ],
      [
        "cloneDeep and isEqual",
        (l) => {
          const original = { when: new Date(0), list: [1, { deep: new Map([["k", new Set([1, 2])]]) }], re: /x/g };
          const copy = fn(l, "cloneDeep")(original);
          return [
            copy,
            copy !== original,
            copy.list[1] !== original.list[1],
            fn(l, "isEqual")(copy, original),
            fn(l, "isEqual")({ a: [1, 2] }, { a: [1, 3] }),
          ];
        },
      ],
      [
        "debounce is a function with cancel and flush",
        (l) => {
          const debounced = fn(l, "debounce")(() => 1, 1000);
          const flushed = debounced.flush();
          debounced.cancel();
          return [typeof debounced, typeof debounced.cancel, flushed];
        },
      ],
    ]),
  };
}

function changeCasePackage(): FuzzPackage {
  const dir = root("change-case");
  const cc = (load: Load): any => load("dist/index.js");
  const inputs = [
    "fooBar",
    "Foo Bar Baz",
    "  version 1.2.0 release  ",
    "XMLHttpRequest",
    "snake_case_input",
    "a-b-c",
    "test123abc",
  ];
  const functions = [
    "camelCase",
    "capitalCase",
    "constantCase",
    "dotCase",
    "kebabCase",
    "noCase",
    "pascalCase",
    "pascalSnakeCase",
    "pathCase",
    "sentenceCase",
    "snakeCase",
    "trainCase",
  ];
  return {
    name: "change-case",
    root: dir,
    esm: true,
    files: [join(dir, "dist/index.js"), join(dir, "dist/keys.js")],
    samples: cases([
      ...functions.map((name): [string, (load: Load) => unknown] => [
        name,
        (l) => inputs.map((input) => cc(l)[name](input)),
      ]),
      ["split", (l) => inputs.map((input) => [cc(l).split(input), cc(l).splitSeparateNumbers(input)])],
      [
        "options",
        (l) => [
          cc(l).camelCase("version 1.2.10", { separateNumbers: true }),
          cc(l).pascalCase("foo_bar", { mergeAmbiguousCharacters: true }),
          cc(l).snakeCase("__private_name__", { prefixCharacters: "_", suffixCharacters: "_" }),
          cc(l).kebabCase("fooBar", { delimiter: "+" }),
          cc(l).capitalCase("turkish i", { locale: "tr" }),
          cc(l).noCase("FOO", { locale: false }),
        ],
      ],
      [
        "keys",
        (l) => {
          const keys = l("dist/keys.js");
          return [
            keys.camelCase({ foo_bar: { inner_key: [{ deep_key: 1 }] } }, 2),
            keys.snakeCase({ fooBar: 1, bazQux: [1, 2] }),
            keys.kebabCase([{ aB: 1 }]),
          ];
        },
      ],
    ]),
  };
}

export function fuzzPackages(): FuzzPackage[] {
  return [semverPackage(), yoctoQueuePackage(), minimistPackage(), lodashPackage(), changeCasePackage()];
}

function listJs(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".js"))
    .sort()
    .map((name) => join(dir, name));
}

/** The entry files and every file they `require` (relative requires only), in a stable order. */
function requireClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, "utf8");
    for (const match of code.matchAll(/\brequire\(\s*'(\.[^']+)'\s*\)/g)) {
      const target = resolveRelative(dirname(file), match[1]!);
      if (target) queue.push(target);
    }
  }
  return [...seen].sort();
}

/** Resolves `./x`, `./x.js`, `./x/index.js` and `./x.json` the way Node does for relative requires. */
export function resolveRelative(fromDir: string, specifier: string): string | null {
  const base = resolve(fromDir, specifier);
  for (const candidate of [base, `${base}.js`, `${base}.json`, join(base, "index.js")]) {
    if (existsSync(candidate) && !isDirectory(candidate)) return candidate;
  }
  return null;
}

function isDirectory(path: string): boolean {
  return statSync(path).isDirectory();
}

/** `semver/classes/range.js`: how failure messages name a file. */
export function displayName(pkg: FuzzPackage, file: string): string {
  return `${pkg.name}/${relative(pkg.root, file).split("\\").join("/")}`;
}
