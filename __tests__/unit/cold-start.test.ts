// The cold start's pieces that need no child process: which imports get compiled ahead (the
// specifiers read from a file's text) and when the progress line shows.

import { importSpecifiers } from "../../loader/cold-start";
import { busyCoresSince, defaultPoolSize, poolSizeWhenStarted, sampleCpu } from "../../loader/compile-pool";
import { CompileProgress, type ProgressStream } from "../../loader/compile-progress";

describe("importSpecifiers", () => {
  test("finds what a module loads at run time, in order, once each", () => {
    const source = `
import * as a from "./a.js";
import b, { c } from './b';
import "./side-effect";
export * from "./re-export";
export { d } from "./named";
import type { T } from "./types.js";
export type { U } from "./more-types";
const e = require("./e");
const f = await import("./f.js");
import { again } from "./a.js";
import fs from "node:fs";
`;
    expect(importSpecifiers(source)).toEqual([
      "./a.js",
      "./b",
      "./side-effect",
      "./re-export",
      "./named",
      "./e",
      "./f.js",
    ]);
  });

  test("a multi-line import list", () => {
    expect(importSpecifiers(`import {\n  one,\n  two,\n} from "./list";\n`)).toEqual(["./list"]);
  });
});

describe("CompileProgress", () => {
  function terminal(isTTY = true): ProgressStream & { text: string } {
    const stream = {
      isTTY,
      text: "",
      write(chunk: string) {
        stream.text += chunk;
        return true;
      },
    };
    return stream;
  }

  test("shows once compiling has run past the threshold, then at most every 100 ms", () => {
    const stream = terminal();
    let now = 0;
    const progress = new CompileProgress({ stream, visible: true, thresholdMs: 1000, now: () => now });
    progress.update(1, 10);
    now = 999;
    progress.update(50, 300);
    expect(stream.text).toBe("");
    now = 1000;
    progress.update(60, 300);
    expect(stream.text).toBe("\r\x1b[2Kchaud: compiling 60/300 files…");
    now = 1050;
    progress.update(61, 300);
    expect(stream.text).not.toContain("61/300");
    now = 1100;
    progress.update(70, 70);
    expect(stream.text).toContain("\r\x1b[2Kchaud: compiling 70 files…");
    progress.finish();
    expect(stream.text.endsWith("\r\x1b[2K")).toBe(true);
    now = 5000;
    progress.update(80, 90);
    expect(stream.text).not.toContain("80");
  });

  test("a write of the program erases the line first", () => {
    const stream = terminal();
    const stdout = terminal();
    let now = 0;
    const progress = new CompileProgress({ stream, visible: true, thresholdMs: 0, watch: [stdout], now: () => now });
    progress.update(1, 2);
    stdout.write("hello\n");
    expect(stream.text).toBe("\r\x1b[2Kchaud: compiling 1/2 files…\r\x1b[2K");
    now = 200;
    progress.update(2, 2);
    progress.finish();
    const writeAfter = stdout.write;
    stdout.write("bye\n");
    expect(stream.text).toBe(
      "\r\x1b[2Kchaud: compiling 1/2 files…\r\x1b[2K\r\x1b[2Kchaud: compiling 2 files…\r\x1b[2K",
    );
    expect(writeAfter).toBe(stdout.write);
  });

  test("nothing when stderr is not a terminal, or info lines are hidden", () => {
    for (const [stream, visible] of [
      [terminal(false), true],
      [terminal(true), false],
    ] as const) {
      const progress = new CompileProgress({ stream, visible, thresholdMs: 0, now: () => 5000 });
      progress.update(10, 20);
      progress.finish();
      expect(stream.text).toBe("");
    }
  });
});

describe("defaultPoolSize", () => {
  test("one worker per core the load leaves idle, beside the main thread's, at most 3", () => {
    expect(defaultPoolSize(2, 0.3)).toBe(1);
    expect(defaultPoolSize(8, 0.5)).toBe(3);
    expect(defaultPoolSize(4, 2.2)).toBe(1);
    expect(defaultPoolSize(2, 1.5)).toBe(0);
    expect(defaultPoolSize(2, 9)).toBe(0);
    expect(defaultPoolSize(1, 0)).toBe(0);
  });
});

describe("busyCoresSince", () => {
  const at = (idle: number, total: number, cpus = 2) => ({ idle, total, cpus });

  test("the CPUs other work kept busy while this thread compiled, from the machine's CPU time", () => {
    // 2 CPUs, 1000 ms of CPU time: this thread's busy, the other idle.
    expect(busyCoresSince(at(0, 0), at(500, 1000))).toBe(0);
    // Both busy: one CPU of other work.
    expect(busyCoresSince(at(100, 1000), at(100, 2000))).toBe(1);
    // 8 CPUs, a quarter idle: 6 busy, 5 of them with other work.
    expect(busyCoresSince(at(0, 0, 8), at(2000, 8000, 8))).toBe(5);
    // Idle beyond this thread's CPU (it waited on the disk): nothing else busy.
    expect(busyCoresSince(at(0, 0), at(900, 1000))).toBe(0);
  });

  test("too short a window for the machine's CPUs, or no samples, says nothing (the load average decides)", () => {
    expect(busyCoresSince(at(0, 0), at(20, 50))).toBeNull();
    // 32 CPUs: 1000 ms of CPU time is 31 ms each, a few ticks of the counters.
    expect(busyCoresSince(at(0, 0, 32), at(500, 1000, 32))).toBeNull();
    expect(busyCoresSince(null, at(20, 5000))).toBeNull();
    expect(busyCoresSince(at(0, 0), null)).toBeNull();
  });

  test("an idle machine right after a busy minute gets its worker: the samples decide, not the load average", () => {
    expect(defaultPoolSize(2, busyCoresSince(at(0, 0), at(480, 1000)) ?? 9)).toBe(1);
  });

  test("sampleCpu reads the machine's counters, which only grow", () => {
    const first = sampleCpu();
    const second = sampleCpu();
    expect(first).not.toBeNull();
    expect(second!.total).toBeGreaterThanOrEqual(first!.total);
    expect(first!.idle).toBeLessThanOrEqual(first!.total);
    expect(first!.cpus).toBeGreaterThan(0);
  });

  test("poolSizeWhenStarted: a fixed size as it is", () => {
    expect(poolSizeWhenStarted(2)()).toBe(2);
    expect(poolSizeWhenStarted(0)()).toBe(0);
  });
});
