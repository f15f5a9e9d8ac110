// CPU time of a CLI run by part, from /proc: the CLI's process tree, the provider plugin, the host side, the tools.
//
// With many zones both sides of the benchmark keep 2 cores busy, so wall time follows the CPU they use; this says whose.
// The host side is the machine's busy time minus the CLI's tree and the benchmark's own processes: sshd's per-session
// accounting would miss a shell that outlives its connection (reparented to init, its tools' CPU with it).

import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readCommandLog, simEnv, SIM_BIN } from "../test/harness/sim";
import { childPids, type Sshd } from "../test/harness/sshd";
import type { HostCounters } from "./host-counters";
import { round1 } from "./stats";

/** CPU of one CLI run, ms (user + system). */
export interface PhaseCpu {
  /** The `pulumi` process and everything it reaped: engine, language host, program, plugins. */
  readonly cliMs: number;
  /** The provider plugin alone (its last /proc sample, up to 100 ms before it exited); undefined when not seen. */
  readonly pluginMs?: number;
  /**
   * The rest of the machine's busy time: the sshd and everything it ran (shells, scripts, the simulated tools), and any
   * other load on the machine (the run's load average is recorded).
   */
  readonly hostMs: number;
  /** The simulated tools alone: the CPU each logged (Node and its shim) plus {@link unloggedToolCpuMs} per run. */
  readonly toolMs: number;
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/PID/stat times (`getconf CLK_TCK`, 100 when that fails). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** A process's own CPU and that of the children it has reaped, ms; undefined once it is gone. */
export function processCpu(pid: number | "self"): { ownMs: number; childrenMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm) ": state is index 0, utime 11, stime 12, cutime 13, cstime 14 (proc(5) fields 14–17).
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    const ms = (ticks: number) => (ticks * 1000) / clockTicks();
    return { ownMs: ms(f[11]! + f[12]!), childrenMs: ms(f[13]! + f[14]!) };
  } catch {
    return undefined;
  }
}

/** Totals to subtract: the machine's busy time, the benchmark's own and its reaped children's (the CLI runs). */
export interface CpuSnapshot {
  /** Busy time of all CPUs (/proc/stat: user, nice, system, irq, softirq, steal), ms. */
  readonly machineMs: number;
  /** This process's own CPU and its parent's (strace, when tracing), ms. */
  readonly benchMs: number;
  /** Reaped children of this process, ms. */
  readonly selfChildrenMs: number;
}

/** Busy time of all CPUs since boot, ms. */
function machineBusyMs(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return ((user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 1000) / clockTicks();
}

/** What the counters say now. */
export function cpuSnapshot(): CpuSnapshot {
  const mine = processCpu("self");
  return {
    machineMs: machineBusyMs(),
    benchMs: (mine?.ownMs ?? 0) + (processCpu(process.ppid)?.ownMs ?? 0),
    selfChildrenMs: mine?.childrenMs ?? 0,
  };
}

/** Waits (up to `ms`) until the sshd has no child left: the run's connections and sessions are over. */
export async function sshdSettled(sshd: Sshd, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (childPids(sshd.pid).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** The CPU of a run between two snapshots; `tools` is what the host's counters saw meanwhile; `unloggedCpuMs` is {@link unloggedToolCpuMs}. */
export function phaseCpu(before: CpuSnapshot, after: CpuSnapshot, tools: Pick<HostCounters, "commands" | "commandCpuMs">, pluginMs: number | undefined, unloggedCpuMs: number): PhaseCpu {
  const cliMs = after.selfChildrenMs - before.selfChildrenMs;
  return {
    cliMs: Math.round(cliMs),
    pluginMs: pluginMs === undefined ? undefined : Math.round(pluginMs),
    hostMs: Math.round(after.machineMs - before.machineMs - cliMs - (after.benchMs - before.benchMs)),
    toolMs: Math.round(tools.commandCpuMs + tools.commands * unloggedCpuMs),
  };
}

/**
 * CPU per tool run that its logged `cpuMs` leaves out: the processes its `bin/` shim runs before exec'ing Node
 * (`dirname`, `find`) and Node's exit after the log line. Measured as this process's reaped-children CPU over `runs` runs of a cheap tool, minus what they
 * logged, ms per run.
 */
export function unloggedToolCpuMs(simRoot: string, runs = 40): number {
  const env = { ...process.env, ...simEnv(simRoot) };
  const before = processCpu("self")!.childrenMs;
  const logged = readCommandLog(simRoot).length;
  for (let i = 0; i < runs; i++) spawnSync(join(SIM_BIN, "zoneadm"), ["list", "-cp"], { env, stdio: "ignore" });
  const spent = processCpu("self")!.childrenMs - before;
  const own = readCommandLog(simRoot)
    .slice(logged)
    .reduce((s, c) => s + (c.cpuMs ?? 0), 0);
  return Math.max(0, round1((spent - own) / runs));
}
