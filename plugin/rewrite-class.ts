// Hot classes.
//
//   class Foo extends Base { #n = 0; m() { return this.#n } }
// becomes
//   const _Foo_n = _chaud.priv("Foo.#n");
//   let Foo = _chaud.cls("Foo", { Foo: class extends Base { [_Foo_n] = 0; m() { return this[_Foo_n] } } }.Foo, "<hash>", "<shape>");
//
// The class expression is anonymous (the property key names it) so that `Foo` inside its
// body means the outer binding, which is the first class ever evaluated for the key:
// `new Foo()` in a new method still makes instances of the class that existing code holds.
// Private members become properties keyed by symbols the registry keeps for the process,
// because a new class body would mint new private names that instances made before the
// reload do not have.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { decoratorsHash, type DecorateStatement } from "./decorators";
import { sourceHash } from "./hash";
import { callHandle, hashOf, hotHashOf, type RewriteContext } from "./rewrite-context";
import type { HotClassTarget } from "./targets";

/** `decorations`: the compiled decorator statements that apply to the class (decorators.ts). */
export function rewriteHotClass(
  target: HotClassTarget,
  context: RewriteContext,
  decorations: readonly DecorateStatement[] = [],
): void {
  const path = target.path;
  const node = path.node;
  const hash = hashOf(context, node);
  const shapeHash = shapeHashOf(node, context.source);
  // Taken before the rewrite below changes the body (private names).
  const decorated = decoratorsHash(node, decorations, context.source);
  const memberHashes = target.implicit ? memberHashesOf(path, context) : null;
  const symbols = replacePrivateNames(path, target.name, context);

  const self = resolveSelfReferences(path, target.name, context);
  const before = [...symbols];
  if (self && !self.own) {
    // class Registry { static shared = new Registry() }
    //   →  let _Registry;
    //      let Registry = _chaud.cls("Registry", { Registry: class { static { _Registry = this; } static shared = new _Registry() } }.Registry, …)
    // A static block that runs first names the class being defined for the static
    // initializers after it; the class itself stays anonymous, so it is named "Registry".
    before.push(t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(self.id))]));
    node.body.body.unshift(
      t.staticBlock([t.expressionStatement(t.assignmentExpression("=", t.cloneNode(self.id), t.thisExpression()))]),
    );
  }
  const ownName = self?.own ? self.id : null;
  const expression = t.classExpression(ownName, node.superClass, node.body, node.decorators);
  expression.typeParameters = node.typeParameters ?? null;
  expression.superTypeParameters = node.superTypeParameters ?? null;
  expression.implements = node.implements ?? null;
  const args = [
    t.stringLiteral(target.name),
    ownName ? expression : namedByItsKey(target.name, expression),
    t.stringLiteral(hash),
    t.stringLiteral(shapeHash),
    // Only decorated classes have it, and mode "all"'s (then `void 0` where there are none), so
    // other classes compile as before.
    ...(decorated !== null ? [t.stringLiteral(decorated)] : memberHashes ? [t.buildUndefinedNode()] : []),
    ...(memberHashes ? [memberHashes] : []),
  ];
  const call = callHandle(context, "cls", args);

  const topStatement = path.findParent((p) => p.parentPath?.isProgram() ?? false) ?? path;
  if (before.length > 0) topStatement.insertBefore(before);

  if (path.isClassExpression()) {
    // const Foo = class {}  →  const Foo = _chaud.cls("Foo", class {}, …)
    path.replaceWith(call);
    return;
  }
  const id = node.id;
  const exported = path.parentPath;
  if (exported?.isExportDefaultDeclaration()) {
    if (!id) {
      // export default class {}  →  export default _chaud.cls("default", class {}, …)
      path.replaceWith(call);
      return;
    }
    // export default class Foo {}  →  let Foo = _chaud.cls(…); export { Foo as default };
    exported.replaceWithMultiple([
      t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(id), call)]),
      t.exportNamedDeclaration(null, [t.exportSpecifier(t.cloneNode(id), t.identifier("default"))]),
    ]);
    return;
  }
  // class Foo {} / export class Foo {}  →  let Foo = _chaud.cls("Foo", class {}, …)
  // (a class declaration's binding is mutable and in its temporal dead zone until here, like `let`)
  path.replaceWith(t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(id!), call)]));
}

