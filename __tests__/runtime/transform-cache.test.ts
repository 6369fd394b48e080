// The on-disk transform cache: keys, integrity, permissions, atomic writes, folder choice.

import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  createTransformCache,
  enableCompileCache,
  flushCompileCache,
  hasBabelConfig,
  transformCacheKey,
  type CacheKeyInput,
} from "../../loader/transform-cache";
import { useTempDir } from "../helpers/temp-dir";

const tmp = useTempDir("chaud-cache-test");
let root: string;
let warnings: string[];
const onWarn = (message: string): void => void warnings.push(message);

function keyInput(overrides: Partial<CacheKeyInput> = {}): CacheKeyInput {
  return {
    filename: join(root, "app/src/a.ts"),
    source: "export const a = 1;",
    root: join(root, "app"),
    options: { enabled: true, commonjs: true },
    env: {},
    ...overrides,
  };
}

/** Ends the synchronous run: the key's lookups are remembered for one run only. */
const nextRun = (): Promise<void> => Promise.resolve();
const mode = (path: string): number => statSync(path).mode & 0o777;
const isPosix = process.platform !== "win32";
const posixTest = isPosix ? test : test.skip;

beforeEach(() => {
  root = tmp.dir;
  warnings = [];
  tmp.write("app/package.json", JSON.stringify({ name: "app", version: "1.0.0" }));
});

