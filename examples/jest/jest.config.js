// chaud/jest is babel-jest with chaud's plugin. `enabled: true` turns the plugin on for every
// run; without it, the plugin is on when the environment has CHAUD_HOT=1.
module.exports = {
  testEnvironment: "node",
  transform: { "\\.[cm]?[jt]sx?$": ["chaud/jest", { enabled: true }] },
};
