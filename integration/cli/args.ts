// Splits `chaud [chaud options] [node options] <entry> [args…]`: chaud's own flags (the table
// below), then node's options, read the way `node` reads its command line: options up to the
// first argument that is not an option (or a value of one) come before the entry.

import { VARIABLES } from "../../runtime/settings";

interface ChaudFlag {
  name: string;
  /** The value it takes, as --help shows it; absent for a switch. */
  value?: string;
  repeatable?: boolean;
  description: string;
}

/** chaud's flags, in the order `chaud --help` lists them. */
export const CHAUD_FLAGS: readonly ChaudFlag[] = [
  {
    name: "--mode",
    value: "all|marked",
    description: "all (default): every function is hot, markers or not; marked: only /* @chaud.hot */ items",
  },
  {
    name: "--restart",
    value: "auto|off",
    description: "auto (default): restart the program when a save cannot be applied in place; off: never",
  },
  {
    name: "--watch",
    value: "<path|glob>",
    repeatable: true,
    description: "more files of any type (a folder: all inside it) whose change restarts the program; repeatable",
  },
  {
    name: "--ignore",
    value: "<glob>",
    repeatable: true,
    description: "files not to watch (a glob without / matches a name anywhere); repeatable",
  },
  { name: "--kill-timeout", value: "<ms>", description: "SIGKILL the program this long after SIGTERM (default 5000)" },
  { name: "--clear-screen", description: "clear the terminal before each restart" },
  { name: "--quiet", description: "only warnings and errors from chaud" },
];

/** chaud's flags as given on the command line, values unchecked (options.ts checks them). */
export interface ChaudFlags {
  mode?: string;
  restart?: string;
  watch?: string[];
  ignore?: string[];
  killTimeout?: string;
  clearScreen?: boolean;
  quiet?: boolean;
}

/** Node options whose value is the next argument when not written as `--flag=value`. */
const TAKES_VALUE = new Set([
  "-r",
  "--require",
  "--import",
  "--loader",
  "--experimental-loader",
  "-C",
  "--conditions",
  "--inspect-port",
  "--debug-port",
  "--title",
  "--input-type",
  "--env-file",
  "--env-file-if-exists",
  "--redirect-warnings",
  "--diagnostic-dir",
  "--report-dir",
  "--icu-data-dir",
  "--openssl-config",
  "--tls-cipher-list",
  "--secure-heap",
  "--secure-heap-min",
  "--stack-trace-limit",
]);

/** Node options that would make node do something other than run the entry once. */
const REFUSED: Record<string, string> = {
  "-e": "chaud reloads files, so give it an entry file",
  "--eval": "chaud reloads files, so give it an entry file",
  "-p": "chaud reloads files, so give it an entry file",
  "--print": "chaud reloads files, so give it an entry file",
  "--watch-path": "chaud watches the program's modules itself; use --watch <path|glob> for other files",
  "--watch-preserve-output": "chaud never clears the screen unless asked to (--clear-screen)",
};

export type CliRequest =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "run"; flags: ChaudFlags; nodeOptions: string[]; entry: string; args: string[] }
  | { kind: "error"; message: string };

const FLAG_KEYS: Record<string, keyof ChaudFlags> = {
  "--mode": "mode",
  "--restart": "restart",
  "--watch": "watch",
  "--ignore": "ignore",
  "--kill-timeout": "killTimeout",
  "--clear-screen": "clearScreen",
  "--quiet": "quiet",
};

export function parseCliArgs(argv: readonly string[]): CliRequest {
  const flags: ChaudFlags = {};
  const nodeOptions: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--version" || arg === "-v") return { kind: "version" };
    if (arg === "--") {
      const entry = argv[i + 1];
      return entry
        ? { kind: "run", flags, nodeOptions, entry, args: argv.slice(i + 2) }
        : { kind: "error", message: "missing entry file after --" };
    }
    if (!arg.startsWith("-") || arg === "-")
      return { kind: "run", flags, nodeOptions, entry: arg, args: argv.slice(i + 1) };
    const equals = arg.indexOf("=");
    const name = equals > 0 && arg.startsWith("--") ? arg.slice(0, equals) : arg;
    const flag = CHAUD_FLAGS.find((candidate) => candidate.name === name);
    if (flag) {
      let value: string | undefined;
      if (flag.value === undefined) {
        if (equals > 0) return { kind: "error", message: `${name} takes no value` };
      } else if (equals > 0) value = arg.slice(equals + 1);
      else if (i + 1 < argv.length) value = argv[++i]!;
      else return { kind: "error", message: `${name} needs a value: ${flag.value}` };
      const key = FLAG_KEYS[name]!;
      if (value === undefined) (flags as Record<string, unknown>)[key] = true;
      else if (flag.repeatable) ((flags as Record<string, string[]>)[key] ??= []).push(value);
      else (flags as Record<string, string>)[key] = value;
      continue;
    }
    const refused = REFUSED[name];
    if (refused) return { kind: "error", message: `${name} is not supported: ${refused}` };
    nodeOptions.push(arg);
    if (TAKES_VALUE.has(arg) && i + 1 < argv.length) nodeOptions.push(argv[++i]!);
  }
  // `chaud --watch src/app.ts`, as with `node --watch`, took the entry as the path to watch.
  const watched = flags.watch?.at(-1);
  return {
    kind: "error",
    message:
      watched !== undefined
        ? `missing entry file (--watch took ${watched} as a path to watch; chaud watches the program's modules without it: \`chaud ${watched}\`)`
        : "missing entry file",
  };
}

/** The files node reads environment variables from (`--env-file`, `--env-file-if-exists`). */
export function envFiles(nodeOptions: readonly string[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < nodeOptions.length; i++) {
    const option = nodeOptions[i]!;
    const match = /^--env-file(?:-if-exists)?(?:=(.*))?$/.exec(option);
    if (!match) continue;
    const file = match[1] ?? nodeOptions[i + 1];
    if (match[1] === undefined) i++;
    if (file) files.push(file);
  }
  return files;
}

/** One aligned line per entry. */
function columns(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join("\n");
}

export const HELP = `Usage: chaud [chaud options] [node options] <entry> [args...]

Runs <entry> like \`node <entry>\`, and applies every save to the running program: a changed
function body takes effect in place (state kept, in milliseconds); a change that cannot (the
entry's top-level code, a changed export the entry imports) restarts the program.

  <entry>        a .js, .cjs, .mjs, .ts, .cts, .mts, .tsx or .jsx file (TypeScript needs no build step)
  node options   passed to node as they are (--inspect, --env-file=.env, --enable-source-maps, -r x, ...)
  args           passed to the program as process.argv.slice(2)

Options:
${columns([...CHAUD_FLAGS.map((flag): [string, string] => [`${flag.name}${flag.value ? ` ${flag.value}` : ""}`, flag.description]), ["-h, --help", "show this help"], ["-v, --version", "show chaud's version"]])}

While it runs, type rs and Enter to restart the program.

Options also come from the environment (below) and from a "chaud" key in the package.json of
the entry's package: { "mode", "restart", "watch", "ignore", "killTimeout" }. A flag wins over
a variable, a variable over package.json.

Environment:
${columns(VARIABLES.map((variable) => [`${variable.name}=${variable.values}`, variable.description]))}

Examples:
  npx chaud src/server.ts --port 3000
  npx chaud --watch 'config/*.yaml' --env-file=.env src/server.ts
  npx chaud --inspect src/server.ts
`;
