// @chaud.hot's part of classify.ts: the shapes a hot marker takes (a top-level function, a
// const holding one, a class, a single class method, a CommonJS export), each branch naming
// the input it takes, and a refusal for everything else.

import type { NodePath } from "@babel/traverse";
import type * as t from "@babel/types";
import {
  unwrapExport,
  isTopLevel,
  unwrapExpression,
  isFunctionValue,
  describeEnclosingFunction,
  bindingName,
  commonJsExportName,
} from "./marked-node";
import { parseMarker } from "./markers";
import * as messages from "./messages";
import { places } from "./messages";
import type { Target } from "./targets";

export function classifyHot(path: NodePath): Target[] {
  const { declaration, statement } = unwrapExport(path);

  // `function f() {}`, `export function f() {}`, `export default function () {}`
  if (declaration.isFunctionDeclaration()) {
    const name = declaration.node.id?.name ?? "default";
    if (!isTopLevel(statement)) {
      throw path.buildCodeFrameError(messages.hotNestedFunction(name, describeEnclosingFunction(declaration)));
    }
    return [{ kind: "hot-declaration", name, path: declaration }];
  }

  // `function f(a: string): void;` overload signatures: the marker applies to the implementation.
  if (declaration.isTSDeclareFunction() && declaration.node.id && isTopLevel(statement)) {
    const name = declaration.node.id.name;
    const implementation = findImplementation(statement, name);
    if (!implementation) throw path.buildCodeFrameError(messages.hotOverloadWithoutImplementation(name));
    return [{ kind: "hot-declaration", name, path: implementation }];
  }

  if (declaration.isVariableDeclaration() && declaration.node.declare)
    throw path.buildCodeFrameError(messages.declareDeclaration("@chaud.hot"));

  // `const f = () => {}`, `let f = function () {}`, `export const f = …`
  if (declaration.isVariableDeclaration()) {
    if (!isTopLevel(statement)) {
      throw path.buildCodeFrameError(messages.hotNestedDeclaration(describeEnclosingFunction(declaration)));
    }
    return declaration.get("declarations").map((declarator) => hotDeclarator(declarator, path));
  }

  // `const f = /* @chaud.hot */ () => {}` (marker before the function itself)
  if (path.isArrowFunctionExpression() || path.isFunctionExpression() || path.isClassExpression()) {
    const declarator = path.parentPath;
    if (
      declarator?.isVariableDeclarator() &&
      declarator.parentPath.parentPath &&
      isTopLevel(unwrapExport(declarator.parentPath).statement)
    ) {
      return [hotDeclarator(declarator, path)];
    }
    // `export default () => {}`
    if (statement !== path && statement.isExportDefaultDeclaration() && isTopLevel(statement)) {
      return [{ kind: "hot-expression", name: "default", path: path as NodePath<t.Expression> }];
    }
    if (path.parentPath?.isObjectProperty()) throw objectMemberError(path);
    throw path.buildCodeFrameError(messages.hotInlineFunction());
  }

  // `export default (a) => a` with the marker before `export`
  if (
    statement.isExportDefaultDeclaration() &&
    (declaration.isArrowFunctionExpression() || declaration.isFunctionExpression())
  ) {
    return [{ kind: "hot-expression", name: "default", path: declaration as NodePath<t.Expression> }];
  }

  // `class Foo {}`, `export class Foo {}`, `export default class {}`
  if (declaration.isClassDeclaration()) {
    const name = declaration.node.id?.name ?? "default";
    if (declaration.node.declare) throw path.buildCodeFrameError(messages.hotDeclareClass(name));
    if (!isTopLevel(statement))
      throw path.buildCodeFrameError(messages.hotNestedClass(name, describeEnclosingFunction(declaration)));
    return [{ kind: "hot-class", name, path: declaration }];
  }

  // `class A { /* @chaud.hot */ method() {} }`
  if (path.isClassMethod()) return hotMethod(path);
  // `class A { /* @chaud.hot */ m(a: string): string; m(a: any) {…} }`: overload signatures of a method.
  if (path.isTSDeclareMethod()) {
    const key = path.node.key;
    const name = key.type === "Identifier" && !path.node.computed ? key.name : null;
    const implementation = (path.getAllNextSiblings() as NodePath[]).find(
      (sibling): sibling is NodePath<t.ClassMethod> =>
        sibling.isClassMethod() &&
        !sibling.node.computed &&
        sibling.node.key.type === "Identifier" &&
        sibling.node.key.name === name &&
        sibling.node.static === path.node.static,
    );
    if (!implementation) throw path.buildCodeFrameError(messages.hotMethodOverloadWithoutImplementation(name));
    return hotMethod(implementation);
  }
  if (path.isClassPrivateMethod()) {
    // A method marked inside a class that is itself hot: the class marker covers it.
    if (isMarkedHot(path.parentPath.parentPath as NodePath<t.Class>)) return [];
    throw path.buildCodeFrameError(messages.hotPrivateMethodAlone(path.node.key.id.name));
  }
  if (path.isClassProperty() || path.isClassPrivateProperty() || path.isClassAccessorProperty()) {
    throw path.buildCodeFrameError(messages.hotClassField());
  }
  if (path.isObjectMethod() || path.isObjectProperty()) throw objectMemberError(path);
  // CommonJS: `exports.f = function () {}`, `module.exports.f = () => {}`, `module.exports = function () {}`
  if (path.isExpressionStatement() && isTopLevel(path)) {
    const target = commonJsExport(path.get("expression"));
    if (target) return [target];
  }
  throw path.buildCodeFrameError(messages.hotUnsupported(path.type));
}

