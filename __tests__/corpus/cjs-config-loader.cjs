"use strict";
// Loads layered JSON config: defaults, then config/<env>.json, then CONFIG_* variables.
const fs = require("node:fs");
const path = require("node:path");

/* @chaud.persist */
let cache = null;

const DEFAULTS = Object.freeze({ port: 3000, logLevel: "info", db: { host: "localhost", pool: 5 } });

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    if (error && error.code === "ENOENT") return {};
    throw new Error(`Cannot read ${path.basename(file)}: ${error.message}`);
  }
}

/* @chaud.hot */
function merge(target, source) {
  const out = Array.isArray(target) ? [...target] : { ...target };
  for (const [key, value] of Object.entries(source)) {
    const current = out[key];
    out[key] =
      value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object"
        ? merge(current, value)
        : value;
  }
  return out;
}

/* @chaud.hot */
function fromEnvironment(env) {
  const result = {};
  for (const [name, raw] of Object.entries(env)) {
    const match = /^CONFIG_([A-Z0-9_]+)$/.exec(name);
    if (!match) continue;
    const keys = match[1].toLowerCase().split("__");
    let node = result;
    keys.slice(0, -1).forEach((key) => (node = node[key] ??= {}));
    const value = raw === "true" ? true : raw === "false" ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
    node[keys[keys.length - 1]] = value;
  }
  return result;
}

function load(dir = process.cwd(), env = process.env) {
  if (cache && cache.dir === dir) return cache.config;
  const stage = env.NODE_ENV || "development";
  const layered = [readJson(path.join(dir, "config", `${stage}.json`)), fromEnvironment(env)].reduce(merge, DEFAULTS);
  cache = { dir, config: layered };
  return layered;
}

function reset() {
  cache = null;
}

module.exports = { load, reset, merge, fromEnvironment };
