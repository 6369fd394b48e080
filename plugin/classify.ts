// Turns a marked node into a validated target, or refuses it with a code frame that says
// what is wrong and what to do instead (SPEC 7). Each branch names the input shape it takes.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { parseMarker, type MarkerKind } from "./markers";
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
  return id ? `inside "${id}"` : "inside another function or block";
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
      throw path.buildCodeFrameError(
        `@chaud.hot cannot mark "${name}": it is declared ${describeEnclosingFunction(declaration)}, and only top-level functions can be hot. Move "${name}" to the top level of the module, or remove the marker.`,
      );
    }
    return [{ kind: "hot-declaration", name, path: declaration }];
  }

  // `function f(a: string): void;` overload signatures: the marker applies to the implementation.
  if (declaration.isTSDeclareFunction() && declaration.node.id && isTopLevel(statement)) {
    const name = declaration.node.id.name;
    const implementation = findImplementation(statement, name);
    if (!implementation)
      throw path.buildCodeFrameError(
        `@chaud.hot marks the overload signature "${name}", but no implementation of "${name}" follows it. Mark the function that has a body.`,
      );
    return [{ kind: "hot-declaration", name, path: implementation }];
  }

  if (declaration.isVariableDeclaration() && declaration.node.declare) throw declareError(path, "@chaud.hot");

  // `const f = () => {}`, `let f = function () {}`, `export const f = …`
  if (declaration.isVariableDeclaration()) {
    if (!isTopLevel(statement)) {
      throw path.buildCodeFrameError(
        `@chaud.hot can only mark top-level declarations; this one is ${describeEnclosingFunction(declaration)}. Move it to the top level of the module, or remove the marker.`,
      );
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
    throw path.buildCodeFrameError(
      `@chaud.hot can only mark a function that is declared at the top level of a module, not one passed or created inline. Declare it as a top-level function (or const) and mark that.`,
    );
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
    if (declaration.node.declare)
      throw path.buildCodeFrameError(
        `@chaud.hot cannot mark "declare class ${name}": it has no code at run time. Remove the marker.`,
      );
    if (!isTopLevel(statement))
      throw path.buildCodeFrameError(
        `@chaud.hot cannot mark class "${name}": it is declared ${describeEnclosingFunction(declaration)}. Only top-level classes can be hot; move it to the top level of the module.`,
      );
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
    if (!implementation)
      throw path.buildCodeFrameError(
        `@chaud.hot marks the overload signature of "${name ?? "this method"}", but no implementation with a body follows it. Mark the method that has a body.`,
      );
    return hotMethod(implementation);
  }
  if (path.isClassPrivateMethod()) {
    // A method marked inside a class that is itself hot: the class marker covers it.
    if (isMarkedHot(path.parentPath.parentPath as NodePath<t.Class>)) return [];
    throw path.buildCodeFrameError(
      `@chaud.hot cannot mark the private method "#${path.node.key.id.name}" alone. Mark the whole class with @chaud.hot instead; its private methods then reload too.`,
    );
  }
  if (path.isClassProperty() || path.isClassPrivateProperty() || path.isClassAccessorProperty()) {
    throw path.buildCodeFrameError(
      `@chaud.hot cannot mark a class field: its value is created per instance by the constructor. Write it as a method and mark that, or mark the whole class.`,
    );
  }
  if (path.isObjectMethod() || path.isObjectProperty()) throw objectMemberError(path);
  // CommonJS: `exports.f = function () {}`, `module.exports.f = () => {}`, `module.exports = function () {}`
  if (path.isExpressionStatement() && isTopLevel(path)) {
    const target = commonJsExport(path.get("expression"));
    if (target) return [target];
  }
  throw path.buildCodeFrameError(
    `@chaud.hot cannot mark this ${path.type}. It marks top-level functions, consts holding a function, classes and class methods.`,
  );
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
  if (!name)
    throw markerPath.buildCodeFrameError(
      `@chaud.hot cannot mark a destructuring declaration. Declare each hot function as its own const.`,
    );
  if (init.node && unwrapExpression(init as NodePath).isClassExpression()) {
    return { kind: "hot-class", name, path: unwrapExpression(init as NodePath) as NodePath<t.ClassExpression> };
  }
  if (!init.node || !isFunctionValue(init as NodePath)) {
    throw markerPath.buildCodeFrameError(
      `@chaud.hot cannot mark "${name}": its value is not a function. Initialize it with an arrow function or function expression, or use @chaud.persist to keep a value across reloads.`,
    );
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
    throw path.buildCodeFrameError(
      `@chaud.hot cannot mark a constructor: instances that already exist ran the old one. Mark the whole class with @chaud.hot to reload its methods, and restart to apply a new constructor.`,
    );
  }
  const classPath = path.parentPath.parentPath as NodePath<t.Class>;
  // A method marked inside a class that is itself hot: the class marker covers it, computed
  // names included (found by the plugin fuzzer on yocto-queue's `*[Symbol.iterator]()`).
  if (isMarkedHot(classPath)) return [];
  if (methodName === null)
    throw path.buildCodeFrameError(
      `@chaud.hot cannot mark a method with a computed name. Give it a plain name, or mark the whole class.`,
    );
  const { statement } = unwrapExport(classPath);
  const className = classPath.isClassDeclaration() ? classPath.node.id?.name : undefined;
  if (!className || !isTopLevel(statement)) {
    const where = className
      ? `class "${className}", which is not at the top level`
      : classPath.node.id
        ? `the class expression "${classPath.node.id.name}"`
        : "an anonymous class";
    throw path.buildCodeFrameError(
      `@chaud.hot can mark a single method only in a named top-level class declaration; "${methodName}" is in ${where}. Declare the class as \`class Name {}\` at the top level of the module, or mark the whole class.`,
    );
  }
  let usesPrivate = false;
  path.traverse({
    PrivateName() {
      usesPrivate = true;
    },
  });
  if (usesPrivate) {
    throw path.buildCodeFrameError(
      `@chaud.hot cannot mark "${methodName}" alone: it uses private members, which a new version of an unmarked class cannot reach on existing instances. Mark the whole class "${className}" with @chaud.hot instead.`,
    );
  }
  const member = path.node.kind === "method" ? methodName : `${path.node.kind} ${methodName}`;
  const name = `${className}.${path.node.static ? "static." : ""}${member}`;
  return [{ kind: "hot-method", name, className, path, classStatement: statement as NodePath<t.Statement> }];
}

