// Validates a pool definition and compiles it into per-family allocation plans (ranges, reserved addresses, size).

import { ZmgrError } from "../errors";
import { formatNetwork, inNetwork, parseIp, parseInterface, parseNetwork, type IpFamily, type IpNetwork } from "./address";
import { countUncovered, mergeIntervals, type Interval } from "./intervals";

/** An inclusive address range of a pool, `range START END`. */
export interface PoolRangeDefinition {
  /** First address handed out. */
  readonly start: string;
  /** Last address handed out (inclusive). */
  readonly end: string;
}

/** An exclusion: one address (`10.0.0.7`), a block (`10.0.0.64/28`), or with `to` an inclusive range. */
export interface PoolExclusionDefinition {
  /** An address or a CIDR block; the first address when `to` is given. */
  readonly from: string;
  /** The last excluded address (inclusive), for a range. */
  readonly to?: string;
}

/** What IPAM needs of a pool. The registry's `Pool` model has this shape. */
export interface PoolDefinition {
  /** The pool's name. */
  readonly name: string;
  /** One network per family in CIDR form (`10.0.0.0/24`, `fd00:1::/64`); two for dual-stack. */
  readonly networks: readonly string[];
  /** At most one default router per family; never handed out. */
  readonly gateways?: readonly string[];
  /** Allocation ranges; a family without one allocates from its whole network. */
  readonly ranges?: readonly PoolRangeDefinition[];
  /** Addresses never handed out automatically nor granted on request. */
  readonly excludes?: readonly PoolExclusionDefinition[];
}

/** Which part of a pool definition an error is about; lets the registry point at the KDL node. */
export type PoolField = "network" | "gateway" | "range" | "exclude";

/** One family of a compiled pool. */
export interface PoolFamilyPlan {
  /** 4 or 6. */
  readonly family: IpFamily;
  /** The pool's network of this family. */
  readonly network: IpNetwork;
  /** The gateway, when set. */
  readonly gateway: bigint | undefined;
  /** Allocation ranges, sorted and merged. */
  readonly ranges: readonly Interval[];
  /** Addresses never handed out: IPv4 network and broadcast, the IPv6 subnet-router anycast address, the gateway and exclusions; sorted and merged. */
  readonly reserved: readonly Interval[];
  /** The exclusions alone (sorted, merged): refused for static requests too. */
  readonly excluded: readonly Interval[];
  /** How many addresses the ranges hold once reserved ones are removed (before any zone takes one). */
  readonly size: bigint;
}

/** A validated pool ready for allocation. */
export interface PoolPlan {
  /** The pool's name. */
  readonly name: string;
  /** One plan per family, IPv4 first. */
  readonly families: readonly PoolFamilyPlan[];
}

function fieldError(code: string, pool: string, field: PoolField, index: number, message: string, help: string, cause?: unknown): ZmgrError {
  return new ZmgrError(code, `pool ${JSON.stringify(pool)}: ${message}`, { help, cause, details: { pool, field, index } });
}

/** Re-throws a parse error of one field with the pool, field and index attached. */
function at<T>(pool: string, field: PoolField, index: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (ZmgrError.isInstance(err)) {
      throw new ZmgrError(err.code, `pool ${JSON.stringify(pool)}: ${err.message}`, { help: err.help, cause: err, details: { ...err.details, pool, field, index } });
    }
    throw err;
  }
}

/**
 * Validates `pool` and compiles it. Throws ZmgrError `zmgr::pool::invalid-address`, `misaligned`,
 * `family-duplicate`, `gateway-outside`, `range-outside` or `invalid-range`, with `details.field`
 * and `details.index` naming the offending entry.
 */
