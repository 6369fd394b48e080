// Types of `import plugin from "chaud/babel"`: the plugin function itself.
import type { chaudPlugin } from "../dist/plugin/index.js";
export type { BabelPluginApi, ChaudPluginObject, ChaudPluginOptions } from "../dist/plugin/index.js";
export { hotFromEnvironment } from "../dist/plugin/index.js";
declare const plugin: typeof chaudPlugin;
export default plugin;
