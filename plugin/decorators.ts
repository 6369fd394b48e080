// Decorators of hot classes. A decorator runs once, on the class its module first defined: that
// class stays (the registry keeps it), so what decorators registered for it (metadata, routes,
// validation rules, injection tokens) stays true, and a reload must not register it again.
//
// - Their text is part of the module's shape (shape.ts sets aside only the bodies of decorated
//   members, not their decorators, parameters or types), so an edit of method bodies alone
//   updates the module in place: its hot-only version drops every top-level statement, and
//   the decorators of the class it evaluates decorate only that version's class, whose method
//   bodies then carry the metadata the stubs show.
// - The class's decorator text is hashed (`decoratorsHash`, the last argument of `_chaud.cls`):
//   the registry tells when it changed, which the running class cannot follow.
// - Decorators TypeScript already compiled (ts-jest, `tsc` output) are statements after the
//   class: `__decorate([IsString()], Post.prototype, "title", void 0)`, `Post = __decorate([…],
//   Post)`. They apply to the running class when the module is evaluated again, so each one
//   goes behind `_chaud.decorate("Post", "<hash>", () => …)`, which runs a statement once per
//   running class and text: unchanged ones are not run again, and an added one runs alone.

import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { sourceHash } from "./hash";
import { callHandle, ignoredByCoverage, type RewriteContext } from "./rewrite-context";
import type { HotClassTarget } from "./targets";

const has = (decorators: readonly t.Decorator[] | null | undefined): boolean => (decorators?.length ?? 0) > 0;

/** Whether a class member carries decorators, on itself or on one of its parameters. */
export function isDecoratedMember(member: t.Node): boolean {
  if ("decorators" in member && has(member.decorators as t.Decorator[] | null | undefined)) return true;
  return (
    (t.isClassMethod(member) || t.isClassPrivateMethod(member)) &&
    member.params.some((param) => "decorators" in param && has(param.decorators))
  );
}

/** Whether a class has decorators, on the class or on a member. */
export function isDecorated(node: t.Class): boolean {
  return has(node.decorators) || node.body.body.some(isDecoratedMember);
}

/** A compiled decorator statement of one hot class: the call to run once, and its text. */
export interface DecorateStatement {
  call: NodePath<t.CallExpression>;
  text: string;
}

/**
 * The top-level statements that apply TypeScript's compiled decorators to hot classes, by
 * class name: `__decorate([…], C.prototype, "m", null)`, `__decorate([…], C, "s", void 0)`,
 * `C = __decorate([…], C)`, `exports.C = C = __decorate([…], C)`, also through `tslib`
 * (`(0, tslib_1.__decorate)(…)`) and SWC's `_ts_decorate`.
 */
export function decorateStatements(
  program: NodePath<t.Program>,
  classes: readonly HotClassTarget[],
  source: string,
): Map<string, DecorateStatement[]> {
  const names = new Set(classes.map((target) => target.name));
  const found = new Map<string, DecorateStatement[]>();
  if (names.size === 0) return found;
  for (const statement of program.get("body")) {
    if (!statement.isExpressionStatement()) continue;
    let expression: NodePath = statement.get("expression");
    while (expression.isAssignmentExpression({ operator: "=" })) expression = expression.get("right");
    if (!expression.isCallExpression() || !isDecorateCallee(expression.node.callee)) continue;
    const target = expression.node.arguments[1];
    const owner = t.isMemberExpression(target) && isProperty(target, "prototype") ? target.object : target;
    if (!t.isIdentifier(owner) || !names.has(owner.name)) continue;
    const list = found.get(owner.name) ?? [];
    list.push({ call: expression, text: source.slice(expression.node.start ?? 0, expression.node.end ?? 0) });
    found.set(owner.name, list);
  }
  return found;
}

function isProperty(member: t.MemberExpression, name: string): boolean {
  return !member.computed && t.isIdentifier(member.property, { name });
}

function isDecorateCallee(callee: t.Node): boolean {
  const named = (node: t.Node): boolean =>
    (t.isIdentifier(node) && /^(__decorate|_ts_decorate)$/.test(node.name)) ||
    (t.isMemberExpression(node) && isProperty(node, "__decorate"));
  // `(0, tslib_1.__decorate)(…)`
  if (t.isSequenceExpression(callee) && callee.expressions.length === 2) return named(callee.expressions[1]!);
  return named(callee);
}

/**
 * The text of everything that decorates the class: decorators on it, the heads of its
 * decorated members (decorators, parameters and their types, which `design:paramtypes`
 * records), and its compiled decorator statements. Null when nothing decorates it.
 */
export function decoratorsHash(node: t.Class, statements: readonly DecorateStatement[], source: string): string | null {
  const slice = (from: number | null | undefined, to: number | null | undefined): string =>
    source.slice(from ?? 0, to ?? 0);
  const parts: string[] = (node.decorators ?? []).map((decorator) => slice(decorator.start, decorator.end));
  for (const member of node.body.body) {
    if (!isDecoratedMember(member)) continue;
    const end =
      t.isClassMethod(member) || t.isClassPrivateMethod(member)
        ? member.body.start
        : "value" in member && member.value
          ? member.value.start
          : member.end;
    parts.push(slice(member.start, end));
  }
  parts.push(...statements.map((statement) => statement.text));
  return parts.length === 0 ? null : sourceHash(parts.join("\n"));
}

/**
 * `__decorate([…], Post.prototype, "title", void 0)`  →
 * `_chaud.decorate("Post", "<hash>", /* istanbul ignore next *\/ () => __decorate([…], Post.prototype, "title", void 0))`
 * The hash is the statement's text, numbered when the class has two with one text.
 */
export function rewriteDecorateStatements(
  className: string,
  statements: readonly DecorateStatement[],
  context: RewriteContext,
): void {
  const seen = new Map<string, number>();
  for (const { call, text } of statements) {
    const hash = sourceHash(text);
    const count = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, count);
    const thunk = ignoredByCoverage(t.arrowFunctionExpression([], call.node));
    call.replaceWith(
      callHandle(context, "decorate", [
        t.stringLiteral(className),
        t.stringLiteral(count === 1 ? hash : `${hash}#${count}`),
        thunk,
      ]),
    );
    call.skip();
  }
}
