// chaud/electron's two pure helpers: which files a window's page loads, and whether an edit of
// the entry changed its top-level code (what hot reloading cannot apply).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { topLevelSignature } from "../../integration/electron/top-level";
import { filesOfPage } from "../../integration/electron/windows";
import { createTempDir, type TempDir } from "../helpers/temp-dir";

describe("filesOfPage", () => {
  let folder: TempDir;
  let dir: string;
  beforeAll(() => {
    folder = createTempDir("chaud-electron-page");
    dir = folder.dir;
  });
  afterAll(() => folder.remove());

  test("names the page and the local scripts and stylesheets its HTML references", () => {
    const page = join(dir, "index.html");
    writeFileSync(
      page,
      `<link rel="stylesheet" href="css/app.css?v=1"><script src='./app.js'></script>
<script src="https://cdn.example.com/x.js"></script><link href="//fonts.example.com/f.css"><img src="logo.png">
<script type="module" src="${pathToFileURL(join(dir, "abs.js")).href}"></script>`,
    );
    expect(filesOfPage(`${pathToFileURL(page).href}#top`)).toEqual([
      page,
      join(dir, "css/app.css"),
      join(dir, "app.js"),
      join(dir, "abs.js"),
    ]);
  });

  test("names nothing for a page served over http, and only the page when it cannot be read", () => {
    expect(filesOfPage("http://localhost:5173/")).toEqual([]);
    expect(filesOfPage("")).toEqual([]);
    expect(filesOfPage(pathToFileURL(join(dir, "missing.html")).href)).toEqual([join(dir, "missing.html")]);
  });
});

describe("topLevelSignature", () => {
  const main = (greeting: string, top: string): string => `const { app } = require("electron");
const top = ${JSON.stringify(top)};
/* @chaud.hot */
function greet(name) {
  return ${JSON.stringify(greeting)} + name;
}
/* @chaud.hot */ const wave = () => ${JSON.stringify(greeting)};
app.whenReady().then(() => {});
`;

  test("is the same when only hot functions changed", () => {
    expect(topLevelSignature("main.js", main("bonjour ", "v1"))).toBe(
      topLevelSignature("main.js", main("hello ", "v1")),
    );
  });

  test("differs when top-level code changed, or a hot function was added", () => {
    expect(topLevelSignature("main.js", main("hello ", "v2"))).not.toBe(
      topLevelSignature("main.js", main("hello ", "v1")),
    );
    const added = `${main("hello ", "v1")}/* @chaud.hot */\nfunction extra() {}\n`;
    expect(topLevelSignature("main.js", added)).not.toBe(topLevelSignature("main.js", main("hello ", "v1")));
  });

  test('in mode "all", is the same when only items hot without a marker changed', () => {
    const entry = (greeting: string, channel: string): string => `const { app, ipcMain } = require("electron");
function greet(name) {
  return ${JSON.stringify(greeting)} + name;
}
ipcMain.handle(${JSON.stringify(channel)}, (event, name) => ${JSON.stringify(greeting)} + name);
app.whenReady().then(() => {});
`;
    const all = (source: string): string | null => topLevelSignature("main.js", source, "all");
    expect(all(entry("bonjour ", "greet"))).toBe(all(entry("hello ", "greet")));
    // Another channel is another call: the running one does not change.
    expect(all(entry("hello ", "wave"))).not.toBe(all(entry("hello ", "greet")));
    const marked = (source: string): string | null => topLevelSignature("main.js", source, "marked");
    expect(marked(entry("bonjour ", "greet"))).not.toBe(marked(entry("hello ", "greet")));
  });

  test("ignores whitespace, parses TypeScript, and is null for a file that does not parse", () => {
    expect(topLevelSignature("main.js", "const a  =\n 1;")).toBe(topLevelSignature("main.js", "const a = 1;"));
    expect(
      topLevelSignature(
        "main.ts",
        "const a: number = 1;\n/* @chaud.hot */\nexport function f(x: string): string { return x; }",
      ),
    ).toBe("const a: number = 1;\nhot f");
    expect(topLevelSignature("main.js", "const = ;")).toBeNull();
  });
});
