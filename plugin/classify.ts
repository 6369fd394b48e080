// Turns a marked node into a validated target, or refuses it with a code frame that says
// what is wrong and what to do instead (the wording is in messages.ts). Each branch names the
// input shape it takes.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { parseMarker, type MarkerKind } from "./markers";
import * as messages from "./messages";
import { places } from "./messages";
import type { Target } from "./targets";

/** The declaration a marker leads, with the `export` around it if any. */
interface Marked {
  declaration: NodePath;
  statement: NodePath; // the top-level statement if the declaration is one, else `declaration`
}

function unwrapExport(path: NodePath): Marked {
  if ((path.isExportNamedDeclaration() || path.isExportDefaultDeclaration()) && path.node.declaration) {
    return { declaration: path.get("declaration") as NodePath, statement: path };
  }
  if (path.parentPath?.isExportNamedDeclaration() || path.parentPath?.isExportDefaultDeclaration()) {
    return { declaration: path, statement: path.parentPath };
  }
  return { declaration: path, statement: path };
}

const isTopLevel = (statement: NodePath): boolean => statement.parentPath?.isProgram() ?? false;

/** Parentheses and TypeScript wrappers a function may sit in: `(() => {}) as Handler`. */
function unwrapExpression(path: NodePath): NodePath {
  let current = path;
  while (
    current.isParenthesizedExpression() ||
    current.isTSAsExpression() ||
    current.isTSSatisfiesExpression() ||
    current.isTSNonNullExpression() ||
    current.isTypeCastExpression()
  ) {
    current = current.get("expression") as NodePath;
  }
  return current;
}

const isFunctionValue = (path: NodePath): boolean => {
  const inner = unwrapExpression(path);
  return inner.isArrowFunctionExpression() || inner.isFunctionExpression();
};

function describeEnclosingFunction(path: NodePath): string {
  const fn = path.parentPath?.getFunctionParent();
  const id = fn?.node && "id" in fn.node && fn.node.id && "name" in fn.node.id ? fn.node.id.name : null;
  return places.insideFunction(id);
}

function bindingName(declarator: NodePath<t.VariableDeclarator>): string | null {
  const id = declarator.node.id;
  return id.type === "Identifier" ? id.name : null;
}

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

function classifyHot(path: NodePath): Target[] {
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

  if (declaration.isVariableDeclaration() && declaration.node.declare) throw declareError(path, "@chaud.hot");

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

/** `exports.name = …` or `module.exports.name = …` (name), `module.exports = …` ("module.exports"), else null. */
function commonJsExportName(expression: NodePath<t.AssignmentExpression>): string | null {
  const left = expression.node.left;
  const isExportsObject = (node: t.Node): boolean =>
    (t.isIdentifier(node, { name: "exports" }) && !expression.scope.hasBinding("exports")) ||
    (t.isMemberExpression(node) &&
      t.isIdentifier(node.object, { name: "module" }) &&
      !expression.scope.hasBinding("module") &&
      t.isIdentifier(node.property, { name: "exports" }) &&
      !node.computed);
  if (isExportsObject(left) && t.isMemberExpression(left)) return "module.exports";
  if (!t.isMemberExpression(left) || !isExportsObject(left.object)) return null;
  return !left.computed && t.isIdentifier(left.property)
    ? left.property.name
    : t.isStringLiteral(left.property)
      ? left.property.value
      : null;
}

/** `exports.name = <function>` and its `module.exports` forms, as a hot expression named after the export. */
function commonJsExport(expression: NodePath): Target | null {
  if (!expression.isAssignmentExpression({ operator: "=" })) return null;
  const right = expression.get("right");
  if (!isFunctionValue(right)) return null;
  const name = commonJsExportName(expression);
  return name === null ? null : { kind: "hot-expression", name, path: right as NodePath<t.Expression> };
}

function hotDeclarator(declarator: NodePath<t.VariableDeclarator>, markerPath: NodePath): Target {
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
  // names included (found by the plugin fuzzer on yocto-queue's `*[Symbol.iterator]()`).
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

function declareError(path: NodePath, marker: string): Error {
  return path.buildCodeFrameError(messages.declareDeclaration(marker));
}

function objectMemberError(path: NodePath): Error {
  return path.buildCodeFrameError(messages.hotObjectMember());
}

/** `marked` is the node the marker leads: refusals frame it, so the frame shows the marker. */
function classifyPersist(path: NodePath, marked: NodePath = path): Target[] {
  const { declaration, statement } = unwrapExport(path);
  // `let x = /* @chaud.persist */ 0`: the marker sits before the value.
  if (path.parentPath?.isVariableDeclarator() && path.key === "init")
    return classifyPersist(path.parentPath.parentPath!, path);
  if (declaration.isVariableDeclaration()) {
    if (declaration.node.declare) throw declareError(marked, "@chaud.persist");
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
