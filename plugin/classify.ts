// Turns a marked node into a validated target, or refuses it with a code frame that says
// what is wrong and what to do instead (the wording is in messages.ts). Each branch names the
// input shape it takes; @chaud.hot's are in classify-hot.ts.

import type { NodePath } from "@babel/traverse";
import type * as t from "@babel/types";
import { classifyHot } from "./classify-hot";
import { unwrapExport, isTopLevel, describeEnclosingFunction, bindingName, commonJsExportName } from "./marked-node";
import type { MarkerKind } from "./markers";
import * as messages from "./messages";
import type { Target } from "./targets";

export function classify(kind: MarkerKind, path: NodePath): Target[] {
  switch (kind) {
    case "hot":
      return classifyHot(path);
    case "persist":
      return classifyPersist(path);
    case "dispose":
      return classifyDispose(path);
  }
}

/** `marked` is the node the marker leads: refusals frame it, so the frame shows the marker. */
function classifyPersist(path: NodePath, marked: NodePath = path): Target[] {
  const { declaration, statement } = unwrapExport(path);
  // `let x = /* @chaud.persist */ 0`: the marker sits before the value.
  if (path.parentPath?.isVariableDeclarator() && path.key === "init")
    return classifyPersist(path.parentPath.parentPath!, path);
  if (declaration.isVariableDeclaration()) {
    if (declaration.node.declare) throw marked.buildCodeFrameError(messages.declareDeclaration("@chaud.persist"));
    if (!isTopLevel(statement)) {
      throw marked.buildCodeFrameError(messages.persistNested(describeEnclosingFunction(declaration)));
    }
    return declaration.get("declarations").map((declarator): Target => {
      const name = bindingName(declarator);
      if (!name) throw marked.buildCodeFrameError(messages.persistDestructuring());
      return { kind: "persist", name, path: declarator };
    });
  }
  // CommonJS, and what TypeScript emits for `export let x = …` under module commonjs (ts-jest):
  // `exports.x = …` / `module.exports.x = …`
  if (path.isExpressionStatement() && isTopLevel(path)) {
    const expression = path.get("expression");
    const name = expression.isAssignmentExpression({ operator: "=" }) ? commonJsExportName(expression) : null;
    if (name === "module.exports") throw marked.buildCodeFrameError(messages.persistModuleExports());
    if (name !== null) return [{ kind: "persist-export", name, path: expression as NodePath<t.AssignmentExpression> }];
  }
  if (declaration.isFunctionDeclaration() || declaration.isClassDeclaration()) {
    const name = declaration.node.id?.name ?? "default";
    throw marked.buildCodeFrameError(
      messages.persistCode(name, declaration.isClassDeclaration() ? "class" : "function"),
    );
  }
  throw marked.buildCodeFrameError(messages.persistUnsupported(path.type));
}

function classifyDispose(path: NodePath): Target[] {
  const { declaration, statement } = unwrapExport(path);
  if (declaration.isFunctionDeclaration() && declaration.node.id) {
    const name = declaration.node.id.name;
    if (!isTopLevel(statement))
      throw path.buildCodeFrameError(messages.disposeNested(name, describeEnclosingFunction(declaration)));
    if (declaration.node.async || declaration.node.generator) {
      throw path.buildCodeFrameError(
        messages.disposeNotSynchronous(name, declaration.node.async ? "async" : "a generator"),
      );
    }
    return [{ kind: "dispose", name, path: declaration }];
  }
  throw path.buildCodeFrameError(messages.disposeUnsupported());
}
