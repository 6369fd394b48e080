import { MARK } from "./punctuation";

/* @chaud.persist */
let visits = 0;

/* @chaud.hot */
export function greet(name: string): string {
  visits++;
  return `Hello, ${name}${MARK} (visit #${visits})`;
}

/* @chaud.hot */
export function visitCount(): number {
  return visits;
}
