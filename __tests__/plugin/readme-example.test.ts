// The README shows what the plugin emits for its first example ("How it works"); this keeps
// that block true: the plugin's real output (Babel 7, TypeScript preset, ES modules kept) for
// the README's `src/server.ts` in a package named my-app.

import { transformSync } from "@babel/core";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chaudPlugin from "../../plugin/index";

const README = readFileSync(join(__dirname, "../../README.md"), "utf8");

/** The first fenced block of `language` after `marker` in the README. */
function block(language: string, marker: string): string {
  const start = README.indexOf(marker);
  if (start < 0) throw new Error(`README has no "${marker}"`);
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(README.slice(start));
  if (!match) throw new Error(`README has no \`\`\`${language} block after "${marker}"`);
  return match[1]!;
}

test("README's 'How it works' output is what the plugin emits for its first example", () => {
  const input = block("ts", "# chaud");
  expect(input).toContain("// src/server.ts");
  const root = realpathSync(mkdtempSync(join(tmpdir(), "chaud-readme-")));
  try {
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "my-app" }));
    mkdirSync(join(root, "src"));
    const filename = join(root, "src/server.ts");
    writeFileSync(filename, input);
    // The README shows the output without the example's end-of-line comments.
    const source = input.replace("// src/server.ts\n", "").replace(/ +\/\/ .*$/gm, "");
    const output = transformSync(source, {
      babelrc: false,
      configFile: false,
      filename,
      presets: ["@babel/preset-typescript"],
      plugins: [[chaudPlugin, { enabled: true }]],
    })!.code!;
    expect(block("js", "For the server above it emits:").trim()).toBe(output.trim());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the names in the README\'s mode "all" example are the keys the plugin gives', () => {
  const input = block("js", '## Mode "all"');
  const named = [...input.matchAll(/\/\/ hot: (\S+)$/gm)].map((match) => match[1]!);
  expect(named).toHaveLength(3);
  const output = transformSync(input, {
    babelrc: false,
    configFile: false,
    filename: "/virtual/app/src/server.js",
    plugins: [[chaudPlugin, { enabled: true, mode: "all" }]],
  })!.code!;
  for (const name of named) expect(output).toContain(`_chaud.fn(${JSON.stringify(name)}, `);
});
