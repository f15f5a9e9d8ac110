// The Pool resource: an address pool's registry file (and optionally its etherstub), with checks that keep zones' addresses valid.

import { ZmgrError } from "../errors";
import { checkLinkName, type InputFailure } from "../illumos/names";
import { createEtherstub, deleteEtherstub, getLink } from "../illumos/dladm";
import { formatIp } from "../ipam/address";
import { inPool, type Holding } from "../ipam/allocate";
import { holdingsOf } from "../ipam/holdings";
import { assertNoOverlap } from "../ipam/overlap";
import { planPool, type PoolPlan } from "../ipam/pool-plan";
import { withRegistryLock } from "../registry/lock";
import type { Pool } from "../registry/models";
import { readEntry, readRegistry, updateEntry } from "../registry/store";
import { resolveHost } from "./default-host";
import { checkHostSpec, connect, hostIdentity, type HostHandle, type HostSpec } from "./host-spec";
import { checkRegistryName, fail } from "./input-failures";
import { progressFor } from "./progress";
import { stable } from "./zone-shape";

/** The IPv6 half of a dual-stack pool. */
export interface PoolFamilyInputs {
  /** Network in CIDR form. */
  readonly network: string;
  /** Default router. */
  readonly gateway?: string;
  /** First address handed out. */
  readonly rangeStart?: string;
  /** Last address handed out. */
  readonly rangeEnd?: string;
}

/** A Pool's inputs. */
export interface PoolInputs extends PoolFamilyInputs {
  /** Pool name on the host. */
  readonly name: string;
  /** Where it lives; default: stack config. */
  readonly host?: HostSpec;
  /** Etherstub or link the zones' VNICs go over. */
  readonly stub: string;
  /** Create the etherstub when missing (and delete it with the pool). */
  readonly createStub?: boolean;
  /** Addresses never handed out: `10.0.0.7`, `10.0.0.64/28`, `10.0.0.20-10.0.0.29`. */
  readonly exclude?: readonly string[];
  /** An IPv6 network for a dual-stack pool. */
  readonly ipv6?: PoolFamilyInputs;
  /** Take over an existing pool file (it must match). */
  readonly adopt?: boolean;
}

/** What a Pool resource records. */
export interface PoolOutputs extends PoolInputs {
  /** Identity of the host. */
  readonly hostId: string;
  /** How many addresses the pool can hand out (decimal text; IPv6 sizes are huge). */
  readonly size: string;
  /** This resource created the etherstub (and deletes it). */
  readonly stubCreated: boolean;
}

const KEYS = new Set(["name", "host", "network", "gateway", "rangeStart", "rangeEnd", "stub", "createStub", "exclude", "ipv6", "adopt"]);

/** The registry model of a pool's inputs. */
export function poolModel(inputs: PoolInputs): Pool {
  const fams = [inputs, ...(inputs.ipv6 ? [inputs.ipv6] : [])];
  const ranges = fams.filter((f) => f.rangeStart !== undefined || f.rangeEnd !== undefined).map((f) => ({ start: f.rangeStart ?? "", end: f.rangeEnd ?? "" }));
  const gateways = fams.flatMap((f) => (f.gateway === undefined ? [] : [f.gateway]));
  const excludes = (inputs.exclude ?? []).map((e) => {
    const [from, to] = e.split("-");
    return to === undefined ? { from: from! } : { from: from!, to };
  });
  return {
    name: inputs.name,
    networks: fams.map((f) => f.network),
    stub: inputs.stub,
    ...(gateways.length ? { gateways } : {}),
    ...(ranges.length ? { ranges } : {}),
    ...(excludes.length ? { excludes } : {}),
  };
}

/** Every problem with a Pool's inputs (network alignment, gateway and range inside the network ...). */
export function checkPoolInputs(inputs: PoolInputs): InputFailure[] {
  const out: InputFailure[] = [];
  for (const key of Object.keys(inputs)) if (!KEYS.has(key) && !key.startsWith("__")) out.push(...fail(key, "unknown", "is not a Pool input", `use ${[...KEYS].join(", ")}`));
  out.push(...checkRegistryName(inputs.name, "name"), ...checkHostSpec(inputs.host), ...checkLinkName(inputs.stub, "stub"));
  for (const f of [inputs, inputs.ipv6]) {
    if (f && (f.rangeStart === undefined) !== (f.rangeEnd === undefined)) {
      out.push(...fail(f === inputs ? "rangeEnd" : "ipv6.rangeEnd", "range", "rangeStart and rangeEnd go together", "give both ends of the range, or neither to use the whole network"));
    }
  }
  if (typeof inputs.network !== "string") out.push(...fail("network", "required", "is required", "give the pool's network, e.g. 10.0.0.0/24"));
  if (out.length) return out;
  try {
    planPool(poolModel(inputs));
  } catch (err) {
    if (!ZmgrError.isInstance(err)) throw err;
    out.push({ property: poolProperty(inputs, err.details), reason: err.message, code: err.code, help: err.help ?? "fix the pool definition" });
  }
  return out;
}