describe("keys", () => {
  test("the same inputs give the same key", () => {
    expect(transformCacheKey(keyInput())).toBe(transformCacheKey(keyInput()));
    expect(transformCacheKey(keyInput())).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a change of content, file name, options or Babel env changes the key", () => {
    const base = transformCacheKey(keyInput());
    expect(transformCacheKey(keyInput({ source: "export const a = 2;" }))).not.toBe(base);
    expect(transformCacheKey(keyInput({ filename: join(root, "app/src/b.ts") }))).not.toBe(base);
    expect(transformCacheKey(keyInput({ options: { enabled: false, commonjs: true } }))).not.toBe(base);
    expect(transformCacheKey(keyInput({ env: { NODE_ENV: "test" } }))).not.toBe(base);
  });

  test("a change to any Babel config that could apply changes the key (from the next run on)", async () => {
    const keys = [transformCacheKey(keyInput())];
    const config = tmp.write("app/babel.config.js", "module.exports = {};");
    await nextRun();
    keys.push(transformCacheKey(keyInput()));
    writeFileSync(config, "module.exports = { plugins: [] };");
    await nextRun();
    keys.push(transformCacheKey(keyInput()));
    tmp.write("app/src/.babelrc", "{}");
    await nextRun();
    keys.push(transformCacheKey(keyInput()));
    tmp.write("app/package.json", JSON.stringify({ name: "app", version: "1.0.0", babel: { presets: [] } }));
    await nextRun();
    keys.push(transformCacheKey(keyInput()));
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("within one synchronous run, the files of a folder are looked up once, not once per file", async () => {
    transformCacheKey(keyInput());
    await nextRun();
    const stats = jest.spyOn(require("node:fs") as typeof import("node:fs"), "statSync");
    try {
      transformCacheKey(keyInput({ filename: join(root, "app/src/b.ts") }));
      const first = stats.mock.calls.length;
      expect(first).toBeGreaterThan(0); // a new run checks the folders' stamps again
      transformCacheKey(keyInput({ filename: join(root, "app/src/c.ts") }));
      expect(hasBabelConfig(join(root, "app/src/d.ts"), join(root, "app"))).toBe(false);
      expect(stats.mock.calls.length).toBe(first);
    } finally {
      stats.mockRestore();
    }
  });

  test("package.json fields Babel does not read leave the key alone", () => {
    const before = transformCacheKey(keyInput());
    tmp.write("app/package.json", JSON.stringify({ name: "app", version: "2.0.0", dependencies: { x: "1" } }));
    expect(transformCacheKey(keyInput())).toBe(before);
  });

  test("config files above the package root or outside the Babel root are not read", async () => {
    const before = transformCacheKey(keyInput());
    tmp.write(".babelrc", "{}"); // above app/package.json: Babel stops at the package root
    tmp.write("app/src/babel.config.js", "module.exports = {};"); // not the root
    await nextRun();
    expect(transformCacheKey(keyInput())).toBe(before);
    expect(hasBabelConfig(join(root, "app/src/a.ts"), join(root, "app"))).toBe(false);
    tmp.write("app/.babelrc.json", "{}");
    await nextRun();
    expect(hasBabelConfig(join(root, "app/src/a.ts"), join(root, "app"))).toBe(true);
  });
});

describe("entries", () => {
  test("a stored entry is a hit with the same code; an unknown key is a miss", () => {
    const cache = createTransformCache({ dir: join(root, "cache"), onWarn });
    expect(cache.get("a".repeat(64))).toBeUndefined();
    cache.set("a".repeat(64), "exports.x = 1;\n");
    expect(cache.get("a".repeat(64))).toBe("exports.x = 1;\n");
    expect(cache.get("b".repeat(64))).toBeUndefined();
    expect(cache.stats()).toEqual({ hits: 1, misses: 2, rejected: 0, transformed: 0, transformMs: 0 });
    expect(warnings).toEqual([]);
  });

  test("a tampered entry is rejected, reported and deleted", () => {
    const cache = createTransformCache({ dir: join(root, "cache"), onWarn });
    const key = "c".repeat(64);
    cache.set(key, "exports.safe = true;");
    const entry = join(root, "cache", `${key}.cache`);
    writeFileSync(entry, readFileSync(entry, "utf8").replace("safe = true", "safe = false"));
    expect(cache.get(key)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 1, rejected: 1 });
    expect(warnings).toEqual([expect.stringContaining("does not match its sha256")]);
    expect(existsSync(entry)).toBe(false);
  });

  test("a file that is not an entry is rejected", () => {
    const cache = createTransformCache({ dir: join(root, "cache"), onWarn });
    cache.set("d".repeat(64), "1");
    writeFileSync(join(root, "cache", `${"d".repeat(64)}.cache`), "module.exports = evil();");
    expect(cache.get("d".repeat(64))).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining("not a chaud cache entry")]);
  });

  test("writes replace the entry by renaming a complete temporary file over it", () => {
    const cache = createTransformCache({ dir: join(root, "cache"), onWarn });
    const key = "e".repeat(64);
    const entry = join(root, "cache", `${key}.cache`);
    cache.set(key, "first");
    const firstInode = statSync(entry).ino;
    cache.set(key, "second");
    // A new inode: the old file was never opened for writing, so a concurrent reader sees
    // either the whole old entry or the whole new one.
    expect(statSync(entry).ino).not.toBe(firstInode);
    expect(cache.get(key)).toBe("second");
    expect(readdirSync(join(root, "cache"))).toEqual([`${key}.cache`]);
  });

  test("recordTransform adds up files and milliseconds", () => {
    const cache = createTransformCache({ disk: false });
    cache.recordTransform(12.5);
    cache.recordTransform(7.5);
    expect(cache.stats()).toMatchObject({ transformed: 2, transformMs: 20 });
    expect(cache.dir).toBeNull();
    cache.set("f".repeat(64), "x");
    expect(cache.get("f".repeat(64))).toBeUndefined();
  });
});

