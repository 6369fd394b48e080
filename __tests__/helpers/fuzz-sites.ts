// The plugin fuzzer's sites: every place in a source file where a marker comment can go
// (the start of a function, class, method, variable declaration or declarator, statement,
// object member, initializer…), each with what the documented marker rules say a marker of each kind there
// must do. A marker goes right before the node's first character, where Babel makes it a
// leading comment of the outermost node that starts there, so only that node is a site.
//
// The judgement is written from the documented rules, not from the plugin's code: "accept" means the rules
// lists the place as markable, "refuse" means it lists it as bad input (a compile error with
// a code frame), "unsure" where the rules leave the choice open (a marker before one
// declarator of several, a string-keyed method…), in which case either outcome passes.

import { parseSync } from "@babel/core";
import traverse, { type NodePath } from "@babel/traverse";
import * as t from "@babel/types";

export type MarkerKind = "hot" | "persist" | "dispose";
export const MARKER_KINDS: readonly MarkerKind[] = ["hot", "persist", "dispose"];

/** One marked item, as the rules count them: two markers on one item are one item. */
export interface OracleTarget {
  /** The declaration the marker stands for (a declarator, a function, a class, an assignment). */
  item: t.Node;
  kind: MarkerKind;
  /** The registry name; null for dispose functions, which have no entry of their own. */
  name: string | null;
  /** A persisted `const`: nothing can write it, so a reload must leave its value identical. */
  constant?: boolean;
}

export type Judgement =
  | { verdict: "accept"; targets: OracleTarget[] }
  | { verdict: "refuse"; why: string }
  | { verdict: "unsure"; why: string }
  // A method marked alone: covered by its class's marker when the class is marked hot too.
  | { verdict: "method"; classNode: t.Class; judgement: Judgement };

export interface Site {
  /** Offset of the node's first character: the marker is inserted here. */
  start: number;
  line: number;
  /** Only white space before it on its line, so a `// @chaud.x` line comment fits. */
  atLineStart: boolean;
  type: string;
  judge: Record<MarkerKind, Judgement>;
  /** Classes that a @chaud.hot marker here marks hot (the class, its export, its const). */
  hotClasses: t.Class[];
}

export interface ParsedFile {
  sites: Site[];
}

const refuse = (why: string): Judgement => ({ verdict: "refuse", why });
const unsure = (why: string): Judgement => ({ verdict: "unsure", why });
const accept = (...targets: OracleTarget[]): Judgement => ({ verdict: "accept", targets });

export function collectSites(code: string, filename: string, sourceType: "script" | "module"): ParsedFile {
  const ast = parseSync(code, { babelrc: false, configFile: false, filename, sourceType });
  if (!ast) throw new Error(`cannot parse ${filename}`);
  const outermostAt = new Set<number>();
  const sites: Site[] = [];
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === "\n") lineStarts.push(i + 1);
  traverse(ast, {
    enter(path) {
      const start = path.node.start;
      if (start === null || start === undefined || outermostAt.has(start)) return;
      outermostAt.add(start);
      if (!isInteresting(path)) return;
      const line = path.node.loc?.start.line ?? 1;
      const lineStart = lineStarts[line - 1] ?? 0;
      sites.push({
        start,
        line,
        atLineStart: code.slice(lineStart, start).trim() === "",
        type: path.node.type,
        judge: { hot: judgeHot(path), persist: judgePersist(path), dispose: judgeDispose(path) },
        hotClasses: hotClassesCarriedBy(path),
      });
    },
  });
  return { sites };
}

/** The places a user might put a marker, good and bad; plain identifiers and literals are left out unless they are an initializer. */
function isInteresting(path: NodePath): boolean {
  if (path.isProgram() || path.isFile()) return false;
  if (path.isStatement() || path.isFunction() || path.isClass() || path.isVariableDeclarator()) return true;
  if (path.isClassProperty() || path.isClassPrivateProperty() || path.isObjectMember() || path.isClassPrivateMethod())
    return true;
  if (path.parentPath?.isVariableDeclarator() && path.key === "init") return true;
  if (path.isAssignmentExpression() || path.isCallExpression() || path.isNewExpression()) return true;
  return false;
}

