// Before any test file: make sure Jest 29 and TypeScript 5.0 are installed for the
// compatibility tests (see test-extras.js), and name them for the test workers, which start
// after this and inherit the variables. A variable set already (.ci/run sets them) wins.

"use strict";

const { EXTRAS, ensure } = require("./test-extras");

module.exports = async function installCompatibilityExtras() {
  for (const name of ["jest29", "typescript50"]) {
    const { variable } = EXTRAS[name];
    if (process.env[variable]) continue;
    // Left unset when the install fails: the tests that need it fail, saying how to install it.
    const modules = ensure(name);
    if (modules) process.env[variable] = modules;
  }
};
