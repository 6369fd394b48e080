"use strict";
// The floor for CommonJS reload latency: the least a reloader can do. `node bench/re-require.js
// src/main.js` runs the app's entry, then on each OS event for the leaf (src/probe.js) takes it
// out of require.cache, requires it again and prints a probe line with what the new probe()
// returns. No batching, no content hash, no transform, nothing kept: a module-level counter
// starts over at every reload (its "persisted counter" reads "reset (module re-run)").

const fs = require("node:fs");
const path = require("node:path");

const entry = path.resolve(process.argv[2]);
process.argv.splice(1, 1); // the entry sees itself as the main script's path
require(entry);
const leaf = path.join(path.dirname(entry), "probe.js");
fs.watch(path.dirname(leaf), (_type, name) => {
  if (name !== path.basename(leaf)) return;
  delete require.cache[leaf];
  try {
    const { version, calls } = require(leaf).probe();
    process.stdout.write(`${JSON.stringify({ type: "probe", phase: "reload", version, calls, pid: process.pid })}\n`);
  } catch {
    // read while half-written: the next event has the complete file
  }
});
