// A CommonJS server under `npx chaud`: the request listener is a hot class's method, bound
// once at start-up (`http.createServer(ctrl.handle.bind(ctrl))`). Editing the method's body,
// in place or by an editor's write-and-rename, changes what the next request gets, in the
// same process.

import { request } from "node:http";
import { join } from "node:path";
import { Child, stopWithLeakCheck } from "../helpers/child";
import { atomicWrite } from "../helpers/hot-app";
import { createTempProject, REPO_ROOT, sharedCacheDir, type TempProject } from "../helpers/temp-project";

const CLI = join(REPO_ROOT, "dist/integration/cli/index.js");
let project: TempProject | undefined;
let child: Child | undefined;
const { env } = sharedCacheDir("chaud-methods-cache");

afterEach(async () => {
  await stopWithLeakCheck(child, (c) => c.count("ready") > 0);
  child = undefined;
  project?.remove();
});

const MAIN = `
const http = require("node:http");
const chaud = require("chaud");
const { Controller } = require("./controller.js");
const ctrl = new Controller("home");
const server = http.createServer(ctrl.handle.bind(ctrl));
const say = (type, extra) => console.log(JSON.stringify({ type, pid: process.pid, ...extra }));
chaud.on("reload", (e) => say("reload", { files: e.files }));
chaud.on("error", (e) => say("error", { file: e.file }));
process.stdin.on("data", (data) => {
  if (data.toString().trim() !== "stop") return;
  chaud.stop();
  server.close();
  say("stopped", { openWatchers: chaud.status().openWatchers });
  process.exit(0);
});
server.listen(0, "127.0.0.1", () => say("ready", { port: server.address().port }));
`;

const CONTROLLER = (tag: string) => `
/* @chaud.hot */
class Controller {
  #served = 0;
  constructor(name) { this.name = name; }
  handle(req, res) {
    this.#served++;
    res.end("${tag} " + this.name + " " + req.url + " #" + this.#served);
  }
}
exports.Controller = Controller;
`;

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

test("a bound hot method serving HTTP runs each edited body, in the same process", async () => {
  project = createTempProject("methods-app");
  project.write("main.js", MAIN);
  project.write("controller.js", CONTROLLER("v1"));
  child = new Child([CLI, "main.js"], { cwd: project.dir, env: env() });
  const { port, pid } = await child.message("ready");
  expect(await get(port, "/a")).toBe("v1 home /a #1");

  project.write("controller.js", CONTROLLER("v2"));
  expect((await child.message("reload", 0)).pid).toBe(pid);
  expect(await get(port, "/b")).toBe("v2 home /b #2");

  atomicWrite(project.path("controller.js"), CONTROLLER("v3"));
  const second = await child.message("reload", 1);
  expect([second.pid, second.files]).toEqual([pid, ["controller.js"]]);
  expect(await get(port, "/c")).toBe("v3 home /c #3");
  expect([child.count("ready"), child.count("error")]).toEqual([1, 0]);
});
