// Turns a reload outcome into the lines a user reads. One exhaustive switch,
// so a new kind of outcome cannot go unreported.

import { readFileSync } from "node:fs";
import type { Notice } from "../registry/registry";
import type { ReloadOutcome, ReloadedOutcome } from "./outcome";

export type LineLevel = "debug" | "info" | "warn";
export interface ReportLine {
  level: LineLevel;
  text: string;
}

type Relative = (file: string) => string;

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

export function describeOutcome(outcome: ReloadOutcome, relative: Relative): ReportLine[] {
  switch (outcome.kind) {
    case "reloaded":
      return [...describeGone(outcome.removed, relative, outcome.why), ...describeReloaded(outcome, relative)];
    case "failed":
      if (outcome.superseded) {
        return [
          ...describeGone(outcome.removed, relative, outcome.why),
          {
            level: "debug",
            text: `reload of ${relative(outcome.file)} failed, but the batch's files changed meanwhile (read while still being written?): the newer content reloads next. ${describeError(outcome.error, outcome.file, relative)}`,
          },
        ];
      }
      return [
        ...describeGone(outcome.removed, relative, outcome.why),
        {
          level: "warn",
          text:
            `reload failed in ${relative(outcome.file)}: ${describeError(outcome.error, outcome.file, relative)}\n` +
            `The previous version is still running. Fix the file and save it again to reload.`,
        },
      ];
    case "removed":
      return describeGone(outcome.files, relative, outcome.why);
    case "empty":
      return [
        {
          level: "debug",
          text: `${outcome.files.map(relative).join(", ")} is empty (a save in progress?): the loaded version keeps running until it has content`,
        },
      ];
    case "unchanged":
      return [
        { level: "debug", text: `${outcome.files.map(relative).join(", ")} saved without changes: nothing to reload` },
      ];
  }
}

/** What a read's error code means for a watched file, in words. */
const UNREADABLE: Record<string, string> = {
  ENOENT: "it no longer exists",
  EISDIR: "EISDIR: a directory is in its place",
  EACCES: "EACCES: permission denied",
  EPERM: "EPERM: permission denied",
};

function describeGone(files: string[], relative: Relative, why: Record<string, string> = {}): ReportLine[] {
  return files.map((file) => {
    const code = why[file];
    const reason = code === undefined ? "" : ` (${UNREADABLE[code] ?? code})`;
    return {
      level: "warn" as const,
      text: `${relative(file)} was deleted or cannot be read${reason}; the loaded version keeps running. Restore the file (or restart) to go on.`,
    };
  });
}

function describeReloaded(outcome: ReloadedOutcome, relative: Relative): ReportLine[] {
  const changed = outcome.reevaluated
    .filter((item) => item.reason.kind !== "importer")
    .map((item) => relative(item.file));
  const importers = outcome.reevaluated.length - changed.length;
  const updated = outcome.hotUpdated.length + outcome.classesUpdated.length;
  const what = [
    outcome.hotUpdated.length > 0 ? `${plural(outcome.hotUpdated.length, "hot function")} updated` : "",
    outcome.classesUpdated.length > 0 ? `${plural(outcome.classesUpdated.length, "hot class")} updated` : "",
    outcome.hotAdded.length > 0 ? `${outcome.hotAdded.length} added` : "",
  ].filter(Boolean);
  const ms = `${Math.round(outcome.ms)} ms`;
  const inPlace = outcome.inPlace.map(relative).join(", ");
  const head =
    changed.length === 0 && inPlace !== ""
      ? // Nothing evaluated: only hot bodies changed, and every module-level value stays.
        `updated ${inPlace} in ${ms}`
      : `reloaded ${changed.join(", ")}${importers > 0 ? ` (+${plural(importers, "importer")})` : ""} in ${ms}` +
        (inPlace !== "" ? ` (updated in place: ${inPlace})` : "");
  const kept = inPlace !== "" ? ", module state kept" : "";
  const lines: ReportLine[] = [];
  if (updated + outcome.hotAdded.length > 0)
    lines.push({ level: "info", text: `${head}${changed.length === 0 ? ":" : ","} ${what.join(", ")}${kept}` });
  else if (changed.length === 0) lines.push({ level: "info", text: `${head}: no hot body changed${kept}` });
  else {
    const where = outcome.unreached.map((item) => `${relative(item.file)}${item.line !== null ? `:${item.line}` : ""}`);
    lines.push({
      level: "info",
      text:
        `${head}, but no hot function or class changed: ${where.length > 0 ? `the changed code (${where.join(", ")}) runs only where the program calls it anew; ` : ""}` +
        `code already running keeps the previous version unless it is hot (marked /* @chaud.hot */, reached through one, or mode "all").`,
    });
  }
  for (const item of outcome.reevaluated) {
    const why =
      item.reason.kind === "changed"
        ? "changed"
        : item.reason.kind === "entry"
          ? "entry module: hot functions only, top-level code not re-run"
          : `imports ${relative(item.reason.of)}, whose exports changed (${item.reason.exports.join(", ")})`;
    lines.push({ level: "debug", text: `  re-evaluated ${relative(item.file)}: ${why}` });
  }
  for (const file of outcome.inPlace) {
    lines.push({ level: "debug", text: `  updated ${relative(file)} in place: only hot bodies changed` });
  }
  for (const file of outcome.topLevelChanged) {
    lines.push({
      level: "info",
      text: `the top-level code of the entry module ${relative(file)} changed; it does not re-run (its hot functions did update). Restart to apply it.`,
    });
  }
  for (const file of outcome.stoppedAtEntry) {
    lines.push({
      level: "info",
      text: `the entry module imports ${relative(file)}, whose exports changed; the entry does not re-run, so it keeps the previous values (hot functions and persisted values are always current).`,
    });
  }
  lines.push(...outcome.notices.map((notice) => describeNotice(notice)));
  return lines;
}

