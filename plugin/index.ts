// chaud's Babel plugin: `plugins: ["chaud/babel"]` or `["chaud/babel", { enabled: true }]`.
//
// Off unless enabled (the option, else `CHAUD_HOT=1` in the environment): off, it adds no
// visitor at all, so output is byte-identical to Babel's without it and markers can stay in
// production code. On in mode "marked" (the default), a file whose source never mentions
// `@chaud` is not traversed (unless compiled hot-only); in mode "all" (the option, else
// `CHAUD_MODE=all`) every file is.

import type { PluginObj, PluginPass } from "@babel/core";
import { declare } from "@babel/helper-plugin-utils";
import { OptionValidator } from "@babel/helper-validator-option";
import { hotFromEnvironment, modeFromEnvironment, MODES, type Mode } from "../runtime/settings";
import * as messages from "./messages";
import { suggest } from "./suggest";
import { transformModule } from "./transform-module";

export interface ChaudPluginOptions {
  /** Rewrite markers. Absent: on when the environment has `CHAUD_HOT=1`. */
  enabled?: boolean;
  /** "marked": items carrying `@chaud.hot`; "all": every item that could carry it, and more. Absent: `CHAUD_MODE`, else "marked". */
  mode?: Mode;
  /** Internal, set by chaud's runtime: compile an entry module for a hot-only re-evaluation. */
  hotOnly?: boolean;
}

export { hotFromEnvironment };

// Babel's own option checks; the texts are chaud's (messages.ts), after Babel's "chaud/babel: ".
const validator = new OptionValidator("chaud/babel");
/** Every option the plugin reads; `hotOnly` is internal, so "did you mean" never offers it. */
const OPTION_NAMES = ["enabled", "mode", "hotOnly"] as const;
const PUBLIC_OPTION_NAMES = ["enabled", "mode"] as const;
const BOOLEAN_OPTION_NAMES = ["enabled", "hotOnly"] as const;

function readOptions(options: Record<string, unknown>): ChaudPluginOptions {
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key))
      throw new Error(validator.formatMessage(messages.unknownOption(key, suggest(key, PUBLIC_OPTION_NAMES))));
  }
  for (const name of BOOLEAN_OPTION_NAMES) {
    const value = options[name];
    validator.invariant(value === undefined || typeof value === "boolean", messages.optionNotBoolean(name, value));
  }
  const mode = options["mode"];
  validator.invariant(
    mode === undefined || (MODES as readonly unknown[]).includes(mode),
    messages.optionNotMode(mode, MODES),
  );
  const { enabled, hotOnly } = options as { enabled?: boolean; hotOnly?: boolean };
  return {
    ...(enabled !== undefined ? { enabled } : {}),
    ...(mode !== undefined ? { mode: mode as Mode } : {}),
    ...(hotOnly !== undefined ? { hotOnly } : {}),
  };
}

/**
 * The part of Babel's plugin API chaud uses, declared here so that chaud's published types
 * do not require Babel's type packages.
 */
export interface BabelPluginApi {
  assertVersion(range: number | string): void;
  /** @babel/core's version (Babel 6's `babel-core` passed one too, but no assertVersion). */
  version?: string;
  cache: { using<T>(handler: () => T): T };
}

/** What the plugin returns to Babel (a `PluginObj` in @babel/core's types). */
export interface ChaudPluginObject {
  name: string;
  visitor: object;
}

function isEnabled(api: BabelPluginApi, options: ChaudPluginOptions): boolean {
  if (options.enabled !== undefined) return options.enabled;
  // Babel caches the plugin per options; without the option it must also key on the variable.
  return api.cache.using(() => hotFromEnvironment());
}

function modeOf(api: BabelPluginApi, options: ChaudPluginOptions): Mode {
  if (options.mode !== undefined) return options.mode;
  // As for `enabled`: without the option, Babel's cached plugin must also key on the variable.
  return api.cache.using(() => modeFromEnvironment());
}

/** The @babel/core versions the plugin accepts (CI runs it under the newest 7.x and 8.x; Babel 8 needs Node 22.18+). */
const SUPPORTED_BABEL = "^7.22.0 || ^8.0.0";

/** Babel's plugin wrapper around chaud's factory; Babel's own plugins are written the same way. */
const declaredPlugin = declare((api: BabelPluginApi, rawOptions: Record<string, unknown>): ChaudPluginObject => {
  // Babel's own message names the range and the version it has.
  api.assertVersion(SUPPORTED_BABEL);
  const options = readOptions(rawOptions);
  if (!isEnabled(api, options)) return { name: "chaud", visitor: {} };
  const hotOnly = options.hotOnly ?? false;
  const mode = modeOf(api, options);
  const plugin: PluginObj<PluginPass> & ChaudPluginObject = {
    name: "chaud",
    visitor: {
      Program(program, state) {
        // A hot-only compile always runs: with no hot items, it still must drop the module's
        // side effects and check its shape.
        if (mode === "marked" && !hotOnly && !state.file.code.includes("@chaud")) return;
        transformModule(program, state.file, { hotOnly, mode });
      },
    },
  };
  return plugin;
});

export default function chaudPlugin(api: BabelPluginApi, rawOptions?: Record<string, unknown>): ChaudPluginObject {
  // declare() answers Babel 6 (no assertVersion) with a generic "Requires Babel" error; this one names chaud.
  if (typeof api?.assertVersion !== "function")
    throw new Error(messages.babelWithoutVersionCheck(SUPPORTED_BABEL, api?.version ?? "(unknown version)"));
  return declaredPlugin(api, rawOptions);
}

/** The same function under a name, for ESM type declarations. */
export { chaudPlugin };
