// When the chaud command restarts the program: a committed batch whose edit no running code
// will see. Everything else (a failed reload, a deleted file, an edit applied in place or
// reaching hot code) is not a reason: a failed reload keeps the old code running until a good
// save, and a restart would only lose the program's state.

import type { Notice } from "../registry/registry";
import type { ReloadOutcome } from "./outcome";

/** The registry notices that are a reason, in the order they are told, each in words naming its module. */
const NOTICE_REASONS: Array<[Notice["kind"], (module: string, name: string) => string]> = [
  [
    "class-shape-changed",
    (module, name) => `${module}: the constructor or field initializers of class ${name} changed`,
  ],
  ["class-decorators-changed", (module, name) => `${module}: the decorators of class ${name} changed`],
  ["ran-at-start-changed", (module, name) => `${module}: ${name} changed, and it ran only at start-up`],
  [
    "made-functions-changed",
    (module, name) => `${module}: the functions ${name} creates changed, and the ones it created are in use`,
  ],
];

/**
 * Why `outcome` leaves the program running stale code, in words naming the file; null when it
 * does not. `moduleFile`: the file of a registry key's module part (`<package>/<path>`), so a
 * notice names its file as the other reasons do; null leaves the module part as it is.
 */
export function restartReason(
  outcome: ReloadOutcome,
  relative: (file: string) => string,
  moduleFile: (module: string) => string | null = () => null,
): string | null {
  if (outcome.kind !== "reloaded") return null;
  const [entry] = outcome.topLevelChanged;
  if (entry !== undefined) return `${relative(entry)}: its top-level code changed`;
  const [imported] = outcome.stoppedAtEntry;
  if (imported !== undefined) return `${relative(imported)}: its exports changed, and the entry module imports it`;
  for (const [kind, reason] of NOTICE_REASONS) {
    const notice = outcome.notices.find((candidate) => candidate.kind === kind);
    if (notice) {
      const [module, name] = splitKey(notice.key);
      const file = moduleFile(module);
      return reason(file !== null ? relative(file) : module, name);
    }
  }
  const [unreached] = outcome.unreached;
  if (unreached !== undefined) {
    return `${relative(unreached.file)}${unreached.line !== null ? `:${unreached.line}` : ""} changed, and no running code calls the new version`;
  }
  return null;
}

/** A registry key, `<package>/<path>#<name>`, as its module and its name (which may hold a "#": `app.get("/")#2`). */
function splitKey(key: string): [string, string] {
  const at = key.indexOf("#");
  return [key.slice(0, at), key.slice(at + 1)];
}
