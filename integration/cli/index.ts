#!/usr/bin/env node
// `npx chaud [chaud options] [node options] <entry> [args…]`: runs the entry in a child `node`
// with chaud/register, so node options mean what they mean to node, the program sees the argv
// it would see under `node`, and its exit code and signals pass straight through. With
// restarts on (the default) the child is supervised (supervisor.ts); with `--restart=off` it
// runs once, as under `node`.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { configureLogger, log } from "../../runtime/logger";
import { isCommonJsFile, packageTypeOf } from "../../runtime/modules/format";
import { isEsmEntry } from "../../runtime/modules/esm-without-loader";
import type * as Ignore from "../../runtime/watch/ignore";
import { findWorkspace } from "../../runtime/watch/workspace";
import { settings } from "../../runtime/settings";
import { envFiles, HELP, parseCliArgs } from "./args";
import { OptionError, resolveOptions, type CliOptions } from "./options";
import { configFiles } from "./restart-triggers";
import { Supervisor } from "./supervisor";

const FORWARDED_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, "../../../package.json"), "utf8")) as { version: string };
  return pkg.version;
}

function fail(message: string): never {
  process.stderr.write(`chaud: ${message}\nRun \`chaud --help\` for usage.\n`);
  process.exit(1);
}

/**
 * Node's own verdict on options chaud does not know, asked only when one is not in the list
 * node publishes (which leaves out CLI-only and V8 options): `node <options> --version` checks
 * them without running anything. An option neither knows is an error before anything starts.
 */
function checkNodeOptions(nodeOptions: string[]): string | null {
  const unusual = nodeOptions.some(
    (option) => option.startsWith("-") && !process.allowedNodeEnvironmentFlags.has(option.split("=")[0]!),
  );
  if (!unusual) return null;
  const check = spawnSync(process.execPath, [...nodeOptions, "--version"], { encoding: "utf8" });
  if (check.status === 0) return null;
  const said = check.stderr.trim();
  const bad = /bad option: (\S+)/.exec(said);
  return bad ? `unknown option ${bad[1]}: neither chaud nor node knows it` : `node refused the options: ${said}`;
}

/** Whether node runs the entry through its ES module loader, where only `--import` installs hooks in time. */
function runsThroughEsmLoader(entry: string): boolean {
  if (isEsmEntry(entry, isCommonJsFile)) return true;
  // Before Node 22, every entry of a "type": "module" package but a .cjs one, a .cts included.
  const major = Number(process.versions.node.split(".")[0]);
  return major < 22 && /\.cts$/i.test(entry) && packageTypeOf(dirname(entry)) === "module";
}

/** The program's environment: chaud's resolved options win over what the variables said. */
function programEnv(options: CliOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // The values chaud settled on (a bad variable was reported once, here).
    CHAUD_MODE: options.mode,
    CHAUD_RESTART: options.restart,
    CHAUD_WATCH: options.watch.join(","),
    CHAUD_IGNORE: options.ignore.join(","),
    CHAUD_KILL_TIMEOUT: String(options.killTimeout),
    ...(options.quiet ? { CHAUD_LOG: "warn" } : {}),
  };
}

/** `--restart=off`: one run, exactly as under `node`. */
function runOnce(args: string[], env: NodeJS.ProcessEnv): void {
  const child = spawn(process.execPath, args, { stdio: "inherit", env });
  // Ctrl-C reaches the whole process group; other signals are ours to pass on. Either way
  // the child decides when to end, and we end with it (no orphan, no early exit).
  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  child.on("error", (error) => fail(`could not start node: ${error.message}`));
  child.on("exit", (code, signal) => {
    for (const forwarded of FORWARDED_SIGNALS) process.off(forwarded, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

/** `--ignore`'s matcher, compiled (and picomatch loaded) at its first use, after the program started. */
function ignoredLazily(globs: string[], cwd: string): Ignore.PathMatcher {
  let matcher: Ignore.PathMatcher | undefined;
  return (file) => (matcher ??= (require("../../runtime/watch/ignore") as typeof Ignore).pathMatcher(globs, cwd))(file);
}

function main(): void {
  const request = parseCliArgs(process.argv.slice(2));
  switch (request.kind) {
    case "help":
      process.stdout.write(HELP);
      return;
    case "version":
      process.stdout.write(`${version()}\n`);
      return;
    case "error":
      return fail(request.message);
    case "run":
      break;
  }
  const entry = resolve(request.entry);
  if (!existsSync(entry)) fail(`cannot find the entry file ${request.entry}`);
  let options: CliOptions;
  try {
    options = resolveOptions(request.flags, entry);
  } catch (error) {
    if (error instanceof OptionError) fail(error.message);
    throw error;
  }
  const refused = checkNodeOptions(request.nodeOptions);
  if (refused) fail(refused);
  configureLogger();
  if (options.quiet) log.setLevel("warn", false);

  // An ESM entry gets the register module through --import (ESM hooks are in place before
  // the entry loads); a CommonJS one through -r. The module installs both hooks either way.
  const register = join(__dirname, "../../loader/register.js");
  const preload = runsThroughEsmLoader(entry) ? ["--import", pathToFileURL(register).href] : ["-r", register];
  const args = [...request.nodeOptions, ...preload, entry, ...request.args];
  const env = programEnv(options);
  // Under NODE_ENV=production chaud/register stays off (and says so): nothing to restart for.
  const environment = settings();
  if (options.restart === "off" || (environment.production && !environment.hot)) return runOnce(args, env);
  const cwd = process.cwd();
  const workspace = findWorkspace(entry);
  const packageDirs = workspace.watched.map((pkg) => pkg.dir);
  new Supervisor({
    args,
    env,
    cwd,
    killTimeout: options.killTimeout,
    clearScreen: options.clearScreen,
    restartFiles: [...envFiles(request.nodeOptions), ...configFiles([workspace.root, ...packageDirs])],
    watch: options.watch,
    ignored: ignoredLazily(options.ignore, cwd),
    packageDirs,
  }).start();
}

main();
