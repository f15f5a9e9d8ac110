// Inclusive BigInt intervals: sort and merge once, then answer "lowest free" by walking gaps.

/** An inclusive range of addresses `[lo, hi]`. */
export interface Interval {
  /** First address in the interval. */
  readonly lo: bigint;
  /** Last address in the interval (inclusive). */
  readonly hi: bigint;
}

/** Sorts intervals and merges overlapping or adjacent ones. O(n log n). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.lo <= last.hi + 1n) {
      if (iv.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: iv.hi };
    } else {
      out.push(iv);
    }
  }
  return out;
}

/** Number of addresses in `ranges` not covered by `reserved` (both sorted and merged). */
export function countUncovered(ranges: readonly Interval[], reserved: readonly Interval[]): bigint {
  let total = 0n;
  for (const r of ranges) {
    total += r.hi - r.lo + 1n;
    for (const x of reserved) {
      const lo = x.lo > r.lo ? x.lo : r.lo;
      const hi = x.hi < r.hi ? x.hi : r.hi;
      if (lo <= hi) total -= hi - lo + 1n;
    }
  }
  return total;
}

/** A sorted, duplicate-free set of addresses stored as offsets from `base`. */
export interface SortedPoints {
  /** The value offsets are relative to. */
  readonly base: bigint;
  /** Sorted unique offsets (a BigUint64Array when every offset fits in 64 bits: native numeric sort). */
  readonly offsets: BigUint64Array | readonly bigint[];
}

/** Sorts the points at or above `base` once (points below it are dropped). O(n log n). */
export function sortPoints(base: bigint, points: Iterable<bigint>): SortedPoints {
  const limit = 1n << 64n;
  const raw: bigint[] = [];
  let wide = false;
  for (const p of points) {
    const off = p - base;
    if (off < 0n) continue;
    if (off >= limit) wide = true;
    raw.push(off);
  }
  const arr = wide ? raw.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : BigUint64Array.from(raw).sort();
  let n = 0;
  for (let i = 0; i < arr.length; i++) if (i === 0 || arr[i] !== arr[n - 1]) arr[n++] = arr[i]!;
  return { base, offsets: arr.slice(0, n) };
}

/**
 * The lowest address in `ranges` that is neither in `reserved` nor in `taken`. `ranges` and
 * `reserved` are sorted and merged; `taken` is sorted. One linear walk: O(ranges + reserved + taken).
 */
export function lowestFree(ranges: readonly Interval[], reserved: readonly Interval[], taken: SortedPoints): bigint | undefined {
  let ri = 0;
  let ti = 0;
  const t = taken.offsets;
  for (const range of ranges) {
    let c = range.lo;
    for (;;) {
      if (c > range.hi) break; // before moving on: a reserved interval past this range may cover the next one
      while (ri < reserved.length && reserved[ri]!.hi < c) ri++;
      const off = c - taken.base;
      while (ti < t.length && t[ti]! < off) ti++;
      if (ri < reserved.length && reserved[ri]!.lo <= c) {
        c = reserved[ri]!.hi + 1n;
        continue;
      }
      if (ti < t.length && t[ti] === off) {
        c += 1n;
        continue;
      }
      break;
    }
    if (c <= range.hi) return c;
  }
  return undefined;
}

/** Networks of at most this many addresses are searched with a bitmap (2 MiB at most) instead of a sort. */
export const DENSE_SPAN = 1n << 24n;

/**
 * {@link lowestFree} for a network `[base, last]` of at most {@link DENSE_SPAN} addresses: `reserved` and `taken` go
 * into a bitmap (values outside the network are ignored), then one walk of `ranges` finds the first clear bit.
 * O(taken + span / 8), no sort: an IPv4 /16 with 60,000 taken in a few ms.
 */
export function lowestFreeDense(base: bigint, last: bigint, ranges: readonly Interval[], reserved: readonly Interval[], taken: Iterable<bigint>): bigint | undefined {
  const used = new Uint8Array(Number((last - base) >> 3n) + 1);
  const set = (o: number) => (used[o >>> 3] = used[o >>> 3]! | (1 << (o & 7)));
  for (const v of taken) if (v >= base && v <= last) set(Number(v - base));
  const clamp = (iv: Interval): [number, number] => [Number((iv.lo > base ? iv.lo : base) - base), Number((iv.hi < last ? iv.hi : last) - base)];
  for (const iv of reserved) for (let [o, end] = clamp(iv); o <= end; o++) set(o);
  for (const range of ranges) {
    for (let [o, end] = clamp(range); o <= end; o++) {
      if ((o & 7) === 0 && used[o >>> 3] === 255) {
        o += 7; // a full byte
        continue;
      }
      if ((used[o >>> 3]! & (1 << (o & 7))) === 0) return base + BigInt(o);
    }
  }
  return undefined;
}

/** True when `value` lies in one of the sorted `intervals` (binary search). */
export function covers(intervals: readonly Interval[], value: bigint): boolean {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const iv = intervals[mid]!;
    if (value < iv.lo) hi = mid - 1;
    else if (value > iv.hi) lo = mid + 1;
    else return true;
  }
  return false;
}
