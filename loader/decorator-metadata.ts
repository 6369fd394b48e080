// Decorator metadata as tsc emits it. babel-plugin-transform-typescript-metadata emits
// `design:type` and `design:paramtypes` from the type annotations alone; tsc also emits
// `design:returntype`, reads aliases and enums through its checker, and differs in a few
// details. Two passes around that plugin bring its output to tsc's, for what one file says:
//
// - before it (`metadataBefore`): type annotations of decorated classes are rewritten to what
//   tsc would serialize (annotations are erased later anyway): a local `type Id = string`
//   becomes `string`, a local enum `number` or `string`, `bigint` the `BigInt` reference,
//   and, under strictNullChecks, a union with `null` or `undefined` becomes `object`;
// - after it (`metadataAfter`): `design:returntype` on decorated methods, `design:type` of
//   accessors (their value's type, not Function) and of unannotated fields (Object), the
//   element type of a rest parameter in `design:paramtypes`, and no `design:type` on the class.
//
// Aliases and enums imported from other files stay references (`typeof X === "undefined" ?
// Object : X`), as tsc emits them under isolatedModules.

import type * as Babel from "@babel/core";

type T = typeof Babel.types;
type Node = Babel.types.Node;
type TypeNode = Babel.types.TSType;

interface SerializeModule {
  serializeType(classPath: Babel.NodePath, param: Node): Babel.types.Expression;
}

function serializer(): SerializeModule {
  // The plugin's own serializer (its package has no `exports` map to hide it).
  return require("babel-plugin-transform-typescript-metadata/lib/metadata/serializeType") as SerializeModule;
}

/** Each top-level type alias and enum of the file, by name. */
function localTypes(program: Babel.NodePath<Babel.types.Program>): Map<string, Node> {
  const found = new Map<string, Node>();
  for (const statement of program.node.body) {
    const declaration =
      statement.type === "ExportNamedDeclaration" && statement.declaration ? statement.declaration : statement;
    if (declaration.type === "TSTypeAliasDeclaration" || declaration.type === "TSEnumDeclaration")
      found.set(declaration.id.name, declaration);
  }
  return found;
}

function enumKeyword(t: T, declaration: Babel.types.TSEnumDeclaration): TypeNode {
  const members = (declaration as { members?: Babel.types.TSEnumMember[] }).members ?? [];
  const kinds = new Set(
    members.map((member) =>
      !member.initializer || member.initializer.type === "NumericLiteral"
        ? "number"
        : member.initializer.type === "StringLiteral"
          ? "string"
          : "other",
    ),
  );
  if (kinds.size === 1 && kinds.has("string")) return t.tsStringKeyword();
  if (kinds.size <= 1 && !kinds.has("other")) return t.tsNumberKeyword();
  return t.tsObjectKeyword();
}

/** `type` as tsc's checker would see it for serialization, within what this file declares. */
function resolveType(t: T, type: TypeNode, locals: Map<string, Node>, strictNulls: boolean, depth = 0): TypeNode {
  if (depth > 10) return type;
  const again = (inner: TypeNode): TypeNode => resolveType(t, inner, locals, strictNulls, depth + 1);
  switch (type.type) {
    case "TSBigIntKeyword":
      return t.tsTypeReference(t.identifier("BigInt"));
    case "TSParenthesizedType":
      return again(type.typeAnnotation);
    case "TSUnionType":
    case "TSIntersectionType": {
      const types = type.types.map(again);
      const nullish = types.some((each) => each.type === "TSNullKeyword" || each.type === "TSUndefinedKeyword");
      if (strictNulls && nullish && types.length > 1) return t.tsObjectKeyword();
      return type.type === "TSUnionType" ? t.tsUnionType(types) : t.tsIntersectionType(types);
    }
    case "TSTypeReference": {
      if (type.typeName.type !== "Identifier") return type;
      const local = locals.get(type.typeName.name);
      if (local?.type === "TSEnumDeclaration") return enumKeyword(t, local);
      if (local?.type !== "TSTypeAliasDeclaration") return type;
      const params = local.typeParameters?.params.map((param) => param.name) ?? [];
      const args = type.typeParameters?.params ?? [];
      const target = t.cloneNode(local.typeAnnotation, true);
      // Maybe<number> with `type Maybe<T> = T | null`: the parameters become the arguments.
      const substituted = params.length === 0 ? target : substitute(t, target, params, args);
      return again(substituted);
    }
    default:
      return type;
  }
}

