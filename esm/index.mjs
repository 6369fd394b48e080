// ESM face of `chaud`: the CommonJS build re-exported by name, so both module systems share
// one copy of the runtime (and its state) in a process.
import runtime from "../dist/runtime/index.js";

export const { init, on, nextReload, reload, status, epoch, stop, isRunning, getRegistry, logger } = runtime;
