// The plugin fuzzer's oracle for mode "all": the registry names a file's items get without a
// marker, written from the README's rules (not from the plugin's code). Top-level items only:
//   - function declarations; classes without decorators; const/let/var declarators holding an
//     arrow, a function expression or a class expression; `export default` of a function or class
//     ("default"); CommonJS `exports.x = <function>` ("x") and `module.exports = <function>`;
//   - methods and function-valued properties of `module.exports = {…}` ("exports.<key>") and
//     `export default {…}` ("default.<key>"), except getters, setters, computed keys and
//     methods using `super`;
//   - functions passed in a top-level call chain, `<callee>(<literal arguments>)#<ordinal>`,
//     with `@<argument position>` when one call passes several;
//   - never an item whose statement carries a @chaud.persist or @chaud.dispose marker: it is
//     what that marker says;
//   - and never a name two items would share.

import { parseSync, type TransformOptions } from "@babel/core";
import traverse, { type NodePath } from "@babel/traverse";
import * as t from "@babel/types";

/** The names, for code Babel parses with `options` (a TypeScript file needs its preset). */
export function implicitNames(code: string, options: TransformOptions): string[] {
  const ast = parseSync(code, options);
  if (!ast) throw new Error(`cannot parse ${options.filename ?? "the code"}`);
  const names: string[] = [];
  const ordinals = new Map<string, number>();
  traverse(ast, {
    Program(program) {
      for (const statement of program.get("body")) names.push(...namesOf(statement, ordinals));
      program.stop();
    },
  });
  return names.filter((name) => names.indexOf(name) === names.lastIndexOf(name));
}

/** Parentheses and TypeScript's `as`, `satisfies`, `!` and `<T>` around a value. */
const unwrap = (node: t.Node | null | undefined): t.Node | null | undefined =>
  t.isParenthesizedExpression(node) ||
  t.isTSAsExpression(node) ||
  t.isTSSatisfiesExpression(node) ||
  t.isTSNonNullExpression(node) ||
  t.isTSTypeAssertion(node)
    ? unwrap(node.expression)
    : node;
const isFunction = (node: t.Node | null | undefined): boolean =>
  t.isArrowFunctionExpression(unwrap(node)) || t.isFunctionExpression(unwrap(node));
const decorated = (node: t.Class): boolean =>
  (node.decorators?.length ?? 0) > 0 ||
  node.body.body.some((member) => ((member as t.ClassMethod).decorators ?? []).length > 0);

function namesOf(statement: NodePath<t.Statement>, ordinals: Map<string, number>): string[] {
  const node = statement.node;
  if ((node.leadingComments ?? []).some((comment) => /^[\s*]*@chaud\.(persist|dispose)\b/.test(comment.value)))
    return [];
  const declaration = t.isExportNamedDeclaration(node) || t.isExportDefaultDeclaration(node) ? node.declaration : node;
  if (!declaration) return [];
  if (t.isFunctionDeclaration(declaration)) return [declaration.id?.name ?? "default"];
  if (t.isClassDeclaration(declaration))
    return decorated(declaration) || declaration.declare ? [] : [declaration.id?.name ?? "default"];
  if (t.isVariableDeclaration(declaration) && !declaration.declare) {
    return declaration.declarations.flatMap((declarator) => {
      const init = unwrap(declarator.init);
      const hot = isFunction(init) || (t.isClassExpression(init) && !decorated(init));
      return t.isIdentifier(declarator.id) && hot ? [declarator.id.name] : [];
    });
  }
  if (t.isExportDefaultDeclaration(node)) {
    if (isFunction(declaration)) return ["default"];
    return t.isObjectExpression(declaration) ? memberNames(declaration, "default") : [];
  }
  if (!t.isExpressionStatement(declaration)) return [];
  const expression = declaration.expression;
  if (t.isAssignmentExpression(expression, { operator: "=" })) {
    const target = exportTarget(statement, expression.left);
    if (target !== null && isFunction(expression.right)) return [target];
    if (target === "module.exports" && t.isObjectExpression(expression.right))
      return memberNames(expression.right, "exports");
    return [];
  }
  return callbackNames(expression, ordinals);
}

