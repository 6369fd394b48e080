// chaud's own entry points for a program that does not depend on chaud (`npx chaud` on a
// project that never ran `npm install chaud`): the compiled code imports `chaud/registry`, and
// the program may import `chaud` itself. When Node finds no `chaud` from the importing file,
// these resolve to the copy of chaud that is running (through the package's own `exports`, as
// a file inside it would import itself). A `chaud` the project installed always wins.

import NodeModule from "node:module";
import { pathToFileURL } from "node:url";

/** `chaud` or `chaud/<entry point>`. */
export function isOwnSpecifier(specifier: string): boolean {
  return specifier === "chaud" || specifier.startsWith("chaud/");
}

const ownRequire = NodeModule.createRequire(__filename);

/** The file of chaud's own CommonJS entry point `request`; throws as `require.resolve` does. */
export function resolveOwnRequest(request: string): string {
  return ownRequire.resolve(request);
}

/** A parent URL inside chaud's package, from which an ES module import of `chaud/…` resolves to chaud itself. */
export const OWN_PARENT_URL = pathToFileURL(__filename).href;
