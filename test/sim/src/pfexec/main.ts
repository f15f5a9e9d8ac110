// pfexec(1): stands in for illumos RBAC pfexec by running its arguments as they are.

import { spawnSync } from "node:child_process";
import { constants } from "node:os";
import { runTool } from "../core/run.ts";
import { flushIo } from "../core/io.ts";

/** Runs pfexec. */
export function main(args: string[]): never {
  return runTool("pfexec", args, (io) => {
    let i = 0;
    if (args[0] === "-P") i = 2;
    const cmd = args[i];
    if (cmd === undefined) {
      io.eprint("usage: pfexec [-P privspec] cmd [arg ..]\n");
      return 2;
    }
    flushIo(io);
    const r = spawnSync(cmd, args.slice(i + 1), { stdio: "inherit" });
    if (r.error) {
      io.eprint(`pfexec: ${cmd}: ${(r.error as NodeJS.ErrnoException).code === "ENOENT" ? "No such file or directory" : r.error.message}\n`);
      return 1;
    }
    if (r.signal) return 128 + (constants.signals[r.signal] ?? 0);
    return r.status ?? 1;
  });
}
