"use strict";
// The chaud build that the process-level benchmarks (reload-latency, startup, memory) run: a
// snapshot of this checkout's package.json, dist/ and esm/, copied when a benchmark starts.
//
// Why a copy: dist/ is rebuilt whenever someone runs `tsc` in the checkout, and chaud keys its
// transform cache on the build (size and mtime of its plugin files), so a rebuild in the middle
// of a run would mix two builds in one table and silently turn a warm cache cold. The copy
// lives in the checkout's node_modules/.cache/ (ignored by git; Babel and the other
// dependencies still resolve from node_modules above it) and is deleted when the process exits.

const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
let snapshot = null;

/** The folder to run chaud from (a package root with package.json and dist/). */
function chaudRoot() {
  if (snapshot) return snapshot;
  if (!fs.existsSync(path.join(ROOT, "dist/integration/cli/index.js")))
    throw new Error("dist/ is missing: run `npx tsc -p tsconfig.build.json`");
  const parent = path.join(ROOT, "node_modules", ".cache");
  fs.mkdirSync(parent, { recursive: true });
  // Snapshots left behind by runs that were killed (no 'exit' event) and are over an hour old.
  for (const name of fs.readdirSync(parent)) {
    const old = path.join(parent, name);
    if (name.startsWith("chaud-bench-build-") && Date.now() - fs.statSync(old).mtimeMs > 3600_000)
      fs.rmSync(old, { recursive: true, force: true });
  }
  const dir = fs.mkdtempSync(path.join(parent, "chaud-bench-build-"));
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  fs.cpSync(path.join(ROOT, "dist"), path.join(dir, "dist"), { recursive: true });
  // esm/: the ES module entry points (chaud, chaud/registry, chaud/babel) that compiled ES modules import.
  if (fs.existsSync(path.join(ROOT, "esm")))
    fs.cpSync(path.join(ROOT, "esm"), path.join(dir, "esm"), { recursive: true });
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  snapshot = dir;
  return dir;
}

/** The `chaud` command of that build. */
const chaudCli = () => path.join(chaudRoot(), "dist/integration/cli/index.js");

/**
 * Makes `dir` (created if needed) an app that uses that build: node_modules/chaud linked to it,
 * and a package.json with `name`, version 1.0.0, private, then `fields`. Returns `dir`.
 */
function appUsingChaud(dir, name, fields = {}) {
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  fs.symlinkSync(chaudRoot(), path.join(dir, "node_modules", "chaud"), "dir");
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", private: true, ...fields }, null, 2),
  );
  return dir;
}

module.exports = { chaudRoot, chaudCli, appUsingChaud };
