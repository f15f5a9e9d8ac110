// One side of the benchmark at one size through the real CLI: `pulumi up` (create N zones), `refresh`, a no-change `up`, `destroy`.

import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { PulumiStack, pulumiBinDir } from "../test/harness/pulumi";
import { REPO_ROOT } from "../test/harness/repo";
import { startBenchHost, programWorkspace, type BenchHost } from "./bench-host";
import { diffCounters, hostCounters, type HostCounters } from "./host-counters";
import { providerCallDurations, rpcStats, type RpcStats } from "./otel-spans";
import { cpuSnapshot, phaseCpu, sshdSettled, type PhaseCpu } from "./cpu";
import { PluginSampler, taggedProcesses, RUN_TAG } from "./plugin-sampler";
import { round1 } from "./stats";
import { epochMs, type ToolSpans } from "./tool-spans";

/** Which implementation: pulumi-zmgr resources, or the @pulumi/command remote.Command baseline. */
export type Side = "zmgr" | "command";

/** The CLI runs of a scenario, in order. */
export type PhaseName = "up" | "refresh" | "up-no-change" | "destroy";

/** One CLI run and what the host saw during it. */
export interface PhaseResult {
  /** Which run. */
  readonly phase: PhaseName;
  /** Exit code 0 and the host in the expected state afterwards. */
  readonly ok: boolean;
  /** Why not ok. */
  readonly problem?: string;
  /** Wall time of the CLI process, ms. */
  readonly wallMs: number;
  /** Connections, sessions and simulated tool runs during the run. */
  readonly host: HostCounters;
  /** The engine's timing of the provider calls that touch zones (Create, Read, Delete), from the OTel export. */
  readonly rpc?: RpcStats;
  /**
   * (sum of those calls − time inside simulated tool processes) / N: provider time per zone outside the tools.
   * Under parallelism the calls overlap and wait for CPU, so this is only an overhead figure with `--parallel 1`.
   */
  readonly outsideToolsMsPerZone?: number;
  /** Sum of the simulated tools' process lifetimes during the run (strace), ms: the host-side work both sides must do. */
  readonly toolProcessMs?: number;
  /** Peak RSS (VmHWM) of the provider plugin process, MiB. */
  readonly pluginPeakMiB?: number;
  /** CPU by part: the CLI's process tree, its plugin, the host (sshd and all it ran), the simulated tools. */
  readonly cpu?: PhaseCpu;
}

/** A side at one size. */
export interface ScenarioResult {
  /** Which implementation. */
  readonly side: Side;
  /** N. */
  readonly zones: number;
  /** `--parallel` given to the CLI, when not its default. */
  readonly parallel?: number;
  /** The runs, in order. */
  readonly phases: PhaseResult[];
}

/** Settings shared by every scenario of a benchmark run. */
export interface ScenarioSettings {
  /** The packed package. */
  readonly tarball: string;
  /** Directory holding `pulumi-resource-command`, or undefined when the baseline cannot run. */
  readonly commandPluginDir?: string;
  /** Calibrated cost of one simulated tool run outside its logged ms (used when there is no strace). */
  readonly toolStartupMs: number;
  /** CPU per simulated tool run that its logged `cpuMs` leaves out (the shim's child processes, Node's exit), ms. */
  readonly unloggedCpuMs: number;
  /** Tool process lifetimes, when the run is under strace. */
  readonly toolSpans?: ToolSpans;
  /** Longest a CLI run may take before it is killed, ms. */
  readonly timeoutMs: number;
  /** `--parallel` for every CLI run; the CLI's default when undefined. */
  readonly parallel?: number;
  /** Prints one progress line. */
  readonly log: (line: string) => void;
}

/** Counts pulumi-zmgr's remote commands inside its plugin (see the file). */
const COUNT_HOOK = join(REPO_ROOT, "bench", "count-commands.cjs");

const RPC_OF: Record<PhaseName, string> = { up: "Create", refresh: "Read", "up-no-change": "Diff", destroy: "Delete" };

/** Runs the four CLI runs of `side` with `zones` zones on a fresh host; always tears everything down. */
export async function runScenario(side: Side, zones: number, settings: ScenarioSettings): Promise<ScenarioResult> {
  const host = await startBenchHost();
  const workspace = programWorkspace(side, settings.tarball);
  // The CLI and node first (as the harness does), and the baseline's plugin where the engine looks for ambient plugins.
  const path = [settings.commandPluginDir, pulumiBinDir(), dirname(process.execPath), process.env.PATH].filter(Boolean).join(":");
  const stack = new PulumiStack({ projectDir: workspace.dir, env: { PATH: path } });
  const phases: PhaseResult[] = [];
  try {
    await configure(stack, side, zones, host);
    for (const phase of ["up", "refresh", "up-no-change", "destroy"] as const) {
      const result = await runPhase(stack, side, zones, phase, host, workspace.dir, settings);
      phases.push(result);
      settings.log(`[${side} N=${zones}${settings.parallel ? ` --parallel ${settings.parallel}` : ""}] ${describe(result, zones)}`);
      if (!result.ok) break;
    }
  } finally {
    await host.close();
    stack.dispose();
    workspace.remove();
  }
  return { side, zones, parallel: settings.parallel, phases };
}

