// A CommonJS TypeScript logger module (`export =`), as older Node services write them.
import util = require("node:util");

type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/* @chaud.persist */
let threshold: Level = (process.env.LOG_LEVEL as Level | undefined) ?? "info";

/* @chaud.persist */
const counts: Record<Level, number> = { debug: 0, info: 0, warn: 0, error: 0 };

/* @chaud.hot */
function format(level: Level, message: string, fields: Record<string, unknown>): string {
  const time = new Date().toISOString();
  const extra = Object.keys(fields).length ? " " + util.inspect(fields, { breakLength: Infinity, compact: true }) : "";
  return `${time} ${level.toUpperCase().padEnd(5)} ${message}${extra}`;
}

function log(level: Level, message: string, fields: Record<string, unknown> = {}): boolean {
  if (ORDER[level] < ORDER[threshold]) return false;
  counts[level]++;
  const line = format(level, message, fields);
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
  return true;
}

const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => log("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => log("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => log("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => log("error", message, fields),
  setLevel(level: Level) {
    threshold = level;
  },
  get level(): Level {
    return threshold;
  },
  counts: () => ({ ...counts }),
  format,
};

export = logger;
