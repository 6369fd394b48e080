// What a project's tsconfig.json asks of the compile, for files that no Babel config covers:
// decorators (legacy or standard) and their metadata, JSX, class field semantics, and which
// imports are elided. The tsconfig that governs a file is the nearest one above it, with its
// `extends` chain followed (packages included), as `tsc` finds it; get-tsconfig reads it.
//
// The result is plain data (`CompileOptions`): the transform builds Babel's plugins from it,
// and the transform cache keys on it, so an edit of any tsconfig in the chain that changes
// what chaud does also changes the key. Lookups are cached per folder for the life of the
// process: a tsconfig edit applies from the next start.

import { getTsconfig, type TsConfigJsonResolved, type TsConfigResult } from "get-tsconfig";
import { dirname, isAbsolute, relative } from "node:path";
import { configureLogger, log, warn } from "../runtime/logger";
import { findUp, readPackageJson, readText } from "../runtime/fs";

/** The automatic JSX runtime (`react-jsx`, `react-jsxdev`) or the classic one (`react`). */
export type JsxOptions =
  | { runtime: "automatic"; development: boolean; importSource: string }
  | { runtime: "classic"; pragma: string; pragmaFrag: string };

/** How one file is compiled when no Babel config applies to it (plain JSON). */
export interface CompileOptions {
  /** The governing tsconfig, or null when none applies (or it could not be read). */
  tsconfig: string | null;
  /** Decorator semantics, or null when the source has no `@` at all (nothing to transform). */
  decorators: "legacy" | "2023-11" | null;
  /** Emit `design:type`, `design:paramtypes` and `design:returntype` for legacy decorators. */
  metadata: boolean;
  /** strictNullChecks (or strict): a union with null or undefined is then serialized as Object. */
  strictNullChecks: boolean;
  /** How JSX compiles; "preserve" leaves it (Node cannot run it); null for a file without JSX syntax. */
  jsx: JsxOptions | "preserve" | null;
  /** Class fields as `Object.defineProperty` (true, the standard) or as assignments in the constructor. */
  defineClassFields: boolean;
  /** Keep every import not marked `type` (verbatimModuleSyntax, preserveValueImports). */
  onlyRemoveTypeImports: boolean;
  /** The source may declare `using` or `await using` (TypeScript 5.2): lowered, as tsc and tsx lower them for the Node versions that cannot run them. */
  resourceManagement: boolean;
}

const TYPESCRIPT = /\.[cm]?tsx?$/i;
const JSX_FILE = /\.[jt]sx$/i;
/** A `using` declaration's keyword and its first name (a cheap pre-check: Babel decides). */
const USING = /\busing\s+[\p{ID_Start}$_]/u;

const DEFAULT_JSX: JsxOptions = { runtime: "automatic", development: false, importSource: "react" };

interface Governing {
  result: TsConfigResult | null;
}

const byFolder = new Map<string, Governing>();
// get-tsconfig's own cache of files read, shared by every lookup (a base config is read once).
const readCache = new Map<string, unknown>();
const logged = new Set<string>();
const loggedFolders = new Set<string>();

/**
 * The tsconfig that governs `file` (an absolute path), as get-tsconfig reads it (`extends`
 * resolved), or null when there is none or it cannot be read (then one warning per file).
 */
export function tsconfigFor(file: string, quiet = false): TsConfigResult | null {
  const folder = dirname(file);
  let found = byFolder.get(folder);
  if (!found) {
    found = { result: readGoverning(folder, quiet) };
    byFolder.set(folder, found);
  }
  return found.result;
}

/** Forgets every lookup (tests). */
export function clearTsconfigCache(): void {
  byFolder.clear();
  readCache.clear();
  logged.clear();
  loggedFolders.clear();
  warned.clear();
}

const warned = new Set<string>();

function readGoverning(folder: string, quiet: boolean): TsConfigResult | null {
  let result: TsConfigResult | null;
  try {
    result = getTsconfig(folder, "tsconfig.json", readCache as Map<string, never>);
  } catch (error) {
    // get-tsconfig names the file of the chain it could not read; the nearest one is ours to name.
    const nearest = nearestTsconfig(folder);
    if (!quiet) warnOnce(nearest ?? folder, (error as Error).message);
    return null;
  }
  if (result === null) return null;
  const problem = malformed(result.path, result.config);
  if (problem !== null) {
    if (!quiet) warnOnce(result.path, problem);
    return null;
  }
  return result;
}

function nearestTsconfig(folder: string): string | null {
  const dir = findUp(folder, (d) => readText(`${d}/tsconfig.json`) !== null);
  return dir === null ? null : `${dir}/tsconfig.json`;
}

function warnOnce(path: string, message: string): void {
  if (warned.has(path)) return;
  warned.add(path);
  configureLogger(); // on Node 20 the ESM hooks run on a thread of their own, where nothing else has
  warn(`cannot read ${shownPath(path)}: ${message}; compiling with chaud's defaults`);
}

/**
 * Why a tsconfig is unusable, or null. get-tsconfig reads JSON with comments leniently (a
 * syntax error becomes an empty config), so the nearest file's text is checked here too, as
 * JSON once comments and trailing commas are set aside (what TypeScript accepts).
 */
