// A fault at every step of zone create, update and delete: the host ends fully done or fully undone (create),
// consistent (update, delete), the registry matches the zones, and the next `up` or `destroy` converges.
//
// Locally, every round trip of the provider (registry scripts included) is made to fail before it runs, to take
// effect and report a failure, or to lose its connection after running (fault-host.ts). Over the real sshd, every
// simulated command is hung and the SSH connection killed under it, and the connection is killed right after each
// registry script ran. Each case runs one zone through create, update and delete; lanes run side by side, each with
// its own registry on the shared simulated host.

jest.mock("../../provider/transport/connect", () => jest.requireActual("./mock-connect"));

import { rmSync } from "node:fs";
import { join } from "node:path";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { HostSpec } from "../../provider/operations/host-spec";
import { setProgressSink } from "../../provider/operations/progress";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { closeAllHosts } from "../../provider/transport/connect";
import { createSimHost, simEnv, type SimHost } from "../harness/sim";
import { startSshd, type Sshd } from "../harness/sshd";
import { faults, type ArmedFault, type FaultKind, type FaultScope, type RecordedCall } from "./fault-host";
import { describeZone, hostFacts, inconsistencies, zoneOutcome, type HostFacts } from "./host-state";
import { seedRegistry } from "./seed";

/** Steps that only read: failing them before or after is the same, so they get one fault kind. */
const READS = new Set(["registry read", "zone probe", "zoneadm list", "dladm show-vnic"]);
/** Our shell scripts: the fault kinds that model them (a script decides its own exit code, so no fail-after). */
const SCRIPT_KINDS: FaultKind[] = ["fail", "lost-after"];
/** The zone tools: they can also take effect and report a failure. */
const TOOL_KINDS: FaultKind[] = ["fail", "fail-after", "lost-after"];

/** The four operations every case zone goes through. */
const OPS = ["create", "update-change", "update-repair", "delete"] as const;
type Op = (typeof OPS)[number];

/**
 * One fault case: which operation, which faults. `faults` are injected by the wrapper (fault-host.ts); `hang`
 * hangs a simulated command (matched by its words, and by the zone or its VNIC) and kills every SSH connection
 * under it once it hangs.
 */
interface Case {
  readonly op: Op;
  readonly faults: readonly ArmedFault[];
  readonly hang?: { readonly cmd: string; readonly match?: "zone" | "vnic" };
  readonly label: string;
}

/** The cases one case zone carries: at most one per operation. */
type Bundle = Partial<Record<Op, Case>>;

/** A lane: a registry (and so a pool) of its own on a simulated host, reached locally or over sshd. */
interface Lane {
  readonly name: string;
  readonly sim: SimHost;
  readonly registry: string;
  readonly host: HostSpec;
  readonly sshd?: Sshd;
}

/** What happened to each case, for the summary and the assertions. */
interface Outcome {
  readonly lane: string;
  readonly zone: string;
  readonly label: string;
  readonly result: "done" | "undone" | "partial" | "failed-consistent";
  readonly problems: string[];
}

const outcomes: Outcome[] = [];
let sim: SimHost;
let sshSim: SimHost;
let sshd: Sshd;
const progress: string[] = [];

beforeAll(async () => {
  [sim, sshSim] = await Promise.all([createSimHost({ installDelayMs: 1 }), createSimHost({ installDelayMs: 1 })]);
  Object.assign(process.env, simEnv(sim.root));
  sshd = await startSshd({ simRoot: sshSim.root });
  setProgressSink((line) => progress.push(line));
});
afterAll(async () => {
  await closeAllHosts();
  await sshd?.stop();
  sim?.remove();
  sshSim?.remove();
});

function localLane(i: number): Lane {
  const registry = join(sim.root, "etc", `zmgr-${i}`);
  seedRegistry(registry, sim.zonesDir);
  return { name: `l${i}`, sim, registry, host: { local: true, registryRoot: registry } };
}

