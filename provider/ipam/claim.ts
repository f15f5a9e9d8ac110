// Claims and releases zone addresses on a host: allocate under the registry lock, write the zone file, re-read to catch writers that do not lock.

import { ZmgrError } from "../errors";
import { runBatch, type BatchResult, type BatchStep } from "../transport/batch";
import type { Host } from "../transport/host";
import { decodeFile, encodeFile } from "../registry/codec";
import { acquireRegistryLockWith, withRegistryLock, type LockOptions, type RegistryLock } from "../registry/lock";
import type { Zone } from "../registry/models";
import { absolutePath, relativePath } from "../registry/paths";
import { SCHEMAS } from "../registry/schema";
import { readRegistry, readStep, updateEntry, type RegistryEntry, type RegistryOptions, type RegistrySnapshot } from "../registry/store";
import { writeStep } from "../registry/write";
import { parseInterface, type IpFamily } from "./address";
import { allocate, checkRequested, inPool, interfaceAddress, type Holding } from "./allocate";
import { assertNoBrokenHolder, holdingsOf } from "./holdings";
import { planPool, type PoolPlan } from "./pool-plan";

/** What to claim. */
export interface ClaimRequest {
  /**
   * The zone whose file records the claim (`name` required). When the file does not exist it is
   * written from this model; when it exists only its addresses (and a missing `pool`) change.
   * `addresses` is ignored: the claim sets them.
   */
  readonly zone: Zone;
  /** The pool to take addresses from. */
  readonly pool: string;
  /** Static addresses, at most one per family (`10.0.0.50` or `10.0.0.50/24`); other families get the lowest free address. */
  readonly requested?: readonly string[];
  /** The families to claim (default: every family of the pool, i.e. both for a dual-stack pool). */
  readonly families?: readonly IpFamily[];
  /**
   * Addresses of the pool the zone keeps holding besides the claimed ones: the address a zone still
   * uses while it moves to a new one, released by a later claim without it once the zone has moved.
   */
  readonly keep?: readonly string[];
}

/** Options of {@link claimAddress} and {@link releaseAddress}. */
export interface ClaimOptions extends RegistryOptions {
  /** Options of the registry lock. */
  readonly lock?: LockOptions;
  /** How many times a collision with a writer that does not lock is resolved by moving before giving up (default 5). */
  readonly maxAttempts?: number;
}

/** The result of a claim. */
export interface ClaimResult {
  /** The claimed addresses in zone-file form (`10.0.0.10/24`), one per family, IPv4 first. */
  readonly addresses: readonly string[];
  /** The zone file that holds the claim (absolute path). */
  readonly file: string;
  /** The zone file's model as written. */
  readonly zone: Zone;
}

/** The pool's plan from a snapshot, or its file's error. */
function poolPlan(snapshot: RegistrySnapshot, root: string, pool: string): PoolPlan {
  const entry = snapshot.pools.get(pool);
  if (entry) return planPool(entry.model);
  const broken = snapshot.broken.find((b) => b.kind === "pool" && b.name === pool);
  if (broken) throw broken.error;
  throw new ZmgrError("zmgr::registry::not-found", `pool ${JSON.stringify(pool)} not found: ${absolutePath(root, relativePath("pool", pool))} does not exist`, {
    help: "create the pool first (a Pool resource or `zmgr pool create`), or fix the pool name",
    details: { pool },
  });
}

/** The zone's own file from a snapshot: the entry, undefined when absent, or its error when broken. */
function ownFile(snapshot: RegistrySnapshot, name: string): RegistryEntry<Zone> | undefined {
  const broken = snapshot.broken.find((b) => b.kind === "zone" && b.name === name);
  if (broken) throw broken.error;
  return snapshot.zones.get(name);
}

/** The zone's current addresses inside `plan`, by family. */
function ownAddresses(zone: Zone | undefined, plan: PoolPlan): Map<IpFamily, bigint> {
  const out = new Map<IpFamily, bigint>();
  for (const text of zone?.addresses ?? []) {
    const a = parseInterface(text);
    if (inPool(plan, a.family, a.value) && !out.has(a.family)) out.set(a.family, a.value);
  }
  return out;
}