async function configure(stack: PulumiStack, side: Side, zones: number, host: BenchHost): Promise<void> {
  const { sshd, sim } = host;
  await stack.init();
  const config: Array<[string, string, boolean?]> = [
    ["zones", String(zones)],
    ["zonesDir", sim.zonesDir],
  ];
  if (side === "zmgr") {
    config.push(["zmgr:host", sshd.host], ["zmgr:port", String(sshd.port)], ["zmgr:user", sshd.user], ["zmgr:privateKey", sshd.clientKey, true]);
    config.push(["zmgr:hostKey", sshd.hostPublicKey], ["zmgr:registryRoot", host.registry]);
  } else {
    config.push(["host", sshd.host], ["port", String(sshd.port)], ["user", sshd.user], ["privateKey", sshd.clientKey, true]);
    config.push(["poolDir", join(sim.root, "etc", "bench-pool")]);
  }
  for (const [key, value, secret] of config) await stack.setConfig(key, value, secret);
}

async function runPhase(stack: PulumiStack, side: Side, zones: number, phase: PhaseName, host: BenchHost, dir: string, settings: ScenarioSettings): Promise<PhaseResult> {
  const marker = randomBytes(8).toString("hex");
  const trace = join(dir, `trace-${phase}.jsonl`);
  const args = {
    up: ["up", "--yes", "--skip-preview"],
    refresh: ["refresh", "--yes", "--skip-preview"],
    "up-no-change": ["up", "--yes", "--skip-preview", "--expect-no-changes"],
    destroy: ["destroy", "--yes", "--skip-preview"],
  }[phase];
  const sampler = new PluginSampler(side === "zmgr" ? "dynamic-provider" : "command", marker);
  // pulumi-zmgr runs most commands in shell sessions, which the sshd log does not see: its plugin counts them.
  const commandsFile = side === "zmgr" ? join(dir, "commands.log") : undefined;
  const counting: Record<string, string> = commandsFile ? { NODE_OPTIONS: `--require ${COUNT_HOOK}`, ZMGR_BENCH_COMMANDS_FILE: commandsFile } : {};
  const before = hostCounters(host.sshd, host.sim.root, commandsFile);
  const cpuBefore = cpuSnapshot();
  const watchdog = setTimeout(() => killTagged(marker), settings.timeoutMs);
  sampler.start();
  const from = epochMs();
  const start = performance.now();
  const parallel = settings.parallel ? ["--parallel", String(settings.parallel)] : [];
  const run = await stack.run([...args, ...parallel, "--otel-traces", `file://${trace}`], { [RUN_TAG]: marker, ...counting });
  const wallMs = performance.now() - start;
  const to = epochMs();
  const plugin = sampler.stop();
  clearTimeout(watchdog);
  await sshdSettled(host.sshd); // the run's connections close as its plugin exits; let their processes finish
  const counters = diffCounters(before, hostCounters(host.sshd, host.sim.root, commandsFile));
  const cpu = phaseCpu(cpuBefore, cpuSnapshot(), counters, plugin.cpuMs, settings.unloggedCpuMs);
  const problem = run.code !== 0 ? `exit ${run.code}: ${tail(run.stdout + run.stderr)}` : await hostProblem(phase, zones, host);
  const rpc = rpcStats(providerCallDurations(trace, RPC_OF[phase]));
  // Tool time: each tool process's lifetime from the run's strace, else logged ms + calibrated start-up per run.
  const traced = settings.toolSpans?.total(from, to).ms;
  const toolMs = traced ?? counters.commandMs + counters.commands * settings.toolStartupMs;
  return {
    phase,
    ok: problem === undefined,
    problem,
    wallMs: Math.round(wallMs),
    host: counters,
    rpc,
    outsideToolsMsPerZone: rpc && phase !== "up-no-change" ? round1((rpc.totalMs - toolMs) / zones) : undefined,
    toolProcessMs: traced === undefined ? undefined : Math.round(traced),
    pluginPeakMiB: plugin.peakMiB,
    cpu,
  };
}

/** What is wrong with the host after `phase`, or undefined. */
async function hostProblem(phase: PhaseName, zones: number, host: BenchHost): Promise<string | undefined> {
  const list = await host.sim.run("zoneadm", ["list", "-cp"]);
  const running = list.stdout.split("\n").filter((l) => /^[^:]*:web\d+:running:/.test(l)).length;
  const any = list.stdout.split("\n").filter((l) => /^[^:]*:web\d+:/.test(l)).length;
  if (phase === "destroy") return any === 0 ? undefined : `${any} zones left after destroy`;
  return running === zones ? undefined : `${running} of ${zones} zones running after ${phase}`;
}

/** Kills every process of a tagged run (the CLI, its language host, its plugins). */
function killTagged(marker: string): void {
  for (const { pid } of taggedProcesses(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-15).join("\n");
}

/** One progress line for a phase. */
export function describe(r: PhaseResult, zones: number): string {
  const h = r.host;
  const parts = [
    `${r.phase}: ${(r.wallMs / 1000).toFixed(1)} s`,
    `${h.connections} SSH conn`,
    `${h.roundTrips} round trips (${round1(h.roundTrips / zones)}/zone), ${h.sessions} sessions`,
    `${h.commands} tool runs (${round1(h.commands / zones)}/zone)`,
  ];
  if (r.outsideToolsMsPerZone !== undefined) parts.push(`${r.outsideToolsMsPerZone} ms/zone outside tools`);
  if (r.pluginPeakMiB !== undefined) parts.push(`plugin peak ${r.pluginPeakMiB} MiB`);
  return parts.join(", ") + (r.ok ? "" : `  FAILED: ${r.problem}`);
}
