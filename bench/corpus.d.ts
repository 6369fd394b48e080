// Types of corpus.js for the TypeScript tests that share it.

import type { PluginItem, TransformOptions } from "@babel/core";

export declare const CORPUS_DIR: string;

export interface CorpusFile {
  name: string;
  /** Absolute path, passed to Babel as `filename` (the registry key derives from it). */
  path: string;
  code: string;
  /** Mentions `@chaud`, so the plugin, when on, looks at it. */
  marked: boolean;
  jsx: boolean;
  typescript: boolean;
  lines: number;
}

export declare function readCorpus(): CorpusFile[];

export declare function presetsFor(file: CorpusFile): PluginItem[];

/** Options for one file; `plugins` is used as given so callers can reuse one array (Babel caches on it). */
export declare function optionsFor(file: CorpusFile, plugins: PluginItem[], extra?: TransformOptions): TransformOptions;
