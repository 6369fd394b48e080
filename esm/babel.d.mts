import plugin from "../dist/plugin/index.js";
export type { ChaudPluginOptions } from "../dist/plugin/index.js";
export { hotFromEnvironment } from "../dist/plugin/index.js";
export default plugin;
