// The examples in examples/ work as their READMEs say: `npm run demo`, the counter-cli
// example and the http-server example, each run from a temporary copy (the checked-in
// examples are never modified) with the built chaud command.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { get as httpGet } from "node:http";
import { join, relative } from "node:path";
import { Child, sleep } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { copyExample, EXAMPLES, removeExampleCopies } from "../helpers/examples";
import { assertBuilt, REPO_ROOT } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let child: Child | undefined;

afterEach(async () => {
  await child?.stop();
  child = undefined;
  removeExampleCopies();
});

/** Every file under `dir` (node_modules left out) with its content. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      if (name === "node_modules") continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return files;
}

function get(port: number, path = "/"): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpGet({ host: "127.0.0.1", port, path, agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve(body));
    });
    request.on("error", reject);
  });
}

/** `tick #1`, `tock #2`...: the counter-cli example's tick lines, in order. */
function ticks(stdout: string): Array<{ word: string; count: number }> {
  return [...stdout.matchAll(/^(\w+) #(\d+)$/gm)].map((match) => ({ word: match[1]!, count: Number(match[2]) }));
}

describe("npm run demo (examples/demo.js)", () => {
  test("shows the old greeting, the reload, the new greeting and a counter that kept counting, then cleans up", async () => {
    assertBuilt();
    const before = snapshot(EXAMPLES);
    child = new Child([join(EXAMPLES, "demo.js")], { cwd: REPO_ROOT });
    const code = await child.exited;
    const output = child.stdout;
    expect({ code, stderr: child.stderr }).toEqual({ code: 0, stderr: "" });

    const hello = output.indexOf("GET / -> hello from chaud, visit #1");
    const third = output.indexOf("GET / -> hello from chaud, visit #3");
    const reloaded = output.search(/\[chaud\] updated src\/render\.ts in \d+ ms/);
    const bonjour = output.indexOf("GET / -> bonjour from chaud, visit #4");
    expect(hello).toBeGreaterThanOrEqual(0);
    expect(third).toBeGreaterThan(hello);
    expect(reloaded).toBeGreaterThan(third);
    expect(bonjour).toBeGreaterThan(reloaded);
    // One server for the whole demo: it listened once.
    expect(output.match(/listening on http:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(1);

    // The temporary copy is gone and the checked-in examples are as they were.
    const copy = /copying examples\/http-server to (\S+)/.exec(output)?.[1];
    expect(copy).toBeDefined();
    expect(existsSync(copy!)).toBe(false);
    expect(snapshot(EXAMPLES)).toEqual(before);
  });
});

describe("examples/counter-cli", () => {
  test("an edited tick runs from the persisted interval, the count carries on; a top-level edit disposes the old version", async () => {
    const dir = copyExample("counter-cli");
    const cacheDir = join(dir, ".chaud-cache");
    child = new Child([CLI, "src/main.js"], { cwd: dir, env: { CHAUD_CACHE_DIR: cacheDir } });
    await child.waitFor("tick #2", () => /^tick #2$/m.test(child!.stdout));

    const ticker = join(dir, "src/ticker.js");
    const source = readFileSync(ticker, "utf8");
    expect(source).toContain("console.log(`tick #${ticks}`);");
    atomicWrite(ticker, source.replace("console.log(`tick #${ticks}`);", "console.log(`tock #${ticks}`);"));

    await child.waitFor("a tock", () => ticks(child!.stdout).some((t) => t.word === "tock"));
    await child.waitFor("the update line", () =>
      /\[chaud\] updated src\/ticker\.js in \d+ ms: 1 hot function updated, module state kept/.test(child!.stderr),
    );
    const seen = ticks(child.stdout);
    // One count from the first tick to the last: 1, 2, 3... with "tick" turning into "tock".
    expect(seen.map((t) => t.count)).toEqual(seen.map((_, i) => i + 1));
    const firstTock = seen.findIndex((t) => t.word === "tock");
    expect(firstTock).toBeGreaterThanOrEqual(2);
    expect(seen.slice(0, firstTock).every((t) => t.word === "tick")).toBe(true);
    expect(seen.slice(firstTock).every((t) => t.word === "tock")).toBe(true);

    // Only a hot body changed: nothing was evaluated again, so nothing was disposed.
    const disposed = "ticker.js: disposed the old version (removed its stdin listener)";
    expect(child.stdout).not.toContain(disposed);

    // An edit outside function bodies evaluates the module again: the old version's dispose runs once.
    atomicWrite(
      ticker,
      readFileSync(ticker, "utf8").replace("ticks so far", "ticks counted") + `console.log("ticker.js evaluated");\n`,
    );
    await child.waitFor("the reload line", () => /\[chaud\] reloaded src\/ticker\.js/.test(child!.stderr));
    expect(child.stdout.split(disposed)).toHaveLength(2);
    expect(child.stdout).toContain("ticker.js evaluated");
    expect(child.stderr).not.toContain("restarting");

    // It removed the old version's stdin listener: Enter prints the count once, not twice.
    child.send("");
    await child.waitFor("the count", () => /^\d+ ticks counted$/m.test(child!.stdout));
    await sleep(300);
    expect(child.stdout.match(/^\d+ ticks (so far|counted)$/gm)).toHaveLength(1);
  });
});

describe("examples/http-server", () => {
  test("an edited render.ts answers on the same port, and the visit counter continues", async () => {
    const dir = copyExample("http-server");
    const cacheDir = join(dir, ".chaud-cache");
    child = new Child([CLI, "src/server.ts"], { cwd: dir, env: { CHAUD_CACHE_DIR: cacheDir, PORT: "0" } });
    const port = Number(
      await child.waitFor("listening", () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(child!.stdout)?.[1]),
    );
    expect(port).toBeGreaterThan(0);

    expect(await get(port)).toBe("hello from chaud, visit #1\n");
    expect(await get(port)).toBe("hello from chaud, visit #2\n");

    const render = join(dir, "src/render.ts");
    const source = readFileSync(render, "utf8");
    expect(source).toContain("hello from chaud");
    atomicWrite(render, source.replace("hello from chaud", "salut from chaud"));
    await child.waitFor("the reload", () => /\[chaud\] updated src\/render\.ts/.test(child!.stderr));

    // Same port, same process, same persisted counter: the server was never restarted.
    expect(await get(port)).toBe("salut from chaud, visit #3\n");
    expect(await get(port)).toBe("salut from chaud, visit #4\n");
    expect(child.stdout.match(/listening on/g)).toHaveLength(1);
    expect(child.done).toBe(false);
  });
});