/**
 * `{ Foo: class {} }.Foo`: the anonymous class gets its name from the property key, as the
 * declaration did, without a binding of `Foo` inside its body. The runtime could set `.name`,
 * but V8 takes the name in "Class constructor Foo cannot be invoked without 'new'" and in
 * stack traces (`at new Foo`) from the class's source, not from `.name`.
 */
function namedByItsKey(name: string, expression: t.ClassExpression): t.Expression {
  const key = t.isValidIdentifier(name) ? t.identifier(name) : t.stringLiteral(name);
  return t.memberExpression(
    t.objectExpression([t.objectProperty(key, expression)]),
    t.cloneNode(key),
    key.type === "StringLiteral",
  );
}

/**
 * Which class a name inside the body means. Static field initializers and static blocks run
 * while the class is being defined, before the outer binding exists, so there the class
 * must be named by an inner name (`_Registry`, see rewriteHotClass; `own: false`).
 * Everywhere else (methods, instance fields) the name must mean the outer binding, which
 * is the stable class. A class expression's own name (`class Inner {}`) is kept as the
 * inner name, and its uses outside static initializers are pointed at the outer binding.
 */
function resolveSelfReferences(
  path: NodePath<t.Class>,
  name: string,
  context: RewriteContext,
): { id: t.Identifier; own: boolean } | null {
  const outerBinding = path.parentPath?.scope.getBinding(name);
  const ownId = path.isClassExpression() ? path.node.id : null;
  const ownBinding = ownId ? path.scope.getBinding(ownId.name) : undefined;
  const inner = ownId ? t.cloneNode(ownId) : context.program.scope.generateUidIdentifier(name);
  let innerUsed = ownId !== null && ownId !== undefined;
  for (const member of path.get("body").get("body")) {
    const runsAtDefinition =
      member.isStaticBlock() || ((member.isClassProperty() || member.isClassPrivateProperty()) && member.node.static);
    member.traverse({
      ReferencedIdentifier(reference) {
        const binding = reference.scope.getBinding(reference.node.name);
        if (runsAtDefinition && outerBinding && binding === outerBinding) {
          reference.replaceWith(t.cloneNode(inner));
          innerUsed = true;
        } else if (!runsAtDefinition && ownBinding && binding === ownBinding && ownId!.name !== name) {
          reference.replaceWith(t.identifier(name));
        }
      },
    });
  }
  return innerUsed ? { id: inner, own: ownId !== null && ownId !== undefined } : null;
}

/**
 * Mode "all": the hash of each method and accessor named in the source, as a hot function's
 * (rewrite-context.ts's hotHashOf), keyed as the runtime finds their stubs: `name`, `get name`,
 * `static set name`. The runtime watches where they run, as it does functions, so an edit of a
 * method that ran only at start-up (`initRoutes()` called by the constructor of an object made
 * at the top level) restarts instead of leaving the routes it registered stale.
 */
function memberHashesOf(path: NodePath<t.Class>, context: RewriteContext): t.ObjectExpression | null {
  const properties: t.ObjectProperty[] = [];
  for (const member of path.get("body").get("body")) {
    if (!member.isClassMethod() || member.node.kind === "constructor") continue;
    const { key, computed, kind } = member.node;
    const name = !computed && t.isIdentifier(key) ? key.name : t.isStringLiteral(key) ? key.value : null;
    if (name === null) continue;
    const label = `${member.node.static ? "static " : ""}${kind === "method" ? "" : `${kind} `}${name}`;
    const labelKey = t.isValidIdentifier(label) ? t.identifier(label) : t.stringLiteral(label);
    properties.push(t.objectProperty(labelKey, t.stringLiteral(hotHashOf(context, member, true))));
  }
  return properties.length > 0 ? t.objectExpression(properties) : null;
}

