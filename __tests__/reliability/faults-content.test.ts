// Fault matrix (issue 7), bad content: a save whose new version cannot run. Each test starts a
// real child under chaud/register (CommonJS and ESM), makes one fault on disk, and checks that
// the process lives, the old version keeps answering, the persisted counter kept its value,
// a `[chaud]` line names the file and says what happened, and a good save then reloads.

import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { Child } from "../helpers/child";
import {
  chaudLines,
  faultAppsPerTest,
  expectIntact,
  expectOnlyChaudOutput,
  expectRecovery,
  escaped,
  logLine,
  probeNow,
  versionOf,
  type FaultApp,
  type ModuleFlavor,
} from "../helpers/fault-app";

jest.setTimeout(120000);

const faults = faultAppsPerTest("chaud-faults-content-cache");
const { start } = faults;

/** After the fault: v1 still answers, and a good save (v2) reloads with the counter intact. */
async function expectOldVersionThenRecovery(app: FaultApp, child: Child): Promise<void> {
  expect(versionOf(await probeNow(child))).toBe("v1");
  await expectRecovery(app, child);
}

describe.each<ModuleFlavor>(["cjs", "esm"])("%s: a save that cannot run keeps the old version", (flavor) => {
  test("a syntax error is a warn line with a code frame", async () => {
    const { app, child } = await start(flavor);
    writeFileSync(app.appFile, app.source("v-broken", "const = ;"));
    const error = await child.message("error", 0, 60000);
    expect(error.file).toBe(app.appPath);
    expect(versionOf(error.probe)).toBe("v1");
    await logLine(
      child,
      new RegExp(`reload failed in ${escaped(app.appPath)}: SyntaxError: Unexpected token \\(\\d+:\\d+\\)$`),
    );
    // Babel's code frame points at the bad line.
    expect(child.stderr).toMatch(/> *\d+ \| const = ;/);
    expect(child.stderr).toContain("The previous version is still running");
    await expectOldVersionThenRecovery(app, child);
  });

  test("a throw while evaluating is a warn line naming the error and the line", async () => {
    const { app, child } = await start(flavor);
    writeFileSync(app.appFile, app.source("v-throws", `throw new Error("evaluation exploded");`));
    const error = await child.message("error", 0, 60000);
    expect(error.file).toBe(app.appPath);
    expect(versionOf(error.probe)).toBe("v1");
    await logLine(
      child,
      new RegExp(
        `reload failed in ${escaped(app.appPath)}: Error: evaluation exploded \\(${escaped(app.appPath)}:\\d+\\)`,
      ),
    );
    await expectOldVersionThenRecovery(app, child);
  });

  test("an import of a missing module is a warn line naming what is missing", async () => {
    const { app, child } = await start(flavor);
    const missing = flavor === "esm" ? `import "./nope.mjs";` : `require("./nope");`;
    writeFileSync(app.appFile, app.source("v-missing", missing));
    const error = await child.message("error", 0, 60000);
    expect(error.file).toBe(app.appPath);
    expect(versionOf(error.probe)).toBe("v1");
    await logLine(
      child,
      new RegExp(`reload failed in ${escaped(app.appPath)}: .*(Cannot find module|ERR_MODULE_NOT_FOUND).*nope`),
    );
    await expectOldVersionThenRecovery(app, child);
  });

  test("an emptied file is not loaded, and a line says the loaded version keeps running", async () => {
    const { app, child } = await start(flavor);
    writeFileSync(app.appFile, "");
    // An empty module is never a good new version (it is also what a save looks like between
    // truncate and write): nothing reloads, nothing fails, and once the file stays empty an
    // info line says so.
    await logLine(child, new RegExp(`${escaped(app.appPath)} is still empty; the loaded version keeps running`));
    expect(child.count("error")).toBe(0);
    expect(child.count("reload")).toBe(0);
    await expectOldVersionThenRecovery(app, child);
  });

  test("binary garbage (random bytes with NULs) is a warn line without raw control characters", async () => {
    const { app, child } = await start(flavor);
    const garbage = randomBytes(4096);
    garbage[0] = 0;
    garbage[100] = 0x1b; // ESC: a terminal would act on it
    garbage[101] = 0x00;
    writeFileSync(app.appFile, garbage);
    const error = await child.message("error", 0, 60000);
    expect(error.file).toBe(app.appPath);
    expect(versionOf(error.probe)).toBe("v1");
    await logLine(child, new RegExp(`reload failed in ${escaped(app.appPath)}: SyntaxError: `));
    // The code frame quotes the file: its control bytes must not reach the terminal raw.
    // eslint-disable-next-line no-control-regex -- control bytes are what this test looks for
    for (const line of child.stderr.split("\n")) expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    await expectOldVersionThenRecovery(app, child);
  });
});

describe("cjs: a huge file", () => {
  // A 10 MB generated module (data tables, bundled vendor code) that is valid: it compiles and
  // reloads, slowly, and nothing breaks. Babel would print "[BABEL] Note: The code generator
  // has deoptimised the styling of …" to the console for any file over 500 KB; chaud keeps
  // Babel's output the same but does not let that note through.
  test("a valid 10 MB module reloads, with no Babel noise, and a small save follows", async () => {
    const { app, child } = await start("cjs");
    const rows: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1048576; i++) {
      const row = `exports.row${i} = ["${i.toString(36)}", ${i}, ${(i * 7) % 1000}, "${"abcdefghij".repeat(4)}"];`;
      rows.push(row);
      size += row.length + 1;
    }
    writeFileSync(app.appFile, app.source("v-huge", rows.join("\n")));
    // Compiling 10 MB takes Babel ~6 s on an idle machine, several times that on a loaded one.
    const reload = await child.waitFor(
      "the huge version to reload",
      () => child.messages.find((m) => m.type === "reload" && versionOf(m.probe) === "v-huge"),
      240000,
    );
    expect(reload.files).toEqual([app.appPath]);
    await logLine(child, /reloaded src\/app\.js in \d+ ms/);
    expect(child.stderr).not.toContain("[BABEL]");
    // Written in place, 10 MB can be read half-written: that attempt fails, and since the file
    // changed meanwhile chaud says so at debug only (the complete version reloads next), never
    // as a failed reload at warn.
    expect(chaudLines(child).filter((line) => /reload failed in/.test(line))).toEqual([]);
    await expectOldVersionThenRecoveryFrom(app, child, "v-huge");
  }, 300000);
});

/** Like expectOldVersionThenRecovery, from a version other than v1. */
async function expectOldVersionThenRecoveryFrom(app: FaultApp, child: Child, current: string): Promise<void> {
  expect(versionOf(await probeNow(child))).toBe(current);
  app.writeVersion("v2");
  await child.waitFor(
    "the small save to reload",
    () => child.messages.find((m) => m.type === "reload" && versionOf(m.probe) === "v2"),
    60000,
  );
  expectIntact(child);
  expectOnlyChaudOutput(child);
}
