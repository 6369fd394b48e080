// A node:http server that never restarts while you edit it.
//
//   npm start            (runs `chaud src/server.ts`)
//   PORT=3000 npm start  (a fixed port; the default 0 picks a free one)
//
// Edit src/render.ts (or `handle` below) and save: the next request runs the new code,
// the hit counter keeps counting, and the server keeps its port.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { render } from "./render";

/* @chaud.persist */
let hits = 0; // survives every reload: visits keep counting

/* @chaud.hot */
function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === "/favicon.ico") {
    res.writeHead(404).end();
    return;
  }
  hits++;
  res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
  res.end(render(hits));
}

function start(): Server {
  // `handle` keeps its identity across reloads and always runs its newest body, so the
  // server can be given the function itself.
  const server = createServer(handle);
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    console.log(`listening on http://127.0.0.1:${port}`);
  });
  return server;
}

/* @chaud.persist */
const server = start(); // created once per process: a reload never listens again
