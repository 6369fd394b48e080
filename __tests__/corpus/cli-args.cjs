#!/usr/bin/env node
"use strict";
// A tiny argv parser: --flag, --key=value, --key value, -abc, and "--" to stop.

const BOOLEAN_WORDS = new Map([
  ["true", true],
  ["false", false],
  ["yes", true],
  ["no", false],
]);

function coerce(value) {
  if (BOOLEAN_WORDS.has(value)) return BOOLEAN_WORDS.get(value);
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

function parseArgs(argv, { aliases = {}, booleans = [] } = {}) {
  const result = { _: [] };
  const isBoolean = new Set(booleans);
  scan: for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      result._.push(...argv.slice(i + 1));
      break scan;
    }
    let match;
    if ((match = /^--no-([\w-]+)$/.exec(arg))) {
      result[match[1]] = false;
    } else if ((match = /^--([\w-]+)=(.*)$/s.exec(arg))) {
      result[match[1]] = coerce(match[2]);
    } else if ((match = /^--([\w-]+)$/.exec(arg))) {
      const next = argv[i + 1];
      if (isBoolean.has(match[1]) || next === undefined || next.startsWith("-")) result[match[1]] = true;
      else result[match[1]] = coerce(argv[++i]);
    } else if (/^-[a-z]+$/i.test(arg)) {
      for (const letter of arg.slice(1)) result[aliases[letter] || letter] = true;
    } else {
      result._.push(arg);
    }
  }
  return result;
}

function usage(name, options) {
  const width = Math.max(...options.map((o) => o.flag.length));
  const lines = options.map((o) => `  ${o.flag.padEnd(width)}  ${o.help}`);
  return [`Usage: ${name} [options] <files…>`, "", "Options:", ...lines].join("\n");
}

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2), { aliases: { v: "verbose", h: "help" }, booleans: ["verbose"] });
  if (args.help) console.log(usage("cli-args", [{ flag: "-v, --verbose", help: "say more" }]));
  else console.log(JSON.stringify(args, null, 2));
}

module.exports = { parseArgs, usage, coerce };
