// A script module that reads its settings with top-level await before exporting its API.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(import.meta.url);

async function readSettings(file) {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return { greeting: "hello", shout: false };
  }
}

/* @chaud.persist */
export const settings = await readSettings(new URL("./settings.json", import.meta.url));

/* @chaud.persist */
let greeted = 0;

/* @chaud.hot */
export function greet(name = "world") {
  greeted++;
  const text = `${settings.greeting}, ${name}!`;
  return settings.shout ? text.toUpperCase() : text;
}

/* @chaud.hot */
export async function* countdown(from) {
  for (let n = from; n > 0; n--) {
    yield n;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

export function report() {
  return { file: here, greeted };
}

const first = await Promise.resolve(greet("startup"));
export { first };
