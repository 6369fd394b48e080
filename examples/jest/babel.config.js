// The project's own Babel config, as babel-jest would use it. chaud/jest adds chaud's plugin.
module.exports = {
  presets: ["@babel/preset-typescript"],
  plugins: ["@babel/plugin-transform-modules-commonjs"],
};
