"use strict";
// chaud as a drop-in for node --watch and nodemon (the CLI restarts what it cannot apply in place).
// Two parts, each with chaud and its peers side by side in one run:
//
// 1. Restart latency. The generated apps (app-generator.js; CommonJS and TypeScript, N = 10, 100,
//    1000 modules, the ~3 MB dependency loaded at startup), entry stamped: the entry has a
//    top-level `const ENTRY_STAMP = <n>;` that its probe line and its HTTP answer carry. The edit
//    raises it: the entry's top-level code changed, which chaud cannot apply in place, so it
//    restarts the program (with a warm transform cache: only the entry is compiled again). Timed:
//    from just before the write to the new process's probe line on stdout (printed once its
//    server listens on 127.0.0.1); then one GET / checks that the value is served (a wrong or
//    missing answer is counted stale), and the pid says whether the program restarted. Tools:
//    chaud, node --watch (TypeScript: node --watch --import tsx), nodemon (TypeScript: --exec tsx),
//    as reload-latency.js starts them (tool-process.js). As there, every (language, N, tool) has
//    its own app and process, all of a language running at once, started one at a time (chaud's
//    after an unmeasured first start that fills its transform cache); rounds edit every process
//    once, in an order that rotates; 1 warm-up edit per process, then EDITS rounds, SETTLE_MS of
//    quiet after each edit. Also checked: the old program's process is gone once the new one
//    serves (a restarting tool must not leave it running), and chaud's own "restarted in N ms".
//    chaud's time is split at its "restarting:" line on stderr. Then, per language, traced runs:
//    chaud alone on the smallest and largest app with CHAUD_LOG=debug, whose new program logs its
//    first line (its register) and what its transform cache did not hold ("compiled N files").
//
// 2. In-place share. A small unmarked Express 5 app (expressApp below: an entry, two routers, two
//    services, a config module; no marker, the CLI's default mode) and a scripted session of
//    SCRIPT's edits, made to one copy under chaud and one under node --watch (TypeScript: with
//    --import tsx), each edit to both, back to back, alternating which goes first. Every edit says
//    which route shows it; timed: from the write until that route, polled over HTTP every 5 ms
//    (tool-process.js pollHttp), answers with the new value. Then every route is checked against
//    the value the script's state says it must have (an answer from other code, an error page, or
//    the new value never coming while the program answers: stale; no answer at all: down), and the
//    pid says whether chaud applied the edit in place or restarted. The session runs SESSIONS times with fresh copies (after a warm-up body edit that is
//    not counted: chaud's first edit loads Babel). Reported: per edit, what chaud did, what the
//    contract says it does, the latency under each tool; the share applied in place; per kind of
//    edit, medians against node --watch.
//
// Why: the restarts must cost no more than node --watch's (goal: chaud's median <= node --watch's
// at every size), everything else should stay in place, and no edit may leave stale code running.

const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { generateApp } = require("./app-generator");
const { appUsingChaud } = require("./chaud-build");
const { TOOLS, ToolProcess, sleep, timedEdit, latencySummary, httpGet, freePort } = require("./tool-process");
const { median, table, runAsScript } = require("./stats");

const ROOT = path.join(__dirname, "..");
const QUICK = process.argv.includes("--quick");
// `--only=ts`: one language; `--part=1` or `--part=2`: one part (for trying things out).
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const part = process.argv.find((arg) => arg.startsWith("--part="))?.slice("--part=".length);
const SIZES = QUICK ? [10, 100] : [10, 100, 1000];
const ALL_LANGS = {
  cjs: { restart: ["chaud", "node-watch", "nodemon"], session: ["chaud", "node-watch"] },
  ts: { restart: ["chaud", "node-watch-tsx", "nodemon-tsx"], session: ["chaud", "node-watch-tsx"] },
};
// `--tools=node-watch,nodemon`: only those tools in part 1 (for trying things out; chaud is the reference of every ratio).
const tools = process.argv
  .find((arg) => arg.startsWith("--tools="))
  ?.slice("--tools=".length)
  .split(",");
const LANGS = Object.fromEntries(
  Object.entries(only ? { [only]: ALL_LANGS[only] } : ALL_LANGS).map(([lang, list]) => [
    lang,
    { ...list, restart: tools ? list.restart.filter((tool) => tools.includes(tool)) : list.restart },
  ]),
);
const EDITS = QUICK ? 3 : 10; // part 1: counted edits per (language, N, tool)
const SESSIONS = QUICK ? 1 : 3; // part 2: sessions per language
const SETTLE_MS = 400;
const TRACE_EDITS = QUICK ? 2 : 6; // part 1's traced chaud runs, per app
const EDIT_TIMEOUT_MS = 20000;
const SERVED_TIMEOUT_MS = 10000;

// Goals (issue 14): chaud's restart no slower than node --watch's; no stale result in the session.
const GOAL = { maxRatio: 1.0, maxStale: 0 };

/**
 * Lines chaud writes on stderr ("[chaud] restarting: …"), without the prefix; `log.times[i]` is
 * when line i arrived (performance.now(), as tool-process.js times stdout lines).
 */