function substitute(t: T, type: TypeNode, params: string[], args: TypeNode[]): TypeNode {
  if (type.type === "TSTypeReference" && type.typeName.type === "Identifier") {
    const index = params.indexOf(type.typeName.name);
    if (index >= 0) return t.cloneNode(args[index] ?? t.tsUnknownKeyword(), true);
  }
  if (type.type === "TSUnionType" || type.type === "TSIntersectionType") {
    const types = type.types.map((each) => substitute(t, each, params, args));
    return type.type === "TSUnionType" ? t.tsUnionType(types) : t.tsIntersectionType(types);
  }
  if (type.type === "TSParenthesizedType") return substitute(t, type.typeAnnotation, params, args);
  return type;
}

function hasDecorators(node: Node): boolean {
  return ((node as { decorators?: unknown[] | null }).decorators?.length ?? 0) > 0;
}

function isDecorated(declaration: Babel.types.ClassDeclaration): boolean {
  if (hasDecorators(declaration)) return true;
  return declaration.body.body.some(
    (member) =>
      hasDecorators(member) || (member.type === "ClassMethod" && member.params.some((param) => hasDecorators(param))),
  );
}

/** Every type annotation a serialization reads: fields, parameters, returns. */
function annotations(declaration: Babel.types.ClassDeclaration): Array<{ typeAnnotation?: unknown }> {
  const found: Array<{ typeAnnotation?: unknown }> = [];
  for (const member of declaration.body.body) {
    if (member.type === "ClassProperty") found.push(member as { typeAnnotation?: unknown });
    if (member.type !== "ClassMethod") continue;
    if (member.returnType) found.push({ typeAnnotation: member.returnType });
    for (const param of member.params) {
      const inner = param.type === "TSParameterProperty" ? param.parameter : param;
      found.push((inner.type === "AssignmentPattern" ? inner.left : inner) as { typeAnnotation?: unknown });
    }
  }
  return found;
}

/** Runs before babel-plugin-transform-typescript-metadata: annotations as tsc serializes them. */
export function metadataBefore(strictNulls: boolean) {
  return (api: { types: T }): Babel.PluginObj => ({
    name: "chaud-metadata-before",
    visitor: {
      Program(program) {
        const t = api.types;
        const locals = localTypes(program);
        program.traverse({
          ClassDeclaration(path) {
            if (!isDecorated(path.node)) return;
            for (const holder of annotations(path.node)) {
              const annotation = holder.typeAnnotation as Babel.types.TSTypeAnnotation | undefined;
              if (annotation?.type !== "TSTypeAnnotation") continue;
              annotation.typeAnnotation = resolveType(t, annotation.typeAnnotation, locals, strictNulls);
            }
          },
        });
      },
    },
  });
}

/** The `Reflect.metadata("design:…", value)` decorator of `key` in `decorators`, if any. */
function designDecorator(
  decorators: Babel.types.Decorator[] | null | undefined,
  key: string,
): Babel.types.CallExpression | undefined {
  for (const decorator of decorators ?? []) {
    const call = decorator.expression;
    if (
      call.type === "CallExpression" &&
      call.callee.type === "MemberExpression" &&
      call.callee.object.type === "Identifier" &&
      call.callee.object.name === "Reflect" &&
      call.arguments[0]?.type === "StringLiteral" &&
      call.arguments[0].value === key
    )
      return call;
  }
  return undefined;
}

