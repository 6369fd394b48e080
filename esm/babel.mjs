// ESM face of `chaud/babel`.
import plugin from "../dist/plugin/index.js";

export default plugin.default;
export const { hotFromEnvironment } = plugin;
