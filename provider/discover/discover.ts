// Discovery on one host: scan its zones and registry (two round trips, at once), match each zone, list zone files whose zone is gone.

import { ZmgrError } from "../errors";
import { planPool, type PoolPlan } from "../ipam/pool-plan";
import type { HostHandle } from "../operations/host-spec";
import { scanHost, type HostScan } from "./host-scan";
import type { DiscoveryReport } from "./report";
import { matchZone } from "./zone-match";

/** Discovers the zones of a host and how each can be adopted. Reads only. */
export async function discoverHost(handle: HostHandle): Promise<DiscoveryReport> {
  return buildReport(await scanHost(handle), handle.host.label, handle.root);
}

/** The report for a scan (pure). */
export function buildReport(scan: HostScan, host: string, registryRoot: string): DiscoveryReport {
  const { registry } = scan;
  const pools: PoolPlan[] = [];
  const broken = registry.broken.map((b) => ({ path: b.path, problem: `${b.error.message} [${b.error.code}]` }));
  for (const entry of registry.pools.values()) {
    try {
      pools.push(planPool(entry.model));
    } catch (err) {
      if (!ZmgrError.isInstance(err)) throw err;
      broken.push({ path: entry.path, problem: `${err.message} [${err.code}]` });
    }
  }
  const zones = scan.zones.map((z) => matchZone(z, { registry, pools, ...(scan.links ? { links: scan.links } : {}) }));
  const present = new Set(scan.zones.map((z) => z.entry.name));
  const orphans = [...registry.zones.values()]
    .filter((e) => !present.has(e.model.name))
    .map((e) => ({ name: e.model.name, path: e.path, addresses: [...(e.model.addresses ?? [])] }));
  return { host, registryRoot, zones, orphans, broken, registrySnapshot: registry };
}
