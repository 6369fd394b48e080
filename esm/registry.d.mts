export * from "../dist/runtime/registry/registry.js";
