// "Did you mean …?" for a misspelt marker or option name, with Babel's own findSuggestion (the
// one behind Babel's "did you mean" for its options).

import { findSuggestion } from "@babel/helper-validator-option";

/**
 * The known name `written` is most likely a misspelling of, or null; `written`'s case is
 * ignored. A name that does not begin with the nearest name's first letter gets none, because
 * findSuggestion names the nearest however far it is (`@chaud.reload` is no misspelt `@chaud.hot`).
 */
export function suggest<Name extends string>(written: string, known: readonly Name[]): Name | null {
  const word = written.toLowerCase();
  const nearest = findSuggestion(word, known) as Name;
  return word !== "" && nearest.toLowerCase().startsWith(word[0]!) ? nearest : null;
}