/** The input a planPool error is about. */
function poolProperty(inputs: PoolInputs, details: Readonly<Record<string, unknown>>): string {
  const index = typeof details.index === "number" ? details.index : 0;
  const v6 = inputs.ipv6 !== undefined && index === 1;
  switch (details.field) {
    case "network":
      return v6 ? "ipv6.network" : "network";
    case "gateway":
      return v6 ? "ipv6.gateway" : "gateway";
    case "range":
      return v6 ? "ipv6.rangeStart" : "rangeStart";
    case "exclude":
      return `exclude[${index}]`;
    default:
      return "network";
  }
}

/** diff for a Pool: name or host moves it (replace); anything else is edited in place. */
export function diffPool(id: string, olds: PoolOutputs, news: PoolInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces: string[] = [];
  if (news.name !== id) replaces.push("name");
  if (hostIdentity(resolveHost(news.host)) !== olds.hostId) replaces.push("host");
  const changes = replaces.length > 0 || stable(strip(news)) !== stable(strip(olds));
  return { changes, replaces, deleteBeforeReplace: true };
}

function strip(p: PoolInputs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) if ((p as unknown as Record<string, unknown>)[k] !== undefined) out[k] = (p as unknown as Record<string, unknown>)[k];
  return out;
}

/** Creates the pool file (and the etherstub when asked), or adopts an existing identical file. */
export async function createPool(inputs: PoolInputs): Promise<PoolOutputs> {
  const handle = connect(resolveHost(inputs.host));
  const progress = progressFor("pool", inputs.name);
  const model = poolModel(inputs);
  let stubCreated = false;
  if (inputs.createStub && !(await getLink(handle.host, inputs.stub))) {
    progress.step(`creating etherstub ${inputs.stub}`);
    await createEtherstub(handle.host, inputs.stub);
    stubCreated = true;
  }
  try {
    await savePoolChecked(handle, model, inputs.adopt ? "adopt" : "create");
  } catch (err) {
    if (stubCreated) await deleteEtherstub(handle.host, inputs.stub).catch(() => undefined);
    throw err;
  }
  return poolOutputs(inputs, handle, stubCreated);
}

/** Rewrites the pool file; refuses a change that would leave a zone's address outside the pool. */
export async function updatePool(_id: string, olds: PoolOutputs, news: PoolInputs): Promise<PoolOutputs> {
  const handle = connect(resolveHost(news.host));
  let stubCreated = olds.stubCreated;
  if (news.createStub && !(await getLink(handle.host, news.stub))) {
    await createEtherstub(handle.host, news.stub);
    stubCreated = true;
  }
  await savePoolChecked(handle, poolModel(news), "update");
  return poolOutputs(news, handle, stubCreated && news.stub === olds.stub);
}

/**
 * Under the registry lock: reads every pool and zone file in one round trip, refuses an overlap
 * with another pool and (for an update) any zone whose address would fall outside the pool, then
 * writes the file in place (comments and unknown nodes kept). `mode` create refuses an existing
 * file; adopt requires one with the same settings.
 */
async function savePoolChecked(handle: HostHandle, model: Pool, mode: "create" | "adopt" | "update"): Promise<void> {
  const plan = planPool(model);
  await withRegistryLock(handle.host, handle.root, async () => {
    const snapshot = await readRegistry(handle.host, handle.root, { pools: true, zones: true });
    const broken = snapshot.broken.find((b) => b.kind === "pool" && b.name === model.name);
    if (broken) throw broken.error;
    const known = snapshot.pools.get(model.name) ?? null;
    if (mode === "create" && known) {
      throw new ZmgrError("zmgr::pool::exists", `pool ${model.name} already exists in ${known.path}`, { help: "set `adopt: true` to take over the existing pool file (it must match), or pick another name" });
    }
    if (mode === "adopt") {
      if (!known) throw new ZmgrError("zmgr::pool::adopt-missing", `pool ${model.name} has no registry file to adopt`, { help: "remove `adopt: true` to create it" });
      const differences = differ(known.model, model);
      if (differences.length) {
        throw new ZmgrError("zmgr::pool::adopt-mismatch", `pool ${model.name} in ${known.path} does not match the inputs (nothing was changed): ${differences.join("; ")}`, { help: "change the inputs to what the file holds, then run again" });
      }
      return;
    }
    assertNoOverlap([...[...snapshot.pools.values()].filter((e) => e.model.name !== model.name).map((e) => planPool(e.model)), plan]);
    if (known) {
      const outside = zonesOutside(holdingsOf(snapshot.zones.values()), planPool(known.model), plan);
      if (outside.length) {
        throw new ZmgrError("zmgr::pool::in-use", `pool ${model.name} cannot change that way: ${outside.map((h) => `zone ${h.zone} holds ${h.address}`).join(", ")}, which would be outside the new pool`, {
          help: "move or delete those zones first, or keep their addresses inside the pool's network",
          details: { zones: outside.map((h) => h.zone) },
        });
      }
    }
    await updateEntry(handle.host, handle.root, "pool", model.name, () => model, { known });
  });
}

