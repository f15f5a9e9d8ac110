// Per-zone provider overhead measured in process: the Zone dynamic provider's create, read and delete called directly,
// one zone at a time, over the real sshd to the simulator (install delay 0), minus the time spent in simulated tools
// (their process lifetimes from the run's strace; a calibrated start-up estimate when there is no strace).

import { AsyncLocalStorage } from "node:async_hooks";
import { closeAllHosts } from "../provider/transport/connect";
import { SshHost } from "../provider/transport/ssh-host";
import type { HostSpec } from "../provider/operations/host-spec";
import type { ZoneInputs, ZoneOutputs } from "../provider/operations/zone-inputs";
import { setProgressSink } from "../provider/operations/progress";
import { poolProvider } from "../provider/dynamic/pool-provider";
import { templateProvider } from "../provider/dynamic/template-provider";
import { zoneProvider } from "../provider/dynamic/zone-provider";
import { shellWords } from "../test/harness/shell-words";
import { startBenchHost, type BenchHost } from "./bench-host";
import { diffCounters, hostCounters, type HostCounters } from "./host-counters";
import { median, quantile, round1 } from "./stats";
import { startupProbe, type StartupProbe } from "./tool-startup";
import { epochMs, toolSpansOfRun, type ToolSpans } from "./tool-spans";

/** Figures of one operation over K zones, one at a time. */
export interface OperationOverhead {
  /** Calls measured. */
  readonly calls: number;
  /** How tool time was known: `strace` (each tool process's lifetime) or `calibrated` (logged ms + a start-up estimate). */
  readonly toolTime: "strace" | "calibrated";
  /** Tool time per run outside its logged ms (the simulator's start-up), median over the calls, ms. */
  readonly toolStartupMs: number;
  /** Median wall time of one call, ms. */
  readonly wallMedianMs: number;
  /** Median of (wall − time inside simulated tool processes), ms: the provider overhead per zone. */
  readonly overheadMedianMs: number;
  /** 95th percentile of the same, ms. */
  readonly overheadP95Ms: number;
  /** Median of (wall − logged tool ms only), ms: an upper bound that leaves the simulator's tool start-up in. */
  readonly overheadRawMedianMs: number;
  /** Median of (wall − time inside SSH round trips), ms: the provider's own work in Node. */
  readonly inProcessMedianMs: number;
  /** Remote commands (round trips: exec sessions and shell-session commands, as SshHost ran them) per call, median. */
  readonly roundTripsPerCall: number;
  /** Simulated tool runs per call, median. */
  readonly toolRunsPerCall: number;
  /** The round trips of one call by kind: how many per call, their median wall time and (strace) median time outside tool processes. */
  readonly roundTrips: ReadonlyArray<{ readonly kind: string; readonly perCall: number; readonly medianMs: number; readonly outsideToolsMs?: number }>;
}

/** What the in-process measurement found. */
export interface ProviderOverheadResult {
  /** K. */
  readonly zones: number;
  /** Simulator tool start-up calibrated over SSH before the measurement (used only without strace), ms. */
  readonly toolStartupMs: number;
  /** zoneProvider.create. */
  readonly create: OperationOverhead;
  /** zoneProvider.read, one zone at a time. */
  readonly read: OperationOverhead;
  /** zoneProvider.read of all K zones at once: round trips (in all and per zone), tool runs per zone, and the wall time of the batch. */
  readonly concurrentRead: { readonly roundTrips: number; readonly roundTripsPerZone: number; readonly toolRunsPerZone: number; readonly wallMs: number };
  /** zoneProvider.delete. */
  readonly delete: OperationOverhead;
  /** K creates, then K deletes, `parallel` at a time (as the engine runs them): round trips per zone by kind, wall time of each batch. */
  readonly concurrent: {
    readonly parallel: number;
    readonly createWallMs: number;
    readonly createRoundTrips: ReadonlyArray<{ readonly kind: string; readonly perZone: number }>;
    readonly deleteWallMs: number;
    readonly deleteRoundTrips: ReadonlyArray<{ readonly kind: string; readonly perZone: number }>;
  };
}

/** One SSH round trip seen by the instrumented SshHost. */
interface RoundTrip {
  readonly kind: string;
  readonly ms: number;
  /** Start and end, epoch ms. */
  readonly from: number;
  readonly to: number;
}

