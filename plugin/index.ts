// chaud's Babel plugin: `plugins: ["chaud/babel"]` or `["chaud/babel", { enabled: true }]`.
//
// Off unless enabled (the option, else `CHAUD_HOT=1` in the environment): off, it adds no
// visitor at all, so output is byte-identical to Babel's without it and markers can stay in
// production code. On, a file whose source never mentions `@chaud` is not traversed.

import type { ConfigAPI, PluginObj, PluginPass } from "@babel/core";
import { transformModule } from "./transform-module";

export interface ChaudPluginOptions {
  /** Rewrite markers. Absent: on when the environment has `CHAUD_HOT=1`. */
  enabled?: boolean;
}

const KNOWN_OPTIONS = new Set(["enabled"]);

/** Whether the environment turns chaud on (`CHAUD_HOT=1` or `CHAUD_HOT=true`). */
export function hotFromEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env["CHAUD_HOT"]?.trim().toLowerCase();
  return value === "1" || value === "true";
}

function readOptions(options: Record<string, unknown>): ChaudPluginOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new Error(`chaud/babel: unknown option "${key}". The plugin takes { enabled?: boolean }.`);
  }
  const enabled = options["enabled"];
  if (enabled !== undefined && typeof enabled !== "boolean") {
    throw new Error(`chaud/babel: option "enabled" must be true or false, got ${JSON.stringify(enabled)}.`);
  }
  return enabled === undefined ? {} : { enabled };
}

function isEnabled(api: ConfigAPI, options: ChaudPluginOptions): boolean {
  if (options.enabled !== undefined) return options.enabled;
  // Babel caches the plugin per options; without the option it must also key on the variable.
  return api.cache.using(() => hotFromEnvironment());
}

export default function chaudPlugin(api: ConfigAPI & { assertVersion(range: number | string): void }, rawOptions: Record<string, unknown> = {}): PluginObj<PluginPass> {
  api.assertVersion(7);
  if (!isEnabled(api, readOptions(rawOptions))) return { name: "chaud", visitor: {} };
  return {
    name: "chaud",
    visitor: {
      Program(program, state) {
        if (!state.file.code.includes("@chaud")) return;
        transformModule(program, state.file);
      },
    },
  };
}
