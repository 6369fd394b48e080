// Splits `chaud [node options] <entry> [args…]` the way `node` itself reads its command line:
// options up to the first argument that is not an option (or a value of one) belong to node.

import { VARIABLES } from "../../runtime/settings";

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
  "--eval",
  "-e",
  "--print",
  "-p",
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

export type CliRequest =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "run"; nodeOptions: string[]; entry: string; args: string[] }
  | { kind: "error"; message: string };

export function parseCliArgs(argv: readonly string[]): CliRequest {
  const nodeOptions: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--version" || arg === "-v") return { kind: "version" };
    if (arg === "-e" || arg === "--eval" || arg === "-p" || arg === "--print") {
      return { kind: "error", message: `${arg} is not supported: chaud reloads files, so give it an entry file` };
    }
    if (arg === "--") {
      const entry = argv[i + 1];
      return entry
        ? { kind: "run", nodeOptions, entry, args: argv.slice(i + 2) }
        : { kind: "error", message: "missing entry file after --" };
    }
    if (!arg.startsWith("-") || arg === "-") return { kind: "run", nodeOptions, entry: arg, args: argv.slice(i + 1) };
    nodeOptions.push(arg);
    if (TAKES_VALUE.has(arg) && i + 1 < argv.length) nodeOptions.push(argv[++i]!);
  }
  return { kind: "error", message: "missing entry file" };
}

/** One line per variable chaud reads, aligned as a table. */
function environmentHelp(): string {
  const names = VARIABLES.map((variable) => `${variable.name}=${variable.values}`);
  const width = Math.max(...names.map((name) => name.length)) + 3;
  return VARIABLES.map((variable, i) => `  ${names[i]!.padEnd(width)}${variable.description}`).join("\n");
}

export const HELP = `Usage: chaud [node options] <entry> [args...]

Runs <entry> like \`node <entry>\`, with hot reloading on: functions marked /* @chaud.hot */
take new code when you save, values marked /* @chaud.persist */ keep theirs.

  <entry>        a .js, .cjs, .ts, .cts, .tsx or .jsx file (TypeScript needs no build step)
  node options   passed to node as they are (--inspect, --enable-source-maps, -r x, ...)
  args           passed to the program as process.argv.slice(2)

Options:
  -h, --help     show this help
  -v, --version  show chaud's version

Environment:
${environmentHelp()}

Examples:
  npx chaud src/server.ts --port 3000
  npx chaud --inspect src/server.ts
`;
