// The cold start's pieces that need no child process: which imports get compiled ahead (the
// specifiers read from a file's text) and when the progress line shows.

import { importSpecifiers } from "../../loader/cold-start";
import { busyCoresSince, defaultPoolSize, sampleCpu } from "../../loader/compile-pool";
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
  test("the cores other work kept busy while this thread compiled, from the machine's CPU time", () => {
    // 2 cores, 1000 ms of CPU time: this thread's core busy, the other idle.
    expect(busyCoresSince({ idle: 0, total: 0 }, { idle: 500, total: 1000 }, 2)).toBe(0);
    // Both busy: one core of other work.
    expect(busyCoresSince({ idle: 100, total: 1000 }, { idle: 100, total: 2000 }, 2)).toBe(1);
    // 8 cores, a quarter idle: 6 busy, 5 of them with other work.
    expect(busyCoresSince({ idle: 0, total: 0 }, { idle: 2000, total: 8000 }, 8)).toBe(5);
    // Idle beyond this thread's core (it waited on the disk): nothing else busy.
    expect(busyCoresSince({ idle: 0, total: 0 }, { idle: 900, total: 1000 }, 2)).toBe(0);
  });

  test("too short a window, or no samples, says nothing (the load average decides)", () => {
    expect(busyCoresSince({ idle: 0, total: 0 }, { idle: 20, total: 50 }, 2)).toBeNull();
    expect(busyCoresSince(null, { idle: 20, total: 5000 }, 2)).toBeNull();
    expect(busyCoresSince({ idle: 0, total: 0 }, null, 2)).toBeNull();
  });

  test("an idle machine right after a busy minute gets its worker: the samples decide, not the load average", () => {
    const since = { idle: 0, total: 0 };
    expect(defaultPoolSize(2, busyCoresSince(since, { idle: 480, total: 1000 }, 2) ?? 9)).toBe(1);
  });

  test("sampleCpu reads the machine's counters, which only grow", () => {
    const first = sampleCpu();
    const second = sampleCpu();
    expect(first).not.toBeNull();
    expect(second!.total).toBeGreaterThanOrEqual(first!.total);
    expect(first!.idle).toBeLessThanOrEqual(first!.total);
  });
});