/** `exports.x` / `module.exports.x` → "x", `module.exports` → "module.exports", else null. */
function exportTarget(statement: NodePath, left: t.Node): string | null {
  const free = (name: string): boolean => !statement.scope.hasBinding(name);
  const isModuleExports = (node: t.Node): boolean =>
    t.isMemberExpression(node) &&
    !node.computed &&
    t.isIdentifier(node.object, { name: "module" }) &&
    t.isIdentifier(node.property, { name: "exports" }) &&
    free("module");
  if (isModuleExports(left)) return "module.exports";
  if (!t.isMemberExpression(left)) return null;
  const onExports =
    (t.isIdentifier(left.object, { name: "exports" }) && free("exports")) || isModuleExports(left.object);
  if (!onExports) return null;
  if (!left.computed && t.isIdentifier(left.property)) return left.property.name;
  return t.isStringLiteral(left.property) ? left.property.value : null;
}

function memberNames(object: t.ObjectExpression, prefix: string): string[] {
  return object.properties.flatMap((member) => {
    if (!t.isObjectMethod(member) && !t.isObjectProperty(member)) return [];
    if (member.computed) return [];
    const key = t.isIdentifier(member.key) ? member.key.name : t.isStringLiteral(member.key) ? member.key.value : null;
    if (key === null) return [];
    if (t.isObjectMethod(member)) {
      let usesSuper = false;
      t.traverseFast(member.body, (inner) => {
        if (t.isSuper(inner)) usesSuper = true;
      });
      return member.kind === "method" && !usesSuper ? [`${prefix}.${key}`] : [];
    }
    return isFunction(member.value) ? [`${prefix}.${key}`] : [];
  });
}

function callbackNames(expression: t.Expression, ordinals: Map<string, number>): string[] {
  const calls: t.CallExpression[] = [];
  for (let node: t.Node = expression; ;) {
    if (t.isCallExpression(node)) {
      calls.unshift(node);
      node = node.callee;
    } else if (t.isMemberExpression(node)) node = node.object;
    else break;
  }
  const names: string[] = [];
  for (const call of calls) {
    const positions = call.arguments.flatMap((argument, index) => (isFunction(argument) ? [index + 1] : []));
    const text = textOf(call);
    if (positions.length === 0 || text === null || rootName(call) === "jest") continue;
    const ordinal = (ordinals.get(text) ?? 0) + 1;
    ordinals.set(text, ordinal);
    for (const position of positions) names.push(`${text}#${ordinal}${positions.length > 1 ? `@${position}` : ""}`);
  }
  return names;
}

function rootName(node: t.Node): string | null {
  if (t.isCallExpression(node)) return rootName(node.callee);
  if (t.isMemberExpression(node)) return rootName(node.object);
  return t.isIdentifier(node) ? node.name : null;
}

/** A call chain as a key reads it: names, `.member`, `["literal"]`, `this`, and calls and `new` with their literal arguments. */
function textOf(node: t.Node): string | null {
  if (t.isIdentifier(node)) return node.name;
  if (t.isThisExpression(node)) return "this";
  if (t.isMemberExpression(node)) {
    const object = textOf(node.object);
    if (object === null) return null;
    if (!node.computed) return t.isIdentifier(node.property) ? `${object}.${node.property.name}` : null;
    const literal = literalOf(node.property);
    return literal === null ? null : `${object}[${literal}]`;
  }
  if (t.isCallExpression(node) || t.isNewExpression(node)) {
    const callee = textOf(node.callee);
    if (callee === null) return null;
    const literals = node.arguments.map(literalOf).filter((text) => text !== null);
    return `${t.isNewExpression(node) ? "new " : ""}${callee}(${literals.join(", ")})`;
  }
  return null;
}

function literalOf(node: t.Node): string | null {
  if (t.isStringLiteral(node)) return JSON.stringify(node.value);
  if (t.isNumericLiteral(node)) return String(node.value);
  if (t.isTemplateLiteral(node) && node.expressions.length === 0) return JSON.stringify(node.quasis[0]!.value.cooked);
  return null;
}