function sshLane(): Lane {
  const registry = join(sshSim.root, "etc", "zmgr");
  seedRegistry(registry, sshSim.zonesDir);
  return {
    name: "s",
    sim: sshSim,
    registry,
    sshd,
    host: { ssh: { host: sshd.host, port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath, hostKey: sshd.hostPublicKey }, registryRoot: registry },
  };
}

const inputs = (lane: Lane, zone: string, extra: Partial<ZoneInputs> = {}): ZoneInputs => ({ name: zone, host: lane.host, template: "ipkg", ...extra });
/** The update that changes things: a new static address (a new claim), cpu-shares, and a reboot to apply them. */
const changed = (lane: Lane, zone: string, n: number) => inputs(lane, zone, { cpuShares: 20, address: `10.0.0.${150 + n}`, rebootOnChange: true });
const facts = (lane: Lane): HostFacts => hostFacts(lane.sim.root, lane.registry);
/**
 * The lane's consistency problems. `vnics: false` accepts a zone whose VNIC is missing (the repair case starts so);
 * `fileOnly` accepts that zone's file without its zone: an interrupted delete (or a partial create) keeps the file,
 * and so the address, until the zone is entirely gone, and the next destroy (or up) removes or uses it.
 */
const laneProblems = (lane: Lane, options: { vnics?: boolean; fileOnly?: string } = {}) =>
  inconsistencies(facts(lane), (z) => z.startsWith(lane.name))
    .filter((p) => options.vnics !== false || !/uses VNIC/.test(p))
    .filter((p) => p !== `zone file ${options.fileOnly}.kdl has no zone`);

async function sh(lane: Lane, tool: "zoneadm" | "dladm", ...args: string[]): Promise<void> {
  const r = await lane.sim.run(tool, args);
  if (r.exitCode !== 0) throw new Error(`${tool} ${args.join(" ")}: ${r.stderr}`);
}

/** Halts and uninstalls the zone and deletes its VNIC behind the provider's back: what a partial create or drift leaves. */
async function breakZone(lane: Lane, zone: string): Promise<void> {
  await sh(lane, "zoneadm", "-z", zone, "halt");
  await sh(lane, "zoneadm", "-z", zone, "uninstall", "-F");
  await sh(lane, "dladm", "delete-vnic", `${zone}0`);
}

/** The fault cases for the round trips an unfaulted operation made (local lanes: the wrapper's faults). */
function casesFor(op: Op, calls: readonly RecordedCall[]): Case[] {
  return occurrences(calls).flatMap(({ step, occurrence }) =>
    (READS.has(step) ? ["fail" as const] : step.startsWith("registry") ? SCRIPT_KINDS : TOOL_KINDS).map((kind) => ({ op, faults: [{ step, occurrence, kind }], label: `${op}: ${kind} at ${step} #${occurrence}` })),
  );
}

/** Each step of `calls` with its occurrence number. */
function occurrences(calls: readonly RecordedCall[]): { step: string; occurrence: number }[] {
  const seen = new Map<string, number>();
  return calls.map((c) => {
    const occurrence = (seen.get(c.step) ?? 0) + 1;
    seen.set(c.step, occurrence);
    return { step: c.step, occurrence };
  });
}

/**
 * The SSH lane's cases: every simulated command that changes the host hangs and the SSH connections are killed
 * under it; every registry script that changes the registry runs, then the connections are killed before its
 * answer comes back.
 */
function sshCasesFor(op: Op, calls: readonly RecordedCall[]): Case[] {
  return occurrences(calls).flatMap(({ step, occurrence }): Case[] => {
    if (READS.has(step)) return [];
    if (step.startsWith("registry")) return [{ op, faults: [{ step, occurrence, kind: "lost-after", onFire: () => sshd.dropConnections() }], label: `${op} over ssh: connection killed after ${step} #${occurrence} ran` }];
    if (occurrence > 1) return [];
    const match = step.startsWith("dladm") ? ("vnic" as const) : step.startsWith("pkg") ? undefined : ("zone" as const);
    return [{ op, faults: [], hang: { cmd: step, match }, label: `${op} over ssh: connection killed while ${step} hung` }];
  });
}

