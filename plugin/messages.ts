// Every message the plugin refuses something with, as Babel's parser keeps its error
// templates: one place to read and word them all. The fixtures under __tests__/fixtures
// compare these texts, so a change of wording shows up there.
//
// `where` arguments are phrases from `places` below (`inside "outer"`).

import type { MarkerKind } from "./markers";

/** Where a marked item sits, as the messages below say it. */
export const places = {
  insideFunction: (name: string | null): string => (name ? `inside "${name}"` : "inside another function or block"),
  nestedClass: (className: string): string => `class "${className}", which is not at the top level`,
  classExpression: (name: string): string => `the class expression "${name}"`,
  anonymousClass: "an anonymous class",
};

// Babel and the plugin's options. These messages have no code frame: they concern the
// configuration, not a file. OptionValidator puts "chaud/babel: " in front of the option messages.

export const babelWithoutVersionCheck = (range: string, version: string): string =>
  `chaud/babel needs @babel/core ${range}; it was loaded by Babel ${version}, which has no plugin version check (Babel 6 or older). Install @babel/core 7.22 or later.`;

export const unknownOption = (key: string, suggestion: string | null): string =>
  `unknown option "${key}". The plugin takes { enabled?: boolean, mode?: "marked" | "all" }.${suggestion ? ` Did you mean "${suggestion}"?` : ""}`;

export const optionNotBoolean = (name: string, value: unknown): string =>
  `option "${name}" must be true or false, got ${JSON.stringify(value)}.`;

export const optionNotMode = (value: unknown, modes: readonly string[]): string =>
  `option "mode" must be ${modes.map((mode) => JSON.stringify(mode)).join(" or ")}, got ${JSON.stringify(value)}.`;

// Markers themselves.

export const unknownMarker = (written: string, suggestion: MarkerKind | null): string =>
  `Unknown chaud marker "${written}".${suggestion ? ` Did you mean "@chaud.${suggestion}"?` : ""} chaud knows @chaud.hot, @chaud.persist and @chaud.dispose.`;

export const markerAfterCode = (kind: MarkerKind): string =>
  `This @chaud.${kind} marker follows code on the same line, so it is unclear what it marks. Put it on its own line directly before the declaration it marks.`;

export const markerLeadsNothing = (kind: MarkerKind): string =>
  `This @chaud.${kind} marker is not in front of anything it can mark. Put it directly before a top-level declaration.`;

export const declareDeclaration = (marker: string): string =>
  `${marker} cannot mark a \`declare\` declaration: it only describes a type and has no value at run time. Remove the marker, or drop \`declare\` and give it a value.`;

// @chaud.hot

export const hotNestedFunction = (name: string, where: string): string =>
  `@chaud.hot cannot mark "${name}": it is declared ${where}, and only top-level functions can be hot. Move "${name}" to the top level of the module, or remove the marker.`;

export const hotOverloadWithoutImplementation = (name: string): string =>
  `@chaud.hot marks the overload signature "${name}", but no implementation of "${name}" follows it. Mark the function that has a body.`;

export const hotNestedDeclaration = (where: string): string =>
  `@chaud.hot can only mark top-level declarations; this one is ${where}. Move it to the top level of the module, or remove the marker.`;

export const hotInlineFunction = (): string =>
  `@chaud.hot can only mark a function that is declared at the top level of a module, not one passed or created inline. Declare it as a top-level function (or const) and mark that.`;

export const hotDeclareClass = (name: string): string =>
  `@chaud.hot cannot mark "declare class ${name}": it has no code at run time. Remove the marker.`;

export const hotNestedClass = (name: string, where: string): string =>
  `@chaud.hot cannot mark class "${name}": it is declared ${where}. Only top-level classes can be hot; move it to the top level of the module.`;

export const hotMethodOverloadWithoutImplementation = (name: string | null): string =>
  `@chaud.hot marks the overload signature of "${name ?? "this method"}", but no implementation with a body follows it. Mark the method that has a body.`;

export const hotPrivateMethodAlone = (name: string): string =>
  `@chaud.hot cannot mark the private method "#${name}" alone. Mark the whole class with @chaud.hot instead; its private methods then reload too.`;

