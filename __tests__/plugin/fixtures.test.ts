// Runs every folder under __tests__/fixtures (see ../helpers/fixtures.ts for the layout).
//
//   npx jest __tests__/plugin/fixtures.test.ts                      compare
//   UPDATE_FIXTURES=1 npx jest __tests__/plugin/fixtures.test.ts    write missing or changed output.js
//
// Under Babel 8 (CHAUD_TEST_BABEL, see ../helpers/babel-under-test.ts), UPDATE_FIXTURES=1
// writes output.babel8.js where Babel 8's output differs from output.js, and removes it where
// it no longer does.
//
// A fixture with an exec.js runs it after comparing output.js, if it has one (an exec.js is
// its expectation, so UPDATE_FIXTURES writes no output.js for it); see runExec.
//
// throws.txt is never written: a refusal is a decision, so its expected words are typed by hand.
// A fixture that shows a plugin bug keeps its correct expectation and fails until the bug is
// fixed: there is no skip list.

import type { ParserOptions } from "@babel/core";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { getRegistry } from "../../runtime/registry/registry";
import { babel, BABEL_MAJOR, BABEL_VERSION, useBabelUnderTest } from "../helpers/babel-under-test";
import { evaluate, resetRegistry } from "../helpers/compile";
import {
  compileFixture,
  framedLine,
  loadFixtures,
  markedLines,
  REPO_ROOT,
  VIRTUAL_ROOT,
  type Fixture,
} from "../helpers/fixtures";

const UPDATE = process.env["UPDATE_FIXTURES"] === "1";
const fixtures = loadFixtures();

beforeAll(useBabelUnderTest);

/** output.js and every output.babel<major>.js of a fixture. */
function expectationFiles(fixture: Fixture): string[] {
  return readdirSync(fixture.dir)
    .filter((name) => /^output(\.babel\d+)?\.js$/.test(name))
    .map((name) => join(fixture.dir, name));
}

// Hand-written expectations included: an expectation must be code.
test(`every output.js and output.babel8.js is valid JavaScript (Babel ${BABEL_VERSION})`, () => {
  const invalid: string[] = [];
  for (const fixture of fixtures) {
    for (const file of expectationFiles(fixture)) {
      try {
        parseOutput(fixture, readFileSync(file, "utf8"));
      } catch (error) {
        invalid.push(`${fixture.title}/${basename(file)}: ${(error as Error).message}`);
      }
    }
  }
  expect(invalid).toEqual([]);
});

test("an output.babel8.js exists only next to an output.js it differs from", () => {
  const redundant: string[] = [];
  for (const fixture of fixtures) {
    for (const file of expectationFiles(fixture)) {
      if (file === fixture.defaultOutputFile) continue;
      if (
        !existsSync(fixture.defaultOutputFile) ||
        readFileSync(file, "utf8") === readFileSync(fixture.defaultOutputFile, "utf8")
      )
        redundant.push(`${fixture.title}/${basename(file)}`);
    }
  }
  expect(redundant).toEqual([]);
});

// Babel 8's preset-typescript keeps imports not marked `type` (onlyRemoveTypeImports defaults to
// true); with Babel 7's default set, it must give Babel 7's output: then that default is the
// whole difference, and chaud's output still lets the preset elide type-only imports.
test(`with onlyRemoveTypeImports: false, fixtures with an output.babel8.js compile to their output.js (Babel ${BABEL_VERSION})`, () => {
  const withMajorOutput = fixtures.filter((fixture) => existsSync(join(fixture.dir, "output.babel8.js")));
  expect(withMajorOutput.map((fixture) => fixture.title)).toEqual([
    "hot-only/entry-module-reads-unmarked-state-from-the-running-version",
    "module-format/ts-type-imports-still-elided",
  ]);
  for (const fixture of withMajorOutput) {
    expect(compileFixture(fixture, { presetTypescriptOptions: { onlyRemoveTypeImports: false } }).trim() + "\n").toBe(
      readFileSync(fixture.defaultOutputFile, "utf8"),
    );
  }
});

describe(`plugin fixtures (Babel ${BABEL_VERSION})`, () => {
  for (const fixture of fixtures) {
    test(fixture.title, () => runFixture(fixture));
  }
});

async function runFixture(fixture: Fixture): Promise<void> {
  if (fixture.throws) return expectRefusal(fixture, fixture.throws);
  if (!fixture.execFile || existsSync(fixture.outputFile)) expectOutput(fixture);
  if (fixture.execFile) await runExec(fixture, fixture.execFile);
}

const AsyncFunction = (async () => {}).constructor as new (
  ...parameters: string[]
) => (...args: unknown[]) => Promise<void>;

