// A watched file saved over by a symlink to another folder, or into node_modules, now leads
// outside the watched packages: its content is never loaded, and the version loaded before
// keeps running. Refusing it here keeps a reload from running code chaud was never asked to watch.

import { warn } from "../logger";
import type { Workspace } from "./workspace";

/** `changed` without the files that now lead outside the watched packages, each refusal said at warn. */
export function withoutEscapes(changed: string[], workspace: Workspace): string[] {
  return changed.filter((file) => {
    const target = workspace.escapesTo(file);
    if (target === null) return true;
    warn(
      `${workspace.relative(file)} now leads to ${target}, outside the watched packages: not reloaded; the version loaded before keeps running.`,
    );
    return false;
  });
}
