// An unmarked constant: editing it changes greeter.ts's import, so chaud re-evaluates
// greeter.ts too (its persisted state stays).
export const MARK = "!";
