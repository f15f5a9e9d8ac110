// Allocation: lowest free address, IPv4 and IPv6, exhaustion, and requested (static) addresses.

import { parseIp } from "../../provider/ipam/address";
import { allocate, checkRequested, interfaceAddress, type Holding } from "../../provider/ipam/allocate";
import { planPool } from "../../provider/ipam/pool-plan";
import { ZmgrError } from "../../provider/errors";

const LAN = planPool({ name: "lan", networks: ["10.0.0.0/24"], gateways: ["10.0.0.1"], ranges: [{ start: "10.0.0.1", end: "10.0.0.20" }], excludes: [{ from: "10.0.0.2" }, { from: "10.0.0.4", to: "10.0.0.5" }] });
const v = (s: string) => parseIp(s).value;
const ip = (plan = LAN, ...taken: string[]) => interfaceAddress(plan, 4, allocate(plan, 4, taken.map(v)));
const hold = (address: string, zone: string): Holding => ({ ...parseIp(address), zone, path: `/etc/zmgr/zones/${zone}.kdl` });

function error(fn: () => unknown): ZmgrError {
  try {
    fn();
  } catch (err) {
    if (ZmgrError.isInstance(err)) return err;
    throw err;
  }
  throw new Error("no error");
}

test("the lowest free address skips the gateway, exclusions and taken addresses", () => {
  expect(ip()).toBe("10.0.0.3/24");
  expect(ip(LAN, "10.0.0.3")).toBe("10.0.0.6/24");
  expect(ip(LAN, "10.0.0.3", "10.0.0.6", "10.0.0.8")).toBe("10.0.0.7/24");
  expect(ip(LAN, "10.0.0.3", "10.0.0.3", "192.168.1.1", "10.0.0.6")).toBe("10.0.0.7/24"); // duplicates and foreign addresses are harmless
});

test("the network and broadcast addresses are never handed out", () => {
  const whole = planPool({ name: "w", networks: ["10.9.0.0/30"] });
  expect(ip(whole)).toBe("10.9.0.1/30");
  expect(ip(whole, "10.9.0.1")).toBe("10.9.0.2/30");
  expect(() => ip(whole, "10.9.0.1", "10.9.0.2")).toThrow(/exhausted/);
});

test("exhaustion is zmgr::pool::exhausted naming the pool and its size", () => {
  const taken = Array.from({ length: 21 }, (_, i) => `10.0.0.${i}`);
  const err = error(() => ip(LAN, ...taken));
  expect(err.code).toBe("zmgr::pool::exhausted");
  expect(err.message).toBe('pool "lan" is exhausted: all 16 IPv4 addresses of 10.0.0.0/24 (range 10.0.0.1-10.0.0.20) are taken');
  expect(err.details).toMatchObject({ pool: "lan", size: "16" });
  expect(err.help).toMatch(/release an address/);
});

test("IPv6: lowest free, subnet-router anycast skipped, RFC 5952 output", () => {
  const v6 = planPool({ name: "v6", networks: ["fd00:1::/64"], gateways: ["fd00:1::1"] });
  expect(interfaceAddress(v6, 6, allocate(v6, 6, []))).toBe("fd00:1::2/64");
  expect(interfaceAddress(v6, 6, allocate(v6, 6, [v("fd00:1::2"), v("fd00:1::3")]))).toBe("fd00:1::4/64");
  const tiny = planPool({ name: "tiny", networks: ["fd00:2::/126"] });
  expect(error(() => allocate(tiny, 6, [v("fd00:2::1"), v("fd00:2::2"), v("fd00:2::3")])).details).toMatchObject({ pool: "tiny", size: "3" });
});

test("IPv6 networks wider than 2^64 addresses allocate correctly past the first 2^64", () => {
  const wide = planPool({ name: "wide", networks: ["fd00::/48"], ranges: [{ start: "fd00:0:0:2::", end: "fd00:0:0:2::3" }] });
  const first = v("fd00:0:0:2::");
  expect(allocate(wide, 6, [first, first + 1n])).toBe(first + 2n);
});

test("dual-stack pools allocate each family; a missing family is address-outside", () => {
  const ds = planPool({ name: "ds", networks: ["10.1.0.0/24", "fd00:1::/64"] });
  expect(interfaceAddress(ds, 4, allocate(ds, 4, []))).toBe("10.1.0.1/24");
  expect(interfaceAddress(ds, 6, allocate(ds, 6, []))).toBe("fd00:1::1/64");
  expect(error(() => allocate(LAN, 6, [])).code).toBe("zmgr::pool::address-outside");
});

describe("requested addresses", () => {
  const holders = [hold("10.0.0.3", "web")];
  test("inside the network and free: granted, even outside the range", () => {
    expect(checkRequested(LAN, "10.0.0.150", holders)).toEqual({ family: 4, value: v("10.0.0.150") });
    expect(checkRequested(LAN, "10.0.0.150/24", holders).value).toBe(v("10.0.0.150"));
    expect(checkRequested(LAN, "10.0.0.3", holders, "web").value).toBe(v("10.0.0.3")); // its own address
  });
  test.each([
    ["10.0.1.5", "zmgr::pool::address-outside", /not inside pool "lan" \(10\.0\.0\.0\/24\)/],
    ["fd00::5", "zmgr::pool::address-outside", /not inside pool/],
    ["10.0.0.150/25", "zmgr::pool::invalid-address", /prefix \/25/],
    ["10.0.0.3", "zmgr::pool::address-taken", /already held by zone "web" \(\/etc\/zmgr\/zones\/web\.kdl\)/],
    ["10.0.0.1", "zmgr::pool::address-reserved", /the gateway/],
    ["10.0.0.4", "zmgr::pool::address-reserved", /excluded/],
    ["10.0.0.255", "zmgr::pool::address-reserved", /broadcast/],
    ["10.0.0.300", "zmgr::pool::invalid-address", /not valid/],
  ])("%s → %s", (address, code, message) => {
    const err = error(() => checkRequested(LAN, address, holders));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.help).toBeTruthy();
  });
});

test("an exclusion spanning two ranges covers both, in a small network (bitmap) and a /64 (sorted walk) alike", () => {
  for (const [net, a, b, c] of [
    ["10.0.0.0/24", "10.0.0.10", "10.0.0.11", "10.0.0.12"],
    ["fd00::/64", "fd00::10", "fd00::11", "fd00::12"],
  ] as const) {
    const family = net.includes(":") ? 6 : 4;
    const plan = planPool({ name: "split", networks: [net], ranges: [{ start: a, end: a }, { start: c, end: c }], excludes: [{ from: a, to: c }] });
    expect(error(() => allocate(plan, family, [])).code).toBe("zmgr::pool::exhausted");
    const open = planPool({ name: "split", networks: [net], ranges: [{ start: a, end: a }, { start: c, end: c }], excludes: [{ from: a, to: b }] });
    expect(interfaceAddress(open, family, allocate(open, family, []))).toBe(`${c}/${net.split("/")[1]}`);
  }
});