/** Bundles case lists so that zone i carries the i-th case of each operation. */
function bundle(lists: readonly Case[][]): Bundle[] {
  const n = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => Object.fromEntries(lists.flatMap((l) => (l[i] ? [[l[i]!.op, l[i]!]] : []))) as Bundle);
}

/** Create faults that also break the first undo step: the create must be reported partial (or undone), and both `up` and `destroy` converge. */
const DOUBLE: [string, string][] = [
  ["dladm create-vnic", "registry delete"],
  ["zonecfg -f", "dladm delete-vnic"],
  ["zoneadm install", "zonecfg delete"],
  ["pkg set-publisher", "zoneadm uninstall"],
  ["zoneadm boot", "zoneadm uninstall"],
];

type Engine = { error?: unknown; result?: unknown } & Pick<FaultScope, "fired">;

/** The engine's view of a failed create: partial (id, properties with __provider, reasons) or not. */
function partialOf(error: unknown): { properties: ZoneOutputs } | undefined {
  const e = error as { id?: string; properties?: ZoneOutputs & { __provider?: string }; reasons?: string[] } | undefined;
  if (!e?.id) return undefined;
  expect(e.properties?.__provider).toBe("provider-code");
  expect(e.reasons?.length).toBeGreaterThan(1);
  return { properties: e.properties! };
}

/** Runs `fn` as operation `op` of a case zone: with the case's faults when it has one for `op`. */
async function faulted<T>(lane: Lane, zone: string, c: Case | undefined, fn: () => Promise<T>): Promise<Engine & { result?: T }> {
  if (!c?.hang) return faults.scope(c?.faults ?? [], fn);
  const { cmd, match } = c.hang;
  const word = match === "zone" ? zone : match === "vnic" ? `${zone}0` : undefined;
  await lane.sim.addFault({ cmd, zone: word, hang: true });
  try {
    const from = lane.sim.log().length; // an earlier case's command stays logged as hung: look only at this case's
    const running = faults.scope([], fn);
    const dropped = await dropWhenHung(lane, from, [...cmd.split(" "), ...(word ? [word] : [])], Date.now() + 60_000).then(
      () => true,
      async () => {
        await lane.sshd!.dropConnections(); // never seen hung: still free the operation, which the case then reports
        return false;
      },
    );
    const scope = await running;
    return { ...scope, fired: dropped ? [{ step: cmd, argv: [], stdin: "", kind: "lost-after" }] : [] };
  } finally {
    await lane.sim.clearFaults();
  }
}

/**
 * One zone through create, update (change), update (repair) and delete, each with the bundle's case for it.
 * Records an outcome per faulted operation; throws only when a converging step (the next up or destroy) fails.
 */
