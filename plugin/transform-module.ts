// One module's transform: a read-only pass finds and validates every marker (so a refusal
// leaves the AST untouched), then the rewrite, then a scope re-crawl so plugins that run after
// ours (TypeScript's import elision, the CommonJS transform) see the new references.

import type { BabelFile } from "@babel/core";
import type { NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { classify } from "./classify";
import { decorateStatements, rewriteDecorateStatements } from "./decorators";
import { findMarkers } from "./find-markers";
import { moduleKey } from "./module-key";
import * as messages from "./messages";
import { buildPrelude } from "./prelude";
import { moduleShape } from "./shape";
import { rewriteHotClass } from "./rewrite-class";
import { callHandle, type RewriteContext } from "./rewrite-context";
import { rewriteHotFunction, rewriteHotMethods } from "./rewrite-hot";
import { findPersistWrites, rewritePersist, rewritePersistExport } from "./rewrite-persist";
import { keepHotOnly, scopeBindings, scopeRegistration } from "./hot-only";
import { implicitTargets } from "./implicit-targets";
import { rewriteInline } from "./rewrite-inline";
import type { Mode } from "../runtime/settings";
import type { HotClassTarget, HotInlineTarget, HotMethodTarget, Target } from "./targets";

export interface TransformOptions {
  /** Compile for a hot-only re-evaluation of an entry module (see hot-only.ts). */
  hotOnly: boolean;
  /** "all": every item a marker could take is hot without one (implicit-targets.ts). */
  mode: Mode;
}

export function transformModule(program: NodePath<t.Program>, file: BabelFile, options: TransformOptions): void {
  // Babel's File can frame any node with a location, a comment included.
  const framer = file as unknown as {
    buildCodeFrameError(node: { loc?: t.SourceLocation | null }, message: string): Error;
  };
  const commentError = (comment: t.Comment, message: string): Error => framer.buildCodeFrameError(comment, message);
  const markers = findMarkers(program, file.ast.comments ?? [], commentError);
  if (markers.length === 0 && options.mode === "marked" && !options.hotOnly) return;

  const explicit = markers.flatMap((marker) => classify(marker.kind, marker.path));
  const targets = collectTargets(options.mode === "all" ? withImplicit(program, explicit) : explicit);
  // Nothing to make hot: the module stays as it is (a hot-only version still needs its side
  // effects dropped).
  if (targets.length === 0 && markers.length === 0 && !options.hotOnly) return;

  const filename = file.opts.filename;
  const { handle, statements } = buildPrelude(program, moduleKey(filename, file.opts.cwd ?? process.cwd()), filename, {
    hotOnly: options.hotOnly,
    shape: moduleShape(file.code, targets, file.ast.comments ?? []),
  });
  const context: RewriteContext = {
    program,
    handle,
    prelude: [],
    source: file.code,
    comments: file.ast.comments ?? [],
    methodOwners: new Map(),
  };
  // Found before hot-only mode drops them, as the class's decorator hash includes them.
  const decorations = decorateStatements(
    program,
    targets.filter((target): target is HotClassTarget => target.kind === "hot-class"),
    file.code,
  );
  if (options.hotOnly) {
    keepHotOnly(program, targets, context);
    program.scope.crawl();
  } else {
    const bindings = scopeBindings(program, targets);
    if (bindings.length > 0) context.prelude.push(scopeRegistration(context, bindings));
  }
  const persistWrites = targets.filter((target) => target.kind === "persist").map(findPersistWrites);

  rewritePersist(persistWrites, context);
  rewriteHotMethods(
    targets.filter((target): target is HotMethodTarget => target.kind === "hot-method"),
    context,
  );
  for (const target of targets) {
    if (target.kind === "hot-class") rewriteHotClass(target, context, decorations.get(target.name));
    else if (target.kind === "hot-declaration" || target.kind === "hot-expression") rewriteHotFunction(target, context);
    else if (target.kind === "dispose" && !options.hotOnly)
      context.prelude.push(disposeCall(context, target.path.node.id!));
    else if (target.kind === "persist-export") rewritePersistExport(target, context);
  }
  if (!options.hotOnly) {
    for (const [className, statements] of decorations) rewriteDecorateStatements(className, statements, context);
  }
  rewriteInline(
    targets.filter((target): target is HotInlineTarget => target.kind === "hot-inline"),
    context,
    options.hotOnly,
  );
  insertAfterImports(program, [...statements, ...context.prelude]);
  program.scope.crawl();
}

/** Explicit and implicit targets in source order, so the prelude lists them as the module does. */
function withImplicit(program: NodePath<t.Program>, explicit: Target[]): Target[] {
  const start = (target: Target): number => target.path.node.start ?? 0;
  return [...explicit, ...implicitTargets(program, explicit)].sort((a, b) => start(a) - start(b));
}

/** The prelude goes after the module's leading imports, which run first in any case. */
function insertAfterImports(program: NodePath<t.Program>, statements: t.Statement[]): void {
  const body = program.get("body");
  const firstOther = body.find((statement) => !statement.isImportDeclaration());
  if (!firstOther) {
    program.pushContainer("body", statements);
    return;
  }
  // Babel hands a statement's leading comments to what is inserted before it; the marker
  // comment belongs with the declaration it marks.
  const comments = firstOther.node.leadingComments;
  const previous = firstOther.getPrevSibling();
  if (comments && previous.node?.trailingComments) {
    previous.node.trailingComments = previous.node.trailingComments.filter((comment) => !comments.includes(comment));
  }
  firstOther.insertBefore(statements);
  for (const statement of statements) {
    // Keep chaud's own (istanbul's hint), not the statement's.
    const own = (statement.leadingComments ?? []).filter((comment) => !comments?.includes(comment));
    statement.leadingComments = own.length > 0 ? own : null;
  }
  firstOther.node.leadingComments = comments ?? null;
}

function disposeCall(context: RewriteContext, id: t.Identifier): t.Statement {
  // @chaud.dispose function cleanup() {}  →  _chaud.dispose(cleanup);   (top of module)
  return t.expressionStatement(callHandle(context, "dispose", [t.cloneNode(id)]));
}

/**
 * Drops repeats (two markers on one item, a method marked inside a hot class) and refuses
 * two different marked items with one name: they would share one registry entry.
 */
function collectTargets(all: Target[]): Target[] {
  const hotClasses = new Set<t.Node>(
    all.filter((target) => target.kind === "hot-class").map((target) => target.path.node),
  );
  const seenNodes = new Map<t.Node, Target>();
  const byName = new Map<string, Target>();
  const result: Target[] = [];
  for (const target of all) {
    if (target.kind === "hot-method" && hotClasses.has(target.path.parentPath.parentPath!.node)) continue;
    const node = markedItem(target);
    const previous = seenNodes.get(node);
    if (previous) {
      if (previous.kind !== target.kind) {
        throw target.path.buildCodeFrameError(messages.markedTwice(target.name, markerOf(previous), markerOf(target)));
      }
      continue;
    }
    seenNodes.set(node, target);
    if (target.kind !== "dispose") {
      const sameName = byName.get(target.name);
      if (sameName) {
        const line = (target: Target): number => target.path.node.loc?.start.line ?? 0;
        throw target.path.buildCodeFrameError(messages.duplicateName(target.name, line(sameName), line(target)));
      }
      byName.set(target.name, target);
    }
    result.push(target);
  }
  return result;
}

/** The declaration a target stands for: `const f = () => {}` is one item, marked before `const` or before the arrow. */
function markedItem(target: Target): t.Node {
  const parent = target.path.parentPath;
  if ((target.kind === "hot-expression" || target.kind === "hot-class") && parent?.isVariableDeclarator())
    return parent.node;
  return target.path.node;
}

function markerOf(target: Target): string {
  return target.kind === "persist" || target.kind === "persist-export"
    ? "@chaud.persist"
    : target.kind === "dispose"
      ? "@chaud.dispose"
      : "@chaud.hot";
}