/** Runs after babel-plugin-transform-typescript-metadata: what tsc emits and it does not. */
export function metadataAfter(strictNulls: boolean) {
  return (api: { types: T }): Babel.PluginObj => ({
    name: "chaud-metadata-after",
    visitor: {
      Program(program) {
        const t = api.types;
        const locals = localTypes(program);
        const { serializeType } = serializer();
        const metadata = (key: string, value: Babel.types.Expression): Babel.types.Decorator =>
          t.decorator(
            t.callExpression(t.memberExpression(t.identifier("Reflect"), t.identifier("metadata")), [
              t.stringLiteral(key),
              value,
            ]),
          );
        program.traverse({
          ClassDeclaration(path) {
            const serialize = (type: TypeNode | undefined | null): Babel.types.Expression =>
              serializeType(path, {
                type: "Identifier",
                name: "_",
                typeAnnotation: type ? t.tsTypeAnnotation(resolveType(t, type, locals, strictNulls)) : null,
              } as Node);
            // An unannotated rest parameter's elements are `any`: Object.
            const serializeRest = (type: TypeNode | undefined): Babel.types.Expression =>
              type ? serialize(type) : t.identifier("Object");
            // tsc puts no design:type on the class itself.
            const own = designDecorator(path.node.decorators, "design:type");
            if (own) path.node.decorators = path.node.decorators!.filter((decorator) => decorator.expression !== own);
            for (const member of path.node.body.body) {
              if (
                member.type === "ClassProperty" &&
                hasDecorators(member) &&
                !designDecorator(member.decorators, "design:type")
              )
                member.decorators!.push(metadata("design:type", t.identifier("Object")));
              if (member.type !== "ClassMethod" || member.kind === "constructor" || !hasDecorators(member)) continue;
              const typeOf = designDecorator(member.decorators, "design:type");
              if (member.kind === "get" && typeOf) typeOf.arguments[1] = serialize(annotationOf(member.returnType));
              if (member.kind === "set" && typeOf) typeOf.arguments[1] = serialize(paramType(member.params[0]));
              if (member.kind === "method") {
                const returns = annotationOf(member.returnType);
                member.decorators!.push(
                  metadata(
                    "design:returntype",
                    returns
                      ? serialize(returns)
                      : member.async
                        ? t.identifier("Promise")
                        : t.unaryExpression("void", t.numericLiteral(0)),
                  ),
                );
              }
              restElementType(member, designDecorator(member.decorators, "design:paramtypes"), serializeRest);
            }
            const constructor = path.node.body.body.find(
              (member): member is Babel.types.ClassMethod =>
                member.type === "ClassMethod" && member.kind === "constructor",
            );
            if (constructor)
              restElementType(constructor, designDecorator(path.node.decorators, "design:paramtypes"), serializeRest);
          },
        });
      },
    },
  });
}

function annotationOf(annotation: Node | null | undefined): TypeNode | undefined {
  return annotation?.type === "TSTypeAnnotation" ? annotation.typeAnnotation : undefined;
}

function paramType(param: Node | undefined): TypeNode | undefined {
  const inner = param?.type === "TSParameterProperty" ? param.parameter : param;
  const named = inner?.type === "AssignmentPattern" ? inner.left : inner;
  return annotationOf((named as { typeAnnotation?: Node | null } | undefined)?.typeAnnotation);
}

/** A rest parameter `...xs: X[]` is serialized as its element type, as tsc does. */
function restElementType(
  method: Babel.types.ClassMethod,
  paramtypes: Babel.types.CallExpression | undefined,
  serialize: (type: TypeNode | undefined) => Babel.types.Expression,
): void {
  const list = paramtypes?.arguments[1];
  if (list?.type !== "ArrayExpression") return;
  method.params.forEach((param, index) => {
    if (param.type !== "RestElement") return;
    const type = annotationOf(param.typeAnnotation as Node | null);
    const element =
      type?.type === "TSArrayType"
        ? type.elementType
        : type?.type === "TSTypeReference"
          ? type.typeParameters?.params[0]
          : undefined;
    list.elements[index] = serialize(element);
  });
}
