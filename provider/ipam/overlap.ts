// Finds pools on one host whose networks overlap: sort by start per family and sweep, O(n log n).

import { ZmgrError } from "../errors";
import { formatNetwork, type IpNetwork } from "./address";
import type { PoolPlan } from "./pool-plan";

/** Two pools whose networks share addresses. */
export interface PoolOverlap {
  /** The first pool (by network start). */
  readonly a: string;
  /** The second pool. */
  readonly b: string;
  /** The first pool's network. */
  readonly networkA: string;
  /** The second pool's network. */
  readonly networkB: string;
}

/** Every pair of overlapping networks among `pools` (adjacent pairs after sorting, plus any long network spanning later ones). */
export function findOverlaps(pools: readonly PoolPlan[]): PoolOverlap[] {
  const entries: { pool: string; net: IpNetwork }[] = [];
  for (const p of pools) for (const f of p.families) entries.push({ pool: p.name, net: f.network });
  entries.sort((x, y) => x.net.family - y.net.family || (x.net.first < y.net.first ? -1 : x.net.first > y.net.first ? 1 : 0));
  const out: PoolOverlap[] = [];
  // Aligned networks either nest or are disjoint, so keeping the widest open network per family is enough.
  let open: { pool: string; net: IpNetwork } | undefined;
  for (const e of entries) {
    if (open && open.net.family === e.net.family && e.net.first <= open.net.last) {
      if (open.pool !== e.pool) out.push({ a: open.pool, b: e.pool, networkA: formatNetwork(open.net), networkB: formatNetwork(e.net) });
      if (e.net.last > open.net.last) open = e;
    } else {
      open = e;
    }
  }
  return out;
}

/** Throws `zmgr::pool::overlap` when any two pools overlap. */
export function assertNoOverlap(pools: readonly PoolPlan[]): void {
  const [first, ...rest] = findOverlaps(pools);
  if (!first) return;
  throw new ZmgrError(
    "zmgr::pool::overlap",
    `pool ${JSON.stringify(first.b)} (${first.networkB}) overlaps pool ${JSON.stringify(first.a)} (${first.networkA})` + (rest.length ? ` and ${rest.length} more overlap(s)` : ""),
    {
      help: "give each pool on a host its own network; two pools must not share addresses",
      details: { overlaps: [first, ...rest] },
    },
  );
}
