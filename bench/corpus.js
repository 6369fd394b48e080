"use strict";
// The test corpus (__tests__/corpus) as the transform benchmark reads it, with the same
// per-extension Babel options as __tests__/helpers/corpus.ts.

const fs = require("node:fs");
const path = require("node:path");

const CORPUS_DIR = path.join(__dirname, "..", "__tests__", "corpus");

function readCorpus() {
  return fs
    .readdirSync(CORPUS_DIR)
    .filter((name) => /\.[cm]?[jt]sx?$/.test(name))
    .sort()
    .map((name) => {
      const code = fs.readFileSync(path.join(CORPUS_DIR, name), "utf8");
      return {
        name,
        path: path.join(CORPUS_DIR, name),
        code,
        marked: code.includes("@chaud"),
        lines: code.split("\n").length,
      };
    });
}

// One presets array per kind of file, created once: Babel caches resolved presets and plugins
// on the identity of these arrays, as it would for a long-running build's single config.
const PRESETS = {
  js: [],
  jsx: ["@babel/preset-react"],
  ts: [["@babel/preset-typescript", { allowDeclareFields: true }]],
  tsx: [
    ["@babel/preset-typescript", { allowDeclareFields: true, isTSX: true, allExtensions: true }],
    "@babel/preset-react",
  ],
};

function presetsFor(name) {
  if (/\.tsx$/.test(name)) return PRESETS.tsx;
  if (/\.[cm]?ts$/.test(name)) return PRESETS.ts;
  if (/\.jsx$/.test(name)) return PRESETS.jsx;
  return PRESETS.js;
}

/** Babel options for one file; pass the same `plugins` array every time so Babel's cache holds. */
function optionsFor(file, plugins) {
  return {
    babelrc: false,
    configFile: false,
    filename: file.path,
    sourceType: file.name.endsWith(".cjs") ? "script" : "module",
    presets: presetsFor(file.name),
    plugins,
  };
}

module.exports = { readCorpus, optionsFor };
