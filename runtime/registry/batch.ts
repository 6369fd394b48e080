// A reload batch: the registrations of re-evaluated modules, staged and then applied together.

import type { CommitReport, ModuleVersion, RegistryState, Staged } from "./types";

export type { Staged };

/** Registrations of one or more module evaluations, applied together or not at all. */
export class Batch {
  private readonly staged: Staged[] = [];
  private readonly versions = new Map<string, ModuleVersion>();
  private open = true;
  /**
   * Set by the reloader while it tries to update a module in place: a hot-only evaluation
   * whose module changed beyond its hot bodies then throws (SHAPE_CHANGED), before it registers anything.
   */
  updatingInPlace = false;
  /** Modules whose hot-only evaluation found their shape changed (the entry's top-level code, say). */
  readonly shapeChanged = new Set<string>();

  constructor(
    private readonly registry: RegistryState,
    private readonly immediate: boolean,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  addVersion(version: ModuleVersion): void {
    this.versions.set(version.key, version);
    if (this.immediate) {
      const report = emptyReport();
      this.registry.installVersion(version, report.notices);
      this.registry.announce(report.notices);
    }
  }

  stage(item: Staged): void {
    if (!this.immediate) {
      this.staged.push(item);
      return;
    }
    const report = emptyReport();
    this.registry.apply([item], report);
    this.registry.announce(report.notices);
  }

  /** Switches every staged entry to its new version at once and runs replaced modules' disposers. */
  commit(): CommitReport {
    this.close();
    const report = emptyReport();
    report.modules = [...this.versions.keys()];
    for (const version of this.versions.values()) this.registry.installVersion(version, report.notices);
    this.registry.apply(this.staged, report);
    return report;
  }

  /** Drops everything staged: the previous versions keep running. */
  rollback(): void {
    this.close();
  }

  private close(): void {
    if (!this.open) throw new Error("[chaud] reload batch was already committed or rolled back");
    this.open = false;
    if (this.registry.activeBatch === this) this.registry.activeBatch = null;
  }
}

function emptyReport(): CommitReport {
  return { modules: [], hotUpdated: [], hotAdded: [], hotUnchanged: 0, classesUpdated: [], notices: [] };
}