/** Measures create, read and delete of `zones` zones; `toolStartupMs` from tool-startup.ts; `parallel` for the concurrent batches. */
export async function measureProviderOverhead(zones: number, toolStartupMs: number, parallel: number): Promise<ProviderOverheadResult> {
  const trips: RoundTrip[] = [];
  const restore = instrumentSshHost(trips);
  const restoreSink = setProgressSink(() => undefined);
  const host = await startBenchHost();
  let probe: StartupProbe | undefined;
  try {
    const spec: HostSpec = {
      ssh: { host: host.sshd.host, port: host.sshd.port, user: host.sshd.user, privateKeyPath: host.sshd.clientKeyPath, hostKey: host.sshd.hostPublicKey },
      registryRoot: host.registry,
    };
    // The same pool and template as bench/programs/zmgr.
    await poolProvider.create({ name: "lan", host: spec, network: "10.0.0.0/16", gateway: "10.0.0.1", stub: "zstub0", rangeStart: "10.0.1.0", rangeEnd: "10.0.255.254" });
    const template = await templateProvider.create({ name: "base", host: spec, brand: "lipkg", autoboot: true, pool: "lan", zonepathPrefix: host.sim.zonesDir });
    const templateSpec = (template.outs as { spec: ZoneInputs["templateSpec"] }).spec;
    const spans = toolSpansOfRun();
    if (!spans) probe = startupProbe(host);
    const toolTime = spans ? { spans } : { sample: probe!.sample };
    const measure = (names: readonly string[], op: (name: string) => Promise<void>) => measureCalls(host, trips, toolTime, names, op);
    const names = Array.from({ length: zones }, (_, i) => `web${i}`);
    const outputs = new Map<string, ZoneOutputs>();

    const create = await measure(names, async (name) => {
      const inputs: ZoneInputs = { name, host: spec, template: "base", templateSpec };
      outputs.set(name, (await zoneProvider.create(inputs)).outs!);
    });
    const read = await measure(names, async (name) => {
      const r = await zoneProvider.read!(name, outputs.get(name)!);
      if (r.id !== name) throw new Error(`read of ${name} found no zone`);
    });
    const before = hostCounters(host.sshd, host.sim.root);
    const firstTrip = trips.length;
    const t = performance.now();
    await Promise.all(names.map((name) => zoneProvider.read!(name, outputs.get(name)!)));
    const batchMs = performance.now() - t;
    const batchTrips = trips.length - firstTrip;
    const batch = diffCounters(before, hostCounters(host.sshd, host.sim.root));
    const del = await measure(names, async (name) => {
      await zoneProvider.delete!(name, outputs.get(name)!);
    });

    const batchNames = names.map((n) => `${n}b`);
    const [createWallMs, createRoundTrips] = await timedBatch(trips, zones, () =>
      pool(batchNames, parallel, async (name) => outputs.set(name, (await zoneProvider.create({ name, host: spec, template: "base", templateSpec })).outs!)),
    );
    const [deleteWallMs, deleteRoundTrips] = await timedBatch(trips, zones, () => pool(batchNames, parallel, (name) => zoneProvider.delete!(name, outputs.get(name)!)));
    return {
      zones,
      toolStartupMs,
      create,
      read,
      concurrentRead: { roundTrips: batchTrips, roundTripsPerZone: round1(batchTrips / zones), toolRunsPerZone: round1(batch.commands / zones), wallMs: Math.round(batchMs) },
      delete: del,
      concurrent: { parallel, createWallMs, createRoundTrips, deleteWallMs, deleteRoundTrips },
    };
  } finally {
    restore();
    setProgressSink(restoreSink);
    await probe?.close();
    await closeAllHosts();
    await host.close();
  }
}

/** Where tool time comes from: the run's strace, or (without it) start-up samples taken between the calls. */
type ToolTime = { readonly spans: ToolSpans } | { readonly sample: () => Promise<number> };

/** Calls `op` for each name in turn and relates its wall time to what the host saw during it. */
async function measureCalls(host: BenchHost, trips: RoundTrip[], tools: ToolTime, names: readonly string[], op: (name: string) => Promise<void>): Promise<OperationOverhead> {
  const rows: Array<{ wall: number; from: number; to: number; counters: HostCounters; trips: RoundTrip[] }> = [];
  const startups: number[] = [];
  for (const name of names) {
    const before = hostCounters(host.sshd, host.sim.root);
    const first = trips.length;
    const from = epochMs();
    const t = performance.now();
    await op(name);
    const wall = performance.now() - t;
    rows.push({ wall, from, to: epochMs(), counters: diffCounters(before, hostCounters(host.sshd, host.sim.root)), trips: trips.slice(first) });
    if ("sample" in tools) startups.push(await tools.sample()); // under the same load as the call just made
  }
  const toolMs = rows.map((r) => {
    if ("spans" in tools) return tools.spans.total(r.from, r.to).ms;
    return r.counters.commandMs + r.counters.commands * median(startups);
  });
  const overhead = rows.map((r, i) => r.wall - toolMs[i]!);
  const kinds = new Map<string, RoundTrip[]>();
  for (const r of rows) for (const trip of r.trips) kinds.set(trip.kind, [...(kinds.get(trip.kind) ?? []), trip]);
  const outside = (list: RoundTrip[]) => ("spans" in tools ? round1(median(list.map((t) => t.ms - tools.spans.total(t.from, t.to).ms))) : undefined);
  return {
    calls: rows.length,
    toolTime: "spans" in tools ? "strace" : "calibrated",
    toolStartupMs: round1(median(rows.map((r, i) => (r.counters.commands ? (toolMs[i]! - r.counters.commandMs) / r.counters.commands : 0)))),
    wallMedianMs: round1(median(rows.map((r) => r.wall))),
    overheadMedianMs: round1(median(overhead)),
    overheadP95Ms: round1(quantile(overhead, 0.95)),
    overheadRawMedianMs: round1(median(rows.map((r) => r.wall - r.counters.commandMs))),
    inProcessMedianMs: round1(median(rows.map((r) => r.wall - r.trips.reduce((s, trip) => s + trip.ms, 0)))),
    roundTripsPerCall: median(rows.map((r) => r.trips.length)),
    toolRunsPerCall: median(rows.map((r) => r.counters.commands)),
    roundTrips: [...kinds].map(([kind, list]) => ({ kind, perCall: round1(list.length / rows.length), medianMs: round1(median(list.map((t) => t.ms))), outsideToolsMs: outside(list) })),
  };
}

