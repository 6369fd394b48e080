// ESLint: typescript-eslint's recommended rules everywhere, and on chaud's own TypeScript the
// type-aware rules that catch promises nobody awaits or handles: a reload path that drops a
// rejection would fail silently, or crash the user's program on an unhandled rejection.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "coverage/**",
      "**/node_modules/**",
      "bench/results/**",
      "__tests__/fixtures/**",
      "__tests__/corpus/**",
      "esm/*.d.mts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter or binding kept for its position or to drop it from a spread.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // chaud loads Babel, electron and watchpack's internals with require() where and when it
    // needs them (start-up pays only for what it uses); tests load modules afresh the same way.
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // An example's dispose function and persisted handles are used by chaud, not by the code
    // around them.
    files: ["examples/**"],
    rules: { "@typescript-eslint/no-unused-vars": "off" },
  },
  {
    files: ["examples/electron-main/renderer/**"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["plugin/**/*.ts", "runtime/**/*.ts", "loader/**/*.ts", "integration/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    // Tests drive dynamically compiled code, whose shape only the test knows.
    files: ["__tests__/**/*.ts"],
    languageOptions: { globals: { ...globals.jest } },
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