async function lifecycle(lane: Lane, zone: string, n: number, cases: Bundle): Promise<void> {
  const vnic = `${zone}0`;
  const record = (c: Case | undefined, result: Outcome["result"], problems: string[], fired: number) => {
    if (!c) return;
    if (fired === 0) problems.push("the fault never fired");
    outcomes.push({ lane: lane.name, zone, label: c.label, result, problems });
    // A lock left behind would stall every later case for the stale time (120 s): it is a failure of this case, then removed.
    rmSync(join(lane.registry, ".lock"), { recursive: true, force: true });
  };
  const withProvider = { ...inputs(lane, zone), __provider: "provider-code" } as ZoneInputs;
  const outsOf = (e: Engine) => (e.result as { outs: ZoneOutputs }).outs;

  // create
  let c = cases.create;
  const create = await faulted(lane, zone, c, () => zoneProvider.create(withProvider));
  let outs: ZoneOutputs;
  if (c) {
    const f = facts(lane);
    const outcome = zoneOutcome(f, zone, vnic);
    const partial = create.error ? partialOf(create.error) : undefined;
    const problems = laneProblems(lane, partial ? { vnics: false, fileOnly: zone } : {});
    const first = () => (create.error as Error).message.split("\n")[0];
    if (!create.error && outcome !== "complete") problems.push(`create succeeded but left ${describeZone(f, zone, vnic)}`);
    if (create.error && !partial && outcome !== "absent") problems.push(`create failed (${first()}) and left ${describeZone(f, zone, vnic)}`);
    if (partial && c.faults.length < 2) problems.push(`a single fault left a partial create: ${first()}`);
    record(c, create.error ? (partial ? "partial" : "undone") : "done", problems, create.fired.length);
    if (partial && n % 2 === 1) {
      // `pulumi destroy` of the partially created zone, then a new create for the zone's other cases.
      await zoneProvider.delete!(zone, partial.properties);
      expect(zoneOutcome(facts(lane), zone, vnic)).toBe("absent");
      outs = (await zoneProvider.create(inputs(lane, zone))).outs as ZoneOutputs;
    } else if (partial) {
      outs = (await zoneProvider.update!(zone, partial.properties, inputs(lane, zone))).outs as ZoneOutputs; // `pulumi up` again
    } else {
      outs = create.error ? ((await zoneProvider.create(inputs(lane, zone))).outs as ZoneOutputs) : outsOf(create);
    }
  } else {
    if (create.error) throw create.error;
    outs = outsOf(create);
  }
  expect(zoneOutcome(facts(lane), zone, vnic)).toBe("complete");

  // update: a new address, cpu-shares and a reboot
  const next = changed(lane, zone, n);
  c = cases["update-change"];
  const update = await faulted(lane, zone, c, () => zoneProvider.update!(zone, outs, next));
  if (c) record(c, update.error ? "failed-consistent" : "done", laneProblems(lane), update.fired.length);
  else if (update.error) throw update.error;
  outs = update.error ? ((await zoneProvider.update!(zone, outs, next)).outs as ZoneOutputs) : outsOf(update);
  expect(zoneOutcome(facts(lane), zone, vnic)).toBe("complete");
  expect(facts(lane).files.get(zone)?.addresses).toEqual([`10.0.0.${150 + n}/24`]);

  // update: repair a zone that lost its installation and VNIC
  await breakZone(lane, zone);
  c = cases["update-repair"];
  const repair = await faulted(lane, zone, c, () => zoneProvider.update!(zone, outs, next));
  if (c) record(c, repair.error ? "failed-consistent" : "done", laneProblems(lane, { vnics: false }), repair.fired.length);
  else if (repair.error) throw repair.error;
  outs = repair.error ? ((await zoneProvider.update!(zone, outs, next)).outs as ZoneOutputs) : outsOf(repair);
  expect(zoneOutcome(facts(lane), zone, vnic)).toBe("complete");

  // delete
  c = cases.delete;
  const del = await faulted(lane, zone, c, () => zoneProvider.delete!(zone, outs));
  if (c) {
    const f = facts(lane);
    const problems = laneProblems(lane, { fileOnly: del.error ? zone : undefined });
    if (del.error && (f.zones.has(zone) || f.vnics.has(vnic)) && !f.files.has(zone)) problems.push(`a failed delete released the address while ${describeZone(f, zone, vnic)}`);
    if (!del.error && zoneOutcome(f, zone, vnic) !== "absent") problems.push(`delete succeeded but left ${describeZone(f, zone, vnic)}`);
    record(c, del.error ? "failed-consistent" : "done", problems, del.fired.length);
    if (del.error) await zoneProvider.delete!(zone, outs); // `pulumi destroy` again
  } else if (del.error) throw del.error;
  expect(zoneOutcome(facts(lane), zone, vnic)).toBe("absent");
}

/** Runs the bundles one zone after another on `lane`. */
async function runLane(lane: Lane, bundles: readonly Bundle[]): Promise<void> {
  for (const [i, b] of bundles.entries()) await lifecycle(lane, `${lane.name}z${i}`, i, b);
}

