// Property test through LocalHost: random claim / release / static-claim sequences keep the zone files a correct ledger.

import fc from "fast-check";
import { claimAddress, releaseAddress } from "../../provider/ipam/claim";
import { savePool } from "../../provider/ipam/pool-store";
import { readRegistry } from "../../provider/registry/store";
import { hasCode } from "../../provider/errors";
import { SpyHost, tempRoot } from "../registry/helpers";

type Op = { kind: "claim"; zone: number } | { kind: "release"; zone: number } | { kind: "static"; zone: number; host: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("claim" as const), zone: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("release" as const), zone: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("static" as const), zone: fc.nat(9), host: fc.nat(17) }) },
);

// 10.8.0.0/28: network .0, broadcast .15, gateway .1, range .2-.9 without the excluded .5: 7 allocatable
const RANGE = [2, 3, 4, 6, 7, 8, 9];
const RESERVED = new Set([0, 1, 5, 15]);

test("the ledger on disk always equals the model: no address twice, all in the pool, released ones reusable", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 14 }), async (ops) => {
      const { root, cleanup } = tempRoot();
      const host = new SpyHost();
      try {
        await savePool(host, root, { name: "p", networks: ["10.8.0.0/28"], gateways: ["10.8.0.1"], stub: "s", ranges: [{ start: "10.8.0.2", end: "10.8.0.9" }], excludes: [{ from: "10.8.0.5" }] });
        const model = new Map<string, number>();
        for (const o of ops) {
          const zone = `z${o.zone}`;
          if (o.kind === "release") {
            const released = await releaseAddress(host, root, { zone });
            expect(released).toEqual(model.has(zone) ? [`10.8.0.${model.get(zone)}/28`] : []);
            model.delete(zone);
            continue;
          }
          const requested = o.kind === "static" ? o.host : undefined;
          const holder = [...model].find(([z, h]) => h === requested && z !== zone);
          try {
            const result = await claimAddress(host, root, { zone: { name: zone }, pool: "p", requested: requested === undefined ? undefined : [`10.8.0.${requested}`] });
            const got = Number(result.addresses[0]!.split("/")[0]!.split(".")[3]);
            if (requested !== undefined) {
              expect(requested < 16 && !RESERVED.has(requested) && !holder).toBe(true);
              expect(got).toBe(requested);
            } else if (model.has(zone)) {
              expect(got).toBe(model.get(zone)); // idempotent
            } else {
              const taken = new Set(model.values());
              expect(got).toBe(RANGE.find((h) => !taken.has(h))); // lowest free
            }
            model.set(zone, got);
          } catch (err) {
            if (requested === undefined) {
              expect(hasCode(err, "zmgr::pool::exhausted")).toBe(true);
              expect(RANGE.every((h) => [...model.values()].includes(h))).toBe(true);
            } else {
              const code = requested >= 16 ? "zmgr::pool::address-outside" : RESERVED.has(requested) ? "zmgr::pool::address-reserved" : "zmgr::pool::address-taken";
              expect(hasCode(err, code)).toBe(true);
            }
          }
          const snap = await readRegistry(host, root, { zones: true });
          const onDisk = new Map([...snap.zones].map(([z, e]) => [z, Number(e.model.addresses![0]!.split("/")[0]!.split(".")[3])]));
          expect(onDisk).toEqual(model);
          expect(new Set(onDisk.values()).size).toBe(onDisk.size);
        }
      } finally {
        cleanup();
      }
    }),
    { numRuns: 8 },
  );
}, 120_000);
