// Claims and releases through LocalHost: allocation over all zone files, static requests, the broken-file rule, claim-then-verify.

import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claimAddress, releaseAddress } from "../../provider/ipam/claim";
import { savePool } from "../../provider/ipam/pool-store";
import type { Pool, Zone } from "../../provider/registry/models";
import { poolFile, put, SpyHost, tempRoot, zoneFile } from "../registry/helpers";

let root: string;
let cleanup: () => void;
let host: SpyHost;
beforeEach(async () => {
  ({ root, cleanup } = tempRoot());
  host = new SpyHost();
  await savePool(host, root, LAN);
  host.calls = [];
});
afterEach(() => cleanup());

const LAN: Pool = { name: "lan", networks: ["10.0.0.0/24"], gateways: ["10.0.0.1"], stub: "zstub0", ranges: [{ start: "10.0.0.10", end: "10.0.0.20" }], excludes: [{ from: "10.0.0.12" }] };
const zone = (name: string): Zone => ({ name, template: "ipkg", brand: "ipkg", zonepath: `/zones/${name}`, vnic: `${name}0` });
const claim = (name: string, extra: { pool?: string; requested?: string[] } = {}) => claimAddress(host, root, { zone: zone(name), pool: extra.pool ?? "lan", requested: extra.requested });
const read = (rel: string) => readFileSync(join(root, rel), "utf8");
const noLock = () => expect(existsSync(join(root, ".lock"))).toBe(false);

test("a claim writes the zone file with the lowest free address, under the lock, in few round trips", async () => {
  const result = await claim("web");
  expect(result).toMatchObject({ addresses: ["10.0.0.10/24"], file: join(root, "zones/web.kdl") });
  expect(read("zones/web.kdl")).toBe(`zone "web" {
    template "ipkg"
    brand "ipkg"
    zonepath "/zones/web"
    pool "lan"
    address "10.0.0.10/24"
    vnic "web0"
}
`);
  expect(host.calls).toHaveLength(2); // [lock, read pool + zones], [create, verify read, unlock]
  noLock();
});

test("every zone file holds its addresses: hand-written, other pools, no pool at all", async () => {
  put(root, {
    "zones/hand.kdl": '// made by hand\nzone "hand" {\n    address "10.0.0.10/24" // do not touch\n    rctl "x" { limit 1; }\n}\n',
    "zones/stray.kdl": 'zone "stray" {\n    pool "other"\n    address "10.0.0.11/24"\n}\n',
    "zones/v6.kdl": zoneFile("v6", "fd00::10/64"),
  });
  const before = read("zones/hand.kdl");
  expect((await claim("web")).addresses).toEqual(["10.0.0.13/24"]); // .12 excluded
  expect((await claim("db")).addresses).toEqual(["10.0.0.14/24"]);
  expect(read("zones/hand.kdl")).toBe(before);
});

test("claiming again is idempotent", async () => {
  const first = await claim("web");
  const text = read("zones/web.kdl");
  expect(await claim("web")).toEqual(first);
  expect(read("zones/web.kdl")).toBe(text);
});

test("an existing zone file gets the address added in place, comments kept", async () => {
  put(root, { "zones/web.kdl": '// adopted\nzone "web" {\n    brand "ipkg" // keep\n}\n' });
  await claim("web");
  expect(read("zones/web.kdl")).toBe('// adopted\nzone "web" {\n    brand "ipkg" // keep\n    pool "lan"\n    address "10.0.0.10/24"\n}\n');
});

test("static requests: granted when free, refused with a clear error otherwise, nothing written", async () => {
  expect((await claim("web", { requested: ["10.0.0.200"] })).addresses).toEqual(["10.0.0.200/24"]);
  await expect(claim("db", { requested: ["10.0.0.200"] })).rejects.toMatchObject({ code: "zmgr::pool::address-taken", details: { zone: "web", path: join(root, "zones/web.kdl") } });
  await expect(claim("db", { requested: ["10.0.1.5"] })).rejects.toMatchObject({ code: "zmgr::pool::address-outside" });
  await expect(claim("db", { requested: ["10.0.0.1"] })).rejects.toMatchObject({ code: "zmgr::pool::address-reserved" });
  expect(existsSync(join(root, "zones/db.kdl"))).toBe(false);
  noLock();
});

