// The chaud command's command line and options: its own flags before the entry, node's options
// passed on, and each option from a flag, a CHAUD_* variable or package.json's "chaud" key.

import { envFiles, HELP, parseCliArgs } from "../../integration/cli/args";
import { OptionError, resolveOptions } from "../../integration/cli/options";
import { useTempDir } from "../helpers/temp-dir";

describe("parseCliArgs", () => {
  test("chaud's flags, node's options, the entry and the program's arguments", () => {
    expect(
      parseCliArgs([
        "--mode=marked",
        "--inspect",
        "--watch",
        "config/*.yaml",
        "--watch=views",
        "--env-file",
        ".env",
        "--kill-timeout",
        "300",
        "--clear-screen",
        "--quiet",
        "--ignore=*.test.ts",
        "--restart",
        "off",
        "src/server.ts",
        "--port",
        "3000",
      ]),
    ).toEqual({
      kind: "run",
      flags: {
        mode: "marked",
        watch: ["config/*.yaml", "views"],
        killTimeout: "300",
        clearScreen: true,
        quiet: true,
        ignore: ["*.test.ts"],
        restart: "off",
      },
      nodeOptions: ["--inspect", "--env-file", ".env"],
      entry: "src/server.ts",
      args: ["--port", "3000"],
    });
  });

  test("a flag after the entry is the program's", () => {
    expect(parseCliArgs(["app.js", "--watch", "x"])).toMatchObject({
      entry: "app.js",
      args: ["--watch", "x"],
      flags: {},
    });
  });

  test("mistakes are errors that say what to do", () => {
    expect(parseCliArgs(["--mode"])).toEqual({ kind: "error", message: "--mode needs a value: all|marked" });
    expect(parseCliArgs(["--quiet=yes", "app.js"])).toEqual({ kind: "error", message: "--quiet takes no value" });
    expect(parseCliArgs(["--watch", "src/app.ts"])).toEqual({
      kind: "error",
      message:
        "missing entry file (--watch took src/app.ts as a path to watch; chaud watches the program's modules without it: `chaud src/app.ts`)",
    });
    expect(parseCliArgs(["--watch-path=src", "app.js"])).toMatchObject({
      kind: "error",
      message: expect.stringContaining("--watch <path|glob>"),
    });
    expect(parseCliArgs(["-e", "1"])).toMatchObject({ kind: "error", message: expect.stringContaining("entry file") });
  });

  test("the files named by --env-file and --env-file-if-exists", () => {
    expect(
      envFiles(["--env-file=.env", "--inspect", "--env-file", ".env.local", "--env-file-if-exists=.env.dev"]),
    ).toEqual([".env", ".env.local", ".env.dev"]);
  });

  test("--help lists every flag and the package.json key", () => {
    for (const flag of ["--mode", "--restart", "--watch", "--ignore", "--kill-timeout", "--clear-screen", "--quiet"])
      expect(HELP).toContain(flag);
    expect(HELP).toContain('"chaud" key');
    expect(HELP).toContain("rs");
  });
});

describe("resolveOptions", () => {
  const dir = useTempDir("chaud-cli-options");
  const entry = (): string => dir.path("src/server.ts");

  function withPackage(chaud: unknown): void {
    dir.write("package.json", JSON.stringify({ name: "app", ...(chaud === undefined ? {} : { chaud }) }));
    dir.write("src/server.ts", "");
  }

  test("defaults: mode all, restart auto, a 5 s kill timeout", () => {
    withPackage(undefined);
    expect(resolveOptions({}, entry(), {})).toEqual({
      mode: "all",
      restart: "auto",
      watch: [],
      ignore: [],
      killTimeout: 5000,
      clearScreen: false,
      quiet: false,
    });
  });

  test("a flag wins over a variable, a variable over package.json", () => {
    withPackage({ mode: "marked", restart: "off", watch: "a/*.yaml", ignore: ["x"], killTimeout: 100 });
    expect(resolveOptions({}, entry(), {})).toMatchObject({
      mode: "marked",
      restart: "off",
      // A glob with a folder in package.json is the package's; a name alone matches anywhere.
      watch: [dir.path("a/*.yaml")],
      ignore: ["x"],
      killTimeout: 100,
    });
    const env = {
      CHAUD_MODE: "all",
      CHAUD_RESTART: "auto",
      CHAUD_WATCH: "b",
      CHAUD_IGNORE: "y,z",
      CHAUD_KILL_TIMEOUT: "200",
    };
    expect(resolveOptions({}, entry(), env)).toMatchObject({
      mode: "all",
      restart: "auto",
      watch: ["b"],
      ignore: ["y", "z"],
      killTimeout: 200,
    });
    expect(
      resolveOptions({ mode: "marked", restart: "off", watch: ["c"], ignore: ["w"], killTimeout: "300" }, entry(), env),
    ).toMatchObject({ mode: "marked", restart: "off", watch: ["c"], ignore: ["w"], killTimeout: 300 });
  });

  test("bad values and unknown keys are errors naming them", () => {
    withPackage(undefined);
    expect(() => resolveOptions({ mode: "some" }, entry(), {})).toThrow(
      new OptionError('--mode must be marked or all, not "some"'),
    );
    expect(() => resolveOptions({ killTimeout: "soon" }, entry(), {})).toThrow(/--kill-timeout must be a number of ms/);
    withPackage({ watchh: ["x"] });
    expect(() => resolveOptions({}, entry(), {})).toThrow(
      /package\.json: "chaud" has an unknown key "watchh" \(did you mean "watch"\?\)/,
    );
    withPackage({ restart: "always" });
    expect(() => resolveOptions({}, entry(), {})).toThrow(/"chaud"\.restart must be "auto" or "off", not "always"/);
    withPackage({ killTimeout: "5s" });
    expect(() => resolveOptions({}, entry(), {})).toThrow(/"chaud"\.killTimeout must be a number of ms/);
    withPackage({ ignore: [3] });
    expect(() => resolveOptions({}, entry(), {})).toThrow(/"chaud"\.ignore must be a glob or an array of globs/);
    withPackage("all");
    expect(() => resolveOptions({}, entry(), {})).toThrow(/"chaud" must be an object/);
  });
});
