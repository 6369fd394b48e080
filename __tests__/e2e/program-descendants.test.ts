// A program's worker threads and forked processes under the chaud command: a `new Worker()` or
// `fork()` of a TypeScript file loads (it inherits chaud/register, as under tsx), a
// function-body edit of a file it loaded applies in place in it, and an edit it cannot apply
// (its main file's top-level code) restarts the whole program, as an edit of the main
// process's would: after every save it runs the new code. Worker threads in CommonJS (`-r`)
// and ES modules (`--import`), a forked CommonJS process.

import { Child } from "../helpers/child";
import { CLI, endCli, get, listenAndStop, program, restartLines, until, watching } from "../helpers/cli-program";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-descendants-cache");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

interface Flavor {
  name: string;
  esm: boolean;
  /** A worker thread, or a process started with child_process.fork. */
  fork: boolean;
}

const FLAVORS: Flavor[] = [
  { name: "a worker thread, TypeScript to CommonJS", esm: false, fork: false },
  { name: "a worker thread, TypeScript ES modules", esm: true, fork: false },
  { name: "a forked process, TypeScript to CommonJS", esm: false, fork: true },
];

function mainSource({ esm, fork }: Flavor): string {
  const file = esm ? `new URL("./worker.ts", import.meta.url)` : `join(__dirname, "worker.ts")`;
  return `import { Worker } from "node:worker_threads";
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
${esm ? "" : `import { join } from "node:path";\n`}import { status, stop } from "chaud";

let hits = 0;
const worker = ${fork ? `fork(${file})` : `new Worker(${file})`};
const waiting: Array<(answer: string) => void> = [];
worker.on("message", (answer: string) => waiting.shift()?.(answer));
worker.on("error", (error: Error) => console.log(JSON.stringify({ type: "worker-error", message: error.message })));

const server = createServer((req, res) => {
  hits++;
  const n = Number(new URL(req.url ?? "/", "http://x").searchParams.get("n"));
  waiting.push((answer) => res.end(JSON.stringify({ answer, hits, pid: process.pid })));
  worker.${fork ? "send" : "postMessage"}(n);
});
${listenAndStop(fork ? "worker.kill();" : "void worker.terminate();")}`;
}

function workerSource({ esm, fork }: Flavor, tag: string): string {
  const [listen, reply] = fork ? ["process.on", "process.send!"] : ["parentPort!.on", "parentPort!.postMessage"];
  return `import { parentPort } from "node:worker_threads";
import { square } from "./math${esm ? ".js" : ""}";

const TAG = "${tag}";
${listen}("message", (n: number) => ${reply}(\`\${TAG}:\${square(n)}\`));
`;
}

const mathSource = (body: string): string => `export function square(n: number): number {
  return ${body};
}
`;

/** GET /?n=3 on `port` until its answer is `answer`; returns the reply. */
function answerWhen(port: number, answer: string): Promise<{ answer: string; hits: number; pid: number }> {
  return until(child!, `the worker's answer ${answer}`, async () => {
    const { body } = await get(port, "/?n=3");
    return body.answer === answer && body;
  });
}

describe.each(FLAVORS)("$name", (flavor) => {
  test("it loads TypeScript; a body edit of its file applies in place in it; a top-level edit of its main file restarts the program", async () => {
    project = createTempProject("descendants", flavor.esm ? { type: "module" } : {});
    project.write("src/main.ts", mainSource(flavor));
    project.write("src/worker.ts", workerSource(flavor, "t1"));
    project.write("src/math.ts", mathSource("n * n"));
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const first = await program(child, 0);
    await watching(child);

    const loaded = await answerWhen(first.port, "t1:9");
    expect(child.messages.filter((m) => m.type === "worker-error")).toEqual([]);

    // In place, in the worker: same program, the main process's counter kept, no restart.
    project.write("src/math.ts", mathSource("n * n + 1"));
    const updated = await answerWhen(first.port, "t1:10");
    expect(updated.pid).toBe(first.pid);
    expect(updated.hits).toBeGreaterThan(loaded.hits);
    expect(restartLines(child)).toEqual([]);

    // The worker's main file never re-runs its top-level code: the program restarts.
    atomicWrite(project.path("src/worker.ts"), workerSource(flavor, "t2"));
    const second = await program(child, 1);
    expect(second.pid).not.toBe(first.pid);
    const restarted = await answerWhen(second.port, "t2:10");
    expect(restarted.hits).toBe(1);
    expect(restartLines(child)).toEqual([expect.stringContaining("src/worker.ts")]);
  }, 60000);
});

test("under node -r chaud/register alone, the program prints one start line: a worker thread's is a debug line", () => {
  project = createTempProject("descendants-register");
  project.write("src/math.ts", mathSource("n * n"));
  project.write("src/worker.ts", workerSource({ name: "", esm: false, fork: false }, "t1"));
  project.write(
    "src/main.ts",
    `import { Worker } from "node:worker_threads";
import { join } from "node:path";
const worker = new Worker(join(__dirname, "worker.ts"));
worker.on("message", (answer: string) => {
  console.log(JSON.stringify({ type: "answer", answer }));
  // Long enough for the worker's start line, which comes on a later tick.
  setTimeout(() => process.exit(0), 300);
});
worker.postMessage(3);
`,
  );
  const registerPath = require.resolve("../../dist/loader/register.js");
  const run = (level: string) => project!.run(["-r", registerPath, "src/main.ts"], env({ CHAUD_LOG: level }));
  const info = run("info");
  expect(info.stdout).toContain('"answer":"t1:9"');
  expect(info.stderr.match(/hot reloading on/g)).toHaveLength(1);
  expect(run("debug").stderr.match(/hot reloading on/g)).toHaveLength(2);
}, 60000);
