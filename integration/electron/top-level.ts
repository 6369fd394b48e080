// Whether an edit of the Electron main entry changed code that hot reloading cannot apply.
// The entry never re-runs its top-level code: only its hot functions update. So
// the entry's "top-level signature" is its source with every item marked `@chaud.hot` left
// out (in mode "all", every item the plugin makes hot without a marker too); two saves with
// the same signature differ only inside hot items.

import type * as Babel from "@babel/core";
import { extname } from "node:path";
import { implicitTargets } from "../../plugin/implicit-targets";
import { settings, type Mode } from "../../runtime/settings";

/**
 * The entry's top-level code with hot items reduced to their names, whitespace-normalized;
 * null when the source does not parse (the reload fails and says so on its own).
 */
export function topLevelSignature(file: string, source: string, mode: Mode = settings().mode): string | null {
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
  const implicit = mode === "all" ? implicitItems(babel, file, source, ast) : [];
  return ast.program.body
    .map((statement) => {
      const hot = (statement.leadingComments ?? []).some((comment) => /^\s*\*?\s*@chaud\.hot\b/.test(comment.value));
      // Hot: only what it is called matters (a new or removed hot item is still a top-level change).
      if (hot) return `hot ${hotName(statement, source)}`;
      return textWithout(statement, implicit, source).replace(/\s+/g, " ");
    })
    .join("\n");
}

interface HotItem {
  start: number;
  end: number;
  name: string;
}

/** Mode "all": where the items the plugin makes hot without a marker stand, found as the plugin finds them. */
function implicitItems(babel: typeof Babel, file: string, source: string, ast: Babel.types.File): HotItem[] {
  let items: HotItem[] = [];
  const collect = (): Babel.PluginObj => ({
    visitor: {
      Program(program) {
        items = implicitTargets(program, []).map((target) => ({
          start: target.path.node.start ?? 0,
          end: target.path.node.end ?? 0,
          name: target.name,
        }));
      },
    },
  });
  try {
    babel.transformFromAstSync(ast, source, {
      filename: file,
      babelrc: false,
      configFile: false,
      code: false,
      plugins: [collect],
    });
  } catch {
    // The reload compiles the file and reports what is wrong with it.
    return [];
  }
  return items.sort((a, b) => a.start - b.start);
}

/** A statement's text with each hot item in it reduced to its name: `app.on("ready", hot app.on("ready")#1)`. */
function textWithout(statement: Babel.types.Statement, items: HotItem[], source: string): string {
  let text = "";
  let cursor = statement.start ?? 0;
  const end = statement.end ?? 0;
  for (const item of items) {
    if (item.start < cursor || item.end > end) continue;
    text += `${source.slice(cursor, item.start)}hot ${item.name}`;
    cursor = item.end;
  }
  return text + source.slice(cursor, end);
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
