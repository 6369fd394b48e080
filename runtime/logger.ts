// chaud's logger: loglevel's logger named `chaud`, every line prefixed `[chaud]`
// and written to stderr so it never mixes with the program's own stdout. `CHAUD_LOG` sets
// the level (default info). If the user turned the logger down so far that warnings are
// hidden, chaud says so once, because a silent failed reload looks exactly like a reload
// that worked.

import loglevel from "loglevel";
import { LOG_LEVELS, readSettings, settings, type Environment, type LogLevelName } from "./settings";

export type { LogLevelName };

export const log = loglevel.getLogger("chaud");

let configured = false;
let complained = false;

/** Writes every level to stderr with the `[chaud]` prefix. Idempotent. */
export function configureLogger(env: Environment = process.env): void {
  if (configured) return;
  configured = true;
  // loglevel starts every logger at "warn"; any other level was set by the program before
  // chaud started, and is kept unless CHAUD_LOG says otherwise.
  const levelBefore = log.getLevel();
  log.methodFactory = (methodName) => {
    return (...args: unknown[]) => {
      process.stderr.write(`[chaud] ${printable(args.map(formatArgument).join(" "))}\n`);
      void methodName;
    };
  };
  const {
    settings: { log: requested },
    problems,
  } = readSettings(env);
  log.setLevel(requested ?? (levelBefore !== log.levels.WARN ? levelBefore : "info"), false);
  // Said once, where the level is known; a setting with a bad value falls back to its default.
  for (const problem of problems) log.warn(problem);
}

// Control characters (C0 other than tab and newline, DEL, C1), and escape sequences other than colors (SGR,
// which code frames use on a terminal). A code frame quotes the file, and a file may hold
// anything (a binary saved by mistake): its bytes must not drive the terminal.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** `text` with its control characters shown as `\xNN` (colors kept). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (match) =>
    match.length > 1 ? match : `\\x${match.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

function formatArgument(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Whether warnings reach the user at the logger's current level. */
export function warningsVisible(): boolean {
  return log.getLevel() <= log.levels.WARN;
}

/**
 * Prints, once per process, a line to stderr when the logger hides warnings, unless
 * `CHAUD_SILENCE_LOG_LEVEL_WARNING=1`. Called at start and before every warning.
 */
export function complainIfWarningsHidden(env: Environment = process.env): void {
  if (complained || warningsVisible() || settings(env).silenceLogLevelWarning) return;
  complained = true;
  const level = LOG_LEVELS[log.getLevel()] ?? "silent";
  process.stderr.write(
    `[chaud] the "chaud" logger is set to "${level}", which hides warnings such as failed reloads. ` +
      `Use CHAUD_LOG=warn or higher to see them, or set CHAUD_SILENCE_LOG_LEVEL_WARNING=1 to hide this line.\n`,
  );
}

/** Logs a warning, first making sure a hidden warning is at least announced. */
export function warn(message: string): void {
  complainIfWarningsHidden();
  log.warn(message);
}
