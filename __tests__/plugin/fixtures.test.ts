// Runs every folder under __tests__/fixtures (see ../helpers/fixtures.ts for the layout).
//
//   npx jest __tests__/plugin/fixtures.test.ts                      compare
//   UPDATE_FIXTURES=1 npx jest __tests__/plugin/fixtures.test.ts    write missing or changed output.js
//
// throws.txt is never written: a refusal is a decision, so its expected words are typed by hand.
// A fixture that shows a plugin bug keeps its correct expectation and fails until the bug is
// fixed: there is no skip list.

import { parseSync } from "@babel/core";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { compileFixture, framedLine, loadFixtures, markedLines, REPO_ROOT, VIRTUAL_ROOT, type Fixture } from "../helpers/fixtures";

const UPDATE = process.env["UPDATE_FIXTURES"] === "1";
const fixtures = loadFixtures();
// Hand-written expectations included: an expectation must be code.
test("every output.js is valid JavaScript", () => {
  const invalid: string[] = [];
  for (const fixture of fixtures) {
    if (!existsSync(fixture.outputFile)) continue;
    try {
      parseOutput(fixture, readFileSync(fixture.outputFile, "utf8"));
    } catch (error) {
      invalid.push(`${fixture.title}: ${(error as Error).message}`);
    }
  }
  expect(invalid).toEqual([]);
});

describe("plugin fixtures", () => {
  for (const fixture of fixtures) {
    test(fixture.title, () => (fixture.throws ? expectRefusal(fixture, fixture.throws) : expectOutput(fixture)));
  }
});

/** Parses compiled code as the kind of file it came from; JSX stays in .tsx output. */
function parseOutput(fixture: Fixture, code: string): void {
  const script = fixture.options.sourceType === "script" || /\.c[jt]s$/.test(fixture.inputFile);
  parseSync(code, {
    babelrc: false,
    configFile: false,
    browserslistConfigFile: false,
    cwd: VIRTUAL_ROOT,
    sourceType: script ? "script" : "module",
    parserOpts: { plugins: fixture.inputFile.endsWith(".tsx") ? ["jsx"] : [] },
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
    writeFileSync(fixture.outputFile, actual);
    return;
  }
  if (expected === null) throw new Error(`${fixture.title} has no output.js (nor throws.txt); run with UPDATE_FIXTURES=1 to write it, then read it`);
  expect(actual).toBe(expected);
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
