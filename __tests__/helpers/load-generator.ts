// A small HTTP load generator for loopback servers: a few keep-alive connections, each sending
// one request after another (never more than one in flight per connection, so the order of
// responses on a connection is the order in which the server answered them), until told to
// stop or a time limit passes. Records every response body and every failure.

import { Agent, request } from "node:http";
import type { Socket } from "node:net";

const MAX_FAILURES = 100;

export interface LoadResponse {
  connection: number;
  status: number;
  body: string;
  /** What the caller's `floor()` returned when the request was sent. */
  floor: number;
}

export interface LoadResult {
  responses: LoadResponse[];
  failures: string[];
  /** Distinct sockets each connection used: 1 means it was never dropped and reopened. */
  socketsPerConnection: number[];
  ms: number;
}

export interface LoadOptions {
  port: number;
  connections: number;
  /** Upper bound on the run, whatever happens. */
  maxMs: number;
  /** A number to stamp on each request when it is sent (e.g. the last version known committed). */
  floor?: () => number;
}

export class LoadGenerator {
  /** Filled as responses arrive (the test may wait on its length). */
  readonly responses: LoadResponse[] = [];
  readonly failures: string[] = [];
  private stopping = false;
  private readonly done: Promise<LoadResult>;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: LoadOptions) {
    this.done = this.run();
  }

  /** Resolves once `count` responses (or any failure) have been recorded, or the run ended. */
  async waitForResponses(count: number): Promise<void> {
    while (this.responses.length < count && this.failures.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private ended = false;

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Stops sending (requests in flight complete) and resolves with everything recorded. */
  stop(): Promise<LoadResult> {
    this.stopping = true;
    return this.done;
  }

  private async run(): Promise<LoadResult> {
    const { port, connections, maxMs, floor = () => 0 } = this.options;
    const { responses, failures } = this;
    const started = performance.now();
    const deadline = Date.now() + maxMs;
    const socketsPerConnection: number[] = [];
    const agents: Agent[] = [];
    const connection = async (index: number): Promise<void> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      const sockets = new Set<Socket>();
      // A dead server refuses connections at once: stop after enough failures to report.
      while (!this.stopping && Date.now() < deadline && failures.length < MAX_FAILURES) {
        const stamp = floor();
        try {
          const { status, body } = await get(port, agent, sockets);
          responses.push({ connection: index, status, body, floor: stamp });
          if (status !== 200) failures.push(`connection ${index}: HTTP ${status} ${body}`);
        } catch (error) {
          failures.push(`connection ${index}: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.notify();
      }
      socketsPerConnection[index] = sockets.size;
    };
    await Promise.all(Array.from({ length: connections }, (_, index) => connection(index)));
    for (const agent of agents) agent.destroy();
    this.ended = true;
    this.notify();
    return { responses, failures, socketsPerConnection, ms: performance.now() - started };
  }
}

function get(port: number, agent: Agent, sockets: Set<Socket>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent, timeout: 30000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("socket", (socket: Socket) => sockets.add(socket));
    req.on("timeout", () => req.destroy(new Error("no response within 30 s")));
    req.on("error", reject);
    req.end();
  });
}
