// A minimal schema validator with inferred types, in the style of zod or valibot.

type Issue = { path: (string | number)[]; message: string };
type Result<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export interface Schema<T> {
  parse(input: unknown, path?: (string | number)[]): Result<T>;
  optional(): Schema<T | undefined>;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;
type Shape = Record<string, Schema<unknown>>;
type InferShape<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

function schema<T>(parse: Schema<T>["parse"]): Schema<T> {
  return {
    parse,
    optional: () => schema<T | undefined>((input, path = []) => (input === undefined ? { ok: true, value: undefined } : parse(input, path))),
  };
}

const fail = (path: (string | number)[], message: string): Result<never> => ({ ok: false, issues: [{ path, message }] });

export const string = (options: { min?: number; pattern?: RegExp } = {}) =>
  schema<string>((input, path = []) => {
    if (typeof input !== "string") return fail(path, `expected string, got ${typeof input}`);
    if (options.min !== undefined && input.length < options.min) return fail(path, `shorter than ${options.min}`);
    if (options.pattern && !options.pattern.test(input)) return fail(path, `does not match ${options.pattern}`);
    return { ok: true, value: input };
  });

export const number = ({ integer = false } = {}) =>
  schema<number>((input, path = []) =>
    typeof input === "number" && Number.isFinite(input) && (!integer || Number.isInteger(input)) ? { ok: true, value: input } : fail(path, integer ? "expected integer" : "expected number"),
  );

export function array<T>(item: Schema<T>): Schema<T[]> {
  return schema<T[]>((input, path = []) => {
    if (!Array.isArray(input)) return fail(path, "expected array");
    const value: T[] = [];
    const issues: Issue[] = [];
    input.forEach((element, index) => {
      const result = item.parse(element, [...path, index]);
      if (result.ok) value.push(result.value);
      else issues.push(...result.issues);
    });
    return issues.length ? { ok: false, issues } : { ok: true, value };
  });
}

export function object<S extends Shape>(shape: S): Schema<InferShape<S>> {
  return schema((input, path = []) => {
    if (typeof input !== "object" || input === null) return fail(path, "expected object");
    const value = {} as InferShape<S>;
    const issues: Issue[] = [];
    for (const key of Object.keys(shape) as (keyof S & string)[]) {
      const result = shape[key]!.parse((input as Record<string, unknown>)[key], [...path, key]);
      if (result.ok) value[key] = result.value as InferShape<S>[typeof key];
      else issues.push(...result.issues);
    }
    return issues.length ? { ok: false, issues } : { ok: true, value };
  });
}
