// Pure allocation: the lowest free address of a pool family, and the checks for a requested (static) address.

import { ZmgrError } from "../errors";
import { formatIp, formatNetwork, inNetwork, parseInterface, type IpFamily } from "./address";
import { covers, DENSE_SPAN, lowestFree, lowestFreeDense, sortPoints } from "./intervals";
import { familyPlan, type PoolFamilyPlan, type PoolPlan } from "./pool-plan";

/** An address held by a zone file. */
export interface Holding {
  /** 4 or 6. */
  readonly family: IpFamily;
  /** The address. */
  readonly value: bigint;
  /** The zone holding it. */
  readonly zone: string;
  /** The registry file that records it. */
  readonly path: string;
}

function plannedFamily(plan: PoolPlan, family: IpFamily): PoolFamilyPlan {
  const fp = familyPlan(plan, family);
  if (!fp) {
    throw new ZmgrError("zmgr::pool::address-outside", `pool ${JSON.stringify(plan.name)} has no IPv${family} network`, {
      help: `ask for an address family the pool has (${plan.families.map((f) => `IPv${f.family}`).join(", ")}), or add an IPv${family} network to the pool`,
      details: { pool: plan.name, family },
    });
  }
  return fp;
}

/**
 * The lowest address of `family` in the pool's ranges that is not reserved (network, broadcast,
 * gateway, exclusions) and not in `taken`. A network of up to 2^24 addresses is searched with a bitmap, O(n + size);
 * a larger one sorts `taken` once and walks the gaps, O(n log n).
 * Throws `zmgr::pool::exhausted` naming the pool and its size.
 */
export function allocate(plan: PoolPlan, family: IpFamily, taken: Iterable<bigint>): bigint {
  const fp = plannedFamily(plan, family);
  const { first, last } = fp.network;
  const free =
    last - first < DENSE_SPAN ? lowestFreeDense(first, last, fp.ranges, fp.reserved, taken) : lowestFree(fp.ranges, fp.reserved, sortPoints(first, filterFamily(taken, fp)));
  if (free === undefined) {
    const ranges = fp.ranges.map((r) => `${formatIp(family, r.lo)}-${formatIp(family, r.hi)}`).join(", ");
    throw new ZmgrError(
      "zmgr::pool::exhausted",
      `pool ${JSON.stringify(plan.name)} is exhausted: all ${fp.size} IPv${family} addresses of ${formatNetwork(fp.network)} (range ${ranges}) are taken`,
      {
        help: `release an address (delete a zone of pool ${plan.name}), widen the pool's range, or use another pool`,
        details: { pool: plan.name, family, size: fp.size.toString(), network: formatNetwork(fp.network) },
      },
    );
  }
  return free;
}

function* filterFamily(taken: Iterable<bigint>, fp: PoolFamilyPlan): Iterable<bigint> {
  for (const v of taken) if (v >= fp.network.first && v <= fp.network.last) yield v;
}

/**
 * Checks a requested address (`10.0.0.50` or `10.0.0.50/24`) against the pool: inside its
 * network (`zmgr::pool::address-outside`, a prefix other than the network's is
 * `zmgr::pool::invalid-address`), not the network, broadcast, gateway or an excluded address
 * (`zmgr::pool::address-reserved`), not held by a zone in `holders` other than `self`
 * (`zmgr::pool::address-taken`, naming the zone). A static address may lie outside the
 * allocation range. Returns the family and value.
 */
export function checkRequested(plan: PoolPlan, requested: string, holders: Iterable<Holding>, self?: string): { family: IpFamily; value: bigint } {
  const req = parseInterface(requested, "requested address");
  const fp = familyPlan(plan, req.family);
  if (!fp || !inNetwork(fp.network, req.family, req.value)) {
    const nets = plan.families.map((f) => formatNetwork(f.network)).join(", ");
    throw new ZmgrError("zmgr::pool::address-outside", `requested address ${requested} is not inside pool ${JSON.stringify(plan.name)} (${nets})`, {
      help: `ask for an address inside ${nets}, or for none to get the lowest free one`,
      details: { pool: plan.name, address: requested, networks: nets },
    });
  }
  if (req.prefix !== undefined && req.prefix !== fp.network.prefix) {
    throw new ZmgrError("zmgr::pool::invalid-address", `requested address ${requested} has prefix /${req.prefix} but pool ${JSON.stringify(plan.name)} is ${formatNetwork(fp.network)}`, {
      help: `leave the prefix out or write /${fp.network.prefix}`,
      details: { pool: plan.name, address: requested },
    });
  }
  if (covers(fp.reserved, req.value)) {
    const what = req.value === fp.gateway ? "the gateway" : covers(fp.excluded, req.value) ? "excluded" : req.family === 4 ? "the network or broadcast address" : "the subnet-router anycast address";
    throw new ZmgrError("zmgr::pool::address-reserved", `requested address ${requested} is ${what} of pool ${JSON.stringify(plan.name)}`, {
      help: "ask for another address, or remove it from the pool's exclusions if it is really free",
      details: { pool: plan.name, address: requested },
    });
  }
  for (const h of holders) {
    if (h.family === req.family && h.value === req.value && h.zone !== self) {
      throw new ZmgrError("zmgr::pool::address-taken", `requested address ${requested} is already held by zone ${JSON.stringify(h.zone)} (${h.path})`, {
        help: `ask for another address, or delete zone ${h.zone} first`,
        details: { pool: plan.name, address: requested, zone: h.zone, path: h.path },
      });
    }
  }
  return { family: req.family, value: req.value };
}

/** The zone-file form of an allocated address: `10.0.0.10/24`, `fd00::10/64`. */
export function interfaceAddress(plan: PoolPlan, family: IpFamily, value: bigint): string {
  const fp = plannedFamily(plan, family);
  return `${formatIp(family, value)}/${fp.network.prefix}`;
}

/** True when `value` is inside one of the pool's networks. */
export function inPool(plan: PoolPlan, family: IpFamily, value: bigint): boolean {
  const fp = familyPlan(plan, family);
  return fp !== undefined && inNetwork(fp.network, family, value);
}
