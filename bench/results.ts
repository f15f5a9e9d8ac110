// The shape of bench/results.json, and the targets of the issue evaluated against it.

import type { PhaseResult, ScenarioResult, Side } from "./engine-scenario";
import type { IpamResult, RegistryScanResult } from "./ipam-scan";
import type { ProviderOverheadResult } from "./provider-overhead";
import { round1 } from "./stats";

/** Where and how the numbers were taken. */
export interface BenchEnvironment {
  /** CPUs seen by Node. */
  readonly cpus: number;
  /** CPU model. */
  readonly cpuModel: string;
  /** Memory, GiB. */
  readonly memGiB: number;
  /** Node version. */
  readonly node: string;
  /** `pulumi version`. */
  readonly pulumi: string;
  /** OpenSSH version of the sshd. */
  readonly sshd: string;
  /** git HEAD, with `+dirty` when the tree had changes. */
  readonly commit: string;
  /** 1-minute load average at start and end (other work on the machine skews timings). */
  readonly loadavg: readonly [number, number];
}

/** What the baseline ran with. */
export interface BaselineInfo {
  /** Whether `pulumi-resource-command` was found. */
  readonly available: boolean;
  /** Its path. */
  readonly plugin?: string;
  /** Where it came from (scripts/bench-command-plugin.sh). */
  readonly provenance?: string;
}

/** One target of the issue. */
export interface TargetResult {
  /** Short name. */
  readonly name: string;
  /** The target as stated. */
  readonly target: string;
  /** What was measured. */
  readonly measured: string;
  /** Met, missed, or null when not measured in this run. */
  readonly met: boolean | null;
}

/** Output of one of the older micro benchmarks (bench/*.bench.ts), wired in as is. */
export interface MicroBench {
  /** File name. */
  readonly name: string;
  /** What it printed. */
  readonly output: string;
}

/** bench/results.json. */
export interface BenchResults {
  /** ISO time the run finished. */
  readonly generatedAt: string;
  /** Wall time of the whole benchmark, s. */
  readonly durationS: number;
  /** The machine. */
  readonly environment: BenchEnvironment;
  /** Knobs of this run. */
  readonly settings: {
    readonly sizes: readonly number[];
    readonly parallel: string;
    readonly installDelayMs: 0;
    readonly toolStartupMs: number;
    readonly overheadZones: number;
  };
  /** The remote.Command baseline's plugin. */
  readonly baseline: BaselineInfo;
  /** Real CLI runs: each side at each size. */
  readonly engine: readonly ScenarioResult[];
  /** In-process per-zone provider overhead. */
  readonly providerOverhead?: ProviderOverheadResult;
  /** IPAM allocation. */
  readonly ipam?: IpamResult;
  /** Registry reads over SSH. */
  readonly registryScan?: RegistryScanResult;
  /** The older micro benchmarks' output. */
  readonly micro: readonly MicroBench[];
  /** The targets, evaluated. */
  readonly targets: readonly TargetResult[];
}

/** The phase `phase` of `side` at `zones` with the CLI's default parallelism (or with `parallel`), if it ran and passed. */
export function phaseOf(engine: readonly ScenarioResult[], side: Side, zones: number, phase: string, parallel?: number) {
  return engine.find((s) => s.side === side && s.zones === zones && s.parallel === parallel)?.phases.find((p) => p.phase === phase && p.ok);
}

/** CPU per zone of one run by part, ms; undefined when the run has no CPU figures. */
export interface CpuPerZone {
  /** Everything: the CLI's process tree and the host's. */
  readonly total: number;
  /** The simulated illumos tools (Node processes in the simulator; the host's work, not either provider's). */
  readonly tools: number;
  /** The rest of the host: sshd, the shells and other processes the provider's commands ran. */
  readonly hostOther: number;
  /** The provider plugin process. */
  readonly plugin: number;
  /** The engine, language host and program (the CLI's process tree without the plugin). */
  readonly engine: number;
}

/** {@link CpuPerZone} of `p`, a run over `zones` zones. */
export function cpuPerZone(p: PhaseResult | undefined, zones: number): CpuPerZone | undefined {
  const c = p?.cpu;
  if (!c) return undefined;
  const plugin = c.pluginMs ?? 0;
  const z = (ms: number) => round1(ms / zones);
  return { total: z(c.cliMs + c.hostMs), tools: z(c.toolMs), hostOther: z(c.hostMs - c.toolMs), plugin: z(plugin), engine: z(c.cliMs - plugin) };
}

/**
 * How much faster pulumi-zmgr's `pulumi up` could be than the baseline's if the simulated tools cost no CPU and the run
 * were CPU-bound: (baseline CPU − its tools) / (pulumi-zmgr CPU − its tools), per zone.
 */
export function speedupWithoutTools(zmgr: CpuPerZone | undefined, base: CpuPerZone | undefined): number | undefined {
  if (!zmgr || !base || zmgr.total - zmgr.tools <= 0) return undefined;
  return (base.total - base.tools) / (zmgr.total - zmgr.tools);
}

