// ES modules without chaud's loader (`node app.mjs` calling init(), code precompiled with the
// plugin): no hook reports imports, so the modules chaud knows are the ones compiled with the
// plugin, which tell the registry their file when they run. A changed module is re-imported
// alone (`file.mjs?chaud=2`); its importers keep the version they linked to, while hot
// functions and classes, being shared through the registry, run the new code everywhere.

import { fileURLToPath } from "node:url";
import { EsmModules } from "./esm";
import type { Registry } from "../registry/registry";

export function isEsmEntry(entry: string, isCommonJsFile: (file: string) => boolean): boolean {
  return /\.m[jt]s$/.test(entry) || (/\.[jt]sx?$/.test(entry) && !isCommonJsFile(entry));
}

/** An ESM module system fed by the registry (for the rest of the process). */
export function plainEsmModules(registry: Registry): EsmModules {
  const modules = new EsmModules({ setVersion: async () => {} }, false);
  const note = (file: string | null): void => {
    if (!file?.startsWith("file:")) return;
    const path = fileURLToPath(file.replace(/[?#].*$/, ""));
    if (!modules.isLoaded(path))
      modules.noteLoad(path, { format: "module", bytes: 0, transformed: false, transformMs: 0 });
  };
  for (const version of registry.modules.values()) note(version.file);
  registry.moduleListeners.add((_key, file) => note(file));
  return modules;
}