/** What existing instances already ran and a reload cannot redo: constructor and field initializers. */
function shapeHashOf(node: t.Class, source: string): string {
  const parts: string[] = [];
  for (const member of node.body.body) {
    const isConstructor = t.isClassMethod(member) && member.kind === "constructor";
    const isInstanceField = (t.isClassProperty(member) || t.isClassPrivateProperty(member)) && !member.static;
    const isStaticState =
      (t.isClassProperty(member) || t.isClassPrivateProperty(member)) && member.static && !t.isFunction(member.value);
    if (isConstructor || isInstanceField || isStaticState) parts.push(source.slice(member.start ?? 0, member.end ?? 0));
  }
  return sourceHash(parts.join("\n"));
}

function declaredPrivateNames(node: t.Class): Set<string> {
  const names = new Set<string>();
  for (const member of node.body.body) {
    if (t.isClassPrivateProperty(member) || t.isClassPrivateMethod(member)) names.add(member.key.id.name);
  }
  return names;
}

/** Rewrites `#x` to `[_Foo_x]` in the class body; returns the symbol declarations to insert. */
function replacePrivateNames(path: NodePath<t.Class>, className: string, context: RewriteContext): t.Statement[] {
  const names = declaredPrivateNames(path.node);
  if (names.size === 0) return [];
  const ids = new Map<string, t.Identifier>();
  const declarations: t.Statement[] = [];
  for (const name of names) {
    const id = context.program.scope.generateUidIdentifier(`${className}_${name}`);
    ids.set(name, id);
    const call = callHandle(context, "priv", [t.stringLiteral(`${className}.#${name}`)]);
    declarations.push(t.variableDeclaration("const", [t.variableDeclarator(id, call)]));
  }

  // Uses first: `this.#x`, `obj?.#x`, `#x in obj`. A nested class that declares the same
  // private name shadows ours inside its body.
  path.get("body").traverse({
    PrivateName(privatePath) {
      const name = privatePath.node.id.name;
      const id = ids.get(name);
      if (!id) return;
      // Any class between this use and ours that declares the name shadows ours.
      for (
        let owner = privatePath.findParent((p) => p.isClass());
        owner && owner.node !== path.node;
        owner = owner.parentPath?.findParent((p) => p.isClass()) ?? null
      ) {
        if (declaredPrivateNames(owner.node as t.Class).has(name)) return;
      }
      const parent = privatePath.parentPath;
      if ((parent.isMemberExpression() || parent.isOptionalMemberExpression()) && privatePath.key === "property") {
        parent.node.property = t.cloneNode(id);
        parent.node.computed = true;
      } else if (parent.isBinaryExpression() && privatePath.key === "left") {
        parent.node.left = t.cloneNode(id);
      }
    },
  });

  // Then the declarations: `#x = 1` → `[_Foo_x] = 1`, `#m() {}` → `[_Foo_m]() {}`.
  for (const member of path.get("body").get("body")) {
    if (member.isClassPrivateProperty()) {
      const { key, value, decorators, static: isStatic } = member.node;
      const property = t.classProperty(t.cloneNode(ids.get(key.id.name)!), value, null, decorators, true, isStatic);
      member.replaceWith(property);
    } else if (member.isClassPrivateMethod()) {
      const { kind, key, params, body, static: isStatic, generator, async } = member.node;
      const method = t.classMethod(
        kind === "method" ? "method" : kind,
        t.cloneNode(ids.get(key.id.name)!),
        params,
        body,
        true,
        isStatic,
        generator,
        async,
      );
      method.loc = member.node.loc ?? null;
      member.replaceWith(method);
    }
  }
  return declarations;
}
