// The CommonJS require hook: workspace files that `require` loads go through the transform
// before Node compiles them. Modelled on pirates (danez/pirates, lib/index.js): each handler in
// `Module._extensions` is wrapped, files the hook does not claim go to the handler that was
// there before, and the undo puts back exactly what it found.
//
// - `.ts`, `.cts`, `.tsx`, `.jsx` are added (Node has no handler for them; `.ts`, `.tsx` and
//   `.jsx` also join the extensions `require("./x")` tries). `.cjs` has no handler of its own in
//   Node (its files go to the `.js` one), so it is wrapped only where someone registered it.
// - A `.js` file in a `"type": "module"` package is left to Node, as ESM is not ours to load.
//   Every other claimed file is being `require`d, so `transform` must return CommonJS.
// - TypeScript's convention `require("./x.js")` for a file that exists only as `x.ts`:
//   `Module._resolveFilename` is patched to try the `.ts`/`.tsx` (`.cjs` → `.cts`, `.jsx` →
//   `.tsx`) sibling after Node's own resolution fails, and only for a sibling the hook claims,
//   so a real `x.js` always wins and nothing outside the workspace changes.
// - `chaud` and `chaud/…` that Node cannot find (a project that never installed chaud) are
//   chaud's own (own-package.ts).
// - tsconfig `paths` and `baseUrl` (paths.ts): a bare request from a file the hook claims is
//   first looked up as an alias, as TypeScript does; a request no alias resolves goes to Node
//   as it is, so a miss fails with Node's own error.

import { existsSync, readFileSync } from "node:fs";
import NodeModule from "node:module";
import { dirname, extname, resolve as resolvePath } from "node:path";
import { isCommonJsFile } from "../runtime/modules/format";
import { createPathsResolver, isAliasCandidate, type PathsResolver } from "./paths";
import { isOwnSpecifier, resolveOwnRequest } from "./own-package";

export interface RequireHookOptions {
  /** Whether the hook compiles `file` (an absolute path); false leaves it to Node. */
  shouldTransform(file: string): boolean;
  /** The CommonJS code Node should run for `file`, whose text is `source`. Throwing fails the `require`. */
  transform(file: string, source: string): string;
  /** Resolves tsconfig aliases for requests from files the hook claims (default: a new resolver). */
  paths?: PathsResolver;
}

/** The parts of a CommonJS module object the hook uses. */
export interface LoadingModule {
  _compile(code: string, filename: string): unknown;
}

export type ExtensionHandler = (module: LoadingModule, filename: string) => void;

/** The internals of `node:module` the hook patches (a fake can stand in, in tests). */
export interface ModuleInternals {
  _extensions: Record<string, ExtensionHandler | undefined>;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
}

const ADDED_EXTENSIONS = [".ts", ".cts", ".tsx", ".jsx"];
const WRAPPED_EXTENSIONS = [".js", ".cjs", ...ADDED_EXTENSIONS];

/** The TypeScript files a JavaScript specifier may stand for, in the order tried. */
const TYPESCRIPT_SIBLINGS: Record<string, string[]> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".cjs": [".cts"] };

function isPathRequest(request: string): boolean {
  return (
    request.startsWith("./") ||
    request.startsWith("../") ||
    request.startsWith("/") ||
    /^[a-zA-Z]:[\\/]/.test(request) ||
    request.startsWith(".\\") ||
    request.startsWith("..\\")
  );
}