export function describeNotice(notice: Notice): ReportLine {
  const name = notice.key.slice(notice.key.indexOf("#") + 1);
  switch (notice.kind) {
    case "persist-initializer-changed":
      return {
        level: "info",
        text: `the initializer of persisted "${name}" changed; it keeps its current value (restart to run the new initializer).`,
      };
    case "class-shape-changed":
      return {
        level: "info",
        text: `the constructor or field initializers of hot class "${name}" changed; they are not applied to the existing class (methods are). Restart to apply them.`,
      };
    case "class-decorators-changed":
      return {
        level: "info",
        text: `the decorators of hot class "${name}" changed; the existing class keeps what its decorators did when it was defined (its methods do update). Restart to apply them.`,
      };
    case "ran-at-start-changed":
      return {
        level: "info",
        text: `"${name}" changed, and it ran only at start-up: its new body runs the next time it is called, which may be never. Restart to apply it.`,
      };
    case "made-functions-changed":
      return {
        level: "info",
        text: `the functions "${name}" creates changed, and it already ran: those it created (handlers it registered, callbacks it kept) run the previous code until it runs again. Restart to apply them.`,
      };
    case "dispose-failed":
      return {
        level: "warn",
        text: `@chaud.dispose function of ${notice.key} threw: ${describeError(notice.error, null, (file) => file)}`,
      };
  }
}

/** The error's message, with a code frame at the first stack frame inside `file` if there is one. */
export function describeError(error: unknown, file: string | null, relative: Relative): string {
  if (!(error instanceof Error)) return String(error);
  // Babel's errors carry their own code frame in the message, after "<absolute path>: ": the
  // line already names the file. A parse error is a SyntaxError (its code is lost when it
  // crosses from the ESM loader's thread; its "(line:column)" is not).
  if ((error as { code?: string }).code === "BABEL_PARSE_ERROR" || /\n\s*>\s*\d+ \|/.test(error.message)) {
    const message =
      file && error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
    const parse =
      (error as { code?: string }).code === "BABEL_PARSE_ERROR" ||
      error.name === "SyntaxError" ||
      /^[^\n]* \(\d+:\d+\)\n/.test(message);
    return `${parse ? "SyntaxError" : error.name}: ${message}`;
  }
  const frame = file ? codeFrameAt(error, file) : null;
  const where = frame ? ` (${relative(file!)}:${frame.line})` : "";
  return `${error.name}: ${error.message}${where}${frame ? `\n${frame.text}` : ""}`;
}

function codeFrameAt(error: Error, file: string): { line: number; text: string } | null {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(error.stack ?? "");
  if (!match) return null;
  const line = Number(match[1]);
  const column = Number(match[2]);
  try {
    const { codeFrameColumns } = require("@babel/code-frame") as typeof import("@babel/code-frame");
    const text = codeFrameColumns(readFileSync(file, "utf8"), { start: { line, column } }, { highlightCode: false });
    return { line, text };
  } catch {
    return { line, text: "" };
  }
}
