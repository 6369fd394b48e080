// A request handler for node:http; the default export is hot so the server keeps its
// listener while its code changes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { URL } from "node:url";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface Route {
  method: string;
  pattern: RegExp;
  run(params: Record<string, string>, url: URL): Json | Promise<Json>;
}

/* @chaud.persist */
let served = 0;

const routes: Route[] = [
  { method: "GET", pattern: /^\/health$/, run: () => ({ ok: true, served }) },
  {
    method: "GET",
    pattern: /^\/echo\/(?<word>[^/]+)$/,
    run: ({ word = "" }, url) => ({ word: decodeURIComponent(word), repeat: Number(url.searchParams.get("n") ?? 1) }),
  },
];

function send(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/* @chaud.hot */
export default async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  served++;
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    try {
      send(res, 200, await route.run({ ...match.groups }, url));
    } catch (error) {
      send(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  send(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
}

export const servedCount = () => served;
