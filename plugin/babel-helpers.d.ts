// Types for the two Babel helper packages the plugin uses. At major 7 they ship none (Babel
// publishes them from major 8 on); these cover only what plugin/ calls, as the packages'
// source defines it.

declare module "@babel/helper-plugin-utils" {
  /**
   * Wraps a plugin factory: gives an `api` without assertVersion (or the other methods newer
   * Babels add) a stand-in that throws Babel's "Requires Babel" error, and `options` `{}` when
   * Babel passes none.
   */
  export function declare<Api, Options extends object, Result>(
    builder: (api: Api, options: Options, dirname: string | undefined) => Result,
  ): (api: Api, options?: Options, dirname?: string) => Result;
}

declare module "@babel/helper-validator-option" {
  /** The entry of `candidates` nearest to `word` by edit distance (the first of equals); always one. */
  export function findSuggestion(word: string, candidates: readonly string[]): string;

  /** Babel's option checks for a plugin or preset; every message starts with `<descriptor>: `. */
  export class OptionValidator {
    constructor(descriptor: string);
    descriptor: string;
    validateTopLevelOptions(options: object, shape: Record<string, unknown>): void;
    validateBooleanOption<T>(name: string, value: unknown, defaultValue?: T): boolean | T;
    validateStringOption<T>(name: string, value: unknown, defaultValue?: T): string | T;
    /** Throws `new Error(this.formatMessage(message))` unless `condition` holds. */
    invariant(condition: boolean, message: string): void;
    formatMessage(message: string): string;
  }
}
