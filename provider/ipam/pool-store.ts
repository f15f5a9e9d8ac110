// Saves a pool to a host's registry after checking it and checking that it overlaps no other pool there.

import type { Host } from "../transport/host";
import { withRegistryLock, type LockOptions } from "../registry/lock";
import type { Pool } from "../registry/models";
import { readRegistry, updateEntry, type RegistryEntry, type RegistryOptions } from "../registry/store";
import { assertNoOverlap } from "./overlap";
import { planPool } from "./pool-plan";

/** Options of {@link savePool}. */
export interface SavePoolOptions extends RegistryOptions {
  /** Options of the registry lock. */
  readonly lock?: LockOptions;
}

/**
 * Writes `pool` (created, or edited in place keeping comments and unknown nodes) under the
 * registry lock, after validating it (`zmgr::pool::misaligned`, `gateway-outside`,
 * `range-outside` ...) and checking it against every other readable pool file on the host
 * (`zmgr::pool::overlap`). Pool files that do not parse are not compared (they are reported
 * when read). One round trip reads all pools.
 */
export async function savePool(host: Host, root: string, pool: Pool, options: SavePoolOptions = {}): Promise<RegistryEntry<Pool>> {
  const plan = planPool(pool);
  return withRegistryLock(
    host,
    root,
    async () => {
      const snapshot = await readRegistry(host, root, { pools: true }, options);
      const others = [...snapshot.pools.values()].filter((e) => e.model.name !== pool.name).map((e) => planPool(e.model));
      assertNoOverlap([...others, plan]);
      const broken = snapshot.broken.find((b) => b.kind === "pool" && b.name === pool.name);
      if (broken) throw broken.error; // never overwrite a file that does not parse
      const known = snapshot.pools.get(pool.name) ?? null;
      return (await updateEntry(host, root, "pool", pool.name, () => pool, { ...options, known }))!;
    },
    options.lock,
  );
}
