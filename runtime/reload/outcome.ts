// A reload's outcome is data; report.ts turns it into words. "Removed" is the public word for a
// file that can no longer be loaded: deleted, or unreadable (a directory in its place,
// permissions); either way the version loaded before keeps running.

import type { Notice } from "../registry/registry";

export interface Reevaluated {
  file: string;
  /** Why it ran again: it changed, or it imports a module whose exports changed. */
  reason: { kind: "changed" } | { kind: "importer"; of: string; exports: string[] } | { kind: "entry" };
}

export type ReloadOutcome =
  | {
      kind: "reloaded";
      files: string[];
      /** Files of the batch that were deleted or unreadable: their loaded version stays. */
      removed: string[];
      /** Why each removed file is gone: the read's error code (ENOENT, EISDIR, EACCES, …). */
      why?: Record<string, string>;
      reevaluated: Reevaluated[];
      /** Files whose hot items took their new bodies without an evaluation: every module-level value kept. */
      inPlace: string[];
      /** Files whose hot parts updated while the rest of their edit was not applied (the entry's top-level code). */
      topLevelChanged: string[];
      /**
       * Changed files whose new code nothing running will call: they were evaluated again, but no
       * hot item took new code (an unmarked callback the program kept runs the old one). `line`
       * is the first line the edit touched, when known.
       */
      unreached: Array<{ file: string; line: number | null }>;
      hotUpdated: string[];
      hotAdded: string[];
      classesUpdated: string[];
      notices: Notice[];
      /** Importers that propagation reached but that cannot re-run: the entry module. */
      stoppedAtEntry: string[];
      ms: number;
    }
  | { kind: "unchanged"; files: string[] }
  /** Files that are empty right now (a save between truncate and write, or emptied on purpose). */
  | { kind: "empty"; files: string[] }
  | {
      kind: "failed";
      files: string[];
      removed: string[];
      why?: Record<string, string>;
      /** A file of the batch changed while it ran (read half-written): a newer batch follows. */
      superseded?: boolean;
      file: string;
      error: unknown;
      ms: number;
    }
  | { kind: "removed"; files: string[]; why?: Record<string, string> };

export type ReloadedOutcome = Extract<ReloadOutcome, { kind: "reloaded" }>;