function declareError(path: NodePath, marker: string): Error {
  return path.buildCodeFrameError(
    `${marker} cannot mark a \`declare\` declaration: it only describes a type and has no value at run time. Remove the marker, or drop \`declare\` and give it a value.`,
  );
}

function objectMemberError(path: NodePath): Error {
  return path.buildCodeFrameError(
    `@chaud.hot cannot mark a method or function inside an object literal: the object is rebuilt on every evaluation. Declare a top-level hot function and put it in the object: \`/* @chaud.hot */ function handler() {}\` then \`{ handler }\`.`,
  );
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
      throw marked.buildCodeFrameError(
        `@chaud.persist can only mark top-level variables; this one is ${describeEnclosingFunction(declaration)}, where it starts afresh on every call anyway. Move it to the top level of the module.`,
      );
    }
    return declaration.get("declarations").map((declarator): Target => {
      const name = bindingName(declarator);
      if (!name)
        throw marked.buildCodeFrameError(
          `@chaud.persist cannot mark a destructuring declaration. Persist the whole value in one variable (\`const state = …\`) and destructure it where you use it.`,
        );
      return { kind: "persist", name, path: declarator };
    });
  }
  // CommonJS, and what TypeScript emits for `export let x = …` under module commonjs (ts-jest):
  // `exports.x = …` / `module.exports.x = …`
  if (path.isExpressionStatement() && isTopLevel(path)) {
    const expression = path.get("expression");
    const name = expression.isAssignmentExpression({ operator: "=" }) ? commonJsExportName(expression) : null;
    if (name === "module.exports")
      throw marked.buildCodeFrameError(
        `@chaud.persist cannot mark \`module.exports = …\`: the exports object itself is the module's identity. Persist a property (\`exports.state = …\`) or a top-level variable instead.`,
      );
    if (name !== null) return [{ kind: "persist-export", name, path: expression as NodePath<t.AssignmentExpression> }];
  }
  if (declaration.isFunctionDeclaration() || declaration.isClassDeclaration()) {
    const name = declaration.node.id?.name ?? "default";
    throw marked.buildCodeFrameError(
      `@chaud.persist keeps values, and "${name}" is a ${declaration.isClassDeclaration() ? "class" : "function"}. Use @chaud.hot to reload it instead.`,
    );
  }
  throw marked.buildCodeFrameError(
    `@chaud.persist cannot mark this ${path.type}. It marks top-level const, let and var declarations.`,
  );
}

function classifyDispose(path: NodePath): Target[] {
  const { declaration, statement } = unwrapExport(path);
  if (declaration.isFunctionDeclaration() && declaration.node.id) {
    const name = declaration.node.id.name;
    if (!isTopLevel(statement))
      throw path.buildCodeFrameError(
        `@chaud.dispose can only mark a top-level function; "${name}" is declared ${describeEnclosingFunction(declaration)}. Move it to the top level of the module.`,
      );
    if (declaration.node.async || declaration.node.generator) {
      throw path.buildCodeFrameError(
        `@chaud.dispose runs "${name}" synchronously before the module is replaced, so it cannot be ${declaration.node.async ? "async" : "a generator"}. Make it a plain function.`,
      );
    }
    return [{ kind: "dispose", name, path: declaration }];
  }
  throw path.buildCodeFrameError(
    `@chaud.dispose marks a named top-level function declaration (\`function cleanup() {}\`) that chaud calls before the module is replaced.`,
  );
}
