// Writes a zone file for each adoptable zone that has none, so its address is held in its pool (the zone files are the ledger).

import { ZmgrError } from "../errors";
import { claimAddress } from "../ipam/claim";
import { parseInterface } from "../ipam/address";
import type { HostHandle } from "../operations/host-spec";
import type { DiscoveryReport } from "./report";

/** What registering one zone did. */
export interface Registration {
  /** Zone name. */
  readonly zone: string;
  /** The zone file written, when it was. */
  readonly file?: string;
  /** The address now held. */
  readonly address: string;
  /** Why it failed (another writer took the address meanwhile, ...). */
  readonly error?: ZmgrError;
}

/**
 * For every adoptable zone without a zone file: claims its own address in its pool under the
 * registry lock, which writes `zones/NAME.kdl` (template, brand, zonepath, pool, address, vnic).
 * Zones that have a file (registered or stale) are left as they are. One failure does not stop
 * the others.
 */
export async function registerZones(handle: HostHandle, report: DiscoveryReport): Promise<Registration[]> {
  const out: Registration[] = [];
  for (const z of report.zones) {
    if (z.status !== "adoptable" || z.registry !== "none" || !z.inputs) continue;
    const i = z.inputs;
    try {
      const claim = await claimAddress(handle.host, handle.root, {
        zone: { name: i.name, template: i.template, brand: i.brand, zonepath: i.zonepath, pool: i.pool, vnic: i.vnic },
        pool: i.pool,
        requested: [i.address],
        families: [parseInterface(i.address).family],
      });
      out.push({ zone: i.name, file: claim.file, address: claim.addresses[0]! });
    } catch (err) {
      if (!ZmgrError.isInstance(err)) throw err;
      out.push({ zone: i.name, address: i.address, error: err });
    }
  }
  return out;
}
