// HTTP requests from tests to the programs they run, on 127.0.0.1, each on its own connection
// (no keep-alive: each request sees the server as it is now, across reloads and restarts).

import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or its text when it is not JSON (kept for failure messages). */
  body: any;
}

/** One request; `json` is sent as an application/json body. */
export function request(port: number, method: string, path: string, json?: unknown): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = json === undefined ? undefined : JSON.stringify(json);
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent: false,
        headers: payload === undefined ? {} : { "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

export function get(port: number, path: string): Promise<Response> {
  return request(port, "GET", path);
}