/** The zone model with `chosen` (then `keep`) as its addresses in this pool (addresses outside the pool are kept). */
function withAddresses(base: Zone, plan: PoolPlan, pool: string, chosen: ReadonlyMap<IpFamily, bigint>, keep: readonly string[] = []): Zone {
  const others = (base.addresses ?? []).filter((t) => {
    const a = parseInterface(t);
    return !inPool(plan, a.family, a.value);
  });
  const kept = keep.filter((t) => {
    const a = parseInterface(t);
    return inPool(plan, a.family, a.value) && chosen.get(a.family) !== a.value;
  });
  return { ...base, pool: base.pool ?? pool, addresses: [...formatChosen(plan, chosen), ...kept, ...others] };
}

/** The chosen addresses in zone-file form, IPv4 first. */
function formatChosen(plan: PoolPlan, chosen: ReadonlyMap<IpFamily, bigint>): string[] {
  return [...chosen].sort(([a], [b]) => a - b).map(([family, value]) => interfaceAddress(plan, family, value));
}

/**
 * Claims addresses for a zone from a pool on `host` and records them in the zone's file.
 *
 * Under the registry lock: reads the pool and every zone file in one round trip; refuses when a
 * broken zone file might hold an address of the pool (see `assertNoBrokenHolder`); keeps the
 * zone's existing addresses in the pool (a repeated claim is idempotent); checks a requested
 * address (inside the network, not reserved, free) or takes the lowest free one; writes the
 * zone file (created only if absent, else edited only if unchanged since read). Then re-reads
 * every zone file: if another file (written by a tool that does not lock, like the zmgr CLI)
 * holds one of our addresses, that file wins: an allocated address is replaced by the next
 * free one and our file rewritten; a requested address fails with `zmgr::pool::address-taken`
 * and our claim is undone.
 */
export async function claimAddress(host: Host, root: string, request: ClaimRequest, options: ClaimOptions = {}): Promise<ClaimResult> {
  // Fast path, two round trips: [take the lock, read pool + zone files], then [write our file,
  // re-read the zone files, release the lock]. A collision with a writer that does not lock
  // (rare) falls back to the locked loop below, which moves an allocated address.
  const read = readStep(root, { pools: [request.pool], zones: true }, options);
  const { lock, results } = await acquireRegistryLockWith(host, root, { steps: [read.step] }, options.lock);
  const prepared = await prepareClaim(host, root, request, { lock, snapshot: () => read.decode(results[0]) }, options);
  return prepared.finish(await runBatch(host, prepared.steps).catch(async (e: unknown) => {
    await prepared.abandon();
    throw e;
  }));
}

/** A claim decided under the registry lock, which the caller's next round trip records. */
export interface PreparedClaim {
  /** The addresses decided, in zone-file form, IPv4 first. */
  readonly addresses: readonly string[];
  /**
   * Write the zone file, re-read the zone files, release the lock: run them first in one batch; none reads
   * stdin. Steps appended after them run only when the write succeeded (runBatch's `stop`).
   */
  readonly steps: readonly BatchStep[];
  /**
   * With the results of `steps`: releases the lock, checks the write and looks for writers that do not lock.
   * On a collision an allocated address is moved under the lock: the result's addresses then differ from
   * `addresses`. Throws like {@link claimAddress}.
   */
  finish(results: BatchResult): Promise<ClaimResult>;
  /** When the batch died: releases the lock (retrying; it may have been released). */
  abandon(): Promise<void>;
}

/**
 * Decides a claim from `held.snapshot` (read under `held.lock`, with the pool and every zone file) and returns
 * the steps that record it. A claim that cannot be made (no pool, an address taken, a broken file that may
 * hold addresses) throws here, after releasing the lock.
 */