/** The calls of one unfaulted lifecycle, per operation (the baseline the cases are made from). */
async function baseline(lane: Lane): Promise<Record<Case["op"], RecordedCall[]>> {
  const zone = `${lane.name}base`;
  const create = await faults.scope([], () => zoneProvider.create(inputs(lane, zone)));
  if (create.error) throw create.error;
  let outs = (create.result as { outs: ZoneOutputs }).outs;
  const change = await faults.scope([], () => zoneProvider.update!(zone, outs, changed(lane, zone, 40)));
  if (change.error) throw change.error;
  outs = (change.result as { outs: ZoneOutputs }).outs;
  await breakZone(lane, zone);
  const repair = await faults.scope([], () => zoneProvider.update!(zone, outs, changed(lane, zone, 40)));
  if (repair.error) throw repair.error;
  outs = (repair.result as { outs: ZoneOutputs }).outs;
  const del = await faults.scope([], () => zoneProvider.delete!(zone, outs));
  if (del.error) throw del.error;
  return { create: create.calls, "update-change": change.calls, "update-repair": repair.calls, delete: del.calls };
}

/** Waits until a simulated command matching `words` hangs (logged, after entry `from`, with a null exit code), then kills every SSH connection under it. */
async function dropWhenHung(lane: Lane, from: number, words: string[], deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (lane.sim.log().slice(from).some((e) => e.exitCode === null && words.every((w) => e.argv.includes(w)))) {
      await lane.sshd!.dropConnections();
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no hung ${words.join(" ")} within the deadline`);
}

test("a fault at every step of create, update and delete leaves the host consistent, and up or destroy converges", async () => {
  const lanes = [localLane(0), localLane(1), localLane(2)];
  const ssh = sshLane();
  const [calls, sshCalls] = await Promise.all([baseline(lanes[0]!), baseline(ssh)]);
  const single = OPS.map((op) => casesFor(op, calls[op]));
  // Every step of every operation is covered (the reads with one kind, the rest with two or three).
  for (const [i, op] of OPS.entries()) expect(new Set(single[i]!.map((c) => c.faults[0]!.step))).toEqual(new Set(calls[op].map((c) => c.step)));
  const double: Case[] = DOUBLE.map(([step, undo]) => ({
    op: "create",
    faults: [
      { step, occurrence: 1, kind: "fail" },
      { step: undo, occurrence: 1, kind: "fail" },
    ],
    label: `create: fail at ${step}, then fail its undo at ${undo}`,
  }));
  const local = bundle([[...single[0]!, ...double], ...single.slice(1)]);
  const overSsh = bundle(OPS.map((op) => sshCasesFor(op, sshCalls[op])));
  const expected = [...single.flat(), ...double, ...overSsh.flatMap((b) => Object.values(b))].length;
  const per = Math.ceil(local.length / lanes.length);
  await Promise.all([...lanes.map((lane, i) => runLane(lane, local.slice(i * per, (i + 1) * per))), runLane(ssh, overSsh)]);

  for (const lane of [...lanes, ssh]) expect(laneProblems(lane)).toEqual([]);
  const bad = outcomes.filter((o) => o.problems.length > 0);
  expect(bad.map((o) => `${o.label}: ${o.problems.join("; ")}`)).toEqual([]);
  expect(outcomes.length).toBe(expected);
  // Single faults never leave a half-made zone behind; double faults may, and are then reported as partial.
  expect(outcomes.filter((o) => o.result === "partial").length).toBeGreaterThan(0);
  const by = (lane: string) => outcomes.filter((o) => (lane === "s") === (o.lane === "s"));
  process.stdout.write(`fault matrix: ${outcomes.length} cases; local ${by("l").length} (${summarize(by("l"))}); over ssh ${by("s").length} (${summarize(by("s"))})\n`);
}, 600_000);

function summarize(list: readonly Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of list) counts.set(o.result, (counts.get(o.result) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${v} ${k}`).join(", ");
}
