// The packages the compatibility tests run chaud with besides this checkout's own: Jest 29 (with
// babel-jest and ts-jest 29), TypeScript 5.0 for ts-jest, and Babel 8 for the plugin's suites.
// They cannot live in package.json (one Jest, one TypeScript, one Babel per install), so they
// are installed once from the npm registry into a cache folder and found through variables:
//
//   CHAUD_TEST_JEST29  <cache>/jest29/node_modules
//   CHAUD_TEST_TS50    <cache>/typescript50/node_modules
//   CHAUD_TEST_BABEL   <cache>/babel8/node_modules   (only for the Babel 8 runs, Node 22.18+)
//
// <cache> is $CHAUD_CI_NODE_CACHE, else ~/.cache/chaud-ci-node (shared with .ci/run's other
// Node versions). `npm test` installs the first two on its first run (jest.config.js's
// globalSetup), so a fresh clone's `npm install && npm test` runs every test; a variable
// already set is used as it is. From a shell: `node __tests__/test-extras.js jest29 babel8`
// installs what is missing and prints `export VARIABLE=folder` lines.

"use strict";

const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { homedir } = require("node:os");
const { join } = require("node:path");

const EXTRAS = {
  jest29: {
    variable: "CHAUD_TEST_JEST29",
    marker: "ts-jest/package.json",
    packages: ["jest@29", "babel-jest@29", "ts-jest@29", "typescript@~5.9"],
  },
  typescript50: { variable: "CHAUD_TEST_TS50", marker: "typescript/package.json", packages: ["typescript@~5.0"] },
  babel8: {
    variable: "CHAUD_TEST_BABEL",
    marker: "@babel/plugin-syntax-jsx/package.json",
    packages: [
      "@babel/core@8",
      "@babel/preset-typescript@8",
      "@babel/plugin-transform-modules-commonjs@8",
      "@babel/plugin-syntax-jsx@8",
    ],
  },
};

function cacheRoot() {
  return (
    process.env.CHAUD_CI_NODE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "chaud-ci-node")
  );
}

/** The node_modules folder that holds an extra (installed or not). */
function modulesFolder(name) {
  return join(cacheRoot(), name, "node_modules");
}

/** The command that installs an extra by hand, for error messages. */
function installCommand(name) {
  return `npm install --prefix ${join(cacheRoot(), name)} ${EXTRAS[name].packages.join(" ")}`;
}

/**
 * Installs an extra into the cache folder unless it is there (three tries: the registry can
 * hiccup) and returns its node_modules folder, or null with the reason on stderr.
 */
function ensure(name) {
  const extra = EXTRAS[name];
  const modules = modulesFolder(name);
  if (existsSync(join(modules, extra.marker))) return modules;
  process.stderr.write(
    `installing ${extra.packages.join(" ")} into ${join(cacheRoot(), name)} for the compatibility tests (once)\n`,
  );
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  let last = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    last = spawnSync(
      npm,
      ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", join(cacheRoot(), name), ...extra.packages],
      { encoding: "utf8" },
    );
    if (last.status === 0 && existsSync(join(modules, extra.marker))) return modules;
  }
  process.stderr.write(
    `could not install ${extra.packages.join(" ")}: ${last && (last.error ? last.error.message : last.stderr.trim().split("\n").slice(-3).join(" "))}\n`,
  );
  return null;
}

module.exports = { EXTRAS, ensure, installCommand, modulesFolder };

if (require.main === module) {
  let failed = false;
  for (const name of process.argv.slice(2)) {
    if (!EXTRAS[name]) throw new Error(`unknown extra ${name}; known: ${Object.keys(EXTRAS).join(", ")}`);
    const modules = ensure(name);
    if (modules) process.stdout.write(`export ${EXTRAS[name].variable}=${JSON.stringify(modules)}\n`);
    else failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}