/** Calls `fn` for every item, at most `parallel` at a time (like the engine's step executor). */
async function pool<T>(items: readonly T[], parallel: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** Runs `op` and returns its wall time and the round trips it made, by kind, per zone. */
async function timedBatch(trips: RoundTrip[], zones: number, op: () => Promise<unknown>): Promise<[number, Array<{ kind: string; perZone: number }>]> {
  const from = trips.length;
  const t = performance.now();
  await op();
  const wall = Math.round(performance.now() - t);
  const counts = new Map<string, number>();
  for (const trip of trips.slice(from)) counts.set(trip.kind, (counts.get(trip.kind) ?? 0) + 1);
  return [wall, [...counts].map(([kind, n]) => ({ kind, perZone: round1(n / zones) }))];
}

/** Wraps SshHost's command methods (`run`, and `runStreaming` when it exists) to record every round trip; returns the undo. No provider code changes. */
function instrumentSshHost(trips: RoundTrip[]): () => void {
  const inside = new AsyncLocalStorage<boolean>();
  const proto = SshHost.prototype as unknown as Record<string, unknown>;
  const originals = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  for (const method of ["run", "runStreaming"]) {
    const original = proto[method];
    if (typeof original !== "function") continue;
    originals.set(method, original as (...args: unknown[]) => Promise<unknown>);
    proto[method] = async function (this: unknown, argv: readonly string[], ...rest: unknown[]): Promise<unknown> {
      const call = () => (original as (...args: unknown[]) => Promise<unknown>).call(this, argv, ...rest);
      if (inside.getStore()) return call(); // one method delegating to the other: one round trip, counted once
      const from = epochMs();
      const t = performance.now();
      try {
        return await inside.run(true, call);
      } finally {
        trips.push({ kind: roundTripKind(argv), ms: performance.now() - t, from, to: epochMs() });
      }
    };
  }
  return () => {
    for (const [method, original] of originals) proto[method] = original;
  };
}

/** A stable name for a round trip: a tool and its subcommand, `sh -c: <first words>`, or `batch: <its steps>`. */
export function roundTripKind(argv: readonly string[]): string {
  if (/(^|\/)sh$/.test(argv[0] ?? "") && argv[1] === "-c") {
    const script = argv[2] ?? "";
    // a transport/batch.ts script: one `{ printf '%s s N\n' "$m" >&2; <command line> [</dev/null]; r=$?; … }` line per step
    const steps = [...script.matchAll(/printf '%s s \d+\\n' "\$m" >&2; ([\s\S]*?)(?: <\/dev\/null)?; r=\$\?;/g)].map((m) => commandKind(shellWords(m[1]!)));
    if (steps.length) return `batch: ${steps.join(" + ")}`;
    return commandKind(["sh", "-c", script]);
  }
  return commandKind(argv);
}

/** `zoneadm -z web0 list -p` → `zoneadm list`; `sh -c '<script>'` → `sh -c: <first words of the script>`. */
function commandKind(argv: readonly string[]): string {
  const words = argv[0] === "pfexec" ? argv.slice(1) : argv[0] === "sudo" ? argv.slice(argv[1] === "-n" ? 2 : 1) : argv;
  const [tool = "?", ...rest] = words;
  const name = tool.replace(/^.*\//, "");
  if (name === "sh" && rest[0] === "-c") {
    // the first words of the script, with per-call random markers (@@zmgr-<hex>) made alike
    return `sh -c: ${(rest[1] ?? "").replace(/[0-9a-f]{12,}/g, "…").replace(/\s+/g, " ").trim().slice(0, 40)}…`;
  }
  const sub = rest.find((a, k) => !a.startsWith("-") && !["-z", "-l", "-o", "-R"].includes(rest[k - 1] ?? ""));
  return sub ? `${name} ${sub}` : name;
}
