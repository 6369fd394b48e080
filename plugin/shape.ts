// A module's shape: its source with the bodies of its hot items set aside. Two versions with
// the same shape differ only inside hot functions and methods, so the runtime can switch those
// to their new bodies and keep every module-level value, instead of evaluating the module
// again. Anything else that changed (a top-level statement, an initializer, an import, a
// constructor) changes the shape.

import { createHash } from "node:crypto";
import type * as t from "@babel/types";
import { isDecoratedMember } from "./decorators";
import type { Target } from "./targets";

/**
 * A hash of `source` with each hot item's code replaced by a token naming the item. Comments
 * are not shape either (markers included: which items are hot is in the tokens).
 */
export function moduleShape(source: string, targets: Target[], comments: readonly t.Comment[]): string {
  const ranges = [...targets.flatMap(setAside), ...comments.flatMap((comment) => rangeOf(comment, ""))]
    .filter((range) => range.end > range.start)
    .sort((a, b) => a.start - b.start);
  let text = "";
  let at = 0;
  for (const range of ranges) {
    if (range.start < at) continue; // inside a range already set aside
    text += source.slice(at, range.start) + (range.name === "" ? " " : `\u0000${range.name}\u0000`);
    at = range.end;
  }
  text += source.slice(at);
  // White space is not shape: re-indenting a module is not a change of its top-level code.
  return createHash("sha1").update(text.replace(/\s+/g, " ").trim()).digest("base64url").slice(0, 16);
}

interface Range {
  start: number;
  end: number;
  name: string;
}

function rangeOf(node: t.Node | t.Comment, name: string): Range[] {
  return node.start === null || node.start === undefined || node.end === null || node.end === undefined
    ? []
    : [{ start: node.start, end: node.end, name }];
}

/** What a target lets change without changing the module's shape. */
function setAside(target: Target): Range[] {
  switch (target.kind) {
    case "hot-declaration":
    case "hot-expression":
    case "hot-method":
    case "hot-inline":
      return rangeOf(target.path.node, target.name);
    case "hot-class":
      // Methods, getters, setters and static methods; the constructor and fields are shape.
      // Of a decorated method only the body: its decorators ran once, on the running class,
      // and so did what they record of its parameters and their types.
      return target.path.node.body.body.flatMap((member) =>
        (member.type === "ClassMethod" && member.kind !== "constructor") || member.type === "ClassPrivateMethod"
          ? rangeOf(isDecoratedMember(member) ? member.body : member, target.name)
          : [],
      );
    case "persist":
    case "persist-export":
    case "dispose":
      return [];
  }
}
