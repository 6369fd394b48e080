// The settings module: one rule per kind of value, defaults, and a report for a bad value.

import { readSettings, settings, hotFromEnvironment, modeFromEnvironment, VARIABLES } from "../../runtime/settings";
import { readFileSync } from "node:fs";
import { join } from "node:path";

test("booleans take 1, true, yes, on and 0, false, no, off, in any case, for every switch", () => {
  for (const on of ["1", "true", "TRUE", "yes", "on", " 1 "]) {
    expect(settings({ CHAUD_HOT: on }).hot).toBe(true);
    expect(settings({ CHAUD_SILENCE_LOG_LEVEL_WARNING: on }).silenceLogLevelWarning).toBe(true);
    expect(hotFromEnvironment({ CHAUD_HOT: on })).toBe(true);
  }
  for (const off of ["0", "false", "No", "off", ""]) {
    expect(settings({ CHAUD_HOT: off }).hot).toBe(false);
    expect(readSettings({ CHAUD_HOT: off }).problems).toEqual([]);
  }
});

test("a bad value is reported with the variable and what it takes, and the default applies", () => {
  const { settings: read, problems } = readSettings({
    CHAUD_HOT: "maybe",
    CHAUD_LOG: "loud",
    CHAUD_POLL: "often",
    CHAUD_AGGREGATE_TIMEOUT: "-3",
    CHAUD_RETAINED_NOTICE: "0",
    CHAUD_MODE: "everything",
  });
  expect(read).toMatchObject({
    hot: false,
    mode: "marked",
    log: undefined,
    poll: undefined,
    aggregateTimeout: 5,
    retainedNotice: 500,
  });
  expect(problems).toEqual([
    'CHAUD_HOT="maybe" is not 1, true, 0 or false; chaud uses the default.',
    'CHAUD_MODE="everything" is not a mode (marked or all); chaud uses the default.',
    'CHAUD_LOG="loud" is not a level (trace, debug, info, warn, error, silent); chaud uses the default.',
    'CHAUD_POLL="often" is not 1, true, 0, false or an interval in ms above 1; chaud uses the default.',
    'CHAUD_AGGREGATE_TIMEOUT="-3" is not a number of ms (0 or more); chaud uses the default.',
    'CHAUD_RETAINED_NOTICE="0" is not a count (1 or more); chaud uses the default.',
  ]);
});

test("defaults when nothing is set", () => {
  expect(readSettings({})).toEqual({
    settings: {
      hot: false,
      mode: "marked",
      restart: undefined,
      watch: undefined,
      ignore: undefined,
      killTimeout: undefined,
      supervised: null,
      log: undefined,
      silenceLogLevelWarning: false,
      poll: undefined,
      aggregateTimeout: 5,
      retainedNotice: 500,
      cacheDir: undefined,
      production: false,
      babelEnv: "development",
      nodeOptions: "",
    },
    problems: [],
  });
});

test("CHAUD_POLL: on polls every 100 ms, off does not poll, a number is the interval", () => {
  expect(settings({ CHAUD_POLL: "1" }).poll).toBe(100);
  expect(settings({ CHAUD_POLL: "true" }).poll).toBe(100);
  expect(settings({ CHAUD_POLL: "0" }).poll).toBeUndefined();
  expect(settings({ CHAUD_POLL: "250" }).poll).toBe(250);
});

test("CHAUD_MODE: marked or all, in any case; unset or empty is marked", () => {
  expect(settings({ CHAUD_MODE: "all" }).mode).toBe("all");
  expect(settings({ CHAUD_MODE: " ALL " }).mode).toBe("all");
  expect(settings({ CHAUD_MODE: "marked" }).mode).toBe("marked");
  expect(settings({ CHAUD_MODE: "" }).mode).toBe("marked");
  expect(modeFromEnvironment({})).toBe("marked");
  expect(modeFromEnvironment({ CHAUD_MODE: "all" })).toBe("all");
});

test("the chaud command's variables: restart, lists of globs (commas inside braces kept), kill timeout", () => {
  expect(settings({ CHAUD_RESTART: "OFF" }).restart).toBe("off");
  expect(settings({ CHAUD_WATCH: "config/*.yaml, views/**" }).watch).toEqual(["config/*.yaml", "views/**"]);
  expect(settings({ CHAUD_IGNORE: "src/{a,b}/*.ts,[ab],c.ts,," }).ignore).toEqual(["src/{a,b}/*.ts", "[ab]", "c.ts"]);
  expect(settings({ CHAUD_KILL_TIMEOUT: "250" }).killTimeout).toBe(250);
  expect(readSettings({ CHAUD_RESTART: "sometimes", CHAUD_KILL_TIMEOUT: "soon" }).problems).toEqual([
    'CHAUD_RESTART="sometimes" is not auto or off; chaud uses the default.',
    'CHAUD_KILL_TIMEOUT="soon" is not a number of ms (0 or more); chaud uses the default.',
  ]);
  expect(settings({ CHAUD_SUPERVISOR: "1" }).supervised).toBe("start");
  expect(settings({ CHAUD_SUPERVISOR: "restart" }).supervised).toBe("restart");
});

test("levels, numbers, the cache folder, NODE_ENV and Babel's env name", () => {
  expect(settings({ CHAUD_LOG: "DEBUG" }).log).toBe("debug");
  expect(settings({ CHAUD_AGGREGATE_TIMEOUT: "0" }).aggregateTimeout).toBe(0);
  expect(settings({ CHAUD_RETAINED_NOTICE: "3" }).retainedNotice).toBe(3);
  expect(settings({ CHAUD_CACHE_DIR: "tmp/cache" }).cacheDir).toBe("tmp/cache");
  expect(settings({ NODE_ENV: "production" }).production).toBe(true);
  expect(settings({ NODE_ENV: "test" }).babelEnv).toBe("test");
  expect(settings({ NODE_ENV: "test", BABEL_ENV: "custom" }).babelEnv).toBe("custom");
});

test("the README's table lists every variable chaud reads", () => {
  const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
  for (const variable of VARIABLES) expect(readme).toMatch(new RegExp(`^\\| \`${variable.name}\``, "m"));
});