/** The declaration a marker leads and the top-level statement around it (an export, or itself). */
function unwrapExport(path: NodePath): { declaration: NodePath; statement: NodePath } {
  if ((path.isExportNamedDeclaration() || path.isExportDefaultDeclaration()) && path.node.declaration) {
    return { declaration: path.get("declaration") as NodePath, statement: path };
  }
  if (path.parentPath?.isExportNamedDeclaration() || path.parentPath?.isExportDefaultDeclaration())
    return { declaration: path, statement: path.parentPath };
  return { declaration: path, statement: path };
}

const isTopLevel = (statement: NodePath): boolean => statement.parentPath?.isProgram() ?? false;
const isFunctionValue = (node: t.Node | null | undefined): boolean =>
  t.isArrowFunctionExpression(node) || t.isFunctionExpression(node);

function judgeHot(path: NodePath): Judgement {
  const { declaration, statement } = unwrapExport(path);
  if (declaration.isFunctionDeclaration()) {
    if (!isTopLevel(statement)) return refuse("nested function declaration");
    return accept({ item: declaration.node, kind: "hot", name: declaration.node.id?.name ?? "default" });
  }
  if (declaration.isVariableDeclaration()) {
    if (!isTopLevel(statement)) return refuse("nested variable declaration");
    const targets: OracleTarget[] = [];
    for (const declarator of declaration.node.declarations) {
      if (!t.isIdentifier(declarator.id)) return refuse("destructuring declaration");
      if (!isFunctionValue(declarator.init) && !t.isClassExpression(declarator.init))
        return refuse(`"${declarator.id.name}" holds no function`);
      targets.push({ item: declarator, kind: "hot", name: declarator.id.name });
    }
    return accept(...targets);
  }
  if (path.isArrowFunctionExpression() || path.isFunctionExpression() || path.isClassExpression()) {
    const parent = path.parentPath;
    if (parent?.isVariableDeclarator() && path.key === "init") {
      if (!isTopLevel(unwrapExport(parent.parentPath!).statement)) return refuse("function in a nested declaration");
      if (!t.isIdentifier(parent.node.id)) return refuse("destructuring declaration");
      return accept({ item: parent.node, kind: "hot", name: parent.node.id.name });
    }
    if (parent?.isExportDefaultDeclaration() && isTopLevel(parent))
      return accept({ item: path.node, kind: "hot", name: "default" });
    return refuse("function created inline");
  }
  if (declaration.isClassDeclaration()) {
    if (!isTopLevel(statement)) return refuse("nested class");
    return accept({ item: declaration.node, kind: "hot", name: declaration.node.id?.name ?? "default" });
  }
  if (path.isClassMethod()) return judgeHotMethod(path);
  if (path.isClassPrivateMethod()) {
    return {
      verdict: "method",
      classNode: path.parentPath.parentPath!.node as t.Class,
      judgement: refuse("a private method alone"),
    };
  }
  if (path.isClassProperty() || path.isClassPrivateProperty() || path.isObjectMember() || path.isStaticBlock()) {
    return refuse(`${path.type} cannot be hot`);
  }
  if (path.isExpressionStatement() && isTopLevel(path)) {
    const expression = path.node.expression;
    if (t.isAssignmentExpression(expression, { operator: "=" }) && isFunctionValue(expression.right)) {
      const name = commonJsExportName(path, expression);
      if (name !== null) return accept({ item: expression, kind: "hot", name });
    }
  }
  return refuse(`${path.type} is not a function, class or method`);
}