describe("the folder", () => {
  posixTest("a folder it creates is 0700 and its entries are 0600", () => {
    const cache = createTransformCache({ dir: join(root, "deep/cache"), onWarn });
    cache.set("a".repeat(64), "x");
    expect(cache.dir).toBe(join(root, "deep/cache"));
    expect(mode(join(root, "deep/cache"))).toBe(0o700);
    expect(mode(join(root, "deep/cache", `${"a".repeat(64)}.cache`))).toBe(0o600);
  });

  posixTest.each([
    ["world-writable", 0o777],
    ["group-writable", 0o770],
  ])("a %s folder is refused with a warning, and nothing is cached", (_label, folderMode) => {
    const dir = join(root, "shared");
    mkdirSync(dir);
    chmodSync(dir, folderMode);
    const cache = createTransformCache({ dir, onWarn });
    cache.set("a".repeat(64), "x");
    expect(cache.get("a".repeat(64))).toBeUndefined();
    expect(cache.dir).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/not caching transformed files: .*shared is group- or world-writable/),
    ]);
  });

  const asRoot = isPosix && process.getuid?.() === 0 ? test : test.skip;
  asRoot("a folder owned by another user is refused", () => {
    const dir = join(root, "theirs");
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 4242, 4242);
    const cache = createTransformCache({ dir, onWarn });
    expect(cache.dir).toBeNull();
    expect(warnings).toEqual([expect.stringContaining("belongs to another user (uid 4242)")]);
  });

  test("CHAUD_CACHE_DIR names the folder, relative to cwd", () => {
    const cache = createTransformCache({ cwd: join(root, "app"), env: { CHAUD_CACHE_DIR: "my-cache" }, onWarn });
    expect(cache.dir).toBe(join(root, "app/my-cache"));
  });

  test("without CHAUD_CACHE_DIR it is .cache/chaud in the nearest node_modules", () => {
    mkdirSync(join(root, "app/node_modules"));
    const cache = createTransformCache({ cwd: join(root, "app/src"), env: {}, onWarn });
    expect(cache.dir).toBe(join(root, "app/node_modules/.cache/chaud"));
    expect(warnings).toEqual([]);
  });

  describe("with no node_modules", () => {
    posixTest("it falls back to a private folder in the temporary directory", () => {
      mkdirSync(join(root, "tmp"));
      const cache = createTransformCache({ cwd: join(root, "app"), env: {}, tmpdir: join(root, "tmp"), onWarn });
      const expected = join(root, "tmp", `chaud-cache-${process.getuid!()}`);
      expect(cache.dir).toBe(expected);
      expect(mode(expected)).toBe(0o700);
    });

    posixTest("a symbolic link planted where the temporary folder goes is refused", () => {
      mkdirSync(join(root, "tmp"));
      mkdirSync(join(root, "elsewhere"), { mode: 0o700 });
      symlinkSync(join(root, "elsewhere"), join(root, "tmp", `chaud-cache-${process.getuid!()}`));
      const cache = createTransformCache({ cwd: join(root, "app"), env: {}, tmpdir: join(root, "tmp"), onWarn });
      expect(cache.dir).toBeNull();
      expect(warnings).toEqual([expect.stringContaining("is a symbolic link")]);
    });
  });
});

describe("V8's compile cache", () => {
  test("is turned on in the cache's private folder where Node has it", () => {
    const dirs: string[] = [];
    const cache = createTransformCache({ dir: join(root, "cache"), onWarn });
    expect(enableCompileCache(cache, { enableCompileCache: (dir) => dirs.push(dir) })).toBe(join(root, "cache", "v8"));
    expect(dirs).toEqual([join(root, "cache", "v8")]);
  });

  test("is left alone on a Node without it, or when nothing is cached on disk", () => {
    const cache = createTransformCache({ dir: join(root, "cache"), onWarn });
    expect(enableCompileCache(cache, {})).toBeNull();
    const dirs: string[] = [];
    const off = createTransformCache({ disk: false });
    expect(enableCompileCache(off, { enableCompileCache: (dir) => dirs.push(dir) })).toBeNull();
    expect(dirs).toEqual([]);
  });

  test("is written on demand where Node can (22.10 and later), and the call is a no-op elsewhere", () => {
    let flushes = 0;
    flushCompileCache({ flushCompileCache: () => flushes++ });
    expect(flushes).toBe(1);
    expect(() => flushCompileCache({})).not.toThrow();
  });
});
