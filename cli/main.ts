#!/usr/bin/env node
// The `pulumi-zmgr` command (package bin): `discover` finds a host's zones and prints the Pulumi code that adopts them.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ZmgrError } from "../provider/errors";
import { parseArgs, USAGE, UsageError } from "./args";
import { runDiscover, type Output } from "./discover-command";

/** Runs the command line `argv` (without node and script); returns the exit code: 0 ok, 1 failure, 2 usage. */
export async function main(argv: readonly string[], io: Output = stdio): Promise<number> {
  try {
    const command = parseArgs(argv);
    if (command.kind === "help") {
      io.out(USAGE + "\n");
      return 0;
    }
    if (command.kind === "version") {
      io.out(version() + "\n");
      return 0;
    }
    return await runDiscover(command.options, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`pulumi-zmgr: ${err.message}\n  fix: ${err.fix}\n  (pulumi-zmgr --help shows every option)\n`);
      return 2;
    }
    if (ZmgrError.isInstance(err)) {
      io.err(`pulumi-zmgr: ${err.describe()}\n`);
      for (let cause = err.cause; ZmgrError.isInstance(cause); cause = cause.cause) io.err(`  caused by: ${cause.describe()}\n`);
      return 1;
    }
    io.err(`pulumi-zmgr: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const stdio: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** This package's version, from the nearest package.json named pulumi-zmgr (dist/cli/ when built, cli/ in a checkout). */
function version(): string {
  for (let dir = __dirname, i = 0; i < 4; dir = dirname(dir), i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-zmgr" && pkg.version) return pkg.version;
    } catch {
      // not here: look further up
    }
  }
  return "unknown";
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