function malformed(path: string, config: TsConfigJsonResolved): string | null {
  if (typeof config !== "object" || config === null || Array.isArray(config)) return "not a JSON object";
  const options: unknown = config.compilerOptions;
  if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options)))
    return '"compilerOptions" is not an object';
  const text = readText(path);
  if (text === null) return "the file cannot be read";
  try {
    JSON.parse(withoutComments(text) || "{}");
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  return null;
}

/** `text` with `//` and `/* *\/` comments and trailing commas blanked out, strings kept. */
function withoutComments(text: string): string {
  return text
    .replace(/("(?:[^"\\\n]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match, string?: string) => string ?? " ")
    .replace(/("(?:[^"\\\n]|\\.)*")|,(\s*[}\]])/g, (match, string?: string, close?: string) => string ?? close ?? "")
    .trim();
}

/** TypeScript's default of `useDefineForClassFields`: true from target ES2022 (and ESNext) on. */
function definesClassFields(options: NonNullable<TsConfigJsonResolved["compilerOptions"]>): boolean {
  if (typeof options.useDefineForClassFields === "boolean") return options.useDefineForClassFields;
  const target = String(options.target ?? "es5").toLowerCase();
  if (target === "esnext") return true;
  const year = /^es(\d{4})$/.exec(target)?.[1];
  return year !== undefined && Number(year) >= 2022;
}

function jsxOptions(options: NonNullable<TsConfigJsonResolved["compilerOptions"]>): JsxOptions | "preserve" {
  switch (String(options.jsx ?? "").toLowerCase()) {
    case "react":
      return {
        runtime: "classic",
        pragma: options.jsxFactory ?? "React.createElement",
        pragmaFrag: options.jsxFragmentFactory ?? "React.Fragment",
      };
    case "react-jsxdev":
      return { runtime: "automatic", development: true, importSource: options.jsxImportSource ?? "react" };
    case "preserve":
    case "react-native":
      return "preserve";
    case "react-jsx":
      return { runtime: "automatic", development: false, importSource: options.jsxImportSource ?? "react" };
    default:
      // No `jsx` (tsc would refuse the file): the automatic runtime, which needs no import of React.
      return DEFAULT_JSX;
  }
}

/**
 * How `file` compiles without a Babel config: from its tsconfig (for JavaScript files only
 * with `allowJs`), else chaud's defaults (standard decorators, no metadata, the automatic JSX
 * runtime, standard class fields, unused imports elided). `quiet`: no warning and no debug
 * line (a warm-up, whose thread may not be the one that compiles the program's files).
 */
export function compileOptionsFor(file: string, source: string, options: { quiet?: boolean } = {}): CompileOptions {
  const quiet = options.quiet ?? false;
  const found = tsconfigFor(file, quiet);
  const compilerOptions = found?.config.compilerOptions ?? {};
  const applies = found !== null && (TYPESCRIPT.test(file) || compilerOptions.allowJs === true);
  const own = applies ? compilerOptions : {};
  if (applies && !quiet) logGoverning(found, file);
  const legacy = own.experimentalDecorators === true;
  return {
    tsconfig: applies ? found.path : null,
    decorators: !source.includes("@") ? null : legacy ? "legacy" : "2023-11",
    metadata: legacy && own.emitDecoratorMetadata === true && source.includes("@"),
    strictNullChecks: own.strictNullChecks ?? own.strict ?? false,
    jsx: JSX_FILE.test(file) ? jsxOptions(own) : null,
    defineClassFields: applies ? definesClassFields(own) : true,
    onlyRemoveTypeImports: own.verbatimModuleSyntax === true || own.preserveValueImports === true,
    resourceManagement: USING.test(source),
  };
}

/** Once per tsconfig and package, at debug level: which tsconfig governs the package's files. */
function logGoverning(found: TsConfigResult, file: string): void {
  // Asked for every compiled file: a folder seen before costs one lookup, not a walk up.
  const folder = dirname(file);
  if (loggedFolders.has(folder)) return;
  loggedFolders.add(folder);
  const packageDir = findUp(folder, (dir) => readPackageJson(dir) !== null);
  const key = `${found.path}\0${packageDir ?? ""}`;
  if (logged.has(key)) return;
  logged.add(key);
  const name = packageDir === null ? null : readPackageJson(packageDir)?.["name"];
  const options = found.config.compilerOptions ?? {};
  const traits = [
    options.experimentalDecorators === true ? "legacy decorators" : "standard decorators",
    ...(options.experimentalDecorators === true && options.emitDecoratorMetadata === true ? ["metadata"] : []),
    ...(options.jsx !== undefined ? [`jsx ${String(options.jsx)}`] : []),
    definesClassFields(options) ? "class fields defined" : "class fields assigned",
    ...(options.verbatimModuleSyntax === true ? ["verbatimModuleSyntax"] : []),
    ...(options.allowJs === true ? ["allowJs"] : []),
  ];
  configureLogger();
  log.debug(
    `${shownPath(found.path)} governs ${typeof name === "string" ? name : (packageDir ?? dirname(file))}: ${traits.join(", ")}`,
  );
}

/** A path as the user knows it: relative to the working directory when inside it, else absolute. */
function shownPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}