export async function prepareClaim(host: Host, root: string, request: ClaimRequest, held: { lock: RegistryLock; snapshot: () => RegistrySnapshot }, options: ClaimOptions = {}): Promise<PreparedClaim> {
  const name = request.zone.name;
  const rel = relativePath("zone", name);
  const path = absolutePath(root, rel);
  let decided: ReturnType<typeof decideClaim>;
  try {
    decided = decideClaim(held.snapshot(), root, request);
  } catch (err) {
    await held.lock.release();
    throw err;
  }
  const { plan, own, chosen } = decided;
  const model = withAddresses(own?.model ?? { ...request.zone, addresses: [] }, plan, request.pool, chosen, request.keep);
  const text = encodeFile(SCHEMAS.zone, own, model as unknown as Record<string, unknown>, path);
  const write = own && text === own.text ? undefined : writeStep(host, root, rel, own ? { text: own.text } : "absent", text);
  const verify = readStep(root, { zones: true }, options);
  const release = held.lock.releaseStep();
  const steps = [...(write ? [write.step] : []), { ...verify.step, onFailure: "continue" as const }, release.step];
  return {
    addresses: formatChosen(plan, chosen),
    steps,
    async finish(results) {
      try {
        await release.released(results[steps.length - 1]);
        write?.check(results[0]);
        const after = verify.decode(results[steps.length - 2]);
        const others = holdingsOf(after.zones.values(), name);
        if (![...chosen].some(([family, value]) => others.some((h) => h.family === family && h.value === value))) {
          return { addresses: formatChosen(plan, chosen), file: path, zone: decodeFile<Zone>(SCHEMAS.zone, path, text, name).model };
        }
      } finally {
        await release.released(undefined); // a no-op once released above
      }
      return claimAddressLocked(host, root, request, options, { original: own });
    },
    abandon: () => release.released(undefined),
  };
}

/** What a claim decides from a snapshot: the pool's plan, the zone's own file, the addresses to hold per family. */
function decideClaim(snapshot: RegistrySnapshot, root: string, request: ClaimRequest) {
  const name = request.zone.name;
  const plan = poolPlan(snapshot, root, request.pool);
  const own = ownFile(snapshot, name);
  const families = request.families ?? plan.families.map((f) => f.family);
  const holdings = holdingsOf(snapshot.zones.values(), name);
  assertNoBrokenHolder(plan, snapshot.broken);
  const requested = new Map<IpFamily, bigint>();
  for (const text of request.requested ?? []) {
    const r = checkRequested(plan, text, holdings, name);
    if (requested.has(r.family)) {
      throw new ZmgrError("zmgr::pool::invalid-address", `two IPv${r.family} addresses requested for zone ${name}`, { help: "request at most one address per family", details: { zone: name } });
    }
    requested.set(r.family, r.value);
  }
  const existing = ownAddresses(own?.model, plan);
  const chosen = new Map<IpFamily, bigint>();
  for (const family of families) chosen.set(family, requested.get(family) ?? existing.get(family) ?? allocate(plan, family, holdings.map((h) => h.value)));
  return { plan, own, holdings, requested, chosen };
}

/**
 * The claim under the lock, re-reading until no other file holds our addresses (the collision
 * path). `resumed.original` is the zone's file as it was before a fast-path attempt wrote it: an
 * undo restores that, not the attempt's own write.
 */
async function claimAddressLocked(host: Host, root: string, request: ClaimRequest, options: ClaimOptions, resumed?: { original: RegistryEntry<Zone> | undefined }): Promise<ClaimResult> {
  const name = request.zone.name;
  return withRegistryLock(
    host,
    root,
    async () => {
      const snapshot = await readRegistry(host, root, { pools: [request.pool], zones: true }, options);
      let decided: ReturnType<typeof decideClaim>;
      try {
        decided = decideClaim(snapshot, root, request);
      } catch (err) {
        // A resumed claim whose requested address another file now holds: take our attempt's write back.
        const mine = snapshot.zones.get(name);
        if (resumed && mine) await undoClaim(host, root, mine, resumed.original, options);
        throw err;
      }
      const { plan, own, requested, chosen } = decided;
      const before = resumed ? resumed.original : own; // what an undo restores
      const extraTaken: bigint[] = [];
      const choose = (family: IpFamily, avoid: readonly Holding[]): bigint => {
        return allocate(plan, family, [...avoid.map((h) => h.value), ...extraTaken]);
      };

      const file = absolutePath(root, relativePath("zone", name));
      let written = await writeClaim(host, root, request, plan, chosen, own, options);
      const attempts = options.maxAttempts ?? 5;
      for (let attempt = 1; ; attempt++) {
        const after = await readRegistry(host, root, { zones: true }, options);
        const others = holdingsOf(after.zones.values(), name);
        const collisions = [...chosen].filter(([family, value]) => others.some((h) => h.family === family && h.value === value));
        if (collisions.length === 0) {
          return { addresses: formatChosen(plan, chosen), file, zone: written.model };
        }
        const [family, value] = collisions[0]!;
        const holder = others.find((h) => h.family === family && h.value === value)!;
        if (requested.get(family) === value || attempt >= attempts) {
          await undoClaim(host, root, written, before, options);
          const address = interfaceAddress(plan, family, value);
          throw new ZmgrError(
            "zmgr::pool::address-taken",
            `address ${address} of pool ${JSON.stringify(plan.name)} was claimed by zone ${JSON.stringify(holder.zone)} (${holder.path}) at the same time` +
              (requested.get(family) === value ? "" : ` (still colliding after ${attempts} attempts)`),
            {
              help: "another tool wrote a zone file without taking the registry lock; ask for another address or run again",
              details: { pool: plan.name, address, zone: holder.zone, path: holder.path },
            },
          );
        }
        for (const [f, v] of collisions) {
          extraTaken.push(v);
          chosen.set(f, choose(f, others));
        }
        written = await rewriteClaim(host, root, written, plan, request.pool, chosen, options, request.keep);
      }
    },
    options.lock,
  );
}

