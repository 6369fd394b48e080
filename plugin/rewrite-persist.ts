// Persisted bindings.
//
//   let hits = 0;        →  const _hits = _chaud.cell("hits", "<hash>");   (top of module)
//   hits++;                 let hits = _hits.ready ? _hits.v : _hits.init(0);
//                           _hits.w(hits++, hits);
//
// The initializer stays inline (so `await`, `this` and `arguments` mean what they meant) and
// runs only while the cell is empty. The binding stays an ordinary binding, so `export let`
// remains a live export; every write also stores the new value in the cell.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { sourceHash } from "./hash";
import { callHandle, type RewriteContext } from "./rewrite-context";
import type { PersistTarget } from "./targets";

const member = (object: t.Identifier, name: string): t.MemberExpression => t.memberExpression(t.cloneNode(object), t.identifier(name));

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

export function rewritePersist({ target, writes }: PersistWrites, context: RewriteContext): t.Identifier {
  const declarator = target.path;
  const init = declarator.node.init;
  const cell = context.program.scope.generateUidIdentifier(target.name);
  const hash = sourceHash(init ? context.source.slice(init.start ?? 0, init.end ?? 0) : "");
  context.prelude.push(t.variableDeclaration("const", [t.variableDeclarator(cell, callHandle(context, "cell", [t.stringLiteral(target.name), t.stringLiteral(hash)]))]));
  const initial = init ?? t.unaryExpression("void", t.numericLiteral(0));
  declarator.node.init = t.conditionalExpression(member(cell, "ready"), member(cell, "v"), t.callExpression(member(cell, "init"), [initial]));
  for (const write of writes) rewriteWrite(write, target, cell);
  return cell;
}

function rewriteWrite(write: NodePath, target: PersistTarget, cell: t.Identifier): void {
  const name = t.identifier(target.name);
  if (write.isAssignmentExpression() || write.isUpdateExpression()) {
    // x = v  →  _x.w(x = v, x): the expression keeps its value, the cell gets the new one.
    write.replaceWith(t.callExpression(member(cell, "w"), [write.node, name]));
    return;
  }
  if (write.isVariableDeclarator()) {
    // var x = 1; … var x = 2;  →  var x = _x.init(2)
    write.node.init = t.callExpression(member(cell, "init"), [write.node.init ?? t.unaryExpression("void", t.numericLiteral(0))]);
    return;
  }
  if (write.isForInStatement() || write.isForOfStatement()) {
    // for (x of xs) body  →  for (x of xs) { _x.v = x; body }
    const body = write.get("body") as NodePath<t.Statement>;
    const store = t.expressionStatement(t.assignmentExpression("=", member(cell, "v"), name));
    if (body.isBlockStatement()) body.unshiftContainer("body", store);
    else body.replaceWith(t.blockStatement([store, body.node]));
    return;
  }
  throw write.buildCodeFrameError(`chaud cannot keep writes to the persisted "${target.name}" made here (${write.type}). Assign it with \`${target.name} = …\` instead.`);
}
