// --ignore / CHAUD_IGNORE globs, matched as nodemon and .gitignore users expect.

import { pathMatcher } from "../../runtime/watch/ignore";

test("a glob without a slash matches a file or folder name anywhere; one with a slash is relative to the working directory", () => {
  const ignored = pathMatcher(["*.test.ts", "fixtures", "src/legacy/", "config/*.yaml", "./lib/{a,b}.js"], "/p");
  const matches = (file: string): boolean => ignored(file);
  expect(matches("/p/src/x.test.ts")).toBe(true);
  expect(matches("/p/.hidden/x.test.ts")).toBe(true);
  expect(matches("/p/src/x.ts")).toBe(false);
  expect(matches("/p/a/fixtures/y.js")).toBe(true);
  expect(matches("/p/src/legacy/deep/z.ts")).toBe(true);
  expect(matches("/p/config/a.yaml")).toBe(true);
  expect(matches("/p/config/sub/a.yaml")).toBe(false);
  expect(matches("/p/lib/a.js")).toBe(true);
  expect(matches("/p/lib/c.js")).toBe(false);
  expect(matches("/elsewhere/config/a.yaml")).toBe(false);
});

test("no globs: nothing is ignored", () => {
  expect(pathMatcher([], "/p")("/p/anything.ts")).toBe(false);
});