/** Writes the zone file for a first claim: created if absent (never overwriting), else edited if unchanged since read. */
async function writeClaim(host: Host, root: string, request: ClaimRequest, plan: PoolPlan, chosen: ReadonlyMap<IpFamily, bigint>, own: RegistryEntry<Zone> | undefined, options: ClaimOptions): Promise<RegistryEntry<Zone>> {
  const entry = await updateEntry(
    host,
    root,
    "zone",
    request.zone.name,
    (current) => withAddresses(current ?? { ...request.zone, addresses: [] }, plan, request.pool, chosen, request.keep),
    { ...options, attempts: 1, createOnly: own === undefined, known: own ?? null },
  );
  return entry!;
}

/** Rewrites our zone file with new addresses, only if it still holds what we wrote. */
async function rewriteClaim(host: Host, root: string, written: RegistryEntry<Zone>, plan: PoolPlan, pool: string, chosen: ReadonlyMap<IpFamily, bigint>, options: ClaimOptions, keep?: readonly string[]): Promise<RegistryEntry<Zone>> {
  const entry = await updateEntry(
    host,
    root,
    "zone",
    written.model.name,
    (current) => {
      if (!current) throw new ZmgrError("zmgr::registry::conflict", `${written.path} disappeared while claiming an address`, { help: "another tool deleted the zone file; run again", details: { path: written.path } });
      return withAddresses(current, plan, pool, chosen, keep);
    },
    { ...options, attempts: 1, known: written },
  );
  return entry!;
}

/** Undoes a claim: deletes the file we created, or puts back the addresses of a file that existed. */
async function undoClaim(host: Host, root: string, written: RegistryEntry<Zone>, before: RegistryEntry<Zone> | undefined, options: ClaimOptions): Promise<void> {
  await updateEntry(host, root, "zone", written.model.name, (current) => (current === undefined ? undefined : before ? { ...current, addresses: before.model.addresses ?? [] } : null), {
    ...options,
    attempts: 1,
  });
}

/** What to release. */
export interface ReleaseRequest {
  /** The zone whose addresses are released. */
  readonly zone: string;
  /** Release only this pool's addresses (keeping the file); without it the zone file is deleted, which releases everything. */
  readonly pool?: string;
}

/**
 * Releases a zone's addresses under the registry lock: deletes the zone file, or with `pool`
 * removes that pool's addresses from it. A missing file is already released. A zone file that
 * does not parse is neither deleted nor edited: its error is thrown. Returns the released addresses.
 */
export async function releaseAddress(host: Host, root: string, request: ReleaseRequest, options: ClaimOptions = {}): Promise<readonly string[]> {
  return withRegistryLock(
    host,
    root,
    async () => {
      let released: readonly string[] = [];
      let plan: PoolPlan | undefined;
      if (request.pool !== undefined) {
        plan = poolPlan(await readRegistry(host, root, { pools: [request.pool] }, options), root, request.pool);
      }
      await updateEntry(host, root, "zone", request.zone, (current) => {
        if (!current) return undefined;
        if (!plan) {
          released = current.addresses ?? [];
          return null;
        }
        const keep: string[] = [];
        const drop: string[] = [];
        for (const text of current.addresses ?? []) {
          const a = parseInterface(text);
          (inPool(plan, a.family, a.value) ? drop : keep).push(text);
        }
        released = drop;
        return { ...current, addresses: keep };
      }, options);
      return released;
    },
    options.lock,
  );
}