test("dual-stack pools give one address per family", async () => {
  await savePool(host, root, { name: "ds", networks: ["10.5.0.0/24", "fd00:5::/64"], gateways: ["10.5.0.1", "fd00:5::1"], stub: "zstub5" });
  const a = await claimAddress(host, root, { zone: zone("a"), pool: "ds" });
  const b = await claimAddress(host, root, { zone: zone("b"), pool: "ds", requested: ["fd00:5::99"] });
  expect(a.addresses).toEqual(["10.5.0.2/24", "fd00:5::2/64"]);
  expect(b.addresses).toEqual(["10.5.0.3/24", "fd00:5::99/64"]);
  const v6only = await claimAddress(host, root, { zone: zone("c"), pool: "ds", families: [6] });
  expect(v6only.addresses).toEqual(["fd00:5::3/64"]);
});

test("exhaustion names the pool and its size; no file is written", async () => {
  await savePool(host, root, { name: "tiny", networks: ["10.7.0.0/29"], stub: "s", ranges: [{ start: "10.7.0.2", end: "10.7.0.3" }] });
  await claim("a", { pool: "tiny" });
  await claim("b", { pool: "tiny" });
  const err = await claim("c", { pool: "tiny" }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: "zmgr::pool::exhausted", details: { pool: "tiny", size: "2" } });
  expect((err as Error).message).toMatch(/pool "tiny" is exhausted: all 2 IPv4 addresses/);
  expect(existsSync(join(root, "zones/c.kdl"))).toBe(false);
  noLock();
});

describe("broken zone files", () => {
  test("a broken file that mentions an address of the pool blocks it, naming the file; other pools still work", async () => {
    await savePool(host, root, { name: "dmz", networks: ["10.1.0.0/24"], stub: "zstub1" });
    put(root, { "zones/bad.kdl": 'zone "bad" {\n    address "10.0.0.10/24"\n    autoboot true\n}\n' });
    const err = await claim("web").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "zmgr::pool::broken-zone-file", details: { pool: "lan", path: join(root, "zones/bad.kdl"), fileError: "zmgr::registry::parse" } });
    expect((err as Error).message).toContain(`${join(root, "zones/bad.kdl")}:3:`);
    expect((await claim("web", { pool: "dmz" })).addresses).toEqual(["10.1.0.1/24"]);
    noLock();
  });

  test("a broken file that mentions no address of the pool does not block it", async () => {
    put(root, { "zones/bad.kdl": 'zone "bad" {\n    address "10.9.0.10/24"\n    vnic "a" "b"\n}\n' });
    expect((await claim("web")).addresses).toEqual(["10.0.0.10/24"]);
  });

  test("a zone file that cannot be read at all blocks every pool", async () => {
    put(root, { "zones/big.kdl": `zone "big" {}\n//${"x".repeat(400)}\n` });
    await expect(claimAddress(host, root, { zone: zone("web"), pool: "lan" }, { maxFileBytes: 300 })).rejects.toMatchObject({ code: "zmgr::pool::broken-zone-file", details: { fileError: "zmgr::registry::oversize" } });
  });

  test("the zone's own broken file is never overwritten", async () => {
    put(root, { "zones/web.kdl": 'zone "web" {' });
    await expect(claim("web")).rejects.toMatchObject({ code: "zmgr::registry::parse" });
    expect(read("zones/web.kdl")).toBe('zone "web" {');
  });
});

describe("claim-then-verify", () => {
  /**
   * While we decide (after our read, before the round trip that writes our file and re-reads), a
   * tool that does not lock writes `cli.kdl` with the same address.
   */
  function raceWith(address: string) {
    let done = false;
    host.before = (argv) => {
      const text = argv.join(" ");
      if (!done && text.includes("zones/web.kdl") && /\b(create|replace)\b/.test(text)) {
        done = true;
        mkdirSync(join(root, "zones"), { recursive: true });
        writeFileSync(join(root, "zones/cli.kdl"), zoneFile("cli", address));
      }
    };
  }

  test("an allocated address taken meanwhile by a non-locking writer: theirs wins, ours moves", async () => {
    raceWith("10.0.0.10/24");
    const result = await claim("web");
    expect(result.addresses).toEqual(["10.0.0.11/24"]);
    expect(read("zones/web.kdl")).toContain('address "10.0.0.11/24"');
    expect(read("zones/cli.kdl")).toBe(zoneFile("cli", "10.0.0.10/24"));
  });

  test("a requested address taken meanwhile: our claim is undone and the error names the other zone", async () => {
    raceWith("10.0.0.150/24");
    await expect(claim("web", { requested: ["10.0.0.150"] })).rejects.toMatchObject({ code: "zmgr::pool::address-taken", details: { zone: "cli" } });
    expect(existsSync(join(root, "zones/web.kdl"))).toBe(false);
    noLock();
  });
});

