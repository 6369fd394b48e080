// chaudTsJest() returns ["ts-jest", options] with chaud's plugin in ts-jest's babelConfig and
// TypeScript's comments (the markers) kept. `enabled: true` turns the plugin on for every run;
// without it, the plugin is on when the environment has CHAUD_HOT=1.
const { chaudTsJest } = require("chaud/jest");

module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.tsx?$": chaudTsJest({}, { enabled: true, rootDir: __dirname }) },
};
