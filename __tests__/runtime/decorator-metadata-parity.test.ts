// Decorator metadata as tsc emits it: each file of __tests__/corpus/metadata is compiled by
// the TypeScript compiler (a program, so the checker resolves aliases and enums as in a build)
// and by chaud's transform under a tsconfig with experimentalDecorators and
// emitDecoratorMetadata; both run, and `Reflect.getMetadata` of design:type,
// design:paramtypes and design:returntype on every class, its prototype and each member must
// read the same (types compared by name: each compile has its own classes).

import "reflect-metadata";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { clearModuleKindCache } from "../../runtime/modules/format";
import { transformFile } from "../../loader/transform";
import { clearTsconfigCache } from "../../loader/tsconfig";
import { useTempDir } from "../helpers/temp-dir";

const CORPUS = join(__dirname, "../corpus/metadata");
const FILES = readdirSync(CORPUS).filter((name) => name.endsWith(".ts"));
const KEYS = ["design:type", "design:paramtypes", "design:returntype"] as const;

const COMPILER_OPTIONS = {
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  target: "ES2021",
  module: "commonjs",
  strict: true,
};

/**
 * Where chaud knowingly differs. A member typed as its own class: Babel evaluates a legacy
 * decorator's arguments before the class binding exists, so the type reads Object there
 * (tsc refers to the class through an alias it assigns first).
 */
const KNOWN_DIFFERENCES: Record<string, Record<string, unknown>> = {
  "parameters-and-accessors.ts": { "Controller.static.create design:returntype": "Object" },
};

const tmp = useTempDir("chaud-metadata");

beforeEach(() => {
  clearModuleKindCache();
  clearTsconfigCache();
  tmp.write("package.json", JSON.stringify({ name: "metadata" }));
  tmp.write("tsconfig.json", JSON.stringify({ compilerOptions: COMPILER_OPTIONS }));
});

function compileWithTsc(file: string): string {
  const { options } = ts.convertCompilerOptionsFromJson(COMPILER_OPTIONS, tmp.dir);
  let output = "";
  const program = ts.createProgram([file], { ...options, noEmitOnError: false, types: [] });
  program.emit(undefined, (name, text) => {
    if (name.endsWith(".js")) output = text;
  });
  if (output === "") throw new Error(`tsc emitted nothing for ${file}`);
  return output;
}

function evaluate(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", code)(module.exports, require, module);
  return module.exports;
}

const nameOf = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(nameOf) : typeof value === "function" ? value.name : String(value);

/** Every metadata entry of the module's exported classes, keyed `Class.member key`. */
function metadataOf(exports: Record<string, unknown>, source: string): Record<string, unknown> {
  const members = new Set(source.match(/\b[A-Za-z_]\w*\b/g) ?? []);
  const found: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== "function") continue;
    for (const [target, label] of [
      [value, `${name}.static`],
      [value.prototype as object, name],
    ] as const) {
      for (const key of KEYS) {
        const own = Reflect.getMetadata(key, target);
        if (own !== undefined && target === value) found[`${name} ${key}`] = nameOf(own);
        for (const member of members) {
          const meta = Reflect.getMetadata(key, target, member);
          if (meta !== undefined) found[`${label}.${member} ${key}`] = nameOf(meta);
        }
      }
    }
  }
  return found;
}

test.each(FILES)("%s: the metadata reads the same as under tsc", (name) => {
  const source = readFileSync(join(CORPUS, name), "utf8");
  const file = tmp.write(`src/${name}`, source);
  const expected = metadataOf(evaluate(compileWithTsc(file)), source);
  expect(Object.keys(expected).length).toBeGreaterThan(0);
  const differences = KNOWN_DIFFERENCES[name] ?? {};
  for (const [key, value] of Object.entries(differences)) expect(expected[key]).not.toEqual(value);
  // As plain Babel, and as under `npx chaud` (chaud's plugin on, mode "all": classes are hot).
  for (const options of [{ enabled: false }, { enabled: true, mode: "all" as const }]) {
    const code = transformFile(file, source, { cwd: tmp.dir, ...options }).code;
    expect(metadataOf(evaluate(code), source)).toEqual({ ...expected, ...differences });
  }
});
