"use strict";
// The corpus of real-world-looking sources in __tests__/corpus, and the Babel options a
// project would compile each with: presets chosen by extension, no config files. One module
// for the transform benchmark and the tests (__tests__/helpers/corpus.ts), so both compile
// the same files the same way; corpus.d.ts gives the tests its types.

const fs = require("node:fs");
const path = require("node:path");

const CORPUS_DIR = path.join(__dirname, "..", "__tests__", "corpus");

function readCorpus() {
  return fs
    .readdirSync(CORPUS_DIR)
    .filter((name) => /\.[cm]?[jt]sx?$/.test(name))
    .sort()
    .map((name) => {
      const file = path.join(CORPUS_DIR, name);
      const code = fs.readFileSync(file, "utf8");
      const extension = path.extname(name);
      return {
        name,
        path: file,
        code,
        marked: code.includes("@chaud"),
        jsx: extension === ".jsx" || extension === ".tsx",
        typescript: /^\.[cm]?tsx?$/.test(extension),
        lines: code.split("\n").length,
      };
    });
}

// One presets array per kind of file, created once: Babel caches resolved presets and plugins
// on the identity of these arrays, as it would for a long-running build's single config.
// preset-typescript tells .ts/.mts/.cts apart by extension; .tsx is spelled out. `declare`
// fields need allowDeclareFields in Babel 7, as most TypeScript projects on Babel set it.
const PRESETS = {
  js: [],
  jsx: ["@babel/preset-react"],
  ts: [["@babel/preset-typescript", { allowDeclareFields: true }]],
  tsx: [
    ["@babel/preset-typescript", { allowDeclareFields: true, isTSX: true, allExtensions: true }],
    "@babel/preset-react",
  ],
};

function presetsFor(file) {
  if (file.typescript) return file.jsx ? PRESETS.tsx : PRESETS.ts;
  return file.jsx ? PRESETS.jsx : PRESETS.js;
}

/** Babel options for one file; pass the same `plugins` array every time so Babel's cache holds. */
function optionsFor(file, plugins, extra = {}) {
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

module.exports = { CORPUS_DIR, readCorpus, presetsFor, optionsFor };
