// Injected faults: make the Nth matching command fail, print a message, or hang.

import { existsSync } from "node:fs";
import type { SimPaths } from "./paths.ts";
import { readJson, writeJson } from "./fsutil.ts";
import { withLock } from "./lock.ts";

/** When a fault takes effect relative to the command's own work. */
export type FaultWhen = "before" | "during" | "after";

/** One fault rule, as stored in sim/faults.json. */
export interface Fault {
  /** Sequence number, for `simctl fault list`. */
  id: number;
  /** The command words to match: the tool name, then words that must appear in order in argv. */
  cmd: string[];
  /** When set, the argv must also contain this word (a zone name, link name...). */
  zone?: string;
  /** Fire on the Nth matching call (1-based). */
  nth: number;
  /** Fire on every matching call from the Nth on, not just the Nth. */
  repeat: boolean;
  /** Text written to stderr when firing (a newline is added if missing). */
  stderr: string;
  /** Text written to stdout when firing. */
  stdout: string;
  /** Exit status when firing. */
  exit: number;
  /** Hang until killed instead of exiting. */
  hang: boolean;
  /** before: nothing happens; after: the command runs, then fails; during: install/uninstall stop midway. */
  when: FaultWhen;
  /** How many matching calls were seen so far. */
  seen: number;
  /** How many times it fired. */
  fired: number;
}

/** Reads the fault list. */
export function readFaults(paths: SimPaths): Fault[] {
  return readJson<Fault[]>(paths.faults, []);
}

/** Writes the fault list. */
export function writeFaults(paths: SimPaths, faults: Fault[]): void {
  writeJson(paths.faults, faults);
}

function matches(f: Fault, tool: string, args: readonly string[]): boolean {
  if (f.cmd[0] !== tool) return false;
  let i = 0;
  for (const word of f.cmd.slice(1)) {
    while (i < args.length && args[i] !== word) i++;
    if (i >= args.length) return false;
    i++;
  }
  return f.zone === undefined || args.includes(f.zone);
}

/** Counts this call against every matching fault and returns the first one that fires. */
export function takeFault(paths: SimPaths, tool: string, args: readonly string[]): Fault | undefined {
  if (!existsSync(paths.faults)) return undefined;
  if (!readFaults(paths).some((f) => matches(f, tool, args))) return undefined;
  return withLock(paths.hostLock, () => {
    const faults = readFaults(paths);
    let firing: Fault | undefined;
    for (const f of faults) {
      if (!matches(f, tool, args)) continue;
      f.seen++;
      if (!firing && (f.seen === f.nth || (f.repeat && f.seen > f.nth))) {
        f.fired++;
        firing = f;
      }
    }
    writeFaults(paths, faults);
    return firing;
  });
}
