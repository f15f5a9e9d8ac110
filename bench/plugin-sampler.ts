// Peak memory and CPU of the provider plugin process the engine starts during one CLI run: the dynamic provider
// (`node …/@pulumi/pulumi/cmd/dynamic-provider`) or the baseline's `pulumi-resource-command`.

import { readdirSync, readFileSync } from "node:fs";
import { processCpu } from "./cpu";

/** What the sampler saw. */
export interface PluginSample {
  /** The plugin's pid, when found. */
  readonly pid?: number;
  /** Its peak resident set (VmHWM) in MiB, read last while it was alive. */
  readonly peakMiB?: number;
  /** The largest VmRSS seen by polling, in MiB. */
  readonly maxRssMiB?: number;
  /** Its CPU (user + system) at the last sample, ms: up to one interval short of its total. */
  readonly cpuMs?: number;
}

/** Which plugin to sample. */
export type PluginKind = "dynamic-provider" | "command";

/** The environment variable that tags every process of one benchmark CLI run (the engine passes it down to plugins). */
export const RUN_TAG = "ZMGR_BENCH_RUN";

/**
 * Polls for the `kind` plugin of a run tagged with `marker` (`ZMGR_BENCH_RUN=<marker>` in its environment), then reads
 * its /proc status and stat until it exits or {@link stop} is called. Only the process's own status file is read once it is
 * found, so the sampling costs next to nothing.
 */
export class PluginSampler {
  private pid: number | undefined;
  private hwmKiB = 0;
  private rssKiB = 0;
  private cpuMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kind: PluginKind,
    private readonly marker: string,
    private readonly intervalMs = 100,
  ) {}

  /** Starts polling. */
  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  /** Stops polling and returns what was seen. */
  stop(): PluginSample {
    this.tick();
    clearInterval(this.timer);
    const mib = (kib: number) => (kib ? Math.round((kib / 1024) * 10) / 10 : undefined);
    return { pid: this.pid, peakMiB: mib(this.hwmKiB), maxRssMiB: mib(this.rssKiB), cpuMs: this.cpuMs };
  }

  private tick(): void {
    this.pid ??= taggedProcesses(this.marker).find((p) => isPlugin(this.kind, p.argv))?.pid;
    if (this.pid === undefined) return;
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
      this.hwmKiB = Math.max(this.hwmKiB, kib(status, "VmHWM"));
      this.rssKiB = Math.max(this.rssKiB, kib(status, "VmRSS"));
      this.cpuMs = processCpu(this.pid)?.ownMs ?? this.cpuMs;
    } catch {
      // exited: keep the last values
    }
  }
}

function kib(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) : 0;
}

/** Whether `argv` is the `kind` plugin (not the `node -e "require.resolve(…)"` the plugin script runs first). */
function isPlugin(kind: PluginKind, argv: readonly string[]): boolean {
  if (kind === "command") return (argv[0] ?? "").endsWith("/pulumi-resource-command") || argv[0] === "pulumi-resource-command";
  return argv[1] !== "-e" && argv.some((a) => a.includes("@pulumi/pulumi/cmd/dynamic-provider"));
}

/** Processes whose environment holds ZMGR_BENCH_RUN=<marker>, with their argv. */
export function taggedProcesses(marker: string): Array<{ pid: number; argv: string[] }> {
  const out: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`${RUN_TAG}=${marker}`)) continue;
      out.push({ pid: Number(entry), argv: readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0") });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}
