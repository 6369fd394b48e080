// The require hook and transform, built (dist/), in a real child `node` process: a .ts entry
// importing another .ts file through a `.js` specifier, a hot function that keeps its
// identity when its module is evaluated again, stack traces on the original lines, and a
// warm start served from the on-disk cache.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createTempProject, type TempProject } from "../helpers/temp-project";

let project: TempProject;
afterEach(() => project?.remove());

// What chaud/register will do, in a few lines: install the hook over the workspace, transform
// through the cache, report cache figures at exit.
const register = `
process.setSourceMapsEnabled(true);
const path = require("node:path");
const loader = path.join(__dirname, "node_modules/chaud/dist/loader");
const { installRequireHook } = require(path.join(loader, "require-hook.js"));
const { transformFile } = require(path.join(loader, "transform.js"));
const { createTransformCache } = require(path.join(loader, "transform-cache.js"));

const workspace = __dirname + path.sep;
const cache = createTransformCache({ onWarn: (message) => console.error("[chaud] " + message) });
const transformed = [];
const undo = installRequireHook({
  shouldTransform: (file) => file.startsWith(workspace) && !file.includes(path.sep + "node_modules" + path.sep),
  transform(file, source) {
    transformed.push(path.relative(__dirname, file));
    return transformFile(file, source, { cache, commonjs: true }).code;
  },
});
globalThis.__undoHook = undo;
process.on("exit", () => {
  const { hits, misses, transformed: count } = cache.stats();
  console.log("transformed " + JSON.stringify(transformed));
  console.log("cache " + JSON.stringify({ hits, misses, count, dir: cache.dir && path.relative(__dirname, cache.dir) }));
  console.log("babel loaded " + Object.keys(require.cache).some((file) => file.includes(path.join("@babel", "core"))));
});
`;

const math = (factor: number): string => `// math.ts
export interface Shape { side: number }

/* @chaud.persist */
let calls = 0;

/* @chaud.hot */
export function area(shape: Shape): number {
  calls++;
  return shape.side * shape.side * ${factor};
}

export function callCount(): number {
  return calls;
}

export function explode(reason: string): never {
  throw new Error("exploded: " + reason); // line 18
}
`;

const main = `import { readFileSync, writeFileSync } from "node:fs";
import { area, callCount, explode, type Shape } from "./math.js";
import helper from "./helper";

const square: Shape = { side: 3 };
const keep = area;
console.log("area", area(square), helper());

// A reload, done by hand: the new module version registers its hot function, and the
// reference taken before runs the new body.
const file = require.resolve("./math.js");
writeFileSync(file, readFileSync(file, "utf8").replace("shape.side * 1", "shape.side * 10"));
delete require.cache[file];
const next = require("./math.js");
console.log("after edit", keep(square), keep === next.area, "calls", next.callCount(), typeof callCount);

const { getRegistry } = require("chaud/registry");
console.log("registry", [...getRegistry().hot.keys()].join(","));

try {
  explode("on purpose");
} catch (error) {
  console.log((error as Error).stack!.split("\\n").slice(0, 2).join(" | "));
}
`;

function setUp(): void {
  project = createTempProject("hook-app");
  project.write("register.js", register);
  project.write("src/math.ts", math(1));
  project.write("src/helper.ts", `const helper = (): string => "helped";\nexport default helper;\n`);
  project.write("src/main.ts", main);
}

test("a .ts entry runs under the hook: .js specifiers, hot functions, stack traces on .ts lines", () => {
  setUp();
  const { status, stdout, stderr } = project.run(["-r", "./register.js", "src/main.ts"]);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(stdout).toContain("area 9 helped\n");
  expect(stdout).toContain("after edit 90 true calls 2 function\n");
  expect(stdout).toContain("registry hook-app/src/math.ts#area\n");
  expect(stdout).toMatch(/Error: exploded: on purpose \| +at explode \(.*[\\/]src[\\/]math\.ts:18:\d+\)/);
  expect(stdout).toContain(
    `transformed ${JSON.stringify(["src/main.ts", "src/math.ts", "src/helper.ts", "src/math.ts"].map((f) => join(f)))}`,
  );
  expect(stdout).toContain('cache {"hits":0,"misses":4,"count":4,"dir":"node_modules/.cache/chaud"}');
  expect(stdout).toContain("babel loaded true\n");
});