/** `exports.name = <function>` and its `module.exports` forms, as a hot expression named after the export. */
function commonJsExport(expression: NodePath): Target | null {
  if (!expression.isAssignmentExpression({ operator: "=" })) return null;
  const right = expression.get("right");
  if (!isFunctionValue(right)) return null;
  const name = commonJsExportName(expression);
  return name === null ? null : { kind: "hot-expression", name, path: right as NodePath<t.Expression> };
}

export function hotDeclarator(declarator: NodePath<t.VariableDeclarator>, markerPath: NodePath): Target {
  const name = bindingName(declarator);
  const init = declarator.get("init");
  if (!name) throw markerPath.buildCodeFrameError(messages.hotDestructuring());
  if (init.node && unwrapExpression(init as NodePath).isClassExpression()) {
    return { kind: "hot-class", name, path: unwrapExpression(init as NodePath) as NodePath<t.ClassExpression> };
  }
  if (!init.node || !isFunctionValue(init as NodePath)) {
    throw markerPath.buildCodeFrameError(messages.hotNotAFunction(name));
  }
  return { kind: "hot-expression", name, path: init as NodePath<t.Expression> };
}

function findImplementation(signature: NodePath, name: string): NodePath<t.FunctionDeclaration> | null {
  for (const sibling of signature.getAllNextSiblings()) {
    const { declaration } = unwrapExport(sibling);
    if (declaration.isFunctionDeclaration() && declaration.node.id?.name === name) return declaration;
  }
  return null;
}

/** Whether a class carries a @chaud.hot marker itself (on it, its export or its declaration). */
function isMarkedHot(classPath: NodePath<t.Class>): boolean {
  const carriers: NodePath[] = [classPath];
  const declarator = classPath.parentPath;
  if (declarator?.isVariableDeclarator()) carriers.push(declarator, declarator.parentPath);
  const last = carriers[carriers.length - 1]!;
  if (last.parentPath?.isExportNamedDeclaration() || last.parentPath?.isExportDefaultDeclaration())
    carriers.push(last.parentPath);
  return carriers.some((carrier) =>
    (carrier.node.leadingComments ?? []).some((comment) => parseMarker(comment)?.kind === "hot"),
  );
}

function hotMethod(path: NodePath<t.ClassMethod>): Target[] {
  const methodName =
    path.node.key.type === "Identifier" && !path.node.computed
      ? path.node.key.name
      : path.node.key.type === "StringLiteral"
        ? path.node.key.value
        : null;
  if (path.node.kind === "constructor") {
    throw path.buildCodeFrameError(messages.hotConstructor());
  }
  const classPath = path.parentPath.parentPath as NodePath<t.Class>;
  // A method marked inside a class that is itself hot: the class marker covers it, computed
  // names (`*[Symbol.iterator]()`) included.
  if (isMarkedHot(classPath)) return [];
  if (methodName === null) throw path.buildCodeFrameError(messages.hotComputedMethodName());
  const { statement } = unwrapExport(classPath);
  const className = classPath.isClassDeclaration() ? classPath.node.id?.name : undefined;
  if (!className || !isTopLevel(statement)) {
    const where = className
      ? places.nestedClass(className)
      : classPath.node.id
        ? places.classExpression(classPath.node.id.name)
        : places.anonymousClass;
    throw path.buildCodeFrameError(messages.hotMethodOutsideTopLevelClass(methodName, where));
  }
  let usesPrivate = false;
  path.traverse({
    PrivateName() {
      usesPrivate = true;
    },
  });
  if (usesPrivate) {
    throw path.buildCodeFrameError(messages.hotMethodUsesPrivate(methodName, className));
  }
  const member = path.node.kind === "method" ? methodName : `${path.node.kind} ${methodName}`;
  const name = `${className}.${path.node.static ? "static." : ""}${member}`;
  return [{ kind: "hot-method", name, className, path, classStatement: statement as NodePath<t.Statement> }];
}

function objectMemberError(path: NodePath): Error {
  return path.buildCodeFrameError(messages.hotObjectMember());
}
