export * from "../dist/runtime/index.js";
