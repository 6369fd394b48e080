// Persisted bindings.
//
//   let hits = 0;        →  const _hits = _chaud.cell("hits", "<hash>");   (top of module)
//   hits++;                 let hits = _hits.ready ? _hits.v : _hits.init(0);
//                           _hits.w(hits++, hits);
//
// In a chained initializer (`const re = exports.re = []`) only the value is persisted; the
// assignments in front of it run on every evaluation.
//
// The initializer stays inline (so `await`, `this` and `arguments` mean what they meant) and
// runs only while the cell is empty. The binding stays an ordinary binding, so `export let`
// remains a live export; every write also stores the new value in the cell.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { sourceHash } from "./hash";
import * as messages from "./messages";
import { callHandle, type RewriteContext } from "./rewrite-context";
import type { PersistExportTarget, PersistTarget } from "./targets";

const member = (object: t.Identifier, name: string): t.MemberExpression =>
  t.memberExpression(t.cloneNode(object), t.identifier(name));

/** The writes to persisted bindings, found before anything moves. */
export interface PersistWrites {
  target: PersistTarget;
  writes: NodePath[];
}

export function findPersistWrites(target: PersistTarget): PersistWrites {
  const binding = target.path.scope.getBinding(target.name);
  const writes = (binding?.constantViolations ?? []).filter((write) => write.node !== target.path.node);
  return { target, writes };
}

/** Rewrites the declarations of persisted bindings, then every write to them. */
export function rewritePersist(all: PersistWrites[], context: RewriteContext): void {
  const cells = new Map<PersistTarget, t.Identifier>();
  for (const { target } of all) cells.set(target, rewriteDeclaration(target, context));

  // One expression can write several persisted bindings (`[a, b] = [b, a]`): wrap it once,
  // with one store per binding.
  const stores = new Map<t.Node, { path: NodePath; cells: Array<{ cell: t.Identifier; name: string }> }>();
  for (const { target, writes } of all) {
    const cell = cells.get(target)!;
    for (const write of writes) {
      if (write.isAssignmentExpression() || write.isUpdateExpression()) {
        const entry = stores.get(write.node) ?? { path: write, cells: [] };
        entry.cells.push({ cell, name: target.name });
        stores.set(write.node, entry);
      } else {
        rewriteOtherWrite(write, target, cell);
      }
    }
  }
  for (const { path, cells: written } of stores.values()) {
    // x = v  →  _x.w(x = v, x): the expression keeps its value, the cell gets the new one.
    let expression = path.node as t.Expression;
    for (const { cell, name } of written)
      expression = t.callExpression(member(cell, "w"), [expression, t.identifier(name)]);
    path.replaceWith(expression);
  }
}

function rewriteDeclaration(target: PersistTarget, context: RewriteContext): t.Identifier {
  const declarator = target.path;
  const init = declarator.node.init;
  const cell = context.program.scope.generateUidIdentifier(target.name);
  const hash = sourceHash(init ? context.source.slice(init.start ?? 0, init.end ?? 0) : "");
  context.prelude.push(
    t.variableDeclaration("const", [
      t.variableDeclarator(cell, callHandle(context, "cell", [t.stringLiteral(target.name), t.stringLiteral(hash)])),
    ]),
  );
  const initial = init ?? t.unaryExpression("void", t.numericLiteral(0));
  const persisted = (value: t.Expression): t.Expression =>
    t.conditionalExpression(member(cell, "ready"), member(cell, "v"), t.callExpression(member(cell, "init"), [value]));
  // const re = exports.re = [];  →  const re = exports.re = _re.ready ? _re.v : _re.init([]);
  // The assignments in front of the value are the module's own code, not the value's: they
  // run on every evaluation, so a new `exports` object gets the persisted value too.
  const innermost = innermostAssignment(initial);
  if (innermost) innermost.right = persisted(innermost.right);
  else declarator.node.init = persisted(initial);
  return cell;
}

/** In `a = b.c = value`, the assignment whose right-hand side is the value; null when the initializer is no `=` assignment. */
function innermostAssignment(expression: t.Expression): t.AssignmentExpression | null {
  let assignment: t.AssignmentExpression | null = null;
  for (
    let current: t.Expression = expression;
    t.isAssignmentExpression(current, { operator: "=" });
    current = current.right
  )
    assignment = current;
  return assignment;
}

/** `for (x of xs)` and `for (var x of xs)`: the loop head assigns; store at the top of the body. */
function storeAtLoopStart(loop: NodePath<t.ForInStatement | t.ForOfStatement>, name: string, cell: t.Identifier): void {
  const body = loop.get("body") as NodePath<t.Statement>;
  const store = t.expressionStatement(t.assignmentExpression("=", member(cell, "v"), t.identifier(name)));
  if (body.isBlockStatement()) body.unshiftContainer("body", store);
  else body.replaceWith(t.blockStatement([store, body.node]));
}

function rewriteOtherWrite(write: NodePath, target: PersistTarget, cell: t.Identifier): void {
  if (write.isForInStatement() || write.isForOfStatement()) {
    storeAtLoopStart(write, target.name, cell);
    return;
  }
  if (write.isVariableDeclarator()) {
    const loop = write.parentPath.parentPath;
    if ((loop?.isForInStatement() || loop?.isForOfStatement()) && write.parentPath.key === "left") {
      storeAtLoopStart(loop, target.name, cell);
      return;
    }
    // var x = 1; … var x = 2;  →  var x = _x.init(2)
    if (write.node.init) write.node.init = t.callExpression(member(cell, "init"), [write.node.init]);
    return;
  }
  throw write.buildCodeFrameError(messages.persistWriteUnsupported(target.name, write.type));
}

/**
 * exports.hits = 0;  →  _hits.ready || _hits.init(0), _hits.bind(exports, "hits");
 * The export becomes an accessor backed by the cell, so every read and write through the
 * exports object (TypeScript compiles `hits++` on an exported let to `exports.hits++`) is the
 * persisted value.
 */
export function rewritePersistExport(target: PersistExportTarget, context: RewriteContext): void {
  const assignment = target.path.node;
  const cell = context.program.scope.generateUidIdentifier(target.name);
  const hash = sourceHash(context.source.slice(assignment.right.start ?? 0, assignment.right.end ?? 0));
  context.prelude.push(
    t.variableDeclaration("const", [
      t.variableDeclarator(cell, callHandle(context, "cell", [t.stringLiteral(target.name), t.stringLiteral(hash)])),
    ]),
  );
  const exportsObject = (assignment.left as t.MemberExpression).object;
  target.path.replaceWith(
    t.sequenceExpression([
      t.logicalExpression("||", member(cell, "ready"), t.callExpression(member(cell, "init"), [assignment.right])),
      t.callExpression(member(cell, "bind"), [t.cloneNode(exportsObject), t.stringLiteral(target.name)]),
    ]),
  );
}