function collectLog(proc) {
  const log = [];
  log.times = [];
  let buffer = "";
  proc.child.stderr.on("data", (chunk) => {
    buffer += chunk.toString();
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\x1b\[[0-9;]*m/g, ""); // eslint-disable-line no-control-regex
      buffer = buffer.slice(newline + 1);
      if (!line.includes("[chaud]")) continue;
      log.push(line.slice(line.indexOf("[chaud]") + 8));
      log.times.push(performance.now());
    }
  });
  return log;
}

/** Whether a process still runs (a zombie waiting for its parent to reap it has ended). */
function isRunning(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    if (process.platform === "linux") return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

const restartedMs = (lines) =>
  lines.map((line) => /restarted in (\d+(?:\.\d+)?) ms/.exec(line)).flatMap((m) => (m ? [Number(m[1])] : []));

// ---------------------------------------------------------------------------------------------
// Part 1: restart latency on the generated apps.

function newSubject(lang, modules, tool, app) {
  return {
    lang,
    modules,
    tool,
    app,
    proc: null,
    log: [],
    stamp: 0,
    pid: null,
    samples: [],
    restarts: 0,
    inPlace: 0,
    stale: 0,
    oldLeft: 0,
    misses: 0,
    chaudRestartMs: [],
    // write -> chaud's "restarting:" line, and that line -> the new process serving
    toRestartingMs: [],
    restartingToServedMs: [],
    // the new process's "compiled N files in M ms" (what its transform cache did not have)
    compiledFiles: [],
    compiledMs: [],
    // "restarting:" -> the new program's first chaud line (its register: debug level only)
    toNewProgramMs: [],
    env: {},
    reasons: new Set(),
    startupMs: null,
    firstEditMs: null,
  };
}

const stampOf = (stamp) => (m) => m.type === "probe" && m.stamp === stamp;

async function start(subject, cacheDir) {
  const rel = path.relative(subject.app.dir, subject.app.entry);
  const t0 = performance.now();
  subject.proc = new ToolProcess(TOOLS[subject.tool].command(rel), {
    cwd: subject.app.dir,
    env: { CHAUD_CACHE_DIR: cacheDir, ...TOOLS[subject.tool].env, ...subject.env },
  });
  subject.log = collectLog(subject.proc);
  const first = await subject.proc.waitFor(stampOf(subject.stamp), {
    timeoutMs: 180000,
    what: `${subject.tool} to start`,
  });
  subject.startupMs = first.t - t0;
  subject.pid = first.msg.pid;
}

/** One entry edit; returns its latency in ms, or null (a miss). */
async function edit(subject, counted) {
  const stamp = ++subject.stamp;
  const before = subject.pid;
  const logFrom = subject.log.length;
  const result = await timedEdit(subject.proc, {
    write: () => subject.app.writeEntry(stamp),
    until: stampOf(stamp),
    timeoutMs: EDIT_TIMEOUT_MS,
    what: `stamp ${stamp}`,
    label: `[restart] ${subject.lang} ${subject.modules} ${subject.tool}`,
  });
  if (!result) {
    if (counted) subject.misses++;
    return null;
  }
  const { msg } = result;
  subject.pid = msg.pid;
  const oldLeft = msg.pid !== before && isRunning(before);
  const answer = await httpGet(msg.port, "/").catch(() => null);
  const served = answer?.json?.stamp === stamp && answer.json.pid === msg.pid;
  if (counted) {
    subject.samples.push(result.ms);
    if (msg.pid !== before) subject.restarts++;
    else subject.inPlace++;
    if (!served) subject.stale++;
    if (oldLeft) subject.oldLeft++;
  }
  await sleep(SETTLE_MS);
  if (counted) {
    const restarting = subject.log.findIndex((line, i) => i >= logFrom && line.startsWith("restarting:"));
    if (restarting >= 0) {
      const t0 = result.t - result.ms;
      subject.toRestartingMs.push(subject.log.times[restarting] - t0);
      subject.restartingToServedMs.push(result.t - subject.log.times[restarting]);
      const newProgram = subject.log.findIndex((line, i) => i > restarting && line.startsWith("workspace"));
      if (newProgram >= 0) subject.toNewProgramMs.push(subject.log.times[newProgram] - subject.log.times[restarting]);
    }
    const lines = subject.log.slice(logFrom);
    subject.chaudRestartMs.push(...restartedMs(lines));
    for (const line of lines) {
      const compiled = /compiled (\d+) files? in (\d+(?:\.\d+)?) ms/.exec(line);
      if (compiled) {
        subject.compiledFiles.push(Number(compiled[1]));
        subject.compiledMs.push(Number(compiled[2]));
      }
      const why = /restarting: (.*?)(?: \(a restart is a new process.*)?$/.exec(line);
      if (why) subject.reasons.add(why[1].replace(/\d+/g, "N"));
    }
  }
  return result.ms;
}

function summary(subject) {
  return {
    ...latencySummary(subject),
    restarts: subject.restarts,
    inPlace: subject.inPlace,
    stale: subject.stale,
    oldLeft: subject.oldLeft,
    chaudRestartMedianMs: subject.chaudRestartMs.length ? median(subject.chaudRestartMs) : null,
    toRestartingMedianMs: subject.toRestartingMs.length ? median(subject.toRestartingMs) : null,
    restartingToServedMedianMs: subject.restartingToServedMs.length ? median(subject.restartingToServedMs) : null,
    reasons: [...subject.reasons],
    startupMs: subject.startupMs,
    firstEditMs: subject.firstEditMs,
  };
}

/**
 * chaud alone on one of part 1's apps (its transform cache warm), with CHAUD_LOG=debug, so that
 * the new program's first line (its register's "workspace …") and its "compiled N files in M ms"
 * (what its cache did not hold) are on stderr: 1 warm-up edit, then TRACE_EDITS restarts.
 */
async function traced(measuredSubject, cacheDir) {
  const { lang, modules, app } = measuredSubject;
  console.error(`[restart] ${lang}: traced chaud run on ${modules} modules…`);
  const subject = newSubject(lang, modules, "chaud", app);
  subject.env = { CHAUD_LOG: "debug" };
  subject.stamp = measuredSubject.stamp; // the entry as the measured run left it
  await start(subject, cacheDir);
  await sleep(1000);
  await edit(subject, false);
  for (let i = 0; i < TRACE_EDITS; i++) await edit(subject, true);
  await subject.proc.stop();
  const m = (list) => (list.length ? median(list) : null);
  return {
    lang,
    modules,
    edits: subject.samples.length,
    restarts: subject.restarts,
    medianMs: m(subject.samples),
    toRestartingMs: m(subject.toRestartingMs),
    toNewProgramMs: m(subject.toNewProgramMs),
    restartingToServedMs: m(subject.restartingToServedMs),
    compiledFiles: m(subject.compiledFiles),
    compiledMs: m(subject.compiledMs),
    compiledRestarts: subject.compiledMs.length,
    chaudRestartMs: m(subject.chaudRestartMs),
  };
}

async function restartLatency(lang, workDir) {
  const cacheDir = fs.mkdtempSync(path.join(workDir, `cache-${lang}-`));
  const subjects = [];
  const traces = [];
  for (const modules of SIZES)
    for (const tool of LANGS[lang].restart)
      subjects.push(
        newSubject(
          lang,
          modules,
          tool,
          generateApp({ lang, modules, parent: workDir, label: tool, entryStamped: true }),
        ),
      );
  try {
    for (const subject of subjects.filter((s) => TOOLS[s.tool].chaud)) {
      console.error(`[restart] filling chaud's cache for ${lang} ${subject.modules}…`);
      await start(subject, cacheDir);
      await subject.proc.stop();
    }
    for (const subject of subjects) {
      console.error(`[restart] starting ${lang} ${subject.modules} under ${subject.tool}…`);
      await start(subject, cacheDir);
    }
    await sleep(1500); // watchers' initial scans
    for (const subject of subjects) subject.firstEditMs = await edit(subject, false);
    console.error(`[restart] ${lang}: ${EDITS} rounds of one entry edit per process…`);
    for (let round = 0; round < EDITS; round++) {
      const shift = round % subjects.length;
      for (const subject of [...subjects.slice(shift), ...subjects.slice(0, shift)]) await edit(subject, true);
    }
    await Promise.all(subjects.map((s) => s.proc.stop()));
    for (const subject of subjects.filter((s) => s.tool === "chaud" && [SIZES[0], SIZES.at(-1)].includes(s.modules)))
      traces.push(await traced(subject, cacheDir));
  } finally {
    await Promise.all(subjects.filter((s) => s.proc).map((s) => s.proc.stop()));
    for (const subject of subjects) subject.app.remove();
  }
  const results = subjects.map(summary);
  for (const r of results) {
    const chaud = results.find((c) => c.lang === r.lang && c.modules === r.modules && c.tool === "chaud");
    r.chaudRatio = chaud ? chaud.medianMs / r.medianMs : null; // chaud / this tool
  }
  return { results, traces };
}

// ---------------------------------------------------------------------------------------------
// Part 2: a scripted session on an unmarked Express app.

/** The app's state: every number is a tag that some piece of code puts into an answer. */
const INITIAL = {
  greeting: 0, // entry, top-level const GREETING
  root: 0, // entry, GET / handler body
  mw: 0, // entry, middleware body (x-mw header)
  extraMw: 0, // entry, a second middleware (registered when > 0)
  health: 0, // entry, GET /health (registered when > 0)
  tax: 0.2, // config, exported const TAX_RATE
  pricing: 0, // services/pricing, priceOf body
  helper: 0, // services/pricing, formatPrice (declared when > 0)
  list: 0, // services/users, UserStore#list body
  describe: 0, // services/users, describeUser body
  count: 0, // services/users, exported countUsers (declared and used when > 0)
  usersHandler: 0, // routes/users, GET /users handler body
  userHandler: 0, // routes/users, GET /users/:name handler body
  itemsHandler: 0, // routes/items, GET /items/:id handler body
  itemsList: 0, // routes/items, GET /items (registered when > 0)
};

/**
 * The session, in order. kind: what the edit is (for the per-kind figures); contract: what
 * CLI-CONTRACT.md says chaud does with it ("in place": same process, "restart", or "either" where
 * it says nothing); route: where the edit shows.
 */
const SCRIPT = [
  { kind: "body", what: "GET /users handler body", contract: "in place", route: "/users", change: { usersHandler: 1 } },
  {
    kind: "body",
    what: "service function body (priceOf)",
    contract: "in place",
    route: "/items/7",
    change: { pricing: 1 },
  },
  {
    kind: "body",
    what: "class method body (UserStore#list)",
    contract: "in place",
    route: "/users",
    change: { list: 1 },
  },
  { kind: "body", what: "entry: middleware body", contract: "in place", route: "/", change: { mw: 1 } },
  {
    kind: "entry top-level",
    what: "entry: top-level const GREETING",
    contract: "restart",
    route: "/",
    change: { greeting: 1 },
  },
  { kind: "body", what: "entry: GET / handler body", contract: "in place", route: "/", change: { root: 1 } },
  {
    kind: "exported constant",
    what: "config: exported const TAX_RATE (read by a service)",
    contract: "either",
    route: "/items/7",
    set: { tax: 0.25 },
  },
  {
    kind: "body",
    what: "service function body (describeUser)",
    contract: "in place",
    route: "/users/ann",
    change: { describe: 1 },
  },
  {
    kind: "new route",
    what: "entry: new route GET /health",
    contract: "restart",
    route: "/health",
    change: { health: 1 },
  },
  {
    kind: "body",
    what: "entry: GET /health handler body",
    contract: "in place",
    route: "/health",
    change: { health: 1 },
  },
  {
    kind: "new function",
    what: "service: new function formatPrice, called from priceOf",
    contract: "either",
    route: "/items/7",
    change: { helper: 1 },
  },
  {
    kind: "body",
    what: "the new function's body (formatPrice)",
    contract: "in place",
    route: "/items/7",
    change: { helper: 1 },
  },
  {
    kind: "body",
    what: "GET /items/:id handler body",
    contract: "in place",
    route: "/items/7",
    change: { itemsHandler: 1 },
  },
  {
    kind: "new export",
    what: "service: new exported countUsers, called from the /users handler",
    contract: "either",
    route: "/users",
    change: { count: 1 },
  },
  {
    kind: "entry top-level",
    what: "entry: a second middleware registered",
    contract: "restart",
    route: "/",
    change: { extraMw: 1 },
  },
  {
    kind: "body",
    what: "class method body (UserStore#list)",
    contract: "in place",
    route: "/users",
    change: { list: 1 },
  },
  {
    kind: "new route",
    what: "router module: new route GET /items",
    contract: "restart",
    route: "/items",
    change: { itemsList: 1 },
  },
  {
    kind: "body",
    what: "GET /users/:name handler body",
    contract: "in place",
    route: "/users/ann",
    change: { userHandler: 1 },
  },
  {
    kind: "body",
    what: "router module: GET /items handler body",
    contract: "in place",
    route: "/items",
    change: { itemsList: 1 },
  },
  {
    kind: "body",
    what: "service function body (priceOf)",
    contract: "in place",
    route: "/items/7",
    change: { pricing: 1 },
  },
];
// Before the session, not counted (chaud's first edit after a warm start loads Babel).
const WARMUP = { kind: "body", what: "warm-up", contract: "in place", route: "/users", change: { usersHandler: 1 } };

function applyEdit(state, step) {
  const next = { ...state, ...step.set };
  for (const [key, by] of Object.entries(step.change ?? {})) next[key] += by;
  return next;
}

/** What each route must answer in `s`: the JSON body's value, then "#" and each header the middlewares set. */
function expected(s) {
  const total = Math.round(10 * (1 + s.tax) * 100) / 100;
  const price = `p${s.pricing}:${s.helper ? `f${s.helper}:${total.toFixed(2)}` : total}EUR`;
  const routes = {
    "/": `g${s.greeting}|r${s.root}`,
    "/users": `uh${s.usersHandler}|l${s.list}:ann,bob${s.count ? `|c${s.count}:2` : ""}`,
    "/users/ann": `un${s.userHandler}|d${s.describe}:ann`,
    "/items/7": `ih${s.itemsHandler}|7|${price}`,
  };
  if (s.health) routes["/health"] = `ok${s.health}`;
  if (s.itemsList) routes["/items"] = `il${s.itemsList}`;
  const headers = `#mw${s.mw}${s.extraMw ? `#x${s.extraMw}` : ""}`;
  return Object.fromEntries(Object.entries(routes).map(([route, value]) => [route, value + headers]));
}

/** What an answer says, in expected()'s terms. */
const answerValue = (response) =>
  `${response.json?.value}#${response.headers["x-mw"]}${response.headers["x-extra"] ? `#${response.headers["x-extra"]}` : ""}`;

/** The app's files in state `s` (TypeScript: the same code with ES imports and a few types). */
function expressApp(lang, s) {
  const ts = lang === "ts";
  const x = ts ? "ts" : "js";
  const A = ts ? ": any" : "";
  const use = (names, from) =>
    ts ? `import ${names} from "${from}";` : `const ${names.replace("* as ", "")} = require("${from}");`;
  const strict = ts ? "" : '"use strict";\n';
  const ex = ts ? "export " : "";
  const exportsOf = (names) => (ts ? "" : `\nmodule.exports = { ${names.join(", ")} };\n`);
  const pid = "pid: process.pid";
  return {
    [`src/config.${x}`]: `${strict}${ex}const TAX_RATE${ts ? ": number" : ""} = ${s.tax};
${ex}const CURRENCY = "EUR";
${exportsOf(["TAX_RATE", "CURRENCY"])}`,
    [`src/services/pricing.${x}`]: `${strict}${use("{ TAX_RATE, CURRENCY }", "../config")}
${
  s.helper
    ? `
function formatPrice(value${ts ? ": number" : ""}) {
  return "f${s.helper}:" + value.toFixed(2);
}
`
    : ""
}
${ex}function priceOf(base${ts ? ": number" : ""}) {
  const total = Math.round(base * (1 + TAX_RATE) * 100) / 100;
  return "p${s.pricing}:" + ${s.helper ? "formatPrice(total)" : "total"} + CURRENCY;
}
${exportsOf(["priceOf"])}`,
    [`src/services/users.${x}`]: `${strict}${ex}class UserStore {
${ts ? "  users: string[];\n" : ""}  constructor() {
    this.users = ["ann", "bob"];
  }

  list() {
    return "l${s.list}:" + this.users.join(",");
  }
}

${ex}const store = new UserStore();

${ex}function describeUser(name${ts ? ": string" : ""}) {
  return "d${s.describe}:" + name;
}
${
  s.count
    ? `
${ex}function countUsers() {
  return "c${s.count}:" + store.users.length;
}
`
    : ""
}${exportsOf(["UserStore", "store", "describeUser", ...(s.count ? ["countUsers"] : [])])}`,
    [`src/routes/users.${x}`]: `${strict}${use("{ Router }", "express")}
${use("* as users", "../services/users")}

${ex}const router = Router();

router.get("/users", (req${A}, res${A}) => {
  res.json({ value: "uh${s.usersHandler}|" + users.store.list()${s.count ? ' + "|" + users.countUsers()' : ""}, ${pid} });
});

router.get("/users/:name", (req${A}, res${A}) => {
  res.json({ value: "un${s.userHandler}|" + users.describeUser(req.params.name), ${pid} });
});
${exportsOf(["router"])}`,
    [`src/routes/items.${x}`]: `${strict}${use("{ Router }", "express")}
${use("{ priceOf }", "../services/pricing")}

${ex}const router = Router();

router.get("/items/:id", (req${A}, res${A}) => {
  res.json({ value: "ih${s.itemsHandler}|" + req.params.id + "|" + priceOf(10), ${pid} });
});
${
  s.itemsList
    ? `
router.get("/items", (req${A}, res${A}) => {
  res.json({ value: "il${s.itemsList}", ${pid} });
});
`
    : ""
}${exportsOf(["router"])}`,
    [`src/main.${x}`]: `${strict}${use(ts ? "express" : "express", "express")}
${use(ts ? "{ router as usersRouter }" : "{ router: usersRouter }", "./routes/users")}
${use(ts ? "{ router as itemsRouter }" : "{ router: itemsRouter }", "./routes/items")}

const GREETING = "g${s.greeting}";
const app = express();

app.use((req${A}, res${A}, next${A}) => {
  res.setHeader("x-mw", "mw${s.mw}");
  next();
});
${
  s.extraMw
    ? `
app.use((req${A}, res${A}, next${A}) => {
  res.setHeader("x-extra", "x${s.extraMw}");
  next();
});
`
    : ""
}
app.get("/", (req${A}, res${A}) => {
  res.json({ value: GREETING + "|r${s.root}", ${pid} });
});

app.use(usersRouter);
app.use(itemsRouter);
${
  s.health
    ? `
app.get("/health", (req${A}, res${A}) => {
  res.json({ value: "ok${s.health}", ${pid} });
});
`
    : ""
}
const port = Number(process.env.PORT);
app.listen(port, "127.0.0.1", (error${A}) => {
  console.log(JSON.stringify({ type: "listening", pid: process.pid, port, error: error ? String(error) : null }));
});
`,
  };
}

/** A copy of the app (express linked from chaud's own node_modules) with `write(state)` for edits. */
function writeExpressApp(lang, parent, label) {
  const dir = fs.mkdtempSync(path.join(parent, `chaud-bench-express-${lang}-${label}-`));
  appUsingChaud(dir, `bench-express-${lang}`, { dependencies: { express: "^5.0.0" } });
  fs.symlinkSync(path.join(ROOT, "node_modules", "express"), path.join(dir, "node_modules", "express"), "dir");
  let files = {};
  return {
    dir,
    entry: path.join(dir, `src/main.${lang === "ts" ? "ts" : "js"}`),
    /** Writes the files whose text differs from the last state written (in place). */
    write(state) {
      const next = expressApp(lang, state);
      for (const [file, text] of Object.entries(next)) {
        if (files[file] === text) continue;
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      files = next;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** GETs every route of `expect`: the routes whose answer differs ([route, got, want]), and the pid of /. */
async function checkAll(port, expect) {
  const wrong = [];
  let pid = null;
  for (const [route, want] of Object.entries(expect)) {
    const response = await httpGet(port, route).catch((error) => ({ error }));
    const got = response.error ? `error ${response.error.code ?? response.error.message}` : answerValue(response);
    if (route === "/") pid = response.json?.pid ?? null;
    if (got !== want) wrong.push([route, got, want]);
  }
  return { wrong, pid };
}

async function startSession(p, cacheDir) {
  p.app.write(INITIAL);
  const rel = path.relative(p.app.dir, p.app.entry);
  p.proc = new ToolProcess(TOOLS[p.tool].command(rel), {
    cwd: p.app.dir,
    env: { CHAUD_CACHE_DIR: cacheDir, PORT: String(p.port), ...TOOLS[p.tool].env },
  });
  p.log = collectLog(p.proc);
  const { msg } = await p.proc.waitFor((m) => m.type === "listening", {
    timeoutMs: 60000,
    what: `${p.tool} to listen`,
  });
  if (msg.error) throw new Error(`${p.tool}: ${msg.error}`);
  p.pid = msg.pid;
}

/** One step of the script in one participant: { ms, inPlace, stale, wrong, log }. */
async function sessionEdit(p, step, state) {
  const want = expected(state);
  const before = p.pid;
  const logFrom = p.log.length;
  const result = await timedEdit(p.proc, {
    write: () => p.app.write(state),
    served: { port: p.port, path: step.route, accept: (response) => answerValue(response) === want[step.route] },
    timeoutMs: SERVED_TIMEOUT_MS,
    what: `${step.route} to answer ${want[step.route]}`,
    label: `[restart] session ${p.lang} ${p.tool} "${step.what}"`,
  });
  const { wrong, pid } = await checkAll(p.port, want);
  const now = pid ?? result?.msg.json?.pid ?? null;
  if (now !== null) p.pid = now;
  await sleep(SETTLE_MS);
  const log = p.log.slice(logFrom);
  return {
    ms: result ? result.ms : null,
    // null: no answer to tell (the program did not serve after the edit)
    inPlace: now === null ? null : now === before,
    // stale: a route answered something else than the code now on disk says (old code running);
    // down: a route did not answer at all (the program is not serving).
    stale: wrong.some(([, got]) => !got.startsWith("error ")) || (!result && wrong.length === 0),
    down: wrong.some(([, got]) => got.startsWith("error ")),
    wrong,
    log: log
      .filter((line) => /restart|reload|error|fail|changed|compiled/i.test(line))
      .map((line) => line.slice(0, 600)),
  };
}

async function session(lang, index, workDir, cacheDir) {
  const participants = [];
  for (const tool of LANGS[lang].session) {
    const port = await freePort();
    participants.push({ lang, tool, port, app: writeExpressApp(lang, workDir, tool), proc: null, pid: null, log: [] });
  }
  const records = [];
  try {
    for (const p of participants) {
      if (TOOLS[p.tool].chaud) {
        // A warm transform cache, as for a program that ran before.
        await startSession(p, cacheDir);
        await p.proc.stop();
      }
      await startSession(p, cacheDir);
    }
    await sleep(1500);
    let state = INITIAL;
    for (const p of participants) {
      const initial = await checkAll(p.port, expected(state));
      if (initial.wrong.length > 0)
        throw new Error(`${p.tool}: wrong answers at start: ${JSON.stringify(initial.wrong)}`);
    }
    state = applyEdit(state, WARMUP);
    for (const p of participants) await sessionEdit(p, WARMUP, state);
    for (const [i, step] of SCRIPT.entries()) {
      state = applyEdit(state, step);
      const order = (i + index) % 2 === 0 ? participants : [...participants].reverse();
      for (const p of order)
        records.push({ session: index, step: i, tool: p.tool, ...(await sessionEdit(p, step, state)) });
    }
  } finally {
    await Promise.all(participants.filter((p) => p.proc).map((p) => p.proc.stop()));
    for (const p of participants) p.app.remove();
  }
  return records;
}

async function inPlaceShare(lang, workDir) {
  const cacheDir = fs.mkdtempSync(path.join(workDir, `cache-express-${lang}-`));
  const records = [];
  for (let index = 0; index < SESSIONS; index++) {
    console.error(`[restart] ${lang}: Express session ${index + 1}/${SESSIONS} (${SCRIPT.length} edits)…`);
    records.push(...(await session(lang, index, workDir, cacheDir)));
  }
  const [chaudTool, peer] = LANGS[lang].session;
  const of = (tool, step) => records.filter((r) => r.tool === tool && (step === undefined || r.step === step));
  const ms = (list) => list.map((r) => r.ms).filter((v) => v !== null);
  const steps = SCRIPT.map((step, i) => {
    const chaud = of(chaudTool, i);
    const other = of(peer, i);
    const did = [
      ...new Set(chaud.map((r) => (r.inPlace === null ? "no answer" : r.inPlace ? "in place" : "restart"))),
    ].join(" / ");
    return {
      step: i + 1,
      kind: step.kind,
      what: step.what,
      contract: step.contract,
      chaudDid: did,
      chaudInPlace: chaud.filter((r) => r.inPlace === true).length,
      runs: chaud.length,
      asContract: step.contract === "either" || chaud.every((r) => r.inPlace === (step.contract === "in place")),
      chaudMs: median(ms(chaud)),
      peerMs: median(ms(other)),
      chaudStale: chaud.filter((r) => r.stale).length,
      peerStale: other.filter((r) => r.stale).length,
      chaudDown: chaud.filter((r) => r.down).length,
      peerDown: other.filter((r) => r.down).length,
      peerRestarted: other.filter((r) => !r.inPlace).length,
      wrong: chaud.flatMap((r) => r.wrong).slice(0, 3),
      log: [...new Set(chaud.flatMap((r) => r.log))].slice(0, 4),
    };
  });
  const kinds = [...new Set(SCRIPT.map((s) => s.kind))].map((kind) => {
    const idx = SCRIPT.flatMap((s, i) => (s.kind === kind ? [i] : []));
    const chaud = records.filter((r) => r.tool === chaudTool && idx.includes(r.step));
    const other = records.filter((r) => r.tool === peer && idx.includes(r.step));
    return {
      kind,
      edits: chaud.length,
      chaudInPlace: chaud.filter((r) => r.inPlace === true).length,
      chaudMs: median(ms(chaud)),
      chaudInPlaceMs: median(ms(chaud.filter((r) => r.inPlace === true))),
      chaudRestartMs: median(ms(chaud.filter((r) => r.inPlace === false))),
      peerMs: median(ms(other)),
    };
  });
  const chaud = of(chaudTool);
  const other = of(peer);
  return {
    lang,
    peer,
    peerLabel: TOOLS[peer].label,
    sessions: SESSIONS,
    edits: chaud.length,
    chaudInPlace: chaud.filter((r) => r.inPlace === true).length,
    contractInPlace: SESSIONS * SCRIPT.filter((s) => s.contract === "in place").length,
    chaudStale: chaud.filter((r) => r.stale).length,
    peerStale: other.filter((r) => r.stale).length,
    chaudDown: chaud.filter((r) => r.down).length,
    peerDown: other.filter((r) => r.down).length,
    notAsContract: steps.filter((s) => !s.asContract).length,
    chaudMedianMs: median(ms(chaud)),
    peerMedianMs: median(ms(other)),
    steps,
    kinds,
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chaud-bench-restart-"));
  const started = Date.now();
  try {
    const restarts = [];
    const traces = [];
    const sessions = [];
    for (const lang of Object.keys(LANGS)) {
      if (part !== "2") {
        const out = await restartLatency(lang, workDir);
        restarts.push(...out.results);
        traces.push(...out.traces);
      }
      if (part !== "1") sessions.push(await inPlaceShare(lang, workDir));
    }
    return {
      quick: QUICK,
      sizes: SIZES,
      edits: EDITS,
      sessionCount: SESSIONS,
      settleMs: SETTLE_MS,
      goal: GOAL,
      restarts,
      traces,
      sessions,
      loadAverage: os.loadavg(),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? "-" : x.toFixed(1));
const LANG_NAMES = { cjs: "CJS", ts: "TS" };
const isNodeWatch = (tool) => tool.startsWith("node-watch");

/** Part 1's goal rows: per language and size, chaud's median against node --watch's (and nodemon's, reported). */
function restartGoals(result) {
  const rows = [];
  for (const r of result.restarts) {
    if (r.tool === "chaud") continue;
    const chaud = result.restarts.find((c) => c.lang === r.lang && c.modules === r.modules && c.tool === "chaud");
    if (!chaud) continue; // --tools left chaud out
    const goal = isNodeWatch(r.tool);
    const clean = chaud.misses === 0 && chaud.stale === 0 && chaud.inPlace === 0 && chaud.oldLeft === 0;
    rows.push({
      lang: r.lang,
      modules: r.modules,
      peer: r.label,
      peerMs: r.medianMs,
      chaudMs: chaud.medianMs,
      ratio: chaud.medianMs / r.medianMs,
      goal,
      clean,
      pass: goal ? clean && chaud.medianMs / r.medianMs <= GOAL.maxRatio : null,
    });
  }
  return rows;
}

function render(result) {
  const out = [];
  if (result.restarts.length > 0) {
    out.push(
      `restart (1): entry top-level edit -> new value served, ms; ${result.edits} edits per process, interleaved (${result.seconds.toFixed(0)} s in all)`,
      table(
        [
          "lang",
          "N",
          "tool",
          "edits",
          "median",
          "p90",
          "range",
          "restarted",
          "stale",
          "old left",
          "write->restarting",
          "restarting->served",
          "chaud's own",
          "1st edit",
          "startup",
        ],
        result.restarts.map((r) => [
          LANG_NAMES[r.lang],
          r.modules,
          r.label,
          `${r.edits}${r.misses ? ` (${r.misses} missed)` : ""}`,
          f1(r.medianMs),
          f1(r.p90Ms),
          `${f1(r.minMs)}-${f1(r.maxMs)}`,
          `${r.restarts}/${r.edits}`,
          r.stale,
          r.oldLeft,
          r.tool === "chaud" ? f1(r.toRestartingMedianMs) : "-",
          r.tool === "chaud" ? f1(r.restartingToServedMedianMs) : "-",
          r.tool === "chaud" ? f1(r.chaudRestartMedianMs) : "-",
          f1(r.firstEditMs),
          f1(r.startupMs),
        ]),
      ),
      "",
      `where a chaud restart goes (traced runs: chaud alone, CHAUD_LOG=debug, ${TRACE_EDITS} restarts per app; medians, ms):`,
      table(
        [
          "lang",
          "N",
          "restarts",
          "total",
          "write->restarting",
          "restarting->new program's 1st line",
          "restarting->served",
          "new program compiled",
          "chaud's own",
        ],
        (result.traces ?? []).map((t) => [
          LANG_NAMES[t.lang],
          t.modules,
          `${t.restarts}/${t.edits}`,
          f1(t.medianMs),
          f1(t.toRestartingMs),
          f1(t.toNewProgramMs),
          f1(t.restartingToServedMs),
          t.compiledRestarts
            ? `${t.compiledFiles} file(s) in ${f1(t.compiledMs)} (${t.compiledRestarts}/${t.edits})`
            : "nothing",
          f1(t.chaudRestartMs),
        ]),
      ),
      "",
      `chaud's reasons: ${[...new Set(result.restarts.flatMap((r) => r.reasons))].join("; ") || "(none logged)"}`,
      "",
      `goal: chaud's median / node --watch's <= ${GOAL.maxRatio.toFixed(1)}x (every edit restarted, served, no old process left)`,
      table(
        ["lang", "N", "vs", "tool", "chaud", "chaud / tool", "result"],
        restartGoals(result).map((g) => [
          LANG_NAMES[g.lang],
          g.modules,
          g.peer,
          f1(g.peerMs),
          f1(g.chaudMs),
          Number.isFinite(g.ratio) ? `${g.ratio.toFixed(2)}x` : "-",
          g.goal ? (g.pass ? "pass" : "FAIL") : "(reported)",
        ]),
      ),
    );
  }
  for (const s of result.sessions) {
    out.push(
      "",
      `restart (2): Express session, ${LANG_NAMES[s.lang]}, ${s.sessions} session(s) of ${SCRIPT.length} edits; chaud vs ${s.peerLabel}; edit -> the route answers the new value (ms, medians); stale, down: chaud / ${s.peerLabel}`,
      table(
        ["#", "kind", "edit", "contract", "chaud did", "chaud", s.peerLabel, "stale", "down", "chaud's log"],
        s.steps.map((st) => [
          st.step,
          st.kind,
          st.what,
          st.contract,
          `${st.chaudDid}${st.asContract ? "" : " (!)"}`,
          f1(st.chaudMs),
          f1(st.peerMs),
          `${st.chaudStale} / ${st.peerStale}`,
          `${st.chaudDown} / ${st.peerDown}`,
          st.log.join(" | ").slice(0, 120),
        ]),
      ),
      "",
      table(
        ["kind", "edits", "chaud in place", "chaud", "chaud in place", "chaud restarted", s.peerLabel, "chaud / peer"],
        s.kinds.map((k) => [
          k.kind,
          k.edits,
          `${k.chaudInPlace}/${k.edits}`,
          f1(k.chaudMs),
          f1(k.chaudInPlaceMs),
          f1(k.chaudRestartMs),
          f1(k.peerMs),
          k.chaudMs > 0 && k.peerMs > 0 ? `${(k.chaudMs / k.peerMs).toFixed(2)}x` : "-",
        ]),
      ),
      `in place: ${s.chaudInPlace}/${s.edits} (${((100 * s.chaudInPlace) / s.edits).toFixed(0)}%; the contract: ${s.contractInPlace} in place, the "either" steps not counted); stale: chaud ${s.chaudStale}, ${s.peerLabel} ${s.peerStale} (goal: chaud ${GOAL.maxStale}); not serving after an edit: chaud ${s.chaudDown}, ${s.peerLabel} ${s.peerDown}; steps not as the contract says: ${s.notAsContract}`,
    );
    for (const st of s.steps.filter((x) => x.wrong.length > 0))
      out.push(
        `  step ${st.step} (${st.what}), chaud's wrong answers: ${JSON.stringify(st.wrong)}; chaud said: ${st.log.join(" | ")}`,
      );
  }
  return out.join("\n");
}

module.exports = { main, render, GOAL, restartGoals, expressApp, INITIAL, SCRIPT, WARMUP, applyEdit, expected };
if (require.main === module) runAsScript(main, render);
