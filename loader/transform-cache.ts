// The on-disk cache of transformed files, so a warm start loads no Babel at all.
//
// An entry's key (transform-cache-key.ts) is a sha256 of everything that can change Babel's
// output for the file, Babel config files included.
//
// Entries live in one folder that only this user may write: `CHAUD_CACHE_DIR`, else
// `<nearest node_modules>/.cache/chaud`, else `<os.tmpdir()>/chaud-cache-<uid>`. A folder we
// create is 0700 and its files 0600; an existing folder that another user owns or that is
// group- or world-writable is refused (no caching, one warning), because whoever can write
// an entry can run code in this process. Each entry carries a sha256 of its code, checked on
// every read (a torn or edited entry is rejected and transformed again), and is written to a
// temporary file and renamed into place, so readers never see half an entry.
//
// A program's start also reads and writes a pack (cache-pack.ts): the entries that start used,
// in one file named after the program, so a warm start reads one file rather than one per
// module. The per-entry files stay the store; the pack is rewritten (temporary file, then
// rename) only after a start that used an entry it lacked, once the start's synchronous loading
// is done, and each of its entries keeps its own sha256.

import { randomBytes } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import NodeModule from "node:module";
import { tmpdir, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { settings } from "../runtime/settings";
import { findUp, isDirectory } from "../runtime/fs";
import { encodePack, parsePack, readPackEntry, sha256Hex, type PackEntry } from "./cache-pack";

// The key's computation lives in its own file; the cache's users take it from here.
export { hasBabelConfig, transformCacheKey, type CacheKeyInput } from "./transform-cache-key";

export interface TransformCacheStats {
  /** Entries served from disk. */
  hits: number;
  /** Lookups that found no usable entry (rejected entries included). */
  misses: number;
  /** Entries that failed their integrity check. */
  rejected: number;
  /** Files transformed by Babel, and the milliseconds that took in total. */
  transformed: number;
  transformMs: number;
}

export interface TransformCache {
  /** The folder in use; null when nothing is cached on disk (disabled or refused). */
  readonly dir: string | null;
  get(key: string): string | undefined;
  set(key: string, code: string): void;
  /** Counts one Babel transform that took `ms` milliseconds (for "transformed N files in M ms"). */
  recordTransform(ms: number): void;
  stats(): TransformCacheStats;
  /**
   * Writes the pack if this start used entries it lacked, then stops using it (later lookups
   * read entry files). Runs by itself on the tick after the first lookup; a no-op without `pack`.
   */
  savePack(): void;
}

export interface TransformCacheOptions {
  /** The folder. Default: `CHAUD_CACHE_DIR`, else `<nearest node_modules>/.cache/chaud` if writable, else `<os.tmpdir()>/chaud-cache-<uid>`. */
  dir?: string;
  /** Where the search for `node_modules` starts; default `process.cwd()`. */
  cwd?: string;
  /** `false` keeps nothing on disk: the cache then only counts transforms. */
  disk?: boolean;
  env?: NodeJS.ProcessEnv;
  /** The temporary directory of the last fallback; default `os.tmpdir()`. */
  tmpdir?: string;
  /** Called with a sentence when the cache cannot be used or an entry was rejected. */
  onWarn?: (message: string) => void;
  /**
   * The program whose start this cache serves (its entry file, say): its entries are also read
   * from and written to one pack file named after it. Absent: entry files only.
   */
  pack?: string;
}

const ENTRY_HEADER = "chaud-transform-cache v1 sha256=";

const sha256 = sha256Hex;

function currentUid(): number | undefined {
  return typeof process.getuid === "function" ? process.getuid() : undefined;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function nearestNodeModules(from: string): string | null {
  const dir = findUp(resolve(from), (folder) => isDirectory(join(folder, "node_modules")));
  return dir === null ? null : join(dir, "node_modules");
}

function privateTmpDir(temporary: string): string {
  return join(temporary, `chaud-cache-${currentUid() ?? userInfo().username}`);
}

/** Why `stats` (of an existing cache folder) must not be trusted, or null when it may. */
function distrust(stats: Stats, dir: string): string | null {
  if (stats.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!stats.isDirectory()) return `${dir} is not a folder`;
  const uid = currentUid();
  if (uid !== undefined && stats.uid !== uid) return `${dir} belongs to another user (uid ${stats.uid})`;
  if (process.platform !== "win32" && (stats.mode & 0o022) !== 0)
    return `${dir} is group- or world-writable (mode ${(stats.mode & 0o777).toString(8)})`;
  return null;
}

type Prepared = { dir: string } | { refused: string } | { unwritable: unknown };

/** Creates `dir` (0700) if missing and checks that only we can write it. */
function prepareDir(dir: string, followSymlink: boolean): Prepared {
  try {
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if (errorCode(error) !== "EEXIST") return { unwritable: error };
  }
  const stats = followSymlink ? statSync(dir) : lstatSync(dir);
  const reason = distrust(stats, dir);
  return reason === null ? { dir } : { refused: reason };
}

function chooseDir(options: TransformCacheOptions, warn: (message: string) => void): string | null {
  const cwd = options.cwd ?? process.cwd();
  const configured = settings(options.env).cacheDir;
  const explicit = options.dir ?? (configured !== undefined ? resolve(cwd, configured) : undefined);
  const nodeModules = explicit === undefined ? nearestNodeModules(cwd) : null;
  const candidates: Array<{ dir: string; followSymlink: boolean }> =
    explicit !== undefined
      ? [{ dir: explicit, followSymlink: true }]
      : [
          ...(nodeModules ? [{ dir: join(nodeModules, ".cache", "chaud"), followSymlink: true }] : []),
          { dir: privateTmpDir(options.tmpdir ?? tmpdir()), followSymlink: false },
        ];
  for (const candidate of candidates) {
    let prepared: Prepared;
    try {
      prepared = prepareDir(candidate.dir, candidate.followSymlink);
    } catch (error) {
      prepared = { unwritable: error };
    }
    if ("dir" in prepared) return prepared.dir;
    if ("refused" in prepared) {
      warn(
        `not caching transformed files: ${prepared.refused}. Make it private (chmod 700, owned by you), delete it, or set CHAUD_CACHE_DIR.`,
      );
      return null;
    }
    // Not writable (read-only node_modules, say): try the next place.
  }
  warn(`not caching transformed files: no writable cache folder (tried ${candidates.map((c) => c.dir).join(", ")}).`);
  return null;
}

export function createTransformCache(options: TransformCacheOptions = {}): TransformCache {
  const warn = options.onWarn ?? (() => {});
  const counts: TransformCacheStats = { hits: 0, misses: 0, rejected: 0, transformed: 0, transformMs: 0 };
  let dir: string | null | undefined = options.disk === false ? null : undefined;
  let writeWarned = false;

  // The folder is chosen on first use, so a cache that is never asked costs nothing.
  const folder = (): string | null => (dir === undefined ? (dir = chooseDir(options, warn)) : dir);
  const entryPath = (root: string, key: string): string => {
    if (!/^[0-9a-zA-Z_-]+$/.test(key)) throw new Error(`chaud: not a transform cache key: ${JSON.stringify(key)}`);
    return join(root, `${key}.cache`);
  };

  function reject(file: string, why: string): undefined {
    counts.rejected++;
    warn(`rejected the cache entry ${file}: ${why}. Transforming the file again.`);
    try {
      unlinkSync(file);
    } catch {
      // already gone, or not ours to delete: the next write replaces it anyway
    }
    return undefined;
  }

  function read(root: string, key: string): string | undefined {
    const file = entryPath(root, key);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return undefined; // no entry yet
    }
    const newline = text.indexOf("\n");
    const header = newline < 0 ? text : text.slice(0, newline);
    if (!header.startsWith(ENTRY_HEADER)) return reject(file, "it is not a chaud cache entry");
    const code = text.slice(newline + 1);
    if (sha256(code) !== header.slice(ENTRY_HEADER.length)) return reject(file, "its code does not match its sha256");
    return code;
  }

  // The pack: loaded at the first lookup and used until savePack (the start's first tick).
  let packDone = options.pack === undefined;
  let pack: { file: string; buffer: Buffer; entries: Map<string, PackEntry> } | null | undefined;
  /** Every entry the start used, in order, with its code: the next pack. */
  let used = new Map<string, string>();
  /** Whether the start used an entry the pack lacked (or a damaged one): the pack is rewritten. */
  let packStale = false;
  // Keys differ between Node versions, so each version keeps a pack of its own (no rewriting
  // each other's when a project alternates).
  const packFile = (root: string): string =>
    join(root, `${sha256(`${process.version}\0${options.pack ?? ""}`).slice(0, 32)}.pack`);

  function loadPack(root: string): void {
    pack = null;
    const file = packFile(root);
    let buffer: Buffer;
    try {
      buffer = readFileSync(file);
    } catch {
      packStale = true; // none yet
      return;
    }
    const parsed = parsePack(buffer);
    if (parsed.damaged !== null) {
      counts.rejected++;
      packStale = true;
      warn(`rejected part of the cache pack ${file}: ${parsed.damaged}. Reading those entries one by one.`);
    }
    pack = { file, buffer, entries: parsed.entries };
  }

  function fromPack(root: string, key: string): string | undefined {
    if (pack === undefined) {
      loadPack(root);
      // The start's synchronous loading ends before the next tick: the pack is saved then.
      process.nextTick(savePack);
    }
    const entry = pack?.entries.get(key);
    if (pack && entry) {
      const code = readPackEntry(pack.buffer, entry);
      if (code !== null) return code;
      counts.rejected++;
      warn(`rejected the entry ${key} of the cache pack ${pack.file}: its code does not match its sha256.`);
    }
    packStale = true;
    return undefined;
  }

  function writeFileAtomically(root: string, file: string, data: string | Buffer): void {
    const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      writeFileSync(temporary, data, { mode: 0o600, flag: "wx" });
      renameSync(temporary, file);
    } catch (error) {
      try {
        unlinkSync(temporary);
      } catch {
        // never created
      }
      if (!writeWarned) warn(`could not write to the transform cache in ${root}: ${(error as Error).message}`);
      writeWarned = true;
    }
  }

  function savePack(): void {
    if (packDone) return;
    packDone = true;
    const entries = used;
    const stale = packStale;
    // The pack's buffer and the start's code are not kept past the start.
    used = new Map();
    pack = null;
    const root = dir;
    if (!stale || root === undefined || root === null || entries.size === 0) return;
    writeFileAtomically(root, packFile(root), encodePack(entries));
  }

  return {
    get dir() {
      return folder();
    },
    get(key) {
      const root = folder();
      let code: string | undefined;
      if (root !== null) {
        if (!packDone) code = fromPack(root, key);
        if (code === undefined) code = read(root, key);
      }
      if (code === undefined) counts.misses++;
      else {
        counts.hits++;
        if (!packDone) used.set(key, code);
      }
      return code;
    },
    set(key, code) {
      const root = folder();
      if (root === null) return;
      if (!packDone) {
        used.set(key, code);
        packStale = true;
      }
      writeFileAtomically(root, entryPath(root, key), `${ENTRY_HEADER}${sha256(code)}\n${code}`);
    },
    recordTransform(ms) {
      counts.transformed++;
      counts.transformMs += ms;
    },
    stats: () => ({ ...counts }),
    savePack,
  };
}

/**
 * Turns on V8's compile cache (Node 22.1 and later) in the `v8` folder of the cache's own: the
 * modules of later starts, compiled code and dependencies alike, then skip V8's parsing and
 * compiling. It must live in the private folder too, since its content becomes code. Returns
 * the folder, or null where Node has no compile cache or nothing is cached on disk.
 */
export function enableCompileCache(
  cache: Pick<TransformCache, "dir">,
  moduleApi: { enableCompileCache?: (dir: string) => unknown } = NodeModule as never,
): string | null {
  if (typeof moduleApi.enableCompileCache !== "function") return null;
  const root = cache.dir;
  if (root === null) return null;
  const dir = join(root, "v8");
  moduleApi.enableCompileCache(dir);
  return dir;
}

/**
 * Writes what V8's compile cache holds so far. Node writes it only at a normal exit, and a
 * program under development mostly ends by a signal (Ctrl-C, a restart): without this the
 * cache would stay empty. A no-op where Node has no `flushCompileCache` (before 22.10).
 */
export function flushCompileCache(moduleApi: { flushCompileCache?: () => unknown } = NodeModule as never): void {
  if (typeof moduleApi.flushCompileCache === "function") moduleApi.flushCompileCache();
}
