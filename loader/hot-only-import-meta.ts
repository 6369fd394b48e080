// An ES module's hot-only version runs as a CommonJS function (runtime/modules/esm.ts), where
// `import.meta` is a syntax error. This rewrites each `import.meta` to a binding that the
// function's `require` fills with the module's own (IMPORT_META_SPECIFIER), so a module whose
// functions read it keeps no module record per body-only save either.

import type * as Babel from "@babel/core";
import { IMPORT_META_SPECIFIER } from "../runtime/modules/esm";

/** `code` with `import.meta` read from the hot-only function's `require`; the source map follows. */
export function replaceImportMeta(code: string, filename: string): string {
  // Loaded here, not at the top: Babel is already in memory when a hot-only version is compiled.
  const babel = require("@babel/core") as typeof Babel;
  const t = babel.types;
  const plugin = (): Babel.PluginObj => ({
    visitor: {
      Program(program) {
        const binding = program.scope.generateUidIdentifier("importMeta");
        let used = false;
        program.traverse({
          MetaProperty(path) {
            if (path.node.meta.name !== "import" || path.node.property.name !== "meta") return;
            path.replaceWith(t.cloneNode(binding));
            used = true;
          },
        });
        if (!used) return;
        const read = t.callExpression(t.identifier("require"), [t.stringLiteral(IMPORT_META_SPECIFIER)]);
        program.unshiftContainer("body", t.variableDeclaration("const", [t.variableDeclarator(binding, read)]));
      },
    },
  });
  const result = babel.transformSync(code, {
    filename,
    babelrc: false,
    configFile: false,
    sourceType: "module",
    sourceMaps: "inline",
    plugins: [plugin],
  });
  return result?.code ?? code;
}
