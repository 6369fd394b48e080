"use strict";
// Waits for the machine to be quiet before a timed edit. The interleaved benchmarks keep every
// tool's process running at once, and a tool that just restarted a 1000-module program keeps a
// core busy for a second or more after its first line: an edit of another tool made then
// measures that tool's leftover work rather than the one edited. Waiting until the CPUs are
// idle gives every edit, whichever tool it goes to, the same start: a developer's machine
// between two saves. Linux only (/proc/stat); elsewhere it does not wait.

const fs = require("node:fs");

/** Idle and total jiffies of all CPUs, or null where /proc/stat cannot be read. */
function cpuTimes() {
  let text;
  try {
    text = fs.readFileSync("/proc/stat", "utf8");
  } catch {
    return null;
  }
  const fields = text.slice(0, text.indexOf("\n")).trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are idle time.
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { idle, total };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once the CPUs were at least `idleShare` idle over a `windowMs` window (up to `maxMs`);
 * returns how long it waited, in ms.
 */
async function waitForQuiet({ windowMs = 100, idleShare = 0.9, maxMs = 5000 } = {}) {
  const started = performance.now();
  let before = cpuTimes();
  if (before === null) return 0;
  while (performance.now() - started < maxMs) {
    await sleep(windowMs);
    const after = cpuTimes();
    const total = after.total - before.total;
    if (total > 0 && (after.idle - before.idle) / total >= idleShare) break;
    before = after;
  }
  return performance.now() - started;
}

module.exports = { waitForQuiet };