/** Zones holding addresses of the old pool that the new one no longer covers. */
function zonesOutside(holdings: readonly Holding[], before: PoolPlan, after: PoolPlan): { zone: string; address: string }[] {
  return holdings
    .filter((h) => inPool(before, h.family, h.value) && !inPool(after, h.family, h.value))
    .map((h) => ({ zone: h.zone, address: formatHolding(h) }));
}

function formatHolding(h: Holding): string {
  return formatIp(h.family, h.value);
}

function differ(a: Pool, b: Pool): string[] {
  const out: string[] = [];
  for (const k of ["networks", "gateways", "stub", "ranges", "excludes"] as const) {
    if (stable(a[k] ?? []) !== stable(b[k] ?? [])) out.push(`${k}: file has ${JSON.stringify(a[k] ?? [])}, inputs want ${JSON.stringify(b[k] ?? [])}`);
  }
  return out;
}

/** Deletes the pool file; refuses while zone files hold its addresses or name it. */
export async function deletePool(id: string, olds: PoolOutputs): Promise<void> {
  const handle = connect(resolveHost(olds.host));
  await withRegistryLock(handle.host, handle.root, async () => {
    const snapshot = await readRegistry(handle.host, handle.root, { pools: [id], zones: true });
    const entry = snapshot.pools.get(id);
    if (entry) {
      const plan = planPool(entry.model);
      const users = [...snapshot.zones.values()].filter((z) => z.model.pool === id || holdingsOf([z]).some((h) => inPool(plan, h.family, h.value))).map((z) => z.model.name);
      if (users.length) {
        throw new ZmgrError("zmgr::pool::in-use", `pool ${id} is still used by zone${users.length > 1 ? "s" : ""} ${users.join(", ")}`, {
          help: "delete those zones (or move them to another pool) before the pool",
          details: { zones: users },
        });
      }
    }
    const broken = snapshot.broken.find((b) => b.kind === "pool" && b.name === id);
    if (broken) throw broken.error;
    await updateEntry(handle.host, handle.root, "pool", id, () => null, { known: entry ?? null });
  });
  if (olds.stubCreated) await deleteEtherstub(handle.host, olds.stub);
}

/** Reads the pool back: gone when its file is gone. */
export async function readPool(id: string, olds: PoolOutputs): Promise<{ id?: string; props?: PoolOutputs }> {
  const handle = connect(resolveHost(olds.host));
  const entry = await readEntry(handle.host, handle.root, "pool", id);
  if (!entry) return {};
  const m = entry.model;
  const fam = (net: string | undefined): PoolFamilyInputs | undefined => {
    if (net === undefined) return undefined;
    const v6 = net.includes(":");
    const gw = (m.gateways ?? []).find((g) => g.includes(":") === v6);
    const range = (m.ranges ?? []).find((r) => r.start.includes(":") === v6);
    return prune({ network: net, gateway: gw, rangeStart: range?.start, rangeEnd: range?.end }) as unknown as PoolFamilyInputs;
  };
  const first = fam(m.networks[0])!;
  const second = fam(m.networks[1]);
  const exclude = (m.excludes ?? []).map((e) => (e.to ? `${e.from}-${e.to}` : e.from));
  const props = prune({
    ...olds,
    network: first.network,
    gateway: first.gateway,
    rangeStart: first.rangeStart,
    rangeEnd: first.rangeEnd,
    ipv6: second,
    stub: m.stub,
    exclude: exclude.length ? exclude : olds.exclude === undefined ? undefined : [],
    size: poolSize(m),
    hostId: handle.id,
  }) as unknown as PoolOutputs;
  return { id, props };
}

function poolOutputs(inputs: PoolInputs, handle: HostHandle, stubCreated: boolean): PoolOutputs {
  return { ...inputs, hostId: handle.id, size: poolSize(poolModel(inputs)), stubCreated };
}

function poolSize(model: Pool): string {
  return planPool(model).families.reduce((n, f) => n + f.size, 0n).toString();
}

function prune(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
