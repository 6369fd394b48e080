// isCommonJsFile: which module system Node gives a file, from its extension and the nearest
// package.json's "type".

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clearModuleKindCache, isCommonJsFile, packageTypeOf } from "../../runtime/modules/format";
import { useTempDir } from "../helpers/temp-dir";

const tmp = useTempDir("chaud-kind");
let root: string;

beforeEach(() => {
  root = tmp.dir;
  clearModuleKindCache();
});

test(".cjs and .cts files are CommonJS and .mjs and .mts files are ESM, whatever the package says", () => {
  tmp.write("esm/package.json", JSON.stringify({ type: "module" }));
  tmp.write("cjs/package.json", JSON.stringify({ type: "commonjs" }));
  for (const pkg of ["esm", "cjs"]) {
    expect(isCommonJsFile(join(root, pkg, "a.cjs"))).toBe(true);
    expect(isCommonJsFile(join(root, pkg, "a.cts"))).toBe(true);
    expect(isCommonJsFile(join(root, pkg, "a.mjs"))).toBe(false);
    expect(isCommonJsFile(join(root, pkg, "a.mts"))).toBe(false);
  }
});

test(".js, .ts, .jsx and .tsx files follow the nearest package.json's type", () => {
  tmp.write("plain/package.json", JSON.stringify({ name: "plain" }));
  tmp.write("esm/package.json", JSON.stringify({ name: "esm", type: "module" }));
  for (const ext of [".js", ".ts", ".jsx", ".tsx"]) {
    expect(isCommonJsFile(join(root, "plain/src/deep", `a${ext}`))).toBe(true);
    expect(isCommonJsFile(join(root, "esm/src/deep", `a${ext}`))).toBe(false);
  }
});

test("a nested package.json without a type makes its folder CommonJS inside an ESM package", () => {
  tmp.write("package.json", JSON.stringify({ type: "module" }));
  tmp.write("vendor/legacy/package.json", JSON.stringify({}));
  expect(isCommonJsFile(join(root, "src/a.js"))).toBe(false);
  expect(isCommonJsFile(join(root, "vendor/legacy/a.js"))).toBe(true);
});

test("the lookup stops at a node_modules folder, as Node's does", () => {
  tmp.write("package.json", JSON.stringify({ type: "module" }));
  mkdirSync(join(root, "node_modules/no-manifest"), { recursive: true });
  expect(packageTypeOf(join(root, "node_modules/no-manifest"))).toBe("commonjs");
  expect(packageTypeOf(join(root, "src"))).toBe("module");
});

test("an unreadable package.json reads as CommonJS", () => {
  tmp.write("package.json", "{ not json");
  expect(isCommonJsFile(join(root, "a.js"))).toBe(true);
});

test("answers are cached per folder until the cache is cleared", () => {
  const manifest = tmp.write("package.json", JSON.stringify({ type: "module" }));
  expect(isCommonJsFile(join(root, "a.ts"))).toBe(false);
  writeFileSync(manifest, JSON.stringify({ type: "commonjs" }));
  expect(isCommonJsFile(join(root, "a.ts"))).toBe(false);
  clearModuleKindCache();
  expect(isCommonJsFile(join(root, "a.ts"))).toBe(true);
});