/**
 * Runs exec.js as the body of an async function (in this test's realm, like compile.ts's
 * evaluate) with these parameters, on an empty registry:
 *
 *   expect                            Jest's
 *   input, code                       the fixture's source, and its compiled code
 *   evaluate(compiled = code)         runs compiled CommonJS and returns its exports (a fixture
 *                                     of an ES module sets "commonjs": true in options.json)
 *   compile(source, pluginOptions?)   another version of the module, compiled as the same file
 *                                     with the fixture's options (and e.g. { hotOnly: true })
 *   reload(source, pluginOptions?)    compile, then evaluate: what a reload runs
 *   registry                          chaud's registry (a reload of an entry module is a batch)
 *   thrown(fn)                        the error fn throws; fails the test if it returns
 */
async function runExec(fixture: Fixture, execFile: string): Promise<void> {
  const compile = (source: string, pluginOptions: Record<string, unknown> = {}): string =>
    compileFixture(fixture, { source, pluginOptions });
  resetRegistry();
  try {
    const code = compile(fixture.input);
    const helpers: Record<string, unknown> = {
      expect,
      input: fixture.input,
      code,
      evaluate: (compiled = code) => evaluate(compiled),
      compile,
      reload: (source: string, pluginOptions?: Record<string, unknown>) => evaluate(compile(source, pluginOptions)),
      registry: getRegistry(),
      thrown,
    };
    // sourceURL names exec.js in stack traces (its line numbers are off by the two lines of the function's head).
    const body = `${readFileSync(execFile, "utf8")}\n//# sourceURL=${execFile}`;
    await new AsyncFunction(...Object.keys(helpers), body)(...Object.values(helpers));
  } finally {
    resetRegistry();
  }
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the function to throw, but it returned");
}

/** Parses compiled code as the kind of file it came from; JSX stays in .tsx output. */
function parseOutput(fixture: Fixture, code: string): void {
  const script = fixture.options.sourceType === "script" || /\.c[jt]s$/.test(fixture.inputFile);
  babel().parseSync(code, {
    babelrc: false,
    configFile: false,
    browserslistConfigFile: false,
    cwd: VIRTUAL_ROOT,
    sourceType: script ? "script" : "module",
    parserOpts: {
      plugins: [
        ...(fixture.inputFile.endsWith(".tsx") ? ["jsx"] : []),
        ...(fixture.options.parserPlugins ?? []),
      ] as NonNullable<ParserOptions["plugins"]>,
    },
  });
}

function expectOutput(fixture: Fixture): void {
  const actual = compileFixture(fixture).trim() + "\n";
  parseOutput(fixture, actual);
  // Registry keys must not depend on where the checkout lives.
  expect(actual).not.toContain(REPO_ROOT);
  expect(actual).not.toContain(VIRTUAL_ROOT);
  if (fixture.options.unchanged || fixture.options.enabled === false) {
    expect(actual).toBe(compileFixture(fixture, { withChaud: false }).trim() + "\n");
  }
  const expected = existsSync(fixture.outputFile) ? readFileSync(fixture.outputFile, "utf8") : null;
  if (UPDATE && expected !== actual) {
    writeExpectation(fixture, actual);
    return;
  }
  if (expected === null)
    throw new Error(
      `${fixture.title} has no output.js (nor throws.txt); run with UPDATE_FIXTURES=1 to write it, then read it`,
    );
  expect(actual).toBe(expected);
}

/** Babel 7 writes output.js; a later major writes output.babel<major>.js only where it differs from output.js. */
function writeExpectation(fixture: Fixture, actual: string): void {
  if (BABEL_MAJOR === 7) {
    writeFileSync(fixture.defaultOutputFile, actual);
    return;
  }
  const majorFile = join(fixture.dir, `output.babel${BABEL_MAJOR}.js`);
  if (existsSync(fixture.defaultOutputFile) && readFileSync(fixture.defaultOutputFile, "utf8") === actual)
    rmSync(majorFile, { force: true });
  else writeFileSync(majorFile, actual);
}

function expectRefusal(fixture: Fixture, lines: string[]): void {
  let output: string | undefined;
  let error: unknown;
  try {
    output = compileFixture(fixture);
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) throw new Error(`${fixture.title} expected an error, but it compiled to:\n${output}`);
  const message = error instanceof Error ? error.message : String(error);
  for (const line of lines) expect(message).toContain(line);
  const frame = framedLine(message);
  if (fixture.options.noCodeFrame) {
    expect(frame).toBeNull();
    return;
  }
  if (!frame) throw new Error(`${fixture.title}: the error has no code frame (no "> N | …" line):\n${message}`);
  // The frame shows the fixture's own line, at the marker or the item it marks.
  expect(frame.text.trimEnd()).toBe((fixture.input.split("\n")[frame.line - 1] ?? "").trimEnd());
  if (fixture.options.frameLine !== undefined) expect(frame.line).toBe(fixture.options.frameLine);
  else expect([...markedLines(fixture.input)]).toContain(frame.line);
}
