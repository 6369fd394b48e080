// `--ignore <glob>` / CHAUD_IGNORE: files chaud does not watch, matched as nodemon and
// .gitignore users expect. A glob with a `/` is relative to the working directory; one
// without matches a file or folder name anywhere (`*.test.ts`, `fixtures`); a folder's
// match covers everything inside it.

import { resolve } from "node:path";
import picomatch from "picomatch";

export type PathMatcher = (file: string) => boolean;

/** Whether an absolute path matches one of `globs` (or lies inside a folder that does). */
export function pathMatcher(globs: readonly string[], cwd: string): PathMatcher {
  if (globs.length === 0) return () => false;
  const patterns = globs.flatMap((glob) => {
    const trimmed = glob.replace(/\/+$/, "");
    const absolute = trimmed.includes("/") ? resolve(cwd, trimmed).split("\\").join("/") : `**/${trimmed}`;
    return [absolute, `${absolute}/**`];
  });
  const isMatch = picomatch(patterns, { dot: true });
  return (file) => isMatch(file.split("\\").join("/"));
}