/** For a relative `.js`-style request from a TypeScript file, the existing TypeScript sibling when no JavaScript file exists. */
function typescriptSibling(request: string, parent: unknown): string | null {
  const from = (parent as { filename?: unknown } | null)?.filename;
  if (
    typeof from !== "string" ||
    !/\.[cm]?tsx?$/.test(from) ||
    !(request.startsWith("./") || request.startsWith("../"))
  )
    return null;
  const siblings = TYPESCRIPT_SIBLINGS[extname(request)];
  if (!siblings) return null;
  const target = resolvePath(dirname(from), request);
  if (existsSync(target)) return null; // a real x.js wins
  for (const ext of siblings) {
    const candidate = target.slice(0, -extname(target).length) + ext;
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function isMissingModule(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "MODULE_NOT_FOUND";
}

/** Installs the hook; returns the undo (safe to call twice). */
export function installRequireHook(
  options: RequireHookOptions,
  moduleApi: ModuleInternals = NodeModule as unknown as ModuleInternals,
): () => void {
  const extensions = moduleApi._extensions;
  let active = true;

  // Whether the hook compiles this file. Other extensions that reach the `.js` handler (`.mjs`,
  // `.mts`, none) and `.js` files in ESM packages stay Node's.
  const claims = (filename: string): boolean => {
    const ext = extname(filename);
    return (
      active &&
      WRAPPED_EXTENSIONS.includes(ext) &&
      !(ext === ".js" && !isCommonJsFile(filename)) &&
      options.shouldTransform(filename)
    );
  };

  const originalJs = extensions[".js"];
  const installed: Array<{
    ext: string;
    handler: ExtensionHandler;
    had: boolean;
    previous: ExtensionHandler | undefined;
  }> = [];
  for (const ext of WRAPPED_EXTENSIONS) {
    const had = Object.prototype.hasOwnProperty.call(extensions, ext);
    if (!had && !ADDED_EXTENSIONS.includes(ext)) continue;
    const previous = extensions[ext];
    const handler: ExtensionHandler = (module, filename) => {
      if (!claims(filename)) {
        // Node itself loads a file whose extension has no handler with the `.js` one.
        const fallback = previous ?? originalJs;
        if (!fallback) throw new Error(`chaud: no loader for ${filename}`);
        return fallback(module, filename);
      }
      module._compile(options.transform(filename, readFileSync(filename, "utf8")), filename);
    };
    extensions[ext] = handler;
    installed.push({ ext, handler, had, previous });
  }

  const paths = options.paths ?? createPathsResolver();
  /** The file a tsconfig alias names for a bare request from a workspace file, or null. */
  const aliased = (request: string, parent: unknown): string | null => {
    const from = (parent as { filename?: unknown } | null)?.filename;
    if (!active || typeof from !== "string" || !isAliasCandidate(request) || !options.shouldTransform(from))
      return null;
    return paths.resolve(request, from);
  };

  const originalResolve = moduleApi._resolveFilename;
  const resolve: ModuleInternals["_resolveFilename"] = function (
    this: unknown,
    request,
    parent,
    isMain,
    resolveOptions,
  ) {
    // A TypeScript file importing `./x.js` that exists only as `x.ts`: answer directly. Letting
    // Node fail first costs an exception per import, which adds up over a large program's start.
    const direct = active ? typescriptSibling(request, parent) : null;
    if (direct && claims(direct)) return direct;
    const alias = aliased(request, parent);
    if (alias) {
      try {
        return originalResolve.call(this, alias, parent, isMain, resolveOptions);
      } catch {
        // gone since it was found: Node resolves the request as written
      }
    }
    try {
      return originalResolve.call(this, request, parent, isMain, resolveOptions);
    } catch (error) {
      const siblings =
        active && isMissingModule(error) && isPathRequest(request) ? TYPESCRIPT_SIBLINGS[extname(request)] : undefined;
      for (const ext of siblings ?? []) {
        const candidate = request.slice(0, -extname(request).length) + ext;
        let resolved: string;
        try {
          resolved = originalResolve.call(this, candidate, parent, isMain, resolveOptions);
        } catch {
          continue;
        }
        if (claims(resolved)) return resolved;
      }
      if (active && isMissingModule(error) && isOwnSpecifier(request)) {
        try {
          return resolveOwnRequest(request);
        } catch {
          // not one of chaud's entry points: Node's own error says so
        }
      }
      throw error;
    }
  };
  moduleApi._resolveFilename = resolve;

  return () => {
    if (!active) return;
    active = false; // a handler someone wrapped after ours stays in place, now passing through
    for (const { ext, handler, had, previous } of installed) {
      if (extensions[ext] !== handler) continue;
      if (had) extensions[ext] = previous;
      else delete extensions[ext];
    }
    if (moduleApi._resolveFilename === resolve) moduleApi._resolveFilename = originalResolve;
  };
}
