// ESM face of `chaud/registry`, the module compiled code imports.
import registry from "../dist/runtime/registry/registry.js";

export const { chaudModule, getRegistry, Registry, Batch, ModuleHandle, PersistCell } = registry;
