// `chaud/jest`, two faces in one entry:
// - the Jest transformer Jest loads from its config (`transform: { …: "chaud/jest" }`): Jest
//   takes the default export (TypeScript's CommonJS output marks this module `__esModule`)
//   and calls its `createTransformer`;
// - the live-test helpers a test file imports: `editFile`, `nextReload`, `restoreEditedFiles`,
//   plus `chaudTsJest` for jest.config files that use ts-jest.
// Loading it is cheap on both sides: babel-jest, Babel and chaud's runtime load on first use.

import { installHooks } from "./live";
import { createTransformer } from "./transformer";

export { createTransformer };
export type { ChaudJestOptions, JestTransformer, JestTransformOptions, JestTransformResult } from "./transformer";
export { chaudTsJest } from "./ts-jest";
export type { ChaudTsJestOptions, TsJestOptions } from "./ts-jest";
export { editFile, nextReload, restoreEditedFiles } from "./live";
export type { Edit, EditOptions, ReloadOutcome } from "./live";

// In a test file: restore edited files after each test, stop watching after the last one.
installHooks();

const transformerFactory = { createTransformer };
export default transformerFactory;
