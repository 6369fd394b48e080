// A JSON-RPC 2.0 dispatcher for ES module TypeScript: typed method table, batches, errors.

type Params = unknown[] | Record<string, unknown> | undefined;

interface Request {
  jsonrpc: "2.0";
  id?: string | number | null;
  method: string;
  params?: Params;
}

type Response =
  | { jsonrpc: "2.0"; id: string | number | null; result: unknown }
  | { jsonrpc: "2.0"; id: string | number | null; error: { code: number; message: string; data?: unknown } };

export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InternalError: -32603,
} as const;

export type Methods = Record<string, (params: any) => unknown>;

export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = "RpcError";
  }
}

const isRequest = (value: unknown): value is Request =>
  typeof value === "object" && value !== null && (value as Request).jsonrpc === "2.0" && typeof (value as Request).method === "string";

async function handleOne(methods: Methods, message: unknown): Promise<Response | undefined> {
  if (!isRequest(message)) return { jsonrpc: "2.0", id: null, error: { code: ErrorCode.InvalidRequest, message: "Invalid Request" } };
  const { id = null, method, params } = message;
  const fn = Object.hasOwn(methods, method) ? methods[method] : undefined;
  try {
    if (!fn) throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
    const result = await fn(params);
    return message.id === undefined ? undefined : { jsonrpc: "2.0", id, result: result ?? null };
  } catch (error) {
    const { code, message: text, data } = error instanceof RpcError ? error : new RpcError(ErrorCode.InternalError, String(error));
    return message.id === undefined ? undefined : { jsonrpc: "2.0", id, error: { code, message: text, ...(data !== undefined && { data }) } };
  }
}

export async function dispatch(methods: Methods, body: string): Promise<string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: ErrorCode.ParseError, message: "Parse error" } });
  }
  const responses = Array.isArray(parsed)
    ? (await Promise.all(parsed.map((m) => handleOne(methods, m)))).filter((r): r is Response => r !== undefined)
    : await handleOne(methods, parsed);
  if (responses === undefined || (Array.isArray(responses) && responses.length === 0)) return undefined;
  return JSON.stringify(responses);
}
