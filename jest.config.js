// Unit and fixture tests import the TypeScript sources through ts-jest; end-to-end tests run
// the built package (dist/) in child `node` processes, so `npm test` expects a build
// (`npm install` runs it through `prepare`).
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/__tests__/tsconfig.json" }],
  },
  moduleNameMapper: {
    "^chaud/registry$": "<rootDir>/runtime/registry/registry.ts",
  },
  testTimeout: 30000,
  // Installs Jest 29 and TypeScript 5.0 for the compatibility tests on the first run.
  globalSetup: "<rootDir>/__tests__/global-setup.js",
};
