"use strict";
// Small helpers shared by the benchmarks: medians, tables, and how results are handed over.

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * CPU time this process has used, in ms. On a shared machine, wall time counts the time other
 * processes held the CPU; CPU time mostly does not. It is the whole process's, so bench/run.js
 * runs allocation-heavy benchmarks with --single-threaded (V8's GC and compiler threads idle).
 */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function table(header, rows) {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** A benchmark run as a script prints its table; run with --json it prints one JSON line for bench/run.js. */
function report(result, render) {
  if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(result) + "\n");
  else console.log(render(result));
}

/** Runs an asynchronous benchmark's main() as a script: its table (or JSON line), or its error. */
function runAsScript(main, render) {
  main().then(
    (result) => report(result, render),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

module.exports = { median, cpuMs, table, report, runAsScript };
