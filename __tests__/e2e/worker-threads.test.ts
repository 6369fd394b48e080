// A program's worker threads under the chaud command: a `new Worker()` on a TypeScript file
// loads (the worker inherits chaud/register, as under tsx), a function-body edit of a file the
// worker loaded applies in place in the worker, and an edit the worker cannot apply (its main
// file's top-level code) restarts the whole program, as an edit of the main thread's would:
// after every save the worker runs the new code. CommonJS (`-r`) and ES modules (`--import`).

import { Child } from "../helpers/child";
import { CLI, endCli, get, program, restartLines, until, watching } from "../helpers/cli-program";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-worker-threads-cache");

afterEach(async () => {
  await endCli(child);
  child = undefined;
  project?.remove();
  project = undefined;
});

interface Flavor {
  name: string;
  esm: boolean;
}

const FLAVORS: Flavor[] = [
  { name: "TypeScript to CommonJS", esm: false },
  { name: "TypeScript ES modules", esm: true },
];

function mainSource({ esm }: Flavor): string {
  const workerFile = esm ? `new URL("./worker.ts", import.meta.url)` : `join(__dirname, "worker.ts")`;
  return `import { Worker } from "node:worker_threads";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
${esm ? "" : `import { join } from "node:path";\n`}import { status, stop } from "chaud";

let hits = 0;
const worker = new Worker(${workerFile});
const waiting: Array<(answer: string) => void> = [];
worker.on("message", (answer: string) => waiting.shift()?.(answer));
worker.on("error", (error: Error) => console.log(JSON.stringify({ type: "worker-error", message: error.message })));

const server = createServer((req, res) => {
  hits++;
  const n = Number(new URL(req.url ?? "/", "http://x").searchParams.get("n"));
  waiting.push((answer) => res.end(JSON.stringify({ answer, hits, pid: process.pid })));
  worker.postMessage(n);
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ type: "listening", port, pid: process.pid }));
});

process.stdin.on("data", (data) => {
  if (!data.toString().split("\\n").includes("stop")) return;
  stop();
  server.close();
  void worker.terminate();
  console.log(JSON.stringify({ type: "stopped", openWatchers: status().openWatchers }));
  process.exit(0);
});
`;
}

const workerSource = ({ esm }: Flavor, tag: string): string => `import { parentPort } from "node:worker_threads";
import { square } from "./math${esm ? ".js" : ""}";

const TAG = "${tag}";
parentPort!.on("message", (n: number) => parentPort!.postMessage(\`\${TAG}:\${square(n)}\`));
`;

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
  test("a TypeScript worker loads; a body edit of its file applies in place in the worker; a top-level edit of the worker's main file restarts the program", async () => {
    project = createTempProject("worker-threads", flavor.esm ? { type: "module" } : {});
    project.write("src/main.ts", mainSource(flavor));
    project.write("src/worker.ts", workerSource(flavor, "t1"));
    project.write("src/math.ts", mathSource("n * n"));
    child = new Child([CLI, "src/main.ts"], { cwd: project.dir, env: env() });
    const first = await program(child, 0);
    await watching(child);

    const loaded = await answerWhen(first.port, "t1:9");
    expect(child.messages.filter((m) => m.type === "worker-error")).toEqual([]);

    // In place, in the worker: same process, the main thread's counter kept, no restart.
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
