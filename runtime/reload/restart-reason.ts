// When the chaud command restarts the program: a committed batch whose edit no running code
// will see. Everything else (a failed reload, a deleted file, an edit applied in place or
// reaching hot code) is not a reason: a failed reload keeps the old code running until a good
// save, and a restart would only lose the program's state.

import type { ReloadOutcome } from "./outcome";

/** Why `outcome` leaves the program running stale code, in words naming the file; null when it does not. */
export function restartReason(outcome: ReloadOutcome, relative: (file: string) => string): string | null {
  if (outcome.kind !== "reloaded") return null;
  const [entry] = outcome.topLevelChanged;
  if (entry !== undefined) return `${relative(entry)}: its top-level code changed`;
  const [imported] = outcome.stoppedAtEntry;
  if (imported !== undefined) return `${relative(imported)}: its exports changed, and the entry module imports it`;
  const reshaped = outcome.notices.find((notice) => notice.kind === "class-shape-changed");
  if (reshaped) {
    // A registry key: `<package>/<path>#<name>`.
    const [module, name] = reshaped.key.split("#");
    return `${module}: the constructor or field initializers of class ${name} changed`;
  }
  const [unreached] = outcome.unreached;
  if (unreached !== undefined) {
    return `${relative(unreached.file)}${unreached.line !== null ? `:${unreached.line}` : ""} changed, and no running code calls the new version`;
  }
  return null;
}
