// Whether a re-evaluated module's importers must be re-evaluated too: only when an
// export changed in a way hot functions and persisted values do not carry over. Hot
// functions, hot classes and persisted values keep their identity across versions and
// primitives compare by value, so a module whose exports are all of those stops the
// propagation.

/** Names of exports that differ between two versions; empty when importers can keep theirs. */
export function changedExports(before: unknown, after: unknown): string[] {
  if (Object.is(before, after)) return [];
  if (!isPlainExports(before) || !isPlainExports(after)) return ["module.exports"];
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: string[] = [];
  for (const name of names) {
    if (!Object.is(read(before, name), read(after, name))) changed.push(name);
  }
  return changed;
}

function isPlainExports(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function read(exports: Record<string, unknown>, name: string): unknown {
  try {
    return exports[name];
  } catch {
    return Symbol("unreadable export"); // a throwing getter never compares equal
  }
}