export function planPool(pool: PoolDefinition): PoolPlan {
  const name = pool.name;
  const networks = new Map<IpFamily, IpNetwork>();
  if (pool.networks.length === 0) {
    throw fieldError("zmgr::pool::invalid-address", name, "network", 0, "has no network", 'add a network, e.g. network "10.0.0.0/24"');
  }
  pool.networks.forEach((text, i) => {
    const net = at(name, "network", i, () => parseNetwork(text));
    if (networks.has(net.family)) {
      throw fieldError("zmgr::pool::family-duplicate", name, "network", i, `has two IPv${net.family} networks (${formatNetwork(networks.get(net.family)!)} and ${text})`, "a pool holds one network per family; make a second pool for the other network");
    }
    networks.set(net.family, net);
  });
  const need = (family: IpFamily, field: PoolField, index: number, text: string): IpNetwork => {
    const net = networks.get(family);
    if (!net) {
      const code = field === "gateway" ? "zmgr::pool::gateway-outside" : "zmgr::pool::range-outside";
      throw fieldError(code, name, field, index, `${field} ${text} is IPv${family} but the pool has no IPv${family} network`, `add an IPv${family} network to the pool or fix the ${field}`);
    }
    return net;
  };

  const gateways = new Map<IpFamily, bigint>();
  (pool.gateways ?? []).forEach((text, i) => {
    const gw = at(name, "gateway", i, () => parseIp(text, "gateway"));
    const net = need(gw.family, "gateway", i, text);
    if (gateways.has(gw.family)) {
      throw fieldError("zmgr::pool::family-duplicate", name, "gateway", i, `has two IPv${gw.family} gateways`, "keep one gateway per family");
    }
    const hostLess = net.family === 4 && net.prefix < 31 && (gw.value === net.first || gw.value === net.last);
    if (!inNetwork(net, gw.family, gw.value) || hostLess) {
      throw fieldError("zmgr::pool::gateway-outside", name, "gateway", i, `gateway ${text} is not a host address of network ${formatNetwork(net)}`, `pick a gateway inside ${formatNetwork(net)} (not its network or broadcast address)`);
    }
    gateways.set(gw.family, gw.value);
  });

  const ranges = new Map<IpFamily, Interval[]>();
  (pool.ranges ?? []).forEach((r, i) => {
    const start = at(name, "range", i, () => parseIp(r.start, "range start"));
    const end = at(name, "range", i, () => parseIp(r.end, "range end"));
    if (start.family !== end.family || start.value > end.value) {
      throw fieldError("zmgr::pool::invalid-range", name, "range", i, `range ${r.start} ${r.end} is ${start.family !== end.family ? "mixing IPv4 and IPv6" : "reversed"}`, "write the range as START END with START <= END, both of one family");
    }
    const net = need(start.family, "range", i, `${r.start} ${r.end}`);
    if (!inNetwork(net, start.family, start.value) || !inNetwork(net, end.family, end.value)) {
      throw fieldError("zmgr::pool::range-outside", name, "range", i, `range ${r.start} ${r.end} is not inside network ${formatNetwork(net)}`, `keep the range inside ${formatNetwork(net)}, or fix the network`);
    }
    ranges.set(start.family, [...(ranges.get(start.family) ?? []), { lo: start.value, hi: end.value }]);
  });

  const excluded = new Map<IpFamily, Interval[]>();
  (pool.excludes ?? []).forEach((x, i) => {
    const iv = at(name, "exclude", i, () => exclusionInterval(x));
    const net = need(iv.family, "exclude", i, x.to ? `${x.from} ${x.to}` : x.from);
    if (!inNetwork(net, iv.family, iv.lo) || !inNetwork(net, iv.family, iv.hi)) {
      throw fieldError("zmgr::pool::range-outside", name, "exclude", i, `exclusion ${x.to ? `${x.from} ${x.to}` : x.from} is not inside network ${formatNetwork(net)}`, `keep exclusions inside ${formatNetwork(net)}`);
    }
    excluded.set(iv.family, [...(excluded.get(iv.family) ?? []), { lo: iv.lo, hi: iv.hi }]);
  });

  const families = [...networks.values()]
    .sort((a, b) => a.family - b.family)
    .map((network): PoolFamilyPlan => {
      const family = network.family;
      const bits = family === 4 ? 32 : 128;
      const fixed: Interval[] = [];
      if (network.prefix < bits - 1) {
        fixed.push({ lo: network.first, hi: network.first }); // IPv4 network address / IPv6 subnet-router anycast
        if (family === 4) fixed.push({ lo: network.last, hi: network.last }); // IPv4 broadcast
      }
      const gateway = gateways.get(family);
      if (gateway !== undefined) fixed.push({ lo: gateway, hi: gateway });
      const excl = mergeIntervals(excluded.get(family) ?? []);
      const reserved = mergeIntervals([...fixed, ...excl]);
      const rs = mergeIntervals(ranges.get(family) ?? [{ lo: network.first, hi: network.last }]);
      return { family, network, gateway, ranges: rs, reserved, excluded: excl, size: countUncovered(rs, reserved) };
    });
  return { name, families };
}

/** The interval an exclusion covers. */
function exclusionInterval(x: PoolExclusionDefinition): Interval & { family: IpFamily } {
  if (x.to !== undefined) {
    const a = parseIp(x.from, "exclusion start");
    const b = parseIp(x.to, "exclusion end");
    if (a.family !== b.family || a.value > b.value) {
      throw new ZmgrError("zmgr::pool::invalid-range", `exclusion ${x.from} ${x.to} is ${a.family !== b.family ? "mixing IPv4 and IPv6" : "reversed"}`, {
        help: "write the exclusion as START END with START <= END, both of one family",
      });
    }
    return { family: a.family, lo: a.value, hi: b.value };
  }
  if (x.from.includes("/")) {
    const net = parseNetwork(x.from, "exclusion");
    return { family: net.family, lo: net.first, hi: net.last };
  }
  const a = parseInterface(x.from, "exclusion");
  return { family: a.family, lo: a.value, hi: a.value };
}

/** The plan of `family` in `plan`, or undefined. */
export function familyPlan(plan: PoolPlan, family: IpFamily): PoolFamilyPlan | undefined {
  return plan.families.find((f) => f.family === family);
}
