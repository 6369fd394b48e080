// chaud's settings from the environment: every `CHAUD_*` variable and `NODE_ENV`, read here and
// nowhere else, with one rule per kind of value. A bad value never stops the program: it is
// reported (the logger prints each report once, at warn) and the variable's default applies.
// No Babel and no logger here: the plugin reads these settings too.

export type Environment = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "silent"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** What the plugin makes hot: items carrying `@chaud.hot`, or every item that could carry it and more. */
export const MODES = ["marked", "all"] as const;
export type Mode = (typeof MODES)[number];

/** Whether the chaud command restarts the program when a save cannot be applied in place. */
export const RESTARTS = ["auto", "off"] as const;
export type Restart = (typeof RESTARTS)[number];

/** How long the chaud command waits for the program to end after SIGTERM before it sends SIGKILL. */
export const DEFAULT_KILL_TIMEOUT = 5000;

/**
 * Polling interval for CHAUD_POLL=1, `poll: true`, and once the system's inotify limit is
 * reached; watchpack's own default, 5 s, would make a save wait seconds.
 */
export const DEFAULT_POLL_INTERVAL = 100;

/**
 * Quiet time that ends a burst of saves. An in-place save is two events (truncate, write)
 * well under a millisecond apart, an editor's write-and-rename likewise. Files saved together
 * (a checkout, a tool writing several files) must land in one batch, or the program runs half
 * old, half new code between two batches; with the watcher also taking the files the OS
 * reported before watchpack did, 5 ms keeps such bursts whole on a loaded machine, where 2 ms
 * did not (BENCHMARKS.md, load).
 */
export const DEFAULT_AGGREGATE_TIMEOUT = 5;

/** Old ES module versions kept alive past which chaud suggests a restart (and again at each multiple). */
export const DEFAULT_RETAINED_NOTICE = 500;

export interface Settings {
  /** CHAUD_HOT: turns the plugin on where its `enabled` option is absent, and allows chaud under NODE_ENV=production. */
  hot: boolean;
  /** CHAUD_MODE: what the plugin makes hot where its `mode` option is absent. */
  mode: Mode;
  /** CHAUD_RESTART: the chaud command's restart setting; undefined: not set here. */
  restart: Restart | undefined;
  /** CHAUD_WATCH: extra files (paths or globs) whose change restarts the program; undefined: not set here. */
  watch: string[] | undefined;
  /** CHAUD_IGNORE: globs of files chaud does not watch; undefined: not set here. */
  ignore: string[] | undefined;
  /** CHAUD_KILL_TIMEOUT: ms between SIGTERM and SIGKILL when the chaud command restarts or stops the program. */
  killTimeout: number | undefined;
  /**
   * CHAUD_SUPERVISOR: set by the chaud command (restart auto) for the program it runs, which
   * asks it to restart when a save cannot be applied; "restart" after the first start. Not for users.
   */
  supervised: "start" | "restart" | null;
  /** CHAUD_LOG: the logger's level; unset keeps the level the program chose, else info. */
  log: LogLevelName | undefined;
  /** CHAUD_SILENCE_LOG_LEVEL_WARNING: no line about a logger level that hides warnings. */
  silenceLogLevelWarning: boolean;
  /** CHAUD_POLL: poll for changes every this many ms instead of using inotify; undefined: inotify. */
  poll: number | undefined;
  /** CHAUD_AGGREGATE_TIMEOUT: quiet time in ms that ends a burst of saves (a longer one for slow disks or tools that pause between files). */
  aggregateTimeout: number;
  /** CHAUD_RETAINED_NOTICE: old ES module versions kept alive past which chaud suggests a restart (tests, and programs that reload very often). */
  retainedNotice: number;
  /** CHAUD_CACHE_DIR: the transform cache's folder (relative to the working directory). */
  cacheDir: string | undefined;
  /** NODE_ENV=production: chaud stays off unless CHAUD_HOT is on. */
  production: boolean;
  /** BABEL_ENV, else NODE_ENV, else "development": the env name Babel applies configs for. */
  babelEnv: string;
  /** NODE_OPTIONS, where `--import chaud/register` may have come from. */
  nodeOptions: string;
}

interface Variable {
  name: string;
  /** The values it takes, as `chaud --help` and the README show them. */
  values: string;
  /** What it does, one line. */
  description: string;
}

/** Every variable chaud reads, in the order `chaud --help` lists them. */
export const VARIABLES: readonly Variable[] = [
  {
    name: "CHAUD_LOG",
    values: "trace|debug|info|warn|error|silent",
    description: "how much chaud logs (default info, to stderr)",
  },
  { name: "CHAUD_CACHE_DIR", values: "<dir>", description: "where compiled files are cached" },
  {
    name: "CHAUD_POLL",
    values: "1|<ms>",
    description: "poll for changes (every 100 ms, or <ms>) instead of using inotify",
  },
  { name: "CHAUD_AGGREGATE_TIMEOUT", values: "<ms>", description: "quiet time that ends a burst of saves (default 5)" },
  { name: "CHAUD_HOT", values: "1|0", description: "turn the Babel plugin on where its enabled option is absent" },
  {
    name: "CHAUD_MODE",
    values: "marked|all",
    description: "all: hot reload without markers, where the plugin's mode option is absent (default marked)",
  },
  {
    name: "CHAUD_RESTART",
    values: "auto|off",
    description: "the chaud command: restart the program when a save cannot be applied in place (default auto)",
  },
  {
    name: "CHAUD_WATCH",
    values: "<glob>,…",
    description: "the chaud command: more files (any type) whose change restarts the program",
  },
  { name: "CHAUD_IGNORE", values: "<glob>,…", description: "files chaud does not watch" },
  {
    name: "CHAUD_KILL_TIMEOUT",
    values: "<ms>",
    description: "the chaud command: SIGKILL this long after SIGTERM if the program has not ended (default 5000)",
  },
  {
    name: "CHAUD_SILENCE_LOG_LEVEL_WARNING",
    values: "1|0",
    description: "no line about a log level that hides warnings",
  },
  {
    name: "CHAUD_RETAINED_NOTICE",
    values: "<count>",
    description: "old ES module versions kept before chaud suggests a restart (default 500)",
  },
  { name: "NODE_ENV", values: "production|…", description: "production: chaud stays off unless CHAUD_HOT=1" },
];

