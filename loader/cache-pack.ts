// A pack: the transform cache entries one program's start used, in one file, so a warm start
// reads one file instead of one per module.
//
// Layout: a first line `chaud-transform-pack v1`, then per entry a line `<key> <bytes> <sha256>`,
// the code (`bytes` of UTF-8) and a newline. Each entry keeps its own sha256, checked only when
// the entry is asked for, so a damaged entry costs that entry alone and the others are not
// hashed for nothing.

import * as crypto from "node:crypto";

const PACK_HEADER = "chaud-transform-pack v1\n";
const NEWLINE = 0x0a;
const KEY = /^[0-9a-zA-Z_-]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

export interface PackEntry {
  start: number;
  end: number;
  sha256: string;
}

export interface ParsedPack {
  entries: Map<string, PackEntry>;
  /** Why parsing stopped before the end of the file, or null when the whole file parsed. */
  damaged: string | null;
}

// `crypto.hash` (one call, no Hash object) is cheaper for the many small entries of a pack;
// Node versions without it use createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer | string, encoding: "hex") => string }).hash;

export function sha256Hex(data: Buffer | string): string {
  return oneShot ? oneShot("sha256", data, "hex") : crypto.createHash("sha256").update(data).digest("hex");
}

/** The pack's index; entries before a damaged part stay usable (each is checked on use). */
export function parsePack(buffer: Buffer): ParsedPack {
  const entries = new Map<string, PackEntry>();
  if (buffer.toString("latin1", 0, PACK_HEADER.length) !== PACK_HEADER)
    return { entries, damaged: "it is not a chaud cache pack" };
  let position = PACK_HEADER.length;
  while (position < buffer.length) {
    const lineEnd = buffer.indexOf(NEWLINE, position);
    if (lineEnd < 0) return { entries, damaged: "it ends in the middle of an entry" };
    const [key, bytes, sha256, extra] = buffer.toString("latin1", position, lineEnd).split(" ");
    const length = Number(bytes);
    if (
      extra !== undefined ||
      !key ||
      !KEY.test(key) ||
      !sha256 ||
      !SHA256.test(sha256) ||
      !Number.isSafeInteger(length) ||
      length < 0
    )
      return { entries, damaged: "an entry's header is malformed" };
    const start = lineEnd + 1;
    const end = start + length;
    if (end >= buffer.length || buffer[end] !== NEWLINE)
      return { entries, damaged: "it ends in the middle of an entry" };
    entries.set(key, { start, end, sha256 });
    position = end + 1;
  }
  return { entries, damaged: null };
}

/** The entry's code, or null when it does not match its sha256. */
export function readPackEntry(buffer: Buffer, entry: PackEntry): string | null {
  const bytes = buffer.subarray(entry.start, entry.end);
  return sha256Hex(bytes) === entry.sha256 ? bytes.toString("utf8") : null;
}

export function encodePack(entries: Iterable<[key: string, code: string]>): Buffer {
  const parts: Buffer[] = [Buffer.from(PACK_HEADER, "latin1")];
  for (const [key, code] of entries) {
    const bytes = Buffer.from(code, "utf8");
    parts.push(Buffer.from(`${key} ${bytes.length} ${sha256Hex(bytes)}\n`, "latin1"), bytes, Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}
