// Adopts an existing zone: checks it matches the inputs field by field (changing nothing if not), then registers it and takes it over.

import { ZmgrError } from "../errors";
import type { NetResource } from "../illumos/zone-config";
import { formatIp, formatNetwork, parseInterface } from "../ipam/address";
import { inPool } from "../ipam/allocate";
import { claimAddress } from "../ipam/claim";
import { familyPlan, planPool } from "../ipam/pool-plan";
import type { Pool } from "../registry/models";
import { resolveHost } from "./default-host";
import { connect } from "./host-spec";
import { progressFor, type Progress } from "./progress";
import { outputs } from "./zone-create";
import { VM_BRANDS } from "./brand";
import { readZoneRegistry } from "./zone-context";
import { sameAddress } from "./zone-diff";
import type { ZoneInputs, ZoneOutputs } from "./zone-inputs";
import { probeZones } from "./zone-probe";
import { desiredShape, observedShape, ownershipOf, stable, type ZoneShape } from "./zone-shape";

/** One way an existing zone differs from the inputs. */
export interface AdoptDifference {
  /** The setting. */
  readonly field: string;
  /** What the inputs want. */
  readonly wanted: unknown;
  /** What the host has. */
  readonly actual: unknown;
}

/**
 * Takes over zone `inputs.name`. Fails with `zmgr::zone::adopt-mismatch` listing every difference,
 * having changed nothing, when the zone does not match; fails with `zmgr::zone::adopt-missing` when
 * there is no such zone. Else writes (or keeps) its registry file, which claims its address in the
 * pool, and returns outputs as after a create. The zone itself is not touched.
 */
export async function adoptZone(inputs: ZoneInputs, progress: Progress = progressFor("zone", inputs.name)): Promise<ZoneOutputs> {
  const handle = connect(resolveHost(inputs.host));
  const name = inputs.name;
  const [view, probes] = await Promise.all([
    readZoneRegistry(handle, { zone: name, template: inputs.template, templateSpec: inputs.templateSpec, pool: inputs.pool }),
    probeZones(handle, [name]),
  ]);
  const probe = probes.get(name)!;
  if (!probe.entry || !probe.config) {
    throw new ZmgrError("zmgr::zone::adopt-missing", `zone ${name} does not exist on ${handle.host.label}: there is nothing to adopt`, {
      help: "remove `adopt: true` to create the zone, or fix its name",
    });
  }
  if (VM_BRANDS.has(probe.entry.brand)) {
    throw new ZmgrError("zmgr::zone::adopt-vm", `zone ${name} is a ${probe.entry.brand} virtual machine; vm-manager manages those`, { help: "leave it to vm-manager" });
  }
  const desired = desiredShape(inputs, view.template);
  const observed = observedShape(probe.config, probe.entry.state, desired.pool, ownershipOf(inputs), desired.vnic);
  const nets = (probe.config.net ?? []).filter((n) => n.physical === desired.vnic);
  const net = nets[0];
  const address = net?.allowedAddress ?? "";
  const differences = compare(desired, observed);
  if (!net) differences.push({ field: "vnic", wanted: desired.vnic, actual: (probe.config.net ?? []).map((n) => n.physical).join(",") || "(no net)" });
  if (nets.length > 1) differences.push({ field: "net", wanted: `one net on ${desired.vnic}`, actual: `${nets.length} nets on ${desired.vnic} (${nets.map((n) => n.allowedAddress ?? "?").join(", ")})` });
  if (inputs.address !== undefined && !sameAddress(inputs.address, address)) differences.push({ field: "address", wanted: inputs.address, actual: address || "(none)" });
  if (net && !address) differences.push({ field: "address", wanted: "an allowed-address in the pool", actual: "(none: the zone's net has no allowed-address)" });
  if (!view.pool) differences.push({ field: "pool", wanted: "a pool (on the zone or its template)", actual: "(none)" });
  if (net && address && view.pool) differences.push(...netDifferences(net, address, view.pool.model));
  if (differences.length) {
    throw new ZmgrError(
      "zmgr::zone::adopt-mismatch",
      `zone ${name} does not match the inputs, so it was not adopted (nothing was changed):\n` +
        differences.map((d) => `  ${d.field}: inputs want ${show(d.wanted)}, the zone has ${show(d.actual)}`).join("\n"),
      { help: "change the inputs to what the zone has (see `pulumi-zmgr discover`), then run again", details: { zone: name, differences } },
    );
  }
  progress.step(`adopting (${probe.entry.state}, ${address})`);
  const claim = await claimAddress(handle.host, handle.root, {
    zone: { name, template: inputs.template, brand: desired.brand, zonepath: desired.zonepath, pool: desired.pool, vnic: desired.vnic },
    pool: desired.pool,
    requested: [address],
    families: [parseInterface(address).family],
  });
  return outputs(inputs, handle, view, desired, claim.addresses, probe.entry.state, probe.entry.uuid ?? "", { adopted: true });
}

function compare(desired: ZoneShape, observed: ZoneShape): AdoptDifference[] {
  const out: AdoptDifference[] = [];
  for (const key of Object.keys({ ...desired, ...observed }) as (keyof ZoneShape)[]) {
    if (key === "pool") continue;
    if (stable(desired[key]) !== stable(observed[key])) out.push({ field: key, wanted: desired[key], actual: observed[key] });
  }
  return out;
}

/**
 * How the zone's net differs from the one a Zone resource writes (which an update would put in
 * place): the address inside the pool with the pool's prefix, the pool's gateway as defrouter, and
 * no on-demand VNIC settings (global-nic, mac-addr, vlan-id, link properties).
 */
function netDifferences(net: NetResource, address: string, pool: Pool): AdoptDifference[] {
  const out: AdoptDifference[] = [];
  const plan = planPool(pool);
  let a;
  try {
    a = parseInterface(address);
  } catch {
    return [{ field: "address", wanted: `an address in pool ${pool.name}`, actual: address }];
  }
  const fp = familyPlan(plan, a.family);
  if (!fp || !inPool(plan, a.family, a.value)) {
    return [{ field: "address", wanted: `an address in pool ${pool.name} (${plan.families.map((f) => formatNetwork(f.network)).join(", ")})`, actual: address }];
  }
  if (a.prefix !== fp.network.prefix) out.push({ field: "address", wanted: `prefix /${fp.network.prefix} (pool ${pool.name})`, actual: address });
  const gateway = fp.gateway === undefined ? undefined : formatIp(a.family, fp.gateway);
  if (net.defrouter !== gateway) out.push({ field: "defrouter", wanted: gateway ?? "(none: the pool has no gateway)", actual: net.defrouter ?? "(none)" });
  const extras: [string, unknown][] = [
    ["net.global-nic", net.globalNic],
    ["net.mac-addr", net.macAddr],
    ["net.vlan-id", net.vlanId],
    ["net.property", net.properties?.length ? net.properties.map((p) => `${p.name}=${p.value}`).join(",") : undefined],
  ];
  for (const [field, actual] of extras) if (actual !== undefined) out.push({ field, wanted: "(none: a Zone manages a plain VNIC)", actual });
  return out;
}

function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
