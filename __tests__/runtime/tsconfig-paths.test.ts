// loader/paths.ts: the file a tsconfig `paths` or `baseUrl` alias stands for, against real
// tsconfig files and folders on disk.

import { createPathsResolver, isAliasCandidate, type PathsResolver } from "../../loader/paths";
import { useTempDir } from "../helpers/temp-dir";

const tmp = useTempDir("chaud-paths");
let paths: PathsResolver;
beforeEach(() => {
  paths = createPathsResolver();
});

const touch = (relative: string): string => tmp.write(relative, "// " + relative);
const tsconfig = (relative: string, compilerOptions: Record<string, unknown>, extra: object = {}): void =>
  void tmp.write(relative, JSON.stringify({ compilerOptions, ...extra }));
/** What `specifier` resolves to, imported from `importer` (relative to the temp folder). */
const resolveFrom = (specifier: string, importer = "src/main.ts"): string | null =>
  paths.resolve(specifier, tmp.path(importer));

describe("a wildcard pattern", () => {
  beforeEach(() => tsconfig("tsconfig.json", { baseUrl: ".", paths: { "@/lib/*": ["src/lib/*"] } }));

  test("finds a TypeScript file named without an extension, with its own, or with .js", () => {
    const db = touch("src/lib/db.ts");
    expect(resolveFrom("@/lib/db")).toBe(db);
    expect(resolveFrom("@/lib/db.ts")).toBe(db);
    expect(resolveFrom("@/lib/db.js")).toBe(db);
  });

  test("prefers a TypeScript file to a JavaScript one, and a real .js file named with .js", () => {
    const ts = touch("src/lib/both.ts");
    const js = touch("src/lib/both.js");
    expect(resolveFrom("@/lib/both")).toBe(ts);
    expect(resolveFrom("@/lib/both.js")).toBe(js);
  });

  test("finds .tsx, .mts, .cts, JavaScript and JSON files", () => {
    expect(resolveFrom("@/lib/view.js")).toBeNull();
    const view = touch("src/lib/view.tsx");
    const mod = touch("src/lib/mod.mts");
    const common = touch("src/lib/common.cts");
    const plain = touch("src/lib/plain.js");
    const data = touch("src/lib/data.json");
    expect(resolveFrom("@/lib/view.js")).toBe(view);
    expect(resolveFrom("@/lib/mod.mjs")).toBe(mod);
    expect(resolveFrom("@/lib/common.cjs")).toBe(common);
    expect(resolveFrom("@/lib/plain")).toBe(plain);
    expect(resolveFrom("@/lib/data.json")).toBe(data);
  });

  test("finds a folder's index file, or the file its package.json names as main", () => {
    const index = touch("src/lib/util/index.ts");
    expect(resolveFrom("@/lib/util")).toBe(index);
    tmp.write("src/lib/pkg/package.json", JSON.stringify({ main: "./out/entry.js" }));
    const entry = touch("src/lib/pkg/out/entry.ts");
    touch("src/lib/pkg/index.ts");
    expect(resolveFrom("@/lib/pkg")).toBe(entry);
  });

  test("a declaration file alone is no module", () => {
    touch("src/lib/types.d.ts");
    expect(resolveFrom("@/lib/types")).toBeNull();
  });

  test("a file created after a miss resolves", () => {
    expect(resolveFrom("@/lib/later")).toBeNull();
    const later = touch("src/lib/later.ts");
    expect(resolveFrom("@/lib/later")).toBe(later);
  });
});

test("an exact pattern, and the longest prefix wins among wildcards", () => {
  tsconfig("tsconfig.json", {
    baseUrl: ".",
    paths: { config: ["src/config/settings.ts"], "@/*": ["src/*"], "@/lib/*": ["lib/*"] },
  });
  const settings = touch("src/config/settings.ts");
  const lib = touch("lib/x.ts");
  touch("src/lib/x.ts");
  expect(resolveFrom("config")).toBe(settings);
  expect(resolveFrom("config/other")).toBeNull();
  expect(resolveFrom("@/lib/x")).toBe(lib);
});

