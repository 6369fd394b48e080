// The project's own Babel config: used when chaud's examples and end-to-end apps are
// compiled from this folder. Fixture and corpus runs pass `babelrc: false, configFile: false`
// so nothing here leaks into their output.
module.exports = {
  presets: [["@babel/preset-typescript", { onlyRemoveTypeImports: true }]],
};
