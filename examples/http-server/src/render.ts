// The page. Change the greeting and save while the server runs: the next request shows it.

/* @chaud.hot */
export function render(visit: number): string {
  return `hello from chaud, visit #${visit}\n`;
}
