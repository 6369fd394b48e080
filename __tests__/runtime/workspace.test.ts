// Workspace discovery against real folders: which packages chaud watches.

import { mkdirSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { findWorkspace, moduleFileOf, type Workspace } from "../../runtime/watch/workspace";
import { useTempDirs } from "../helpers/temp-dir";

type Tree = Record<string, string | object>;

const tempDir = useTempDirs();

/** A fresh folder holding `tree` (objects are written as JSON), as a real path. */
function makeTree(tree: Tree): string {
  const folder = tempDir("chaud-workspace");
  for (const [path, content] of Object.entries(tree)) {
    folder.write(path, typeof content === "string" ? content : JSON.stringify(content));
  }
  return folder.dir;
}

function link(root: string, from: string, to: string): void {
  mkdirSync(dirname(join(root, from)), { recursive: true });
  symlinkSync(join(root, to), join(root, from), "dir");
}

const names = (packages: Workspace["packages"]) => packages.map((pkg) => pkg.name).sort();

describe("finding the root and the packages", () => {
  test("reads npm workspaces in array form", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["packages/*"] },
      "packages/app/package.json": { name: "app", dependencies: { lib: "^1.0.0" } },
      "packages/app/index.js": "",
      "packages/lib/package.json": { name: "lib" },
      "packages/not-a-package/readme.md": "",
    });
    const ws = findWorkspace(join(root, "packages/app/index.js"));
    expect(ws.root).toBe(root);
    expect(ws.kind).toBe("npm");
    expect(names(ws.packages)).toEqual(["app", "lib", "mono"]);
    expect(ws.packages.find((pkg) => pkg.name === "lib")?.dir).toBe(join(root, "packages/lib"));
    expect(ws.watched.map((pkg) => pkg.name)).toEqual(["app", "lib"]);
  });

  test("reads yarn's object form and calls the workspace yarn when yarn.lock is next to it", () => {
    const root = makeTree({
      "package.json": { private: true, workspaces: { packages: ["./apps/*/", "libs/shared"], nohoist: ["**/x"] } },
      "yarn.lock": "",
      "apps/web/package.json": { name: "web" },
      "apps/web/main.js": "",
      "libs/shared/package.json": { name: "shared" },
      "libs/other/package.json": { name: "other" },
    });
    const ws = findWorkspace(join(root, "apps/web/main.js"));
    expect(ws.kind).toBe("yarn");
    expect(ws.root).toBe(root);
    expect(ws.packages.map((pkg) => pkg.dir).sort()).toEqual([root, join(root, "apps/web"), join(root, "libs/shared")]);
    expect(ws.packages.find((pkg) => pkg.dir === root)?.name).toBe(basename(root)); // a nameless root is named after its folder
  });

  test("reads pnpm-workspace.yaml globs and leaves out `!` exclusions", () => {
    const root = makeTree({
      "package.json": { name: "mono" },
      "pnpm-workspace.yaml":
        "# packages of the repo\npackages:\n  - 'packages/**'\n  - \"apps/web-*\" # apps\n  - '!packages/legacy'\n  - '!**/fixtures/**'\ncatalog:\n  react: ^18\n",
      "packages/core/package.json": { name: "core" },
      "packages/legacy/package.json": { name: "legacy" },
      "apps/web-a/package.json": { name: "web-a", dependencies: { core: "workspace:*" } },
      "apps/web-a/src/index.ts": "",
      "apps/docs/package.json": { name: "docs" },
      "packages/core/fixtures/sample/package.json": { name: "sample" },
    });
    const ws = findWorkspace(join(root, "apps/web-a/src/index.ts"));
    expect(ws.kind).toBe("pnpm");
    expect(names(ws.packages)).toEqual(["core", "mono", "web-a"]);
    expect(ws.watched.map((pkg) => pkg.name)).toEqual(["web-a", "core"]);
  });

  test("reads pnpm-workspace.yaml in flow form", () => {
    const root = makeTree({
      "pnpm-workspace.yaml": "packages: ['packages/*', \"tools\"]\n",
      "packages/app/package.json": { name: "app", devDependencies: { tools: "workspace:^" } },
      "packages/app/index.js": "",
      "tools/package.json": { name: "tools" },
    });
    const ws = findWorkspace(join(root, "packages/app/index.js"));
    expect(ws.root).toBe(root);
    expect(ws.watched.map((pkg) => pkg.name)).toEqual(["app", "tools"]);
  });

  test("expands `**` to packages at any depth, never inside node_modules or dot folders", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["apps/**"] },
      "apps/server/package.json": { name: "server" },
      "apps/server/main.js": "",
      "apps/group/deep/tool/package.json": { name: "deep-tool" },
      "apps/server/node_modules/dep/package.json": { name: "dep" },
      "apps/.cache/thing/package.json": { name: "cached" },
    });
    const ws = findWorkspace(join(root, "apps/server/main.js"));
    expect(names(ws.packages)).toEqual(["deep-tool", "mono", "server"]);
  });

  test("expands brace patterns", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["packages/{api,web}", "tools/{lint,fmt}-*"] },
      "packages/api/package.json": { name: "api" },
      "packages/api/index.js": "",
      "packages/web/package.json": { name: "web" },
      "packages/admin/package.json": { name: "admin" },
      "tools/lint-rules/package.json": { name: "lint-rules" },
      "tools/build-scripts/package.json": { name: "build-scripts" },
    });
    const ws = findWorkspace(join(root, "packages/api/index.js"));
    expect(ws.root).toBe(root);
    expect(names(ws.packages)).toEqual(["api", "lint-rules", "mono", "web"]);
  });

  test("drops what a `!` exclusion matches, from wildcards and plain paths alike, but not what lies below it", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["packages/**", "tools/cli", "!packages/old", "!tools/cli"] },
      "packages/app/package.json": { name: "app" },
      "packages/app/index.js": "",
      "packages/old/package.json": { name: "old" },
      "packages/old/rewrite/package.json": { name: "rewrite" },
      "tools/cli/package.json": { name: "cli" },
    });
    const ws = findWorkspace(join(root, "packages/app/index.js"));
    expect(names(ws.packages)).toEqual(["app", "mono", "rewrite"]);
  });

  test("takes a plain path as written, and never follows a symlinked folder with a wildcard", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["packages/*", "linked/shared"] },
      "packages/app/package.json": { name: "app" },
      "packages/app/index.js": "",
      "elsewhere/shared/package.json": { name: "shared" },
      "elsewhere/other/package.json": { name: "other" },
    });
    link(root, "linked/shared", "elsewhere/shared");
    link(root, "packages/other", "elsewhere/other");
    const ws = findWorkspace(join(root, "packages/app/index.js"));
    expect(names(ws.packages)).toEqual(["app", "mono", "shared"]);
    expect(ws.packages.find((pkg) => pkg.name === "shared")?.dir).toBe(join(root, "elsewhere/shared"));
  });

  test("keeps quoted commas inside a flow list of pnpm-workspace.yaml", () => {
    const root = makeTree({
      "pnpm-workspace.yaml": "packages: ['apps/{web,api}', \"libs/*\"]\n",
      "apps/web/package.json": { name: "web" },
      "apps/web/index.js": "",
      "apps/api/package.json": { name: "api" },
      "libs/util/package.json": { name: "util" },
    });
    const ws = findWorkspace(join(root, "apps/web/index.js"));
    expect(ws.kind).toBe("pnpm");
    expect(names(ws.packages)).toEqual(["api", "util", "web"]);
  });

  test("reads a pnpm-workspace.yaml with comments, anchors and other settings", () => {
    const root = makeTree({
      "pnpm-workspace.yaml": [
        "# the workspace",
        "packages: # every package",
        "  # apps first",
        "  - apps/* # apps",
        "  - 'libs/#shared' # a folder whose name holds a hash",
        "  - '!apps/legacy'",
        "catalog: &versions",
        "  react: ^18 # pinned",
        "catalogs:",
        "  next: *versions",
        "",
      ].join("\n"),
      "apps/site/package.json": { name: "site" },
      "apps/site/index.js": "",
      "apps/legacy/package.json": { name: "legacy" },
      "libs/#shared/package.json": { name: "shared" },
    });
    const ws = findWorkspace(join(root, "apps/site/index.js"));
    expect(ws.kind).toBe("pnpm");
    expect(ws.root).toBe(root);
    expect(names(ws.packages)).toEqual(["shared", "site"]);
  });

  test("reads a pnpm-workspace.yaml that does not parse as one without packages, without throwing", () => {
    const root = makeTree({
      "package.json": { name: "mono" },
      "pnpm-workspace.yaml": "packages: ['packages/*'\n  - : [\n",
      "packages/app/package.json": { name: "app" },
      "packages/app/index.js": "",
    });
    const ws = findWorkspace(join(root, "packages/app/index.js"));
    expect(ws.root).toBe(join(root, "packages/app"));
    expect(ws.kind).toBe("single");
    const settingsOnly = makeTree({
      "package.json": { name: "solo" },
      "pnpm-workspace.yaml": "onlyBuiltDependencies: [esbuild\n",
      "index.js": "",
    });
    const solo = findWorkspace(join(settingsOnly, "index.js"));
    expect(solo.root).toBe(settingsOnly);
    expect(solo.kind).toBe("pnpm");
    expect(names(solo.packages)).toEqual(["solo"]);
  });

  test("is the nearest package alone when no workspaces are declared", () => {
    const root = makeTree({
      "package.json": { name: "solo", dependencies: { express: "^4" } },
      "src/server.js": "",
    });
    const ws = findWorkspace(join(root, "src/server.js"));
    expect(ws.root).toBe(root);
    expect(ws.kind).toBe("single");
    expect(ws.packages).toEqual([{ name: "solo", dir: root, dependencies: ["express"] }]);
    expect(ws.watched).toEqual(ws.packages);
  });

  test("is the entry's folder when there is no package.json at all", () => {
    const root = makeTree({ "scripts/run.js": "", "scripts/lib/util.js": "" });
    const ws = findWorkspace(join(root, "scripts/run.js"));
    expect(ws.root).toBe(join(root, "scripts"));
    expect(ws.kind).toBe("single");
    expect(ws.packages).toEqual([{ name: "scripts", dir: join(root, "scripts"), dependencies: [] }]);
    expect(ws.isWatchable(join(root, "scripts/lib/util.js"))).toBe(true);
  });

  test("skips a workspace root that does not list the entry's package", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["packages/*"] },
      "packages/lib/package.json": { name: "lib" },
      "examples/demo/package.json": { name: "demo", dependencies: { lib: "*" } },
      "examples/demo/index.js": "",
    });
    const ws = findWorkspace(join(root, "examples/demo/index.js"));
    expect(ws.root).toBe(join(root, "examples/demo"));
    expect(ws.kind).toBe("single");
  });

  test("gives the root's own project to an entry outside every member", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["packages/*"], devDependencies: { lib: "*" } },
      "packages/lib/package.json": { name: "lib" },
      "packages/lib/index.js": "",
      "scripts/dev.js": "",
    });
    const ws = findWorkspace(join(root, "scripts/dev.js"));
    expect(ws.root).toBe(root);
    expect(ws.watched.map((pkg) => pkg.name)).toEqual(["mono", "lib"]);
    expect(ws.packageOf(join(root, "packages/lib/index.js"))?.name).toBe("lib");
  });

  test("skips a package whose package.json is malformed instead of throwing", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["packages/*"] },
      "packages/app/package.json": { name: "app" },
      "packages/app/index.js": "",
      "packages/broken/package.json": '{ "name": "broken",',
      "packages/broken/index.js": "",
    });
    const ws = findWorkspace(join(root, "packages/app/index.js"));
    expect(names(ws.packages)).toEqual(["app", "mono"]);
    expect(ws.isWatchable(join(root, "packages/broken/index.js"))).toBe(false);
  });

  test("finds the entry's package from a nested folder, past a nameless `type` marker", () => {
    const root = makeTree({
      "package.json": { name: "mono", workspaces: ["packages/*"] },
      "packages/app/package.json": { name: "app" },
      "packages/app/src/esm/package.json": { type: "module" },
      "packages/app/src/esm/server/main.js": "",
    });
    const ws = findWorkspace(join(root, "packages/app/src/esm/server/main.js"));
    expect(ws.root).toBe(root);
    expect(ws.watched.map((pkg) => pkg.dir)).toEqual([join(root, "packages/app")]);
  });
});

