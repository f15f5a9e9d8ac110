// Which addresses the zone files on a host hold, and the conservative rule for zone files that cannot be read.

import { ZmgrError } from "../errors";
import type { BrokenFile, RegistryEntry } from "../registry/store";
import type { Zone } from "../registry/models";
import { formatIp, parseInterface, type IpAddress } from "./address";
import type { Holding } from "./allocate";
import { inPool } from "./allocate";
import type { PoolPlan } from "./pool-plan";

/** Every address held by the given zone files (any pool: an address is taken whoever recorded it), except zone `except`'s. */
export function holdingsOf(zones: Iterable<RegistryEntry<Zone>>, except?: string): Holding[] {
  const out: Holding[] = [];
  for (const entry of zones) {
    const zone = entry.model;
    if (zone.name === except) continue;
    for (const text of zone.addresses ?? []) {
      const a = parseInterface(text); // validated when the file was decoded
      out.push({ family: a.family, value: a.value, zone: zone.name, path: entry.path });
    }
  }
  return out;
}

/** Address literals found anywhere in a text (lenient: a broken file is read for anything that looks like an address). */
export function addressLiterals(text: string): IpAddress[] {
  const out: IpAddress[] = [];
  for (const m of text.matchAll(/\d{1,3}(?:\.\d{1,3}){3}/g)) {
    const octets = m[0].split(".").map(Number);
    if (octets.every((o) => o <= 255)) out.push({ family: 4, value: BigInt(((octets[0]! * 256 + octets[1]!) * 256 + octets[2]!) * 256 + octets[3]!) });
  }
  for (const m of text.matchAll(/[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/g)) {
    try {
      const a = parseInterface(m[0]);
      if (a.family === 6) out.push(a);
    } catch {
      // not an address
    }
  }
  return out;
}

/**
 * The broken-file rule. A zone file that cannot be used might hold an address of `plan`, so
 * allocation from the pool is refused (`zmgr::pool::broken-zone-file`, naming the file and its
 * own error) when the file could not be read at all (unreadable, oversize, an unlistable
 * `zones/` directory), or when its text holds anything that looks like an address inside one
 * of the pool's networks. Broken files that mention no address of the pool do not block it.
 */
export function assertNoBrokenHolder(plan: PoolPlan, broken: readonly BrokenFile[]): void {
  for (const file of broken) {
    if (file.kind !== "zone") continue;
    const hit = file.text === undefined ? undefined : addressLiterals(file.text).find((a) => inPool(plan, a.family, a.value));
    if (file.text !== undefined && !hit) continue;
    const why = hit ? `it mentions ${formatIp(hit.family, hit.value)}` : "it could not be read";
    throw new ZmgrError(
      "zmgr::pool::broken-zone-file",
      `cannot allocate from pool ${JSON.stringify(plan.name)}: zone file ${file.path} is broken and might hold one of its addresses (${why}): ${file.error.message}`,
      {
        help: `fix ${file.path} (or remove it if the zone is gone); until then no address of pool ${plan.name} is handed out, since the broken file might hold it`,
        cause: file.error,
        details: { pool: plan.name, path: file.path, fileError: file.error.code },
      },
    );
  }
}
