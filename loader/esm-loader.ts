// Installs chaud's ESM loader hooks (esm-hooks.ts) and connects them to the
// runtime's ESM module system. From Node 22.15 the hooks run in this thread
// (`module.registerHooks`); on Node 20 they run on the loader thread (`module.register`)
// and talk over a MessagePort. Before the main thread imports a new version it waits until
// the hooks thread has acknowledged it: without that wait, an import could still resolve to
// the previous version.

import nodeModule from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { EsmModules, readsImportMeta, type EsmOptions, type HookChannel } from "../runtime/modules/esm";
import { replaceImportMeta } from "./hot-only-import-meta";
import { EsmHooks, syncHooks, type HookData, type HookEvent, type VersionMessage } from "./esm-hooks";

interface ModuleApi {
  register?(specifier: string, parentURL: string, options: { data: HookData; transferList: unknown[] }): void;
  registerHooks?(hooks: ReturnType<typeof syncHooks>): { deregister(): void };
}

function deliver(modules: EsmModules, event: HookEvent): void {
  if (event.type === "edge") modules.noteEdge(event.parent, event.child);
  else if (event.type === "import") modules.noteImport(event.parent, event.specifier, event.url, event.attributes);
  else
    modules.noteLoad(event.file, {
      format: event.format,
      bytes: event.bytes,
      transformed: event.transformed,
      transformMs: event.transformMs,
    });
}

/** Installs the hooks for a program whose entry is `entry`; returns its ESM module system. */
export function installEsmLoader(entry: string, given: EsmOptions = {}): EsmModules | null {
  const api = nodeModule as unknown as ModuleApi;
  const compile = given.compileHotOnly;
  const options: EsmOptions = compile
    ? {
        compileHotOnly(file) {
          const code = compile(file);
          return code !== null && readsImportMeta(code) ? replaceImportMeta(code, file) : code;
        },
      }
    : {};
  if (typeof api.registerHooks === "function") return installInThread(api, entry, options);
  if (typeof api.register === "function") return installThreaded(api, entry, options);
  return null;
}

function installInThread(api: ModuleApi, entry: string, options: EsmOptions): EsmModules {
  let modules: EsmModules | null = null;
  const pending: HookEvent[] = [];
  const hooks = new EsmHooks(entry, (event) => (modules ? deliver(modules, event) : pending.push(event)));
  const channel: HookChannel = {
    setVersion: async (file, version) => hooks.setVersion(file, version),
  };
  modules = new EsmModules(channel, true, options);
  for (const event of pending.splice(0)) deliver(modules, event);
  api.registerHooks!(syncHooks(hooks));
  return modules;
}

function installThreaded(api: ModuleApi, entry: string, options: EsmOptions): EsmModules {
  const { port1, port2 } = new MessageChannel();
  const waiting = new Map<number, () => void>();
  let nextId = 1;
  const channel: HookChannel = {
    setVersion(file, version) {
      return new Promise<void>((resolve) => {
        const message: VersionMessage = { id: nextId++, file, version };
        waiting.set(message.id, resolve);
        port1.ref(); // keep the process alive until the hooks thread answers
        port1.postMessage(message);
      });
    },
  };
  const modules = new EsmModules(channel, true, options);
  port1.on("message", (message: HookEvent | { ack: number }) => {
    if ("ack" in message) {
      waiting.get(message.ack)?.();
      waiting.delete(message.ack);
      if (waiting.size === 0) port1.unref();
    } else {
      deliver(modules, message);
    }
  });
  port1.unref();
  const hooksUrl = pathToFileURL(join(__dirname, "esm-hooks.js")).href;
  api.register!(hooksUrl, pathToFileURL(__filename).href, { data: { entry, port: port2 }, transferList: [port2] });
  return modules;
}
