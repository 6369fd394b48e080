// Fault matrix (issue 7), timing: a save landing while a reload is still running, and 500
// saves within one second (in place, and by write-and-rename). Real child processes under
// chaud/register, real files, real watchpack. The app ends on the last version, batches run
// one after another, no committed batch ever shows a torn file, and the persisted counter
// keeps its value.

import { writeFileSync } from "node:fs";
import type { Child } from "../helpers/child";
import { sleep } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import {
  chaudLines,
  faultAppsPerTest,
  expectIntact,
  expectOnlyChaudOutput,
  probeNow,
  versionOf,
  type FaultApp,
  type ModuleFlavor,
} from "../helpers/fault-app";

jest.setTimeout(180000);

const faults = faultAppsPerTest("chaud-faults-timing-cache");
const { start } = faults;

const reloads = (child: Child) => child.messages.filter((m) => m.type === "reload");

describe.each<ModuleFlavor>(["cjs", "esm"])("%s: a save while a reload runs", (flavor) => {
  test("the second version lands after the first batch, batches never overlap, nothing is lost", async () => {
    const { app, child } = await start(flavor);
    // v2's top level says it is evaluating, then takes 2 s: CommonJS busy-waits (the event
    // loop is blocked, the save's events wait), ESM awaits (the event loop runs, the watcher
    // reports the save while the batch is still open, and the controller must queue it).
    const slow = (version: string): string =>
      `console.log(JSON.stringify({ type: "evaluating", version: "${version}" }));\n` +
      (flavor === "esm"
        ? `await new Promise((resolve) => setTimeout(resolve, 2000));`
        : `for (const until = Date.now() + 2000; Date.now() < until;);`);
    writeFileSync(app.appFile, app.source("v2", slow("v2")));
    await child.message("evaluating", 0, 60000);
    writeFileSync(app.appFile, app.source("v3", slow("v3")));

    await child.waitFor("v3 to reload", () => reloads(child).find((m) => versionOf(m.probe) === "v3"), 60000);
    // One batch after the other: v2 evaluated and committed, then v3 evaluated and committed.
    const order = child.messages
      .filter((m) => m.type === "evaluating" || m.type === "reload")
      .map((m) => (m.type === "reload" ? `reload ${versionOf(m.probe)}` : `evaluating ${m.version}`));
    expect(order).toEqual(["evaluating v2", "reload v2", "evaluating v3", "reload v3"]);
    expect(reloads(child).map((m) => m.epoch)).toEqual([1, 2]);
    expect(child.count("error")).toBe(0);
    expect(versionOf(await probeNow(child))).toBe("v3");
    expectIntact(child);
    expectOnlyChaudOutput(child);
  });
});

describe.each<ModuleFlavor>(["cjs", "esm"])("%s: 500 saves within one second", (flavor) => {
  // Each version is ~16 KB, so a read can catch an in-place save half-written: its top and its
  // bottom name the version, and a torn file either fails to parse or throws ("torn").
  const PADDING = `/*\n${"padding line that makes the module big enough to be read half-written\n".repeat(220)}*/`;
  const versioned = (app: FaultApp, version: string): string =>
    app.source(
      version,
      `${PADDING}\nif (VERSION !== "${version}") throw new Error("torn: " + VERSION + " / ${version}");`,
    );

  async function burst(app: FaultApp, save: (content: string) => void): Promise<void> {
    const versions = Array.from({ length: 500 }, (_, i) => versioned(app, `v${i + 2}`));
    // 500 saves spread over about a second: ten saves, then 20 ms, fifty times.
    for (let i = 0; i < versions.length; i++) {
      save(versions[i]!);
      if (i % 10 === 9) await sleep(20);
    }
  }

  /** Ends on v501; each committed batch shows a whole version, in the order they were saved. */
  async function expectLastVersion(
    child: Child,
    label: string,
  ): Promise<{ batches: number; failed: number; empty: number }> {
    await child.waitFor("the last version", () => reloads(child).find((m) => versionOf(m.probe) === "v501"), 120000);
    await sleep(1000);
    const numbers = reloads(child).map((m) => {
      expect(versionOf(m.probe)).toMatch(/^v\d+$/);
      return Number(versionOf(m.probe).slice(1));
    });
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    expect(numbers[numbers.length - 1]).toBe(501);
    expect(versionOf(await probeNow(child))).toBe("v501");
    expectIntact(child);
    expectOnlyChaudOutput(child);
    const figures = {
      batches: reloads(child).length,
      failed: child.count("error"),
      empty: chaudLines(child).filter((line) => / is empty /.test(line)).length,
    };
    // Figures for the report.
    const warned = chaudLines(child).filter((line) => /reload failed in/.test(line)).length;
    console.log(
      `${label}: 500 saves became ${figures.batches} committed batches, ${figures.failed} failed (torn reads; ${warned} of them at warn), ${figures.empty} empty reads`,
    );
    return figures;
  }

  test("in place: ends on the last version, every committed batch a whole version, counter intact", async () => {
    const { app, child } = await start(flavor);
    await burst(app, (content) => writeFileSync(app.appFile, content));
    const { failed } = await expectLastVersion(child, `${flavor} in place`);
    // A read may catch a save half-written: that batch fails (the previous version keeps
    // running) and is superseded by the next. The log says so each time, at debug when the file
    // had changed again by the time the batch failed (the usual case), else at warn.
    const superseded = chaudLines(child).filter((line) =>
      line.startsWith(`[chaud] reload of ${app.appPath} failed, but the batch's files changed meanwhile`),
    );
    const warned = chaudLines(child).filter((line) => line.startsWith(`[chaud] reload failed in ${app.appPath}`));
    expect(superseded.length + warned.length).toBe(failed);
    // Reads between truncate and write see an empty file: said at debug only, since the file
    // never stayed empty.
    expect(chaudLines(child).filter((line) => /is still empty/.test(line))).toEqual([]);
  });

  test("by write-and-rename: ends on the last version, no batch ever fails", async () => {
    const { app, child } = await start(flavor);
    await burst(app, (content) => atomicWrite(app.appFile, content));
    const { failed, empty } = await expectLastVersion(child, `${flavor} write-and-rename`);
    // A rename replaces the file whole: no read can see it half-written or empty.
    expect(failed).toBe(0);
    expect(empty).toBe(0);
  });
});
