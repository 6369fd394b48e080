// The corpus of real-world-looking sources in __tests__/corpus and the Babel options for each
// come from bench/corpus.js, which the transform benchmark reads too; this adds what only the
// tests ask of a file.

export { CORPUS_DIR, optionsFor, presetsFor, readCorpus, type CorpusFile } from "../../bench/corpus";

/** Bare module names a source loads (`from "x"`, `require("x")`, `import("x")`, `import x = require("x")`). */
export function importedModules(code: string): string[] {
  const specifier = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)["']([^"']+)["']/g;
  return [...code.matchAll(specifier)].map((match) => match[1]!);
}
