// The code every transformed module starts with: get this module's registry handle.
//
//   ESM:        import { chaudModule as _chaudModule } from "chaud/registry";
//               const _chaud = _chaudModule("my-app/src/server.ts", { shape: "…" });
//   CommonJS:   const _chaud = require("chaud/registry").chaudModule("my-app/src/server.ts", { shape: "…" });
//
// The shape (shape.ts) lets the runtime tell an edit inside hot bodies from any other edit.
//
// The import brings the registry into being when no runtime was ever started, so compiled
// code runs anywhere chaud is installed.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";

export const REGISTRY_MODULE = "chaud/registry";

/** Whether the output should use `require` rather than `import` to reach the registry. */
function usesCommonJs(program: NodePath<t.Program>, filename: string | null | undefined): boolean {
  if (filename && /\.[cm]?[jt]sx?$/.test(filename)) {
    if (/\.c[jt]s$/.test(filename)) return true;
    if (/\.m[jt]s$/.test(filename)) return false;
  }
  const body = program.node.body;
  // TypeScript's `export =` and `import x = require()` only exist in CommonJS output.
  if (
    body.some(
      (s) =>
        t.isTSExportAssignment(s) ||
        (t.isTSImportEqualsDeclaration(s) && t.isTSExternalModuleReference(s.moduleReference)),
    )
  )
    return true;
  if (body.some((s) => t.isImportDeclaration(s) || t.isExportDeclaration(s))) return false;
  if (program.node.sourceType === "script") return true;
  return ["require", "module", "exports"].some(
    (name) => !program.scope.hasBinding(name) && program.scope.hasGlobal(name),
  );
}

/** The statements that open a transformed module, and the handle identifier they declare. */
export function buildPrelude(
  program: NodePath<t.Program>,
  key: string,
  filename: string | null | undefined,
  { hotOnly, shape }: { hotOnly: boolean; shape: string },
): { handle: t.Identifier; statements: t.Statement[] } {
  const handle = program.scope.generateUidIdentifier("chaud");
  // chaudModule("key", { shape }) or chaudModule("key", { hotOnly: true, shape })
  const options = t.objectExpression([
    ...(hotOnly ? [t.objectProperty(t.identifier("hotOnly"), t.booleanLiteral(true))] : []),
    t.objectProperty(t.identifier("shape"), t.stringLiteral(shape)),
  ]);
  const args: t.Expression[] = [t.stringLiteral(key), options];
  if (usesCommonJs(program, filename)) {
    const call = t.callExpression(
      t.memberExpression(
        t.callExpression(t.identifier("require"), [t.stringLiteral(REGISTRY_MODULE)]),
        t.identifier("chaudModule"),
      ),
      args,
    );
    return { handle, statements: [t.variableDeclaration("const", [t.variableDeclarator(handle, call)])] };
  }
  const factory = program.scope.generateUidIdentifier("chaudModule");
  return {
    handle,
    statements: [
      t.importDeclaration([t.importSpecifier(factory, t.identifier("chaudModule"))], t.stringLiteral(REGISTRY_MODULE)),
      t.variableDeclaration("const", [t.variableDeclarator(handle, t.callExpression(factory, args))]),
    ],
  };
}
