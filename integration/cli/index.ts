#!/usr/bin/env node
// `npx chaud [node options] <entry> [args…]`: runs the entry in a child `node` with
// `-r chaud/register`, so node options mean what they mean to node, the program sees the
// argv it would see under `node`, and its exit code and signals pass straight through.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isCommonJsFile } from "../../runtime/modules/format";
import { isEsmEntry } from "../../runtime/modules/esm-without-loader";
import { HELP, parseCliArgs } from "./args";

const FORWARDED_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR2"];

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, "../../../package.json"), "utf8")) as { version: string };
  return pkg.version;
}

function fail(message: string): never {
  process.stderr.write(`chaud: ${message}\nRun \`chaud --help\` for usage.\n`);
  process.exit(1);
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

  // An ESM entry gets the register module through --import (ESM hooks are in place before
  // the entry loads); a CommonJS one through -r. The module installs both hooks either way.
  const register = join(__dirname, "../../loader/register.js");
  const preload = isEsmEntry(entry, isCommonJsFile) ? ["--import", pathToFileURL(register).href] : ["-r", register];
  const child = spawn(process.execPath, [...request.nodeOptions, ...preload, entry, ...request.args], {
    stdio: "inherit",
  });

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

main();
