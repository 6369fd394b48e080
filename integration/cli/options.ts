// The chaud command's options, each from the first place that sets it: a flag, a CHAUD_*
// variable, the "chaud" key of the entry package's package.json, else the default. A bad flag
// or package.json value stops the command with a message naming it (the user is there to fix
// it); a bad variable is reported and skipped, as every CHAUD_* variable is.

import { dirname, isAbsolute, join } from "node:path";
import type * as ValidatorOption from "@babel/helper-validator-option";
import { findUp, readPackageJson } from "../../runtime/fs";
import {
  DEFAULT_KILL_TIMEOUT,
  MODES,
  RESTARTS,
  settings,
  type Environment,
  type Mode,
  type Restart,
} from "../../runtime/settings";
import type { ChaudFlags } from "./args";

export interface CliOptions {
  mode: Mode;
  restart: Restart;
  watch: string[];
  ignore: string[];
  killTimeout: number;
  clearScreen: boolean;
  quiet: boolean;
}

/** The keys of package.json's "chaud" object. */
const PACKAGE_KEYS = ["mode", "restart", "watch", "ignore", "killTimeout"] as const;
type PackageKey = (typeof PACKAGE_KEYS)[number];

export class OptionError extends Error {}

export function resolveOptions(flags: ChaudFlags, entry: string, env: Environment = process.env): CliOptions {
  const fromEnv = settings(env);
  const fromPackage = readPackageOptions(entry);
  const pick = <T>(flag: T | undefined, variable: T | undefined, key: PackageKey, fallback: T): T =>
    flag ?? variable ?? (fromPackage.values[key] as T | undefined) ?? fallback;
  return {
    // Only what the variable itself says: settings() defaults CHAUD_MODE to the plugin's "marked".
    mode: pick(
      checkWord(flags.mode, MODES, "--mode"),
      env["CHAUD_MODE"]?.trim() ? fromEnv.mode : undefined,
      "mode",
      "all",
    ),
    restart: pick(checkWord(flags.restart, RESTARTS, "--restart"), fromEnv.restart, "restart", "auto"),
    watch: pick(flags.watch, fromEnv.watch, "watch", []),
    ignore: pick(flags.ignore, fromEnv.ignore, "ignore", []),
    killTimeout: pick(
      checkMs(flags.killTimeout, "--kill-timeout"),
      fromEnv.killTimeout,
      "killTimeout",
      DEFAULT_KILL_TIMEOUT,
    ),
    clearScreen: flags.clearScreen ?? false,
    quiet: flags.quiet ?? false,
  };
}

function checkWord<T extends string>(value: string | undefined, words: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  const word = value.toLowerCase();
  if ((words as readonly string[]).includes(word)) return word as T;
  throw new OptionError(`${name} must be ${words.join(" or ")}, not ${JSON.stringify(value)}`);
}

function checkMs(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (value.trim() !== "" && Number.isFinite(ms) && ms >= 0) return ms;
  throw new OptionError(`${name} must be a number of ms (0 or more), not ${JSON.stringify(value)}`);
}

/** The "chaud" object of the package.json nearest the entry, checked key by key. */
function readPackageOptions(entry: string): { values: Partial<Record<PackageKey, unknown>> } {
  const dir = findUp(dirname(entry), (folder) => readPackageJson(folder) !== null);
  const file = dir && join(dir, "package.json");
  const raw = dir ? readPackageJson(dir)?.["chaud"] : undefined;
  if (raw === undefined) return { values: {} };
  const where = `${file}: "chaud"`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new OptionError(`${where} must be an object: { ${PACKAGE_KEYS.map((key) => `"${key}"`).join(", ")} }`);
  }
  const values: Partial<Record<PackageKey, unknown>> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(PACKAGE_KEYS as readonly string[]).includes(key)) {
      // Loaded only for this message: the chaud command's start does not pay for it.
      const { findSuggestion } = require("@babel/helper-validator-option") as typeof ValidatorOption;
      const suggestion = findSuggestion(key, [...PACKAGE_KEYS]);
      throw new OptionError(
        `${where} has an unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; chaud reads ${PACKAGE_KEYS.map((k) => `"${k}"`).join(", ")}`,
      );
    }
    values[key as PackageKey] = checkPackageValue(key as PackageKey, value, `${where}.${key}`);
  }
  // Paths in package.json are the package's: `config/*.yaml` is next to it, wherever chaud runs.
  for (const key of ["watch", "ignore"] as const) {
    const globs = values[key] as string[] | undefined;
    if (globs) values[key] = globs.map((glob) => (glob.includes("/") && !isAbsolute(glob) ? join(dir!, glob) : glob));
  }
  return { values };
}

function checkPackageValue(key: PackageKey, value: unknown, where: string): unknown {
  switch (key) {
    case "mode":
    case "restart": {
      const words: readonly string[] = key === "mode" ? MODES : RESTARTS;
      if (typeof value === "string" && words.includes(value.toLowerCase())) return value.toLowerCase();
      throw new OptionError(
        `${where} must be ${words.map((word) => `"${word}"`).join(" or ")}, not ${JSON.stringify(value)}`,
      );
    }
    case "watch":
    case "ignore": {
      const list = typeof value === "string" ? [value] : value;
      if (Array.isArray(list) && list.every((item) => typeof item === "string" && item.trim() !== "")) return list;
      throw new OptionError(`${where} must be a glob or an array of globs, not ${JSON.stringify(value)}`);
    }
    case "killTimeout":
      if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
      throw new OptionError(`${where} must be a number of ms (0 or more), not ${JSON.stringify(value)}`);
  }
}