describe("release", () => {
  test("deleting the zone file frees the address for the next claim", async () => {
    await claim("a");
    await claim("b");
    expect(await releaseAddress(host, root, { zone: "a" })).toEqual(["10.0.0.10/24"]);
    expect(existsSync(join(root, "zones/a.kdl"))).toBe(false);
    expect((await claim("c")).addresses).toEqual(["10.0.0.10/24"]);
    expect(await releaseAddress(host, root, { zone: "gone" })).toEqual([]);
    noLock();
  });

  test("with a pool, only that pool's addresses go and the file stays", async () => {
    put(root, { "zones/multi.kdl": zoneFile("multi", "10.0.0.15/24", "192.168.9.9/24") });
    expect(await releaseAddress(host, root, { zone: "multi", pool: "lan" })).toEqual(["10.0.0.15/24"]);
    expect(read("zones/multi.kdl")).toBe(zoneFile("multi", "192.168.9.9/24"));
  });

  test("a broken zone file is neither deleted nor edited", async () => {
    put(root, { "zones/web.kdl": "zone web {{" });
    await expect(releaseAddress(host, root, { zone: "web" })).rejects.toMatchObject({ code: "zmgr::registry::parse" });
    expect(read("zones/web.kdl")).toBe("zone web {{");
    noLock();
  });
});

describe("pools", () => {
  test("a missing or broken pool is reported", async () => {
    await expect(claim("web", { pool: "nope" })).rejects.toMatchObject({ code: "zmgr::registry::not-found" });
    put(root, { "pools/bad.kdl": poolFile("bad", "10.3.0.5/24") });
    await expect(claim("web", { pool: "bad" })).rejects.toMatchObject({ code: "zmgr::pool::misaligned", details: { path: join(root, "pools/bad.kdl"), line: 2 } });
  });

  test("savePool refuses overlaps and invalid pools, and edits in place", async () => {
    await expect(savePool(host, root, { name: "dmz", networks: ["10.0.0.128/25"], stub: "s" })).rejects.toMatchObject({ code: "zmgr::pool::overlap" });
    await expect(savePool(host, root, { name: "dmz", networks: ["10.0.0.5/24"], stub: "s" })).rejects.toMatchObject({ code: "zmgr::pool::misaligned" });
    await expect(savePool(host, root, { ...LAN, gateways: ["10.9.9.9"] })).rejects.toMatchObject({ code: "zmgr::pool::gateway-outside" });
    writeFileSync(join(root, "pools/lan.kdl"), read("pools/lan.kdl").replace("pool", "// the LAN\npool"));
    await savePool(host, root, { ...LAN, stub: "zstub9" });
    expect(read("pools/lan.kdl")).toMatch(/^\/\/ the LAN\npool "lan" \{\n/);
    expect(read("pools/lan.kdl")).toContain('stub "zstub9"');
    expect(readdirSync(join(root, "pools"))).toEqual(["lan.kdl"]);
  });

  test("an unlistable zones directory blocks allocation (as an unprivileged user)", async () => {
    put(root, { "zones/a.kdl": zoneFile("a") });
    chmodSync(join(root, "zones"), 0o311);
    const nobody = new SpyHost();
    const inner = nobody.inner;
    nobody.run = (argv, o) => inner.run(process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...argv] : argv, o);
    let dir = root;
    while (dir.includes("zmgr-reg-")) {
      chmodSync(dir, 0o777);
      dir = join(dir, "..");
    }
    await expect(claimAddress(nobody, root, { zone: zone("web"), pool: "lan" })).rejects.toMatchObject({ code: "zmgr::pool::broken-zone-file", details: { fileError: "zmgr::registry::unreadable" } });
  });
});