/** Evaluates the issue's targets on what was measured. */
export function evaluateTargets(r: Omit<BenchResults, "targets">): TargetResult[] {
  const sizes = [...r.settings.sizes].sort((a, b) => a - b);
  const out: TargetResult[] = [];
  const per = (label: (n: number) => string | undefined) => sizes.map((n) => `${label(n) ?? "–"} (N=${n})`).join(", ");

  const ups = sizes.map((n) => phaseOf(r.engine, "zmgr", n, "up")?.host.connections);
  const noChange = sizes.map((n) => phaseOf(r.engine, "zmgr", n, "up-no-change")?.host.connections);
  out.push({
    name: "SSH connections per host per `pulumi up`",
    target: "1, whatever N",
    measured: `up: ${per((n) => String(phaseOf(r.engine, "zmgr", n, "up")?.host.connections ?? "–"))}; no-change up: ${noChange.map((c) => c ?? "–").join(", ")}`,
    met: ups.some((c) => c === undefined) ? null : ups.every((c) => c === 1) && noChange.every((c) => c === undefined || c <= 1),
  });

  const o = r.providerOverhead;
  out.push({
    name: "Remote commands per zone create",
    target: "at most 6",
    measured: o
      ? `${o.create.roundTripsPerCall} SSH round trips (${o.create.toolRunsPerCall} of them illumos tools) per create; in \`pulumi up\`: ${per((n) => {
          const p = phaseOf(r.engine, "zmgr", n, "up");
          return p && String(round1(p.host.roundTrips / n));
        })} round trips per zone`
      : "not measured",
    met: o ? o.create.roundTripsPerCall <= 6 : null,
  });

  const refresh = sizes.map((n) => phaseOf(r.engine, "zmgr", n, "refresh"));
  out.push({
    name: "Remote commands per zone on refresh",
    target: "at most 2, fewer when batched",
    measured: `${per((n) => {
      const p = phaseOf(r.engine, "zmgr", n, "refresh");
      return p && `${round1(p.host.roundTrips / n)} round trips, ${round1(p.host.commands / n)} tools`;
    })} per zone`,
    met: refresh.some((p) => !p) ? null : refresh.every((p, i) => p!.host.roundTrips / sizes[i]! <= 2),
  });

  // Flat: at the largest N, time and round trips per zone are at most 1.25 × N = 10's (a strict "never above" would
  // call one extra round trip among 50 zones, 0.62 against 0.6, growth).
  const perZoneMs = refresh.map((p, i) => (p ? p.wallMs / sizes[i]! : undefined));
  const perZoneTrips = refresh.map((p, i) => (p ? p.host.roundTrips / sizes[i]! : undefined));
  const flatOf = (list: (number | undefined)[]) => list.at(-1)! <= list[0]! * 1.25;
  const flat = refresh.length > 1 && refresh.every((p) => p) ? flatOf(perZoneMs) && flatOf(perZoneTrips) : null;
  out.push({
    name: "Refresh scaling",
    target: "flat per zone as N grows (round trips and time; largest N within 1.25 × N = 10's)",
    measured: `${per((n, i = sizes.indexOf(n)) => (perZoneMs[i] === undefined ? undefined : `${round1(perZoneMs[i]!)} ms, ${round1(perZoneTrips[i]!)} round trips`))} of \`pulumi refresh\` per zone`,
    met: flat,
  });

  const big = sizes.at(-1)!;
  const zmgrUp = phaseOf(r.engine, "zmgr", big, "up");
  const baseUp = phaseOf(r.engine, "command", big, "up");
  const speedup = zmgrUp && baseUp ? baseUp.wallMs / zmgrUp.wallMs : undefined;
  const [zCpu, bCpu] = [cpuPerZone(zmgrUp, big), cpuPerZone(baseUp, big)];
  const bound = speedupWithoutTools(zCpu, bCpu);
  const cpuNote =
    zCpu && bCpu
      ? `; CPU per zone ${Math.round(zCpu.total)} vs ${Math.round(bCpu.total)} ms, of which simulated tools ${Math.round(zCpu.tools)} vs ${Math.round(bCpu.tools)} ms` +
        (bound === undefined ? "" : `; without the tools' CPU at most ${bound.toFixed(2)}× (CPU-bound)`)
      : "";
  out.push({
    name: `\`pulumi up\` of ${big} zones vs remote.Command`,
    target: "at least 3 times faster" + (big === 200 ? "" : " (stated for N=200; this run's largest N)"),
    measured: speedup === undefined ? "baseline not run" : `pulumi-zmgr ${(zmgrUp!.wallMs / 1000).toFixed(1)} s, remote.Command ${(baseUp!.wallMs / 1000).toFixed(1)} s: ${speedup.toFixed(2)}× as fast${cpuNote}`,
    met: speedup === undefined ? null : speedup >= 3,
  });

  out.push({
    name: "Per-zone provider overhead (create)",
    target: "under 30 ms median",
    measured: o ? `${o.create.overheadMedianMs} ms median (p95 ${o.create.overheadP95Ms} ms) over ${o.zones} creates` : "not measured",
    met: o ? o.create.overheadMedianMs < 30 : null,
  });

  out.push({
    name: "IPAM: /16 allocation, 60,000 taken",
    target: "under 50 ms",
    measured: r.ipam ? `${r.ipam.fromZoneModelsMs} ms from zone models (${r.ipam.allocateMs} ms allocate alone)` : "not measured",
    met: r.ipam ? r.ipam.fromZoneModelsMs < 50 : null,
  });

  out.push({
    name: "Registry: 1,000 zone files over SSH",
    target: "scan under 1 s",
    measured: r.registryScan ? `scan ${r.registryScan.scanMs} ms, scan + parse ${r.registryScan.readMs} ms` : "not measured",
    met: r.registryScan ? r.registryScan.scanMs < 1000 && r.registryScan.readMs < 1000 : null,
  });
  return out;
}
