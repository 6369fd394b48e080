// The Babel versions chaud/babel accepts: the range it gives Babel's api.assertVersion, and a
// clear refusal from Babel 6, which has no assertVersion. Babel 8 itself is accepted in the Babel 8 runs of the fixture suite
// (CHAUD_TEST_BABEL, see ../helpers/babel-under-test.ts).

import { transformSync } from "@babel/core";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import chaudPlugin, { type BabelPluginApi } from "../../plugin/index";

const RANGE = "^7.22.0 || ^8.0.0";
// Babel 7's own semver, which its assertVersion uses.

const semver = require(require.resolve("semver", { paths: [dirname(require.resolve("@babel/core"))] })) as {
  satisfies(version: string, range: string): boolean;
};

/** An api as @babel/core <version> gives plugins, with assertVersion as Babel 7 and 8 implement it. */
function fakeApi(version: string): BabelPluginApi & { ranges: string[] } {
  const ranges: string[] = [];
  return {
    version,
    ranges,
    assertVersion(range) {
      ranges.push(String(range));
      if (!semver.satisfies(version, String(range)))
        throw new Error(`Requires Babel "${range}", but was loaded with "${version}".`);
    },
    cache: { using: (handler) => handler() },
  };
}

test("the plugin asserts its range, which chaud's own Babel satisfies; @babel/core is no peer, so a Babel 8 project installs chaud", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };
  // chaud/register compiles with chaud's own Babel 7; a peer on @babel/core (or presets that
  // need Babel 7 as peers of the project) would make npm refuse projects on Babel 8.
  expect(pkg.peerDependencies["@babel/core"]).toBeUndefined();
  const ownMinimum = pkg.dependencies["@babel/core"]!.replace(/^\^/, "");
  expect(semver.satisfies(ownMinimum, RANGE)).toBe(true);
  const api = fakeApi("7.29.0");
  chaudPlugin(api, { enabled: true });
  expect(api.ranges).toEqual([RANGE]);
});

test.each(["7.22.0", "7.29.0", "8.0.0", "8.1.3"])("accepts Babel %s", (version) => {
  expect(chaudPlugin(fakeApi(version), { enabled: true }).name).toBe("chaud");
});

test.each(["7.0.0", "7.21.9", "9.0.0"])("refuses Babel %s, naming the range it needs", (version) => {
  expect(() => chaudPlugin(fakeApi(version), { enabled: true })).toThrow(
    `Requires Babel "${RANGE}", but was loaded with "${version}".`,
  );
});

test("refuses Babel 6 (no assertVersion) with a message naming chaud, the range and the version", () => {
  // What babel-core 6 passes a plugin: the babel object, with types and a version.
  const babel6 = { version: "6.26.3", types: {}, template: () => undefined } as unknown as BabelPluginApi;
  expect(() => chaudPlugin(babel6, { enabled: true })).toThrow(
    `chaud/babel needs @babel/core ${RANGE}; it was loaded by Babel 6.26.3, which has no plugin version check (Babel 6 or older). Install @babel/core 7.22 or later.`,
  );
});

test("the real @babel/core of this checkout loads the plugin through its own version check", () => {
  const code = transformSync("/* @chaud.hot */ export function f() { return 1; }", {
    babelrc: false,
    configFile: false,
    filename: "/virtual/app/src/f.js",
    plugins: [[chaudPlugin, { enabled: true }]],
  })!.code!;
  expect(code).toContain(`_chaud.fn("f"`);
});
