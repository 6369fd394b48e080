// When the chaud command restarts the program, decided from a reload's outcome.

import type { ReloadOutcome, ReloadedOutcome } from "../../runtime/reload/outcome";
import { restartReason } from "../../runtime/reload/restart-reason";

const relative = (file: string): string => file.replace("/app/", "");

function reloaded(changes: Partial<ReloadedOutcome>): ReloadOutcome {
  return {
    kind: "reloaded",
    files: ["/app/src/a.ts"],
    removed: [],
    reevaluated: [],
    inPlace: [],
    topLevelChanged: [],
    unreached: [],
    hotUpdated: [],
    hotAdded: [],
    classesUpdated: [],
    notices: [],
    stoppedAtEntry: [],
    ms: 3,
    ...changes,
  };
}

test("edits that reached running code need no restart", () => {
  expect(restartReason(reloaded({ inPlace: ["/app/src/a.ts"], hotUpdated: ["k#f"] }), relative)).toBeNull();
  expect(
    restartReason(reloaded({ notices: [{ kind: "persist-initializer-changed", key: "app/src/a.ts#n" }] }), relative),
  ).toBeNull();
});

test("failed, removed, empty and unchanged batches never restart: the old code keeps running", () => {
  const failed: ReloadOutcome = {
    kind: "failed",
    files: ["/app/src/a.ts"],
    removed: [],
    file: "/app/src/a.ts",
    error: new SyntaxError("x"),
    ms: 1,
  };
  expect(restartReason(failed, relative)).toBeNull();
  expect(restartReason({ kind: "removed", files: ["/app/src/a.ts"] }, relative)).toBeNull();
  expect(restartReason({ kind: "empty", files: ["/app/src/a.ts"] }, relative)).toBeNull();
  expect(restartReason({ kind: "unchanged", files: ["/app/src/a.ts"] }, relative)).toBeNull();
});

test("the entry's top-level code, an export the entry imports, a hot class's constructor, unreached code: each names its file", () => {
  expect(restartReason(reloaded({ topLevelChanged: ["/app/src/main.ts"] }), relative)).toBe(
    "src/main.ts: its top-level code changed",
  );
  expect(restartReason(reloaded({ stoppedAtEntry: ["/app/src/config.ts"] }), relative)).toBe(
    "src/config.ts: its exports changed, and the entry module imports it",
  );
  expect(
    restartReason(reloaded({ notices: [{ kind: "class-shape-changed", key: "app/src/store.ts#Store" }] }), relative),
  ).toBe("app/src/store.ts: the constructor or field initializers of class Store changed");
  expect(
    restartReason(
      reloaded({ notices: [{ kind: "class-decorators-changed", key: "app/src/items.controller.ts#ItemsController" }] }),
      relative,
    ),
  ).toBe("app/src/items.controller.ts: the decorators of class ItemsController changed");
  // With the workspace's packages, a notice names the file as the other reasons do.
  const moduleFile = (module: string): string | null => (module.startsWith("app/") ? `/app/${module.slice(4)}` : null);
  expect(
    restartReason(
      reloaded({ notices: [{ kind: "ran-at-start-changed", key: "app/src/main.ts#main" }] }),
      relative,
      moduleFile,
    ),
  ).toBe("src/main.ts: main changed, and it ran only at start-up");
  expect(restartReason(reloaded({ unreached: [{ file: "/app/src/setup.ts", line: 12 }] }), relative)).toBe(
    "src/setup.ts:12 changed, and no running code calls the new version",
  );
});
