// Registry keys: `<package name>/<path relative to the package root>`.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { moduleKey } from "../../plugin/module-key";
import { compile } from "../helpers/compile";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "chaud-keys-"));
  const write = (relative: string, content: string): void => {
    mkdirSync(join(root, relative, ".."), { recursive: true });
    writeFileSync(join(root, relative), content);
  };
  write("workspace/packages/api/package.json", JSON.stringify({ name: "@acme/api" }));
  write("workspace/packages/api/src/esm/package.json", JSON.stringify({ type: "module" }));
  write("workspace/packages/api/src/routes/users.ts", "");
  write("other-checkout/packages/api/package.json", JSON.stringify({ name: "@acme/api" }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("names the package and the path inside it with forward slashes", () => {
  expect(moduleKey(join(root, "workspace/packages/api/src/routes/users.ts"), root)).toBe(
    "@acme/api/src/routes/users.ts",
  );
});

test("does not depend on where the checkout lives", () => {
  const here = moduleKey(join(root, "workspace/packages/api/src/routes/users.ts"), root);
  const there = moduleKey(join(root, "other-checkout/packages/api/src/routes/users.ts"), "/elsewhere");
  expect(there).toBe(here);
});

test("skips package.json files without a name, such as a nested `type` marker", () => {
  expect(moduleKey(join(root, "workspace/packages/api/src/esm/index.js"), root)).toBe("@acme/api/src/esm/index.js");
});

test("ignores a query string or hash on the file name", () => {
  const file = join(root, "workspace/packages/api/src/routes/users.ts");
  expect(moduleKey(`${file}?v=3`, root)).toBe("@acme/api/src/routes/users.ts");
  expect(moduleKey(`${file}#x`, root)).toBe("@acme/api/src/routes/users.ts");
});

test("compiled code carries the key of its file", () => {
  const out = compile("/* @chaud.hot */ export function f() {}", {
    filename: join(root, "workspace/packages/api/src/routes/users.ts"),
  });
  expect(out).toContain('chaudModule)("@acme/api/src/routes/users.ts", {');
  expect(out).not.toContain(root);
});