test("a second start is served from the cache without loading Babel, with the same results", () => {
  setUp();
  const cold = project.run(["-r", "./register.js", "src/main.ts"]);
  expect(cold.status).toBe(0);
  project.write("src/math.ts", math(1)); // the first run edited it
  const warm = project.run(["-r", "./register.js", "src/main.ts"]);
  expect(warm.stderr).toBe("");
  expect(warm.stdout).toContain("area 9 helped\n");
  expect(warm.stdout).toContain("after edit 90 true calls 2 function\n");
  expect(warm.stdout).toContain('cache {"hits":4,"misses":0,"count":0,"dir":"node_modules/.cache/chaud"}');
  expect(warm.stdout).toContain("babel loaded false\n"); // a warm start never loads Babel
  const cacheDir = join(project.dir, "node_modules/.cache/chaud");
  expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
  for (const entry of readdirSync(cacheDir)) expect(statSync(join(cacheDir, entry)).mode & 0o777).toBe(0o600);
});

test('a .js file in a "type": "module" package is left to Node, and undo restores Node\'s loaders', () => {
  project = createTempProject("hook-app");
  project.write("register.js", register);
  project.write("esm/package.json", JSON.stringify({ type: "module" }));
  project.write("esm/value.js", "export const value = 7;\n");
  project.write(
    "main.js",
    `const Module = require("node:module");
const before = Object.keys(Module._extensions).join(" ");
let kind;
try {
  const ns = require("./esm/value.js");
  kind = Object.prototype.toString.call(ns) + " " + ns.value; // require(esm), where Node has it
} catch (error) {
  kind = error.code; // ERR_REQUIRE_ESM on Nodes without require(esm): Node's answer, not ours
}
console.log("esm", kind);
globalThis.__undoHook();
globalThis.__undoHook();
console.log("extensions", before, "->", Object.keys(Module._extensions).join(" "));
`,
  );
  const { status, stdout } = project.run(["--no-warnings", "-r", "./register.js", "main.js"]);
  expect(status).toBe(0);
  expect(stdout).toMatch(/esm (\[object Module\] 7|ERR_REQUIRE_ESM)\n/);
  expect(stdout).toContain("extensions .js .json .node .ts .cts .tsx .jsx -> .js .json .node\n");
  expect(stdout).toContain('transformed ["main.js"]'); // not esm/value.js
});

test("a syntax error in a .ts file fails its require with the file, line and a code frame", () => {
  project = createTempProject("hook-app");
  project.write("register.js", register);
  project.write("src/broken.ts", "export const ok = 1;\nexport const broken: number = ;\n");
  project.write("main.js", `try { require("./src/broken.js"); } catch (error) { console.log(error.message); }\n`);
  const { status, stdout } = project.run(["-r", "./register.js", "main.js"]);
  expect(status).toBe(0);
  expect(stdout).toMatch(/src[\\/]broken\.ts: Unexpected token \(2:30\)/);
  expect(stdout).toContain("> 2 | export const broken: number = ;");
});

test("the user's babel.config.js applies, and its own chaud/babel entry gives way to the enabled one", () => {
  setUp();
  project.write(
    "babel.config.js",
    `module.exports = {
  plugins: [
    ["chaud/babel", { enabled: false }],
    () => ({ visitor: { StringLiteral(path) { if (path.node.value === "helped") path.node.value = "helped by babel.config.js"; } } }),
  ],
};
`,
  );
  const { status, stdout, stderr } = project.run(["-r", "./register.js", "src/main.ts"]);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(stdout).toContain("area 9 helped by babel.config.js\n");
  expect(stdout).toContain("registry hook-app/src/math.ts#area\n");
});
