// The corpus of real-world-looking sources in __tests__/corpus, and the Babel options a
// project would compile each with: presets chosen by extension, no config files.

import type { PluginItem, TransformOptions } from "@babel/core";
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";

export const CORPUS_DIR = join(__dirname, "..", "corpus");

export interface CorpusFile {
  name: string;
  /** Absolute path, passed to Babel as `filename` (the registry key derives from it). */
  path: string;
  code: string;
  /** Mentions `@chaud`, so the plugin, when on, looks at it. */
  marked: boolean;
  jsx: boolean;
  typescript: boolean;
}

export function readCorpus(): CorpusFile[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => /\.[cm]?[jt]sx?$/.test(name))
    .sort()
    .map((name) => {
      const path = join(CORPUS_DIR, name);
      const code = readFileSync(path, "utf8");
      const extension = extname(name);
      return {
        name,
        path,
        code,
        marked: code.includes("@chaud"),
        jsx: extension === ".jsx" || extension === ".tsx",
        typescript: /^\.[cm]?tsx?$/.test(extension),
      };
    });
}

export function presetsFor(file: CorpusFile): PluginItem[] {
  const presets: PluginItem[] = [];
  // preset-typescript tells .ts/.mts/.cts apart by extension; .tsx is spelled out. `declare`
  // fields need allowDeclareFields in Babel 7, as most TypeScript projects on Babel set it.
  if (file.typescript) {
    const tsx = file.jsx ? { isTSX: true, allExtensions: true } : {};
    presets.push(["@babel/preset-typescript", { allowDeclareFields: true, ...tsx }]);
  }
  if (file.jsx) presets.push("@babel/preset-react");
  return presets;
}

/** Options for one file; `plugins` is used as given so callers can reuse one array (Babel caches on it). */
export function optionsFor(file: CorpusFile, plugins: PluginItem[], extra: TransformOptions = {}): TransformOptions {
  return {
    babelrc: false,
    configFile: false,
    filename: file.path,
    // Node never treats a .cjs file as a module; everything else parses as Babel's default.
    sourceType: file.name.endsWith(".cjs") ? "script" : "module",
    presets: presetsFor(file),
    plugins,
    ...extra,
  };
}

/** Bare module names a source loads (`from "x"`, `require("x")`, `import("x")`, `import x = require("x")`). */
export function importedModules(code: string): string[] {
  const specifier = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)["']([^"']+)["']/g;
  return [...code.matchAll(specifier)].map((match) => match[1]!);
}
