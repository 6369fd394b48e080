export * from "../dist/runtime/registry.js";
