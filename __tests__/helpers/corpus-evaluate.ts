// Runs a corpus file (see corpus.ts) compiled with chaud's plugin, in this test's realm, and
// describes what its importers can see of its exports.

import { transformSync } from "@babel/core";
import { isBuiltin } from "node:module";
import { dirname } from "node:path";
import chaudPlugin from "../../plugin/index";
import * as registryModule from "../../runtime/registry/registry";
import { importedModules, optionsFor, type CorpusFile } from "./corpus";

/**
 * Why a file cannot be evaluated here, or null. Evaluation needs what the file imports: Node
 * built-ins only (no React, no express), no JSX, and no `import.meta` or `#!` line (the
 * function body we evaluate in has neither).
 */
export function evaluationBlocker(file: CorpusFile): string | null {
  if (file.jsx) return "JSX";
  if (file.code.startsWith("#!")) return "a #! line";
  if (file.code.includes("import.meta")) return "import.meta";
  const missing = importedModules(file.code).filter((name) => !isBuiltin(name));
  return missing.length > 0 ? `imports ${missing.join(", ")}` : null;
}

const AsyncFunction = (async () => {}).constructor as new (
  ...params: string[]
) => (...args: unknown[]) => Promise<void>;

/** Compiles to CommonJS with the plugin's `options` and runs it; an async wrapper lets top-level `await` through. */
export async function evaluateCorpusFile(
  file: CorpusFile,
  options: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const plugins = [[chaudPlugin, options], "@babel/plugin-transform-modules-commonjs"];
  const code = transformSync(file.code, optionsFor(file, plugins, { sourceMaps: false }))!.code!;
  const module = { exports: {} as Record<string, unknown> };
  const requireShim = (name: string): unknown => {
    if (name === "chaud/registry") return registryModule;
    if (isBuiltin(name)) return require(name);
    throw new Error(`${file.name} requires "${name}", which this test does not provide`);
  };
  const run = new AsyncFunction("require", "module", "exports", "__filename", "__dirname", code);
  await run(requireShim, module, module.exports, file.path, dirname(file.path));
  return module.exports;
}

/** What a user can see of a module's exports without calling them. */
export function surface(exports: Record<string, unknown>): string[] {
  return Object.keys(exports)
    .sort()
    .map((key) => {
      const value = exports[key];
      if (typeof value !== "function") return `${key}: ${typeof value}`;
      // Babel's CommonJS transform names `export default function () {}` "_default"; native
      // ESM, and chaud's stub, name it "default". Both count as the default export's name.
      const name = key === "default" && value.name === "_default" ? "default" : value.name;
      return `${key}: function ${name}/${value.length}`;
    });
}
