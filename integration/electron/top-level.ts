// Whether an edit of the Electron main entry changed code that hot reloading cannot apply.
// The entry never re-runs its top-level code: only its hot functions update. So
// the entry's "top-level signature" is its source with every item marked `@chaud.hot` left
// out; two saves with the same signature differ only inside hot items.

import type * as Babel from "@babel/core";
import { extname } from "node:path";

/**
 * The entry's top-level code with hot items reduced to their names, whitespace-normalized;
 * null when the source does not parse (the reload fails and says so on its own).
 */
export function topLevelSignature(file: string, source: string): string | null {
  // Required here, not at the top: a main process that never edits its entry never loads Babel.
  const babel = require("@babel/core") as typeof Babel;
  const extension = extname(file);
  const typescript = /^\.[cm]?tsx?$/.test(extension);
  const plugins: Babel.ParserOptions["plugins"] = typescript
    ? extension === ".tsx"
      ? ["typescript", "jsx"]
      : ["typescript"]
    : ["jsx"];
  let ast: ReturnType<typeof babel.parseSync>;
  try {
    ast = babel.parseSync(source, {
      filename: file,
      babelrc: false,
      configFile: false,
      sourceType: "unambiguous",
      parserOpts: { plugins },
    });
  } catch {
    return null;
  }
  if (!ast) return null;
  return ast.program.body
    .map((statement) => {
      const hot = (statement.leadingComments ?? []).some((comment) => /^\s*\*?\s*@chaud\.hot\b/.test(comment.value));
      // Hot: only what it is called matters (a new or removed hot item is still a top-level change).
      if (hot) return `hot ${hotName(statement, source)}`;
      return source.slice(statement.start ?? 0, statement.end ?? 0).replace(/\s+/g, " ");
    })
    .join("\n");
}

function hotName(statement: Babel.types.Statement, source: string): string {
  // CommonJS `exports.f = function () {}`: the assignment's target.
  if (statement.type === "ExpressionStatement" && statement.expression.type === "AssignmentExpression") {
    return source.slice(statement.expression.left.start ?? 0, statement.expression.left.end ?? 0);
  }
  const declaration =
    statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration"
      ? statement.declaration
      : statement;
  if (!declaration) return "";
  if ((declaration.type === "FunctionDeclaration" || declaration.type === "ClassDeclaration") && declaration.id)
    return declaration.id.name;
  if (declaration.type === "VariableDeclaration") {
    return declaration.declarations.map((item) => (item.id.type === "Identifier" ? item.id.name : "")).join(",");
  }
  return declaration.type;
}