describe("which files are watchable", () => {
  const monorepo: Tree = {
    "package.json": { name: "mono", workspaces: ["packages/*"] },
    "packages/app/package.json": { name: "app", dependencies: { "@scope/lib-a": "workspace:*", express: "^4" } },
    "packages/app/src/main.ts": "",
    "packages/lib-a/package.json": { name: "@scope/lib-a", dependencies: { "lib-b": "^1.0.0" } },
    "packages/lib-a/index.ts": "",
    "packages/lib-b/package.json": { name: "lib-b", peerDependencies: { "@scope/lib-a": "*" } },
    "packages/lib-b/index.ts": "",
    "packages/lib-c/package.json": { name: "lib-c" },
    "packages/lib-c/index.ts": "",
    "node_modules/express/package.json": { name: "express" },
    "node_modules/express/index.js": "",
    "packages/app/node_modules/left-pad/index.js": "",
  };

  function setUp(): { root: string; ws: Workspace } {
    const root = makeTree(monorepo);
    link(root, "packages/app/node_modules/@scope/lib-a", "packages/lib-a");
    link(root, "node_modules/lib-c", "packages/lib-c");
    return { root, ws: findWorkspace(join(root, "packages/app/src/main.ts")) };
  }

  test("watches the entry's package and the workspace packages it depends on, transitively", () => {
    const { root, ws } = setUp();
    expect(ws.watched.map((pkg) => pkg.name)).toEqual(["app", "@scope/lib-a", "lib-b"]);
    expect(ws.isWatchable(join(root, "packages/lib-b/index.ts"))).toBe(true);
    expect(ws.isWatchable(join(root, "packages/lib-c/index.ts"))).toBe(false);
  });

  test("counts a workspace package reached through a node_modules symlink as its real folder", () => {
    const { root, ws } = setUp();
    const viaLink = join(root, "packages/app/node_modules/@scope/lib-a/index.ts");
    expect(ws.isWatchable(viaLink)).toBe(true);
    expect(ws.packageOf(viaLink)?.dir).toBe(join(root, "packages/lib-a"));
    expect(ws.isWatchable(join(root, "node_modules/lib-c/index.ts"))).toBe(false);
  });

  test("never watches a real dependency inside node_modules", () => {
    const { root, ws } = setUp();
    expect(ws.isWatchable(join(root, "node_modules/express/index.js"))).toBe(false);
    expect(ws.isWatchable(join(root, "packages/app/node_modules/left-pad/index.js"))).toBe(false);
  });

  test("never watches a file outside the workspace", () => {
    const { ws } = setUp();
    const elsewhere = makeTree({ "package.json": { name: "app" }, "index.ts": "" });
    expect(ws.isWatchable(join(elsewhere, "index.ts"))).toBe(false);
    expect(ws.packageOf(join(elsewhere, "index.ts"))).toBeNull();
  });

  test("still maps a deleted file to its package", () => {
    const { root, ws } = setUp();
    const file = join(root, "packages/lib-a/index.ts");
    unlinkSync(file);
    expect(ws.packageOf(file)?.name).toBe("@scope/lib-a");
  });

  test("notices, afresh, a watched file that now leads outside the watched packages", () => {
    const { root, ws } = setUp();
    const file = join(root, "packages/lib-a/index.ts");
    expect(ws.isWatchable(file)).toBe(true);
    expect(ws.escapesTo(file)).toBeNull();
    const elsewhere = makeTree({ "evil.ts": "" });
    unlinkSync(file);
    symlinkSync(join(elsewhere, "evil.ts"), file);
    expect(ws.escapesTo(file)).toBe(join(elsewhere, "evil.ts"));
    unlinkSync(file);
    symlinkSync(join(root, "node_modules/express/index.js"), file);
    expect(ws.escapesTo(file)).toBe(join(root, "node_modules/express/index.js"));
    unlinkSync(file);
    symlinkSync(join(root, "packages/lib-c/index.ts"), file);
    expect(ws.escapesTo(file)).toBe(join(root, "packages/lib-c/index.ts"));
    unlinkSync(file);
    expect(ws.escapesTo(file)).toBeNull();
    writeFileSync(file, "");
    expect(ws.escapesTo(file)).toBeNull();
  });

  test("names files relative to the workspace root with forward slashes", () => {
    const { root, ws } = setUp();
    expect(ws.relative(join(root, "packages/app/src/main.ts"))).toBe("packages/app/src/main.ts");
    expect(ws.relative(join(root, "packages/app/node_modules/@scope/lib-a/index.ts"))).toBe("packages/lib-a/index.ts");
    expect(ws.relative(root)).toBe(".");
    const outside = join(dirname(root), "elsewhere.js");
    expect(ws.relative(outside)).toBe(outside.split("\\").join("/"));
  });
});

describe("the file a registry key's module part names", () => {
  const watched = [
    { name: "@acme/api", dir: "/repo/packages/api", dependencies: [] },
    { name: "@acme/api-extra", dir: "/repo/packages/api-extra", dependencies: [] },
    { name: "", dir: "/repo", dependencies: [] },
  ];

  test("is the path inside the watched package of that name, scoped names included", () => {
    expect(moduleFileOf({ watched }, "@acme/api/src/main.ts")).toBe(join("/repo/packages/api", "src", "main.ts"));
    expect(moduleFileOf({ watched }, "@acme/api-extra/src/x.ts")).toBe(join("/repo/packages/api-extra", "src", "x.ts"));
  });

  test("is null for a module of no watched package (an unnamed one's keys are paths already)", () => {
    expect(moduleFileOf({ watched }, "other/src/main.ts")).toBeNull();
    expect(moduleFileOf({ watched }, "src/main.ts")).toBeNull();
  });
});