function judgeHotMethod(path: NodePath<t.ClassMethod>): Judgement {
  // Even in a hot class: a constructor's new code never reaches existing instances.
  if (path.node.kind === "constructor") return refuse("constructor");
  const classPath = path.parentPath.parentPath as NodePath<t.Class>;
  const own = ((): Judgement => {
    if (path.node.computed)
      return t.isStringLiteral(path.node.key) ? unsure("computed string key") : refuse("computed method name");
    if (!t.isIdentifier(path.node.key)) return unsure(`${path.node.key.type} method key`);
    const { statement } = unwrapExport(classPath);
    if (!classPath.isClassDeclaration() || !classPath.node.id || !isTopLevel(statement))
      return refuse("method of a nested, anonymous or expression class");
    let usesPrivate = false;
    path.traverse({
      PrivateName() {
        usesPrivate = true;
      },
    });
    if (usesPrivate) return refuse("method using private members");
    const member = path.node.kind === "method" ? path.node.key.name : `${path.node.kind} ${path.node.key.name}`;
    return accept({
      item: path.node,
      kind: "hot",
      name: `${classPath.node.id.name}.${path.node.static ? "static." : ""}${member}`,
    });
  })();
  return { verdict: "method", classNode: classPath.node, judgement: own };
}

/** `exports.x` and `module.exports.x` give "x", `module.exports` gives "module.exports", anything else null. */
function commonJsExportName(path: NodePath, expression: t.AssignmentExpression): string | null {
  const free = (name: string): boolean => !path.scope.hasBinding(name);
  const isExportsObject = (node: t.Node): boolean =>
    (t.isIdentifier(node, { name: "exports" }) && free("exports")) ||
    (t.isMemberExpression(node) &&
      !node.computed &&
      t.isIdentifier(node.object, { name: "module" }) &&
      free("module") &&
      t.isIdentifier(node.property, { name: "exports" }));
  const left = expression.left;
  if (isExportsObject(left) && t.isMemberExpression(left)) return "module.exports";
  if (!t.isMemberExpression(left) || !isExportsObject(left.object)) return null;
  if (!left.computed && t.isIdentifier(left.property)) return left.property.name;
  return t.isStringLiteral(left.property) ? left.property.value : null;
}

function judgePersist(path: NodePath): Judgement {
  if (path.parentPath?.isVariableDeclarator() && path.key === "init") return judgePersist(path.parentPath.parentPath!);
  const { declaration, statement } = unwrapExport(path);
  if (declaration.isVariableDeclaration()) {
    if (!isTopLevel(statement)) return refuse("nested variable");
    const targets: OracleTarget[] = [];
    for (const declarator of declaration.node.declarations) {
      if (!t.isIdentifier(declarator.id)) return refuse("destructuring declaration");
      targets.push({
        item: declarator,
        kind: "persist",
        name: declarator.id.name,
        constant: declaration.node.kind === "const",
      });
    }
    return accept(...targets);
  }
  if (
    path.isExpressionStatement() &&
    isTopLevel(path) &&
    t.isAssignmentExpression(path.node.expression, { operator: "=" })
  ) {
    const name = commonJsExportName(path, path.node.expression);
    if (name === "module.exports") return refuse("module.exports itself");
    if (name !== null) return accept({ item: path.node.expression, kind: "persist", name });
  }
  return refuse(`${path.type} is not a variable`);
}

function judgeDispose(path: NodePath): Judgement {
  const { declaration, statement } = unwrapExport(path);
  if (!declaration.isFunctionDeclaration() || !declaration.node.id)
    return refuse(`${path.type} is not a named function declaration`);
  if (!isTopLevel(statement)) return refuse("nested function");
  if (declaration.node.async || declaration.node.generator) return refuse("async or generator dispose");
  return accept({ item: declaration.node, kind: "dispose", name: null });
}

/** The classes a @chaud.hot marker at this node marks as a whole (the class, `export class`, `const C = class {}`). */
function hotClassesCarriedBy(path: NodePath): t.Class[] {
  const { declaration } = unwrapExport(path);
  if (declaration.isClass()) return [declaration.node];
  const declarators = declaration.isVariableDeclaration()
    ? declaration.node.declarations
    : declaration.isVariableDeclarator()
      ? [declaration.node]
      : [];
  return declarators
    .map((declarator) => declarator.init)
    .filter((init): init is t.ClassExpression => t.isClassExpression(init));
}
