// A hot-only version of an ES module runs as a CommonJS function: its `import.meta` must become
// something a function can read (the module system hands it over through `require`).

import { replaceImportMeta } from "../../loader/hot-only-import-meta";
import { IMPORT_META_SPECIFIER, readsImportMeta } from "../../runtime/modules/esm";

const CODE = `"use strict";
exports.where = where;
function where() { return import.meta.url + " " + import.meta.dirname; }
`;

test("every import.meta reads the object that require hands over for the module", () => {
  const code = replaceImportMeta(CODE, "/project/src/app.mjs");
  expect(readsImportMeta(code)).toBe(false);
  const asked: string[] = [];
  const exports: { where?: () => string } = {};
  const meta = { url: "file:///project/src/app.mjs", dirname: "/project/src" };
  new Function("exports", "require", code)(exports, (specifier: string) => {
    asked.push(specifier);
    return meta;
  });
  expect(exports.where!()).toBe("file:///project/src/app.mjs /project/src");
  expect(asked).toEqual([IMPORT_META_SPECIFIER]);
});

test("the require of import.meta does not itself look like import.meta", () => {
  expect(readsImportMeta(`const m = import.meta;`)).toBe(true);
  expect(readsImportMeta(`const m = require(${JSON.stringify(IMPORT_META_SPECIFIER)});`)).toBe(false);
});