export const hotClassField = (): string =>
  `@chaud.hot cannot mark a class field: its value is created per instance by the constructor. Write it as a method and mark that, or mark the whole class.`;

export const hotUnsupported = (nodeType: string): string =>
  `@chaud.hot cannot mark this ${nodeType}. It marks top-level functions, consts holding a function, classes and class methods.`;

export const hotDestructuring = (): string =>
  `@chaud.hot cannot mark a destructuring declaration. Declare each hot function as its own const.`;

export const hotNotAFunction = (name: string): string =>
  `@chaud.hot cannot mark "${name}": its value is not a function. Initialize it with an arrow function or function expression, or use @chaud.persist to keep a value across reloads.`;

export const hotConstructor = (): string =>
  `@chaud.hot cannot mark a constructor: instances that already exist ran the old one. Mark the whole class with @chaud.hot to reload its methods, and restart to apply a new constructor.`;

export const hotComputedMethodName = (): string =>
  `@chaud.hot cannot mark a method with a computed name. Give it a plain name, or mark the whole class.`;

export const hotMethodOutsideTopLevelClass = (methodName: string, where: string): string =>
  `@chaud.hot can mark a single method only in a named top-level class declaration; "${methodName}" is in ${where}. Declare the class as \`class Name {}\` at the top level of the module, or mark the whole class.`;

export const hotMethodUsesPrivate = (methodName: string, className: string): string =>
  `@chaud.hot cannot mark "${methodName}" alone: it uses private members, which a new version of an unmarked class cannot reach on existing instances. Mark the whole class "${className}" with @chaud.hot instead.`;

export const hotObjectMember = (): string =>
  `@chaud.hot cannot mark a method or function inside an object literal: the object is rebuilt on every evaluation. Declare a top-level hot function and put it in the object: \`/* @chaud.hot */ function handler() {}\` then \`{ handler }\`.`;

// @chaud.persist

export const persistNested = (where: string): string =>
  `@chaud.persist can only mark top-level variables; this one is ${where}, where it starts afresh on every call anyway. Move it to the top level of the module.`;

export const persistDestructuring = (): string =>
  `@chaud.persist cannot mark a destructuring declaration. Persist the whole value in one variable (\`const state = …\`) and destructure it where you use it.`;

export const persistModuleExports = (): string =>
  `@chaud.persist cannot mark \`module.exports = …\`: the exports object itself is the module's identity. Persist a property (\`exports.state = …\`) or a top-level variable instead.`;

export const persistCode = (name: string, what: "class" | "function"): string =>
  `@chaud.persist keeps values, and "${name}" is a ${what}. Use @chaud.hot to reload it instead.`;

export const persistUnsupported = (nodeType: string): string =>
  `@chaud.persist cannot mark this ${nodeType}. It marks top-level const, let and var declarations.`;

export const persistWriteUnsupported = (name: string, nodeType: string): string =>
  `chaud cannot keep writes to the persisted "${name}" made here (${nodeType}). Assign it with \`${name} = …\` instead.`;

// @chaud.dispose

export const disposeNested = (name: string, where: string): string =>
  `@chaud.dispose can only mark a top-level function; "${name}" is declared ${where}. Move it to the top level of the module.`;

export const disposeNotSynchronous = (name: string, what: "async" | "a generator"): string =>
  `@chaud.dispose runs "${name}" synchronously before the module is replaced, so it cannot be ${what}. Make it a plain function.`;

export const disposeUnsupported = (): string =>
  `@chaud.dispose marks a named top-level function declaration (\`function cleanup() {}\`) that chaud calls before the module is replaced.`;

// The module as a whole.

export const markedTwice = (name: string, first: string, second: string): string =>
  `"${name}" is marked both ${first} and ${second}. Keep one marker: @chaud.hot for code, @chaud.persist for state.`;

export const duplicateName = (name: string, firstLine: number, secondLine: number): string =>
  `Two marked items are named "${name}" in this module (line ${firstLine} and line ${secondLine}), and they would share one registry entry. Rename one of them.`;
