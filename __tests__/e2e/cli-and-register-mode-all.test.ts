// `node -r chaud/register` with CHAUD_MODE=all: a plain node:http server without a single
// marker, its request handler passed inline in the entry and a timer's callback passed inline
// in a module, edited on disk while it runs.

import { get } from "node:http";
import { join } from "node:path";
import { Child, sleep, stopWithLeakCheck } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, sharedCacheDir, type TempProject } from "../helpers/temp-project";

let project: TempProject;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-cache-mode-all");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  child = undefined;
  project?.remove();
});

const MAIN = (greeting: string): string => `
const http = require("node:http");
const chaud = require("chaud");
const { ticks } = require("./ticker.js");
const server = http.createServer();
server.on("request", (req, res) => {
  res.end("${greeting} " + server.listenerCount("request") + " " + (ticks() > 0));
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ type: "ready", port: server.address().port, pid: process.pid }));
});
chaud.on("reload", (event) => console.log(JSON.stringify({ type: "reload", files: event.files })));
process.stdin.on("data", (data) => {
  if (data.toString().trim() !== "stop") return;
  chaud.stop();
  server.close();
  console.log(JSON.stringify({ type: "stopped", openWatchers: chaud.status().openWatchers }));
  process.exit(0);
});
`;

const TICKER = (word: string): string => `
let count = 0;
setInterval(() => {
  count++;
  console.log(JSON.stringify({ type: "tick", word: "${word}", pid: process.pid }));
}, 40);
exports.ticks = () => count;
`;

function request(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/" }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

test("an edit of an inline request handler in the entry changes the next response; an inline timer callback in a module runs its new body", async () => {
  project = createTempProject("mode-all-app");
  project.write("main.js", MAIN("hello"));
  project.write("ticker.js", TICKER("one"));
  child = new Child(["-r", "chaud/register", "main.js"], { cwd: project.dir, env: env({ CHAUD_MODE: "all" }) });
  const { port, pid } = await child.message("ready");
  await child.message("tick");
  expect(await request(port)).toBe("hello 1 true");

  // The entry: its hot-only version registers the handler's new body and adds no listener.
  atomicWrite(join(project.dir, "main.js"), MAIN("bonjour"));
  await child.message("reload");
  expect(await request(port)).toBe("bonjour 1 true");
  expect(child.count("ready")).toBe(1);

  // A module: it is evaluated again, and the running timer's callback is the key's stub.
  const ticksBefore = child.count("tick");
  atomicWrite(join(project.dir, "ticker.js"), TICKER("two"));
  await child.message("reload", 1);
  const tick = await child.waitFor("a tick with the new body", () =>
    child!.messages.find((message) => message.type === "tick" && message["word"] === "two"),
  );
  expect(tick["pid"]).toBe(pid);
  expect(child.count("tick")).toBeGreaterThan(ticksBefore);
  await sleep(150);
  // Every tick after the reload runs the new body (the first version's timer included).
  const afterReload = child.messages.filter((message) => message.type === "tick").slice(-3);
  expect(afterReload.map((message) => message["word"])).toEqual(["two", "two", "two"]);
  expect(await request(port)).toBe("bonjour 1 true");
});
