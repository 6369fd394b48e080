// Compiles snippets with the chaud plugin and runs them in this test's realm, with
// `require("chaud/registry")` answered by the runtime's source. The Babel is babel-under-test.ts's:
// Babel 7, or CHAUD_TEST_BABEL's after `beforeAll(useBabelUnderTest)`.

import type { PluginItem } from "@babel/core";
import chaudPlugin from "../../plugin/index";
import { babel } from "./babel-under-test";
import * as registryModule from "../../runtime/registry/registry";

export const FAKE_ROOT = "/virtual/app";

export interface CompileOptions {
  filename?: string;
  enabled?: boolean;
  hotOnly?: boolean;
  commonjs?: boolean;
  sourceMaps?: boolean | "inline";
}

export function compile(code: string, options: CompileOptions = {}): string {
  const { transformSync, presetTypescript, transformCommonJs, jsxPluginsFor } = babel();
  const filename = options.filename ?? `${FAKE_ROOT}/src/module.ts`;
  const plugins: PluginItem[] = [
    ...jsxPluginsFor(filename),
    [chaudPlugin, { enabled: options.enabled ?? true, ...(options.hotOnly ? { hotOnly: true } : {}) }],
  ];
  if (options.commonjs ?? true) plugins.push(transformCommonJs);
  const result = transformSync(code, {
    babelrc: false,
    configFile: false,
    filename,
    presets: [presetTypescript],
    plugins,
    sourceMaps: options.sourceMaps ?? false,
  });
  return result!.code!;
}

/** Evaluates compiled CommonJS code; returns its exports. */
export function evaluate(compiled: string, extraModules: Record<string, unknown> = {}): Record<string, any> {
  const module = { exports: {} as Record<string, any> };
  const requireShim = (name: string): unknown => {
    if (name === "chaud/registry") return registryModule;
    if (name in extraModules) return extraModules[name];
    throw new Error(`test module not found: ${name}`);
  };
  new Function("require", "module", "exports", compiled)(requireShim, module, module.exports);
  return module.exports;
}

/** Compiles and evaluates one version of a module. */
export function load(
  code: string,
  options: CompileOptions & { modules?: Record<string, unknown> } = {},
): Record<string, any> {
  return evaluate(compile(code, options), options.modules);
}

/** Forgets every registry entry, as a fresh process would. */
export function resetRegistry(): void {
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("chaud.registry.v1")];
}
