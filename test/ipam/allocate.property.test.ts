// Property tests: random allocate / release / static-claim sequences never hand out an address twice, never leave the range, and release frees.

import fc from "fast-check";
import { formatIp, type IpFamily } from "../../provider/ipam/address";
import { allocate, checkRequested, type Holding } from "../../provider/ipam/allocate";
import { covers, lowestFree, lowestFreeDense, mergeIntervals, sortPoints, type Interval } from "../../provider/ipam/intervals";
import { planPool, type PoolDefinition, type PoolFamilyPlan } from "../../provider/ipam/pool-plan";
import { hasCode } from "../../provider/errors";

type Op = { kind: "alloc"; zone: number } | { kind: "release"; zone: number } | { kind: "static"; zone: number; offset: number };

const opArb = (hostBits: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant("alloc" as const), zone: fc.nat(40) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("release" as const), zone: fc.nat(40) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("static" as const), zone: fc.nat(40), offset: fc.nat((1 << hostBits) + 3) }) },
  );

/** A random small pool of one family: network, optional gateway, optional range, a few exclusions. */
function poolArb(family: IpFamily): fc.Arbitrary<{ def: PoolDefinition; hostBits: number }> {
  return fc.integer({ min: 2, max: 6 }).chain((hostBits) => {
    const size = 1 << hostBits;
    const base = family === 4 ? 0x0a000000n + BigInt(size * 7) : (0xfd00n << 112n) + BigInt(size * 7);
    const at = (i: number) => formatIp(family, base + BigInt(i));
    const idx = fc.nat(size - 1);
    return fc
      .record({
        gateway: fc.option(idx, { nil: undefined }),
        range: fc.option(fc.tuple(idx, idx), { nil: undefined }),
        excludes: fc.array(fc.tuple(idx, fc.nat(3)), { maxLength: 3 }),
      })
      .map(({ gateway, range, excludes }) => {
        const net = `${at(0)}/${(family === 4 ? 32 : 128) - hostBits}`;
        const def: PoolDefinition = {
          name: `p${family}`,
          networks: [net],
          gateways: gateway !== undefined && (family === 6 || (gateway > 0 && gateway < size - 1)) ? [at(gateway)] : [],
          ranges: range ? [{ start: at(Math.min(...range)), end: at(Math.max(...range)) }] : [],
          excludes: excludes.map(([s, len]) => (len === 0 ? { from: at(s) } : { from: at(s), to: at(Math.min(size - 1, s + len)) })),
        };
        return { def, hostBits };
      });
  });
}

/** The oracle: every allocatable address of the plan, by brute force. */
function allocatable(fp: PoolFamilyPlan): bigint[] {
  const out: bigint[] = [];
  for (const r of fp.ranges) for (let a = r.lo; a <= r.hi; a++) if (!covers(fp.reserved, a)) out.push(a);
  return out;
}

function run(family: IpFamily) {
  fc.assert(
    fc.property(
      poolArb(family).chain(({ def, hostBits }) => fc.tuple(fc.constant(def), fc.array(opArb(hostBits), { maxLength: 120 }))),
      ([def, ops]) => {
        const plan = planPool(def);
        const fp = plan.families[0]!;
        const candidates = allocatable(fp);
        const held = new Map<number, bigint>();
        const holders = (): Holding[] => [...held].map(([zone, value]) => ({ family, value, zone: `z${zone}`, path: `/z${zone}` }));
        for (const op of ops) {
          if (op.kind === "alloc") {
            if (held.has(op.zone)) continue;
            const taken = new Set(held.values());
            const expected = candidates.find((a) => !taken.has(a));
            let got: bigint | undefined;
            try {
              got = allocate(plan, family, taken);
            } catch (err) {
              if (!hasCode(err, "zmgr::pool::exhausted")) throw err;
            }
            expect(got).toBe(expected); // the lowest free one, or exhausted exactly when none is free
            if (got !== undefined) held.set(op.zone, got);
          } else if (op.kind === "release") {
            const released = held.get(op.zone);
            held.delete(op.zone);
            if (released !== undefined) {
              // the released address can be claimed again, and (when in the range) allocation reaches it
              expect(checkRequested(plan, formatIp(family, released), holders()).value).toBe(released);
              if (candidates.includes(released)) expect(allocate(plan, family, held.values()) <= released).toBe(true);
            }
          } else {
            const value = fp.network.first + BigInt(op.offset);
            const text = formatIp(family, value);
            const other = [...held].find(([z, a]) => a === value && z !== op.zone);
            const inNet = value <= fp.network.last;
            try {
              checkRequested(plan, text, holders(), `z${op.zone}`);
              expect(inNet && !covers(fp.reserved, value) && other === undefined).toBe(true);
              held.set(op.zone, value);
            } catch (err) {
              const code = !inNet ? "zmgr::pool::address-outside" : covers(fp.reserved, value) ? "zmgr::pool::address-reserved" : "zmgr::pool::address-taken";
              expect(hasCode(err, code)).toBe(true);
            }
          }
          const values = [...held.values()];
          expect(new Set(values).size).toBe(values.length); // never twice
          for (const [zone, a] of held) {
            expect(a >= fp.network.first && a <= fp.network.last).toBe(true);
            expect(covers(fp.reserved, a)).toBe(false);
            void zone;
          }
        }
      },
    ),
    { numRuns: 300 },
  );
}

test("IPv4: no duplicates, nothing outside, release frees, always the lowest free", () => run(4));
test("IPv6: no duplicates, nothing outside, release frees, always the lowest free", () => run(6));

test("the bitmap search (networks up to 2^24 addresses) and the sorted walk (larger ones) find the same lowest free address", () => {
  const iv = (span: number) => fc.tuple(fc.nat(span - 1), fc.nat(span - 1)).map(([a, b]) => ({ lo: BigInt(Math.min(a, b)), hi: BigInt(Math.max(a, b)) }));
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 300 }).chain((span) =>
        fc.record({
          span: fc.constant(span),
          ranges: fc.array(iv(span), { minLength: 1, maxLength: 3 }),
          reserved: fc.array(iv(span), { maxLength: 4 }),
          taken: fc.array(fc.integer({ min: -5, max: span + 5 }), { maxLength: 400 }),
        }),
      ),
      ({ span, ranges, reserved, taken }) => {
        const base = 1000n;
        const last = base + BigInt(span) - 1n;
        const shift = (list: Interval[]) => mergeIntervals(list.map((i) => ({ lo: base + i.lo, hi: base + i.hi })));
        const values = taken.map((t) => base + BigInt(t));
        const inside = values.filter((v) => v >= base && v <= last);
        const sparse = lowestFree(shift(ranges), shift(reserved), sortPoints(base, inside));
        expect(lowestFreeDense(base, last, shift(ranges), shift(reserved), values)).toBe(sparse);
      },
    ),
    { numRuns: 500 },
  );
});
