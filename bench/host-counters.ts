// What a host saw: SSH connections and exec sessions from the sshd log, simulated tool runs from the command log, and
// remote commands (round trips) from the sshd log or, for a client that keeps shell sessions, from its own count.

import { existsSync, readFileSync } from "node:fs";
import { readCommandLog } from "../test/harness/sim";
import type { Sshd } from "../test/harness/sshd";

/** Running totals on one simulated host; subtract two snapshots with {@link diffCounters}. */
export interface HostCounters {
  /** TCP connections accepted by sshd (`Connection from … port N on …`). */
  readonly connections: number;
  /** SSH sessions that ran a command (`Starting session: command …`). */
  readonly sessions: number;
  /**
   * Remote commands (round trips): the sessions, for a client that runs one command per session (remote.Command); the
   * commands pulumi-zmgr's SshHost ran, exec sessions and shell-session commands alike, when `commandsFile` (written by
   * bench/count-commands.cjs in its plugin) is given.
   */
  readonly roundTrips: number;
  /** Simulated tool runs (lines of the simulator's `log/commands.jsonl`). */
  readonly commands: number;
  /** Sum of the `ms` of those runs (time inside the tool, without its process start-up). */
  readonly commandMs: number;
  /** Sum of the `cpuMs` of those runs (each tool process's CPU until it logged, start-up included). */
  readonly commandCpuMs: number;
  /** Simulated tool runs by tool and subcommand, e.g. `zoneadm install`. */
  readonly byTool: Readonly<Record<string, number>>;
}

/** `zoneadm -z web0 install` → `zoneadm install`: the tool and its first word that is not an option or its value. */
export function commandKind(argv: readonly string[]): string {
  const [tool, ...rest] = argv;
  const takesValue = new Set(["-z", "-R", "-l", "-o", "-f", "-t"]);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (takesValue.has(a)) i++;
    else if (!a.startsWith("-")) return `${tool} ${a}`;
  }
  return tool ?? "?";
}

/** Counts everything the host saw so far (round trips from `commandsFile` when given, see {@link HostCounters.roundTrips}). */
export function hostCounters(sshd: Sshd, simRoot: string, commandsFile?: string): HostCounters {
  const log = sshd.log();
  const commands = readCommandLog(simRoot);
  const byTool: Record<string, number> = {};
  for (const c of commands) {
    const k = commandKind(c.argv);
    byTool[k] = (byTool[k] ?? 0) + 1;
  }
  const sessions = (log.match(/^Starting session: command /gm) ?? []).length;
  return {
    connections: (log.match(/^Connection from \S+ port \d+ on /gm) ?? []).length,
    sessions,
    roundTrips: commandsFile === undefined ? sessions : existsSync(commandsFile) ? readFileSync(commandsFile, "utf8").split("\n").length - 1 : 0,
    commands: commands.length,
    commandMs: commands.reduce((s, c) => s + (c.ms ?? 0), 0),
    commandCpuMs: commands.reduce((s, c) => s + (c.cpuMs ?? 0), 0),
    byTool,
  };
}

/** What happened between two snapshots. */
export function diffCounters(before: HostCounters, after: HostCounters): HostCounters {
  const byTool: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byTool)) {
    const d = v - (before.byTool[k] ?? 0);
    if (d) byTool[k] = d;
  }
  return {
    connections: after.connections - before.connections,
    sessions: after.sessions - before.sessions,
    roundTrips: after.roundTrips - before.roundTrips,
    commands: after.commands - before.commands,
    commandMs: Math.round((after.commandMs - before.commandMs) * 10) / 10,
    commandCpuMs: Math.round((after.commandCpuMs - before.commandCpuMs) * 10) / 10,
    byTool,
  };
}
