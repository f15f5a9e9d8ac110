// Pool validation and compilation: sizes, reserved addresses, and every validation error.

import { planPool, type PoolDefinition } from "../../provider/ipam/pool-plan";
import { assertNoOverlap, findOverlaps } from "../../provider/ipam/overlap";
import { ZmgrError } from "../../provider/errors";

function error(pool: PoolDefinition): ZmgrError {
  try {
    planPool(pool);
  } catch (err) {
    if (ZmgrError.isInstance(err)) return err;
    throw err;
  }
  throw new Error("no error");
}

test("a /24 with gateway, range and exclusions: size and reserved set", () => {
  const plan = planPool({ name: "lan", networks: ["10.0.0.0/24"], gateways: ["10.0.0.1"], ranges: [{ start: "10.0.0.10", end: "10.0.0.200" }], excludes: [{ from: "10.0.0.50" }, { from: "10.0.0.64/30" }, { from: "10.0.0.100", to: "10.0.0.109" }] });
  expect(plan.families).toHaveLength(1);
  expect(plan.families[0]!.size).toBe(191n - 1n - 4n - 10n);
});

test("without a range the whole network minus network, broadcast and gateway", () => {
  expect(planPool({ name: "p", networks: ["10.0.0.0/24"], gateways: ["10.0.0.1"] }).families[0]!.size).toBe(253n);
  expect(planPool({ name: "p", networks: ["10.0.0.0/31"] }).families[0]!.size).toBe(2n); // RFC 3021
  expect(planPool({ name: "p", networks: ["10.0.0.7/32"] }).families[0]!.size).toBe(1n);
  expect(planPool({ name: "p", networks: ["fd00::/120"] }).families[0]!.size).toBe(255n); // subnet-router anycast reserved
});

test("dual-stack pools compile both families, IPv4 first", () => {
  const plan = planPool({ name: "ds", networks: ["fd00:1::/64", "10.1.0.0/24"], gateways: ["fd00:1::1", "10.1.0.1"], ranges: [{ start: "fd00:1::100", end: "fd00:1::1ff" }] });
  expect(plan.families.map((f) => [f.family, f.size])).toEqual([
    [4, 253n],
    [6, 256n],
  ]);
});

test.each([
  [{ networks: [] }, "zmgr::pool::invalid-address", "network"],
  [{ networks: ["10.0.0.5/24"] }, "zmgr::pool::misaligned", "network"],
  [{ networks: ["10.0.0.0/24", "10.1.0.0/24"] }, "zmgr::pool::family-duplicate", "network"],
  [{ networks: ["10.0.0.0/24"], gateways: ["10.0.1.1"] }, "zmgr::pool::gateway-outside", "gateway"],
  [{ networks: ["10.0.0.0/24"], gateways: ["10.0.0.255"] }, "zmgr::pool::gateway-outside", "gateway"],
  [{ networks: ["10.0.0.0/24"], gateways: ["fd00::1"] }, "zmgr::pool::gateway-outside", "gateway"],
  [{ networks: ["10.0.0.0/24"], gateways: ["10.0.0.1", "10.0.0.2"] }, "zmgr::pool::family-duplicate", "gateway"],
  [{ networks: ["10.0.0.0/24"], gateways: ["10.0.0.1/24"] }, "zmgr::pool::invalid-address", "gateway"],
  [{ networks: ["10.0.0.0/24"], ranges: [{ start: "10.0.0.10", end: "10.0.1.10" }] }, "zmgr::pool::range-outside", "range"],
  [{ networks: ["10.0.0.0/24"], ranges: [{ start: "10.0.0.20", end: "10.0.0.10" }] }, "zmgr::pool::invalid-range", "range"],
  [{ networks: ["10.0.0.0/24"], ranges: [{ start: "10.0.0.20", end: "fd00::1" }] }, "zmgr::pool::invalid-range", "range"],
  [{ networks: ["fd00::/64"], ranges: [{ start: "fd00:0:0:1::1", end: "fd00:0:0:1::9" }] }, "zmgr::pool::range-outside", "range"],
  [{ networks: ["10.0.0.0/24"], excludes: [{ from: "10.0.1.0/28" }] }, "zmgr::pool::range-outside", "exclude"],
  [{ networks: ["10.0.0.0/24"], excludes: [{ from: "10.0.0.9", to: "10.0.0.1" }] }, "zmgr::pool::invalid-range", "exclude"],
  [{ networks: ["10.0.0.0/24"], excludes: [{ from: "10.0.0.1/28" }] }, "zmgr::pool::misaligned", "exclude"],
])("invalid pool %# → %s", (def, code, field) => {
  const err = error({ name: "bad", ...def });
  expect(err.code).toBe(code);
  expect(err.details).toMatchObject({ pool: "bad", field });
  expect(err.message).toMatch(/^pool "bad": /);
  expect(err.help).toBeTruthy();
});

test("overlap: nested and equal networks overlap, neighbours and other families do not", () => {
  const p = (name: string, ...networks: string[]) => planPool({ name, networks });
  expect(findOverlaps([p("a", "10.0.0.0/24"), p("b", "10.0.1.0/24"), p("c", "fd00::/64", "10.0.2.0/24")])).toEqual([]);
  expect(findOverlaps([p("a", "10.0.0.0/16"), p("b", "10.0.5.0/24"), p("c", "10.0.9.0/24")]).map((o) => [o.a, o.b])).toEqual([
    ["a", "b"],
    ["a", "c"],
  ]);
  expect(findOverlaps([p("a", "fd00::/48"), p("b", "fd00:0:0:1::/64")])).toHaveLength(1);
  try {
    assertNoOverlap([p("lan", "10.0.0.0/24"), p("dmz", "10.0.0.128/25")]);
    throw new Error("no error");
  } catch (err) {
    expect(err).toMatchObject({ code: "zmgr::pool::overlap" });
    expect((err as Error).message).toBe('pool "dmz" (10.0.0.128/25) overlaps pool "lan" (10.0.0.0/24)');
  }
});
