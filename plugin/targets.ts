// What the read-only pass found: one record per marked item, validated, ready to rewrite.

import type { NodePath } from "@babel/traverse";
import type * as t from "@babel/types";

/**
 * `runsOnce`: mode "all" found the function's only use is as an argument of a top-level call that
 * calls it once at most (`app.whenReady().then(createWindow)`): once it ran, an edit of it
 * reaches nothing that runs.
 */
export type HotFunctionTarget =
  // `function f() {}` (maybe exported): reassigned to its stub at the top of the module.
  | { kind: "hot-declaration"; name: string; path: NodePath<t.FunctionDeclaration>; implicit?: true; runsOnce?: true }
  // `const f = () => {}` or `export default () => {}`: the expression is wrapped in place.
  | { kind: "hot-expression"; name: string; path: NodePath<t.Expression>; implicit?: true; runsOnce?: true };

export interface HotClassTarget {
  kind: "hot-class";
  name: string;
  path: NodePath<t.ClassDeclaration | t.ClassExpression>;
  /** Hot by mode "all", without a marker: its methods are watched as such functions are. */
  implicit?: true;
}

export interface HotMethodTarget {
  kind: "hot-method";
  name: string;
  className: string;
  path: NodePath<t.ClassMethod>;
  classStatement: NodePath<t.Statement>;
  /** Hot by mode "all", without a marker. */
  implicit?: true;
}

export interface PersistTarget {
  kind: "persist";
  name: string;
  path: NodePath<t.VariableDeclarator>;
}

export interface DisposeTarget {
  kind: "dispose";
  name: string;
  path: NodePath<t.FunctionDeclaration>;
}

/** `exports.x = value` (CommonJS, or TypeScript's output for `export let x`). */
export interface PersistExportTarget {
  kind: "persist-export";
  name: string;
  path: NodePath<t.AssignmentExpression>;
}

/**
 * Mode "all": a function inside a top-level statement that otherwise stays as it is, wrapped
 * in place; in hot-only mode the statement is reduced to the registrations of its functions.
 * `app.get("/", (req, res) => {})`: the argument. `module.exports = { f() {} }`: the member.
 */
export interface HotInlineTarget {
  kind: "hot-inline";
  name: string;
  path: NodePath<t.Expression | t.ObjectMethod | t.ObjectProperty>;
  statement: NodePath<t.Statement>;
  /** The name JavaScript gives the function where it stands: the property's key, "" for an argument. */
  inferredName: string;
  /**
   * Passed to a call that calls it once at most (`.then(fn)`, `setTimeout(fn)`,
   * `server.listen(port, fn)`): once it ran, an edit of it reaches nothing that runs.
   */
  runsOnce?: true;
}

export type Target =
  | HotFunctionTarget
  | HotClassTarget
  | HotMethodTarget
  | HotInlineTarget
  | PersistTarget
  | PersistExportTarget
  | DisposeTarget;
