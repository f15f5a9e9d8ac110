// Finds the one net a Zone resource would manage (a VNIC with an allowed-address in a pool) and why a zone's networking cannot be adopted.

import type { NetResource, ZoneConfig } from "../illumos/zone-config";
import { formatIp, formatNetwork, parseInterface, type IpFamily } from "../ipam/address";
import { familyPlan, type PoolPlan } from "../ipam/pool-plan";
import { inPool } from "../ipam/allocate";

/** The managed net of a zone. */
export interface NetMatch {
  /** The net resource. */
  readonly net: NetResource;
  /** Its pool. */
  readonly pool: PoolPlan;
  /** Its address family. */
  readonly family: IpFamily;
}

/** The outcome: the managed net, or reasons; plus the nets left alone. */
export interface NetMatchResult {
  /** The managed net, when the zone's networking fits a Zone resource. */
  readonly match: NetMatch | undefined;
  /** Why not (empty when matched). */
  readonly reasons: string[];
  /** Nets a Zone resource would keep as they are (other VNICs). */
  readonly unmanaged: string[];
}

/**
 * The net a Zone resource manages: exclusive IP, exactly one net whose allowed-address lies in a
 * pool, on a VNIC that carries no other net, with no on-demand settings (global-nic, mac-addr,
 * vlan-id, link properties: an update would drop them), the pool's prefix, and the pool's gateway
 * as defrouter. Nets on other links are left alone.
 */
export function matchNet(config: ZoneConfig, pools: readonly PoolPlan[]): NetMatchResult {
  const nets = config.net ?? [];
  if (config.ipType === "shared") {
    return fail("it uses shared IP (ip-type shared); a Zone resource gives a zone its own IP stack on a VNIC (exclusive IP), so it cannot take this zone over");
  }
  if (nets.length === 0) return fail("it has no net resource; a Zone resource manages one VNIC with an address from a pool");
  const located = nets.map((net) => ({ net, ...locate(net.allowedAddress, pools) }));
  const inPools = located.filter((l) => l.pool !== undefined);
  if (inPools.length === 0) {
    const addresses = nets.map((n) => n.allowedAddress).filter((a): a is string => a !== undefined);
    if (addresses.length === 0) return fail("no net has an allowed-address; a Zone resource sets the zone's address (allowed-address) from a pool");
    const known = pools.map((p) => `${p.name} ${p.families.map((f) => formatNetwork(f.network)).join(",")}`).join("; ") || "none";
    return fail(`its address ${addresses.join(", ")} is in no pool (pools: ${known}); create a pool whose network holds it (a Pool resource or \`zmgr pool create\`), then run discover again`);
  }
  const physicals = [...new Set(inPools.map((l) => l.net.physical))];
  if (physicals.length > 1) return fail(`several nets have pool addresses (${physicals.join(", ")}); a Zone resource manages one`);
  const physical = physicals[0]!;
  const onLink = nets.filter((n) => n.physical === physical);
  if (onLink.length > 1) return fail(`its VNIC ${physical} carries ${onLink.length} nets (dual stack); a Zone resource manages one address per zone`);
  const { net, pool, family, prefix } = inPools[0]! as { net: NetResource; pool: PoolPlan; family: IpFamily; prefix: number | undefined };
  const reasons: string[] = [];
  const onDemand = [
    net.globalNic !== undefined && `global-nic ${net.globalNic} (an on-demand VNIC created at boot)`,
    net.macAddr !== undefined && `mac-addr ${net.macAddr}`,
    net.vlanId !== undefined && `vlan-id ${net.vlanId}`,
    (net.properties ?? []).length > 0 && `link properties ${(net.properties ?? []).map((p) => `${p.name}=${p.value}`).join(",")}`,
    net.address !== undefined && `address ${net.address}`,
  ].filter((s): s is string => typeof s === "string");
  if (onDemand.length) reasons.push(`its net on ${physical} sets ${onDemand.join(", ")}; a Zone resource manages a plain VNIC and would drop ${onDemand.length > 1 ? "these" : "this"} at its next update`);
  const fp = familyPlan(pool, family)!;
  if (prefix !== fp.network.prefix) reasons.push(`its address ${net.allowedAddress} has another prefix than pool ${pool.name} (${formatNetwork(fp.network)}); a Zone resource would change it to /${fp.network.prefix}`);
  const gateway = fp.gateway === undefined ? undefined : formatIp(family, fp.gateway);
  if (net.defrouter !== gateway) {
    reasons.push(`its defrouter is ${net.defrouter ?? "not set"} but pool ${pool.name}'s gateway is ${gateway ?? "not set"}; a Zone resource would set the pool's gateway at its next update (fix the zone or the pool first)`);
  }
  const unmanaged = nets.filter((n) => n.physical !== physical).map((n) => `net on ${n.physical}${n.allowedAddress ? ` (${n.allowedAddress})` : ""}`);
  return { match: reasons.length ? undefined : { net, pool, family }, reasons, unmanaged };
}

function locate(address: string | undefined, pools: readonly PoolPlan[]): { pool?: PoolPlan; family?: IpFamily; prefix?: number } {
  if (address === undefined) return {};
  let parsed;
  try {
    parsed = parseInterface(address);
  } catch {
    return {};
  }
  const pool = pools.find((p) => inPool(p, parsed.family, parsed.value));
  return pool ? { pool, family: parsed.family, prefix: parsed.prefix } : {};
}

function fail(reason: string): NetMatchResult {
  return { match: undefined, reasons: [reason], unmanaged: [] };
}
