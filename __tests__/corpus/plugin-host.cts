// A plugin host for a CommonJS TypeScript app written with import/export syntax.
import { EventEmitter } from "node:events";
import * as path from "node:path";

export interface PluginApi {
  readonly name: string;
  on(event: "start" | "stop", listener: () => void): void;
  provide<T>(key: string, value: T): void;
}

export type PluginFactory = (api: PluginApi) => void | (() => void);

/* @chaud.persist */
export const provided = new Map<string, unknown>();

/* @chaud.persist */
let loadedCount = 0;

const events = new EventEmitter();
const cleanups: Array<() => void> = [];

/* @chaud.hot */
export function register(name: string, factory: PluginFactory): PluginApi {
  const api: PluginApi = {
    name: path.basename(name, path.extname(name)),
    on: (event, listener) => void events.on(event, listener),
    provide: (key, value) => {
      if (provided.has(key)) throw new Error(`"${key}" is already provided (by another plugin)`);
      provided.set(key, value);
    },
  };
  const cleanup = factory(api);
  if (typeof cleanup === "function") cleanups.push(cleanup);
  loadedCount++;
  return api;
}

export function start(): number {
  events.emit("start");
  return loadedCount;
}

// @chaud.dispose: drop listeners before this module is replaced
function teardown(): void {
  events.emit("stop");
  events.removeAllListeners();
  while (cleanups.length) cleanups.pop()!();
}

export { teardown as stopAll };