test("several targets are tried in order: the first that exists wins", () => {
  tsconfig("tsconfig.json", { baseUrl: ".", paths: { "gen/*": ["missing/*", "generated/*", "fallback/*"] } });
  const generated = touch("generated/a.ts");
  touch("fallback/a.ts");
  const fallback = touch("fallback/b.ts");
  expect(resolveFrom("gen/a")).toBe(generated);
  expect(resolveFrom("gen/b")).toBe(fallback);
  expect(resolveFrom("gen/c")).toBeNull();
});

test("baseUrl alone resolves bare imports under it; a package name with no such file is left to Node", () => {
  tsconfig("tsconfig.json", { baseUrl: "./src" });
  const format = touch("src/utils/format.ts");
  expect(resolveFrom("utils/format")).toBe(format);
  expect(resolveFrom("express")).toBeNull();
});

test("paths without baseUrl are relative to the tsconfig, and an extended tsconfig's paths to its own folder", () => {
  tsconfig("base/tsconfig.base.json", { paths: { "~/*": ["../shared/*"] } });
  tsconfig("app/tsconfig.json", {}, { extends: "../base/tsconfig.base.json" });
  tsconfig("other/tsconfig.json", { paths: { "~/*": ["./own/*"] } });
  const shared = touch("shared/thing.ts");
  const own = touch("other/own/thing.ts");
  expect(resolveFrom("~/thing", "app/src/main.ts")).toBe(shared);
  expect(resolveFrom("~/thing", "other/main.ts")).toBe(own);
});

test("the nearest tsconfig governs", () => {
  tsconfig("tsconfig.json", { baseUrl: ".", paths: { "@/*": ["outer/*"] } });
  tsconfig("packages/a/tsconfig.json", { baseUrl: ".", paths: { "@/*": ["inner/*"] } });
  const outer = touch("outer/x.ts");
  const inner = touch("packages/a/inner/x.ts");
  expect(resolveFrom("@/x", "src/main.ts")).toBe(outer);
  expect(resolveFrom("@/x", "packages/a/src/main.ts")).toBe(inner);
});

test("no tsconfig, one without paths or baseUrl, or one that cannot be read: no alias", () => {
  touch("src/x.ts");
  expect(resolveFrom("src/x")).toBeNull();
  tsconfig("a/tsconfig.json", { strict: true });
  touch("a/src/x.ts");
  expect(resolveFrom("src/x", "a/main.ts")).toBeNull();
  tmp.write("b/tsconfig.json", `{ "extends": "./missing.json", "compilerOptions": { "baseUrl": "." } }`);
  touch("b/src/x.ts");
  expect(resolveFrom("src/x", "b/main.ts")).toBeNull();
});

test("each folder's tsconfig is read once, until clear()", () => {
  tsconfig("tsconfig.json", { baseUrl: ".", paths: { "@/*": ["one/*"] } });
  const one = touch("one/x.ts");
  const two = touch("two/x.ts");
  expect(resolveFrom("@/x")).toBe(one);
  tsconfig("tsconfig.json", { baseUrl: ".", paths: { "@/*": ["two/*"] } });
  expect(resolveFrom("@/x")).toBe(one);
  paths.clear();
  expect(resolveFrom("@/x")).toBe(two);
});

test("relative and absolute paths, URLs, subpath imports and builtins are never aliases", () => {
  tsconfig("tsconfig.json", { baseUrl: ".", paths: { "*": ["src/*"] } });
  touch("src/fs.ts");
  touch("src/x.ts");
  expect(resolveFrom("x")).toBe(tmp.path("src/x.ts"));
  for (const specifier of ["./x", "../x", tmp.path("src/x"), "node:fs", "fs", "fs/promises", "file:///x", "#x", ""]) {
    expect(isAliasCandidate(specifier)).toBe(false);
    expect(resolveFrom(specifier)).toBeNull();
  }
  expect(isAliasCandidate("@scope/pkg")).toBe(true);
});