const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off"]);

/** Reads every setting from `env`; `problems` says which variables had a value chaud could not use. */
export function readSettings(env: Environment = process.env): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const read = <T>(name: string, parse: (text: string) => T | undefined, expected: string): T | undefined => {
    const raw = env[name];
    const text = raw?.trim() ?? "";
    if (text === "") return undefined;
    const value = parse(text);
    if (value === undefined)
      problems.push(`${name}=${JSON.stringify(raw)} is not ${expected}; chaud uses the default.`);
    return value;
  };
  const flag = (name: string): boolean => read(name, parseBoolean, "1, true, 0 or false") ?? false;
  const nodeEnv = env["NODE_ENV"];
  const settings: Settings = {
    hot: flag("CHAUD_HOT"),
    mode: read("CHAUD_MODE", (text) => parseWord(text, MODES), `a mode (${MODES.join(" or ")})`) ?? "marked",
    restart: read("CHAUD_RESTART", (text) => parseWord(text, RESTARTS), "auto or off"),
    watch: read("CHAUD_WATCH", parseList, "a list of globs"),
    ignore: read("CHAUD_IGNORE", parseList, "a list of globs"),
    killTimeout: read("CHAUD_KILL_TIMEOUT", (text) => parseNumber(text, 0), "a number of ms (0 or more)"),
    supervised: env["CHAUD_SUPERVISOR"] === "1" ? "start" : env["CHAUD_SUPERVISOR"] === "restart" ? "restart" : null,
    log: read("CHAUD_LOG", (text) => parseWord(text, LOG_LEVELS), `a level (${LOG_LEVELS.join(", ")})`),
    silenceLogLevelWarning: flag("CHAUD_SILENCE_LOG_LEVEL_WARNING"),
    poll: read("CHAUD_POLL", parsePoll, "1, true, 0, false or an interval in ms above 1") || undefined,
    aggregateTimeout:
      read("CHAUD_AGGREGATE_TIMEOUT", (text) => parseNumber(text, 0), "a number of ms (0 or more)") ??
      DEFAULT_AGGREGATE_TIMEOUT,
    retainedNotice:
      read("CHAUD_RETAINED_NOTICE", (text) => parseNumber(text, 1), "a count (1 or more)") ?? DEFAULT_RETAINED_NOTICE,
    cacheDir: env["CHAUD_CACHE_DIR"] || undefined,
    production: nodeEnv === "production",
    babelEnv: env["BABEL_ENV"] || nodeEnv || "development",
    nodeOptions: env["NODE_OPTIONS"] ?? "",
  };
  return { settings, problems };
}

/** The settings alone, for callers that leave reporting problems to the logger. */
export function settings(env: Environment = process.env): Settings {
  return readSettings(env).settings;
}

/** `CHAUD_HOT` is on: the plugin's switch where its `enabled` option is absent. */
export function hotFromEnvironment(env: Environment = process.env): boolean {
  return settings(env).hot;
}

/** `CHAUD_MODE`: the plugin's mode where its `mode` option is absent. */
export function modeFromEnvironment(env: Environment = process.env): Mode {
  return settings(env).mode;
}

/** Turns CHAUD_HOT on for this process and the programs it starts (chaud/register does, for the plugin). */
export function setHotInEnvironment(): void {
  process.env["CHAUD_HOT"] = "1";
}

function parseBoolean(text: string): boolean | undefined {
  const word = text.toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

function parseWord<T extends string>(text: string, words: readonly T[]): T | undefined {
  const word = text.toLowerCase();
  return (words as readonly string[]).includes(word) ? (word as T) : undefined;
}

/** Comma-separated globs; a comma inside `{…}` or `[…]` belongs to its glob (`src/{a,b}/*.ts`). */
export function parseList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "{" || char === "[") depth++;
    else if ((char === "}" || char === "]") && depth > 0) depth--;
    if (char === "," && depth === 0) {
      items.push(current);
      current = "";
    } else current += char;
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== "");
}

/** On: the default interval; off: 0 (no polling); a number above 1: that interval in ms. */
function parsePoll(text: string): number | undefined {
  const on = parseBoolean(text);
  if (on !== undefined) return on ? DEFAULT_POLL_INTERVAL : 0;
  return parseNumber(text, 2);
}

function parseNumber(text: string, min: number): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) && value >= min ? value : undefined;
}
