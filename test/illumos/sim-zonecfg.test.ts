// zonecfg wrappers against the illumos simulator: scripts in, `info`/`export` out, parsed back to the model.

import fc from "fast-check";
import { createSimHost, type SimHost } from "../harness/sim";
import { LocalHost } from "../../provider/transport/local-host";
import { hasCode, ZmgrError } from "../../provider/errors";
import { canonicalZoneConfig, contentKey, type ZoneConfig } from "../../provider/illumos/zone-config";
import { applyZonecfgScript, createZoneConfig, deleteZoneConfig, exportZoneConfig, readZoneConfig, updateZoneConfig } from "../../provider/illumos/zonecfg";
import { buildCreateScript, buildUpdateScript } from "../../provider/illumos/zonecfg-script";
import { zoneConfig } from "./arbitraries";
import { SPEC_EXPORT, SPEC_INFO, SPEC_WEB } from "./spec-examples";

let sim: SimHost;
let host: LocalHost;

beforeAll(async () => {
  sim = await createSimHost();
  host = new LocalHost({ env: sim.env });
});
afterAll(() => sim.remove());

async function rejection(p: Promise<unknown>): Promise<ZmgrError> {
  try {
    await p;
  } catch (e) {
    if (ZmgrError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

/** The configuration with every list sorted: what zoneConfigsEqual compares (an update may leave resources in another order). */
const unordered = (c: ZoneConfig | null) => (c === null ? null : (JSON.parse(contentKey(c)) as unknown));

/** Creates `config`, checks info and export read back as it, then deletes it. */
async function roundTrip(config: ZoneConfig): Promise<void> {
  await createZoneConfig(host, config);
  try {
    expect(await readZoneConfig(host, config.zonename)).toEqual(canonicalZoneConfig(config));
    expect(await exportZoneConfig(host, config.zonename)).toEqual(canonicalZoneConfig(config));
  } finally {
    await deleteZoneConfig(host, config.zonename);
  }
}

const web = (): ZoneConfig => ({
  zonename: "web",
  zonepath: `${sim.zonesDir}/web`,
  brand: "lipkg",
  autoboot: true,
  limitpriv: "default",
  ipType: "exclusive",
  cpuShares: 10,
  fs: [{ dir: "/data", special: "/tank/data", type: "lofs", options: ["ro", "nodevices"] }],
  net: [{ allowedAddress: "10.0.0.10/24", defrouter: "10.0.0.1", globalNic: "igb0", physical: "web0" }],
  attr: [{ name: "resolvers", type: "string", value: "1.1.1.1,9.9.9.9" }],
  dataset: [{ name: "rpool/zones/web/data" }],
  cappedMemory: { physical: 1073741824 },
});

test("the SPEC §1.5 web zone: create script → info and export → the same model", async () => {
  await roundTrip(web());
});

test("our script for the SPEC zone makes the simulator print SPEC §1.5 and §1.6 byte for byte", async () => {
  const { cappedMemory: _, ...withoutMemory } = SPEC_WEB;
  await createZoneConfig(host, SPEC_WEB);
  await createZoneConfig(host, { ...withoutMemory, zonename: "web-export" });
  try {
    expect((await host.run(["zonecfg", "-z", "web", "info"])).stdout).toBe(SPEC_INFO);
    expect((await host.run(["zonecfg", "-z", "web-export", "export"])).stdout).toBe(SPEC_EXPORT);
  } finally {
    await deleteZoneConfig(host, "web");
    await deleteZoneConfig(host, "web-export");
  }
});

test("every kind of setting round-trips (shared IP, all aliases, every resource type)", async () => {
  await roundTrip({
    zonename: "db-1",
    zonepath: `${sim.zonesDir}/db-1`,
    brand: "ipkg",
    autoboot: false,
    ipType: "shared",
    bootargs: "-m verbose",
    limitpriv: "default,dtrace_proc,-file_link_any",
    schedulingClass: "FSS",
    hostid: "0x1234abcd",
    fsAllowed: "ufs,pcfs",
    cpuShares: 50,
    maxLwps: 2000,
    maxProcesses: 1000,
    maxShmMemory: 1536 * 1024 * 1024,
    maxShmIds: 100,
    maxMsgIds: 101,
    maxSemIds: 102,
    zfsIoPriority: 5,
    fs: [
      { dir: "/tmp2", special: "swap", type: "tmpfs", options: ["size=512m", "nosuid"] },
      { dir: "/export/a dir", special: "/tank/a dir", raw: "/dev/rdsk/c0t0d0s0", type: "ufs" },
    ],
    net: [
      { address: "192.168.1.5/24", physical: "igb0", defrouter: "192.168.1.1" },
      { address: "192.168.1.6/24", physical: "igb0", properties: [{ name: "mtu", value: "1500" }] },
      { address: "2001:db8::5/64", physical: "igb1" },
    ],
    device: [{ match: "/dev/zvol/rdsk/rpool/v1", properties: [{ name: "p", value: "a value, with (comma)" }] }],
    dataset: [{ name: "rpool/zones/db-1/data" }],
    attr: [
      { name: "dns-domain", type: "string", value: "example.com" },
      { name: "n", type: "int", value: "-5" },
      { name: "u", type: "uint", value: "5" },
      { name: "b", type: "boolean", value: "true" },
    ],
    cappedMemory: { physical: 2 * 1024 ** 3, swap: 4 * 1024 ** 3 + 1000, locked: 512 * 1024 ** 2 },
    cappedCpu: { ncpus: 1.25 },
    rctl: [{ name: "zone.max-lofi", values: [{ priv: "privileged", limit: 100, action: "deny" }, { priv: "privileged", limit: 50, action: "none" }] }],
    admin: [{ user: "alice", auths: "login,manage" }],
    securityFlags: { default: "ASLR", lower: "none", upper: "ASLR,FORBIDNULLMAP" },
  });
  await roundTrip({ zonename: "dc", zonepath: `${sim.zonesDir}/dc`, brand: "sparse", autoboot: true, ipType: "exclusive", dedicatedCpu: { ncpus: "1-4", importance: 3 } });
});

test("values full of zonecfg's special characters go through the real lexer unchanged", async () => {
  const odd = "a;b=c #d [e,f] (g=h) 'i' \\j é漢";
  await roundTrip({
    zonename: "odd",
    zonepath: `${sim.zonesDir}/o;d=d #x`,
    brand: "lipkg",
    autoboot: false,
    ipType: "exclusive",
    bootargs: odd,
    fs: [{ dir: "/m;n", special: odd, type: "lofs" }],
    net: [{ physical: "odd0", properties: [{ name: "p", value: odd }] }],
    attr: [{ name: "note", type: "string", value: `set zonepath=/x; commit # ${odd}` }],
  });
});

test("property: any valid configuration survives create → info and create → export on the simulator", async () => {
  await fc.assert(
    fc.asyncProperty(zoneConfig, async (c) => {
      await roundTrip(c);
    }),
    { numRuns: 25 },
  );
});

test("property: the update script turns any configuration into any other", async () => {
  await fc.assert(
    fc.asyncProperty(zoneConfig, zoneConfig, async (a, b0) => {
      const b: ZoneConfig = { ...b0, zonename: a.zonename };
      await createZoneConfig(host, a);
      try {
        const current = (await readZoneConfig(host, a.zonename))!;
        const script = await updateZoneConfig(host, current, b);
        expect(script).not.toBeNull();
        expect(unordered(await readZoneConfig(host, a.zonename))).toEqual(unordered(b));
        expect(buildUpdateScript((await readZoneConfig(host, a.zonename))!, b)).toBeNull();
      } finally {
        await deleteZoneConfig(host, a.zonename);
      }
    }),
    { numRuns: 25 },
  );
});

test("property: hostile strings are refused before zonecfg runs, or reach the simulator's lexer as one intact value", async () => {
  const words = ["a", " ", ";", "=", "#", "[", "]", "(", ")", ",", "\\", "'", "$", "`", "end", "commit", "add fs", "}", "é"];
  const quoteOrControl = ['"', "\n", "\r", "\t", "\u0000", "\u2028"];
  const hostile = fc.oneof(
    fc.string({ unit: fc.constantFrom(...words), minLength: 1, maxLength: 10 }).map((x) => x.trim() || "x"),
    fc.string({ unit: fc.constantFrom(...words, ...quoteOrControl), minLength: 1, maxLength: 10 }),
  );
  let reached = 0;
  await fc.assert(
    fc.asyncProperty(hostile, async (s) => {
      const config: ZoneConfig = {
        zonename: "hostile",
        zonepath: `${sim.zonesDir}/hostile`,
        brand: "lipkg",
        autoboot: false,
        ipType: "exclusive",
        bootargs: s,
        attr: [{ name: "a", type: "string", value: s }],
        net: [{ physical: "h0", properties: [{ name: "p", value: s }] }],
      };
      let script: string;
      try {
        script = buildCreateScript(config);
      } catch (e) {
        expect(ZmgrError.isInstance(e) && e.code.startsWith("zmgr::input::")).toBe(true);
        return;
      }
      await applyZonecfgScript(host, "hostile", script);
      reached++;
      try {
        expect(await readZoneConfig(host, "hostile")).toEqual(config);
      } finally {
        await deleteZoneConfig(host, "hostile");
      }
    }),
    { numRuns: 40 },
  );
  expect(reached).toBeGreaterThan(10);
});

describe("update scripts, one kind of change at a time", () => {
  const base = (): ZoneConfig => ({ ...web(), zonename: "upd", zonepath: `${sim.zonesDir}/upd` });
  const cases: [string, (c: ZoneConfig) => ZoneConfig][] = [
    ["set and clear globals", (c) => ({ ...c, bootargs: "-s", limitpriv: undefined, autoboot: false, pool: "pool_a", hostid: "abc" })],
    ["change zonepath and brand", (c) => ({ ...c, zonepath: `${sim.zonesDir}/moved`, brand: "sparse" })],
    ["aliases set, changed, cleared", (c) => ({ ...c, cpuShares: undefined, maxLwps: 300, maxShmMemory: 1024 ** 3 })],
    ["fs changed in place", (c) => ({ ...c, fs: [{ dir: "/data", special: "/tank/other", raw: "/dev/rdsk/x", type: "lofs", options: ["ro", "nosuid"] }] })],
    ["fs removed and another added", (c) => ({ ...c, fs: [{ dir: "/other", special: "/o", type: "lofs" }] })],
    ["net changed in place", (c) => ({ ...c, net: [{ allowedAddress: "10.0.0.10/24", globalNic: "igb1", physical: "web0", vlanId: 7, macAddr: "2:8:20:0:0:1", properties: [{ name: "mtu", value: "9000" }] }] })],
    ["net replaced (new address)", (c) => ({ ...c, net: [{ allowedAddress: "10.0.0.11/24", physical: "web0" }] })],
    ["second net added", (c) => ({ ...c, net: [...c.net!, { allowedAddress: "10.1.0.10/24", physical: "web1" }] })],
    ["capped-memory changed", (c) => ({ ...c, cappedMemory: { swap: 8 * 1024 ** 3, locked: 1024 ** 2 } })],
    ["capped-memory removed", (c) => ({ ...c, cappedMemory: undefined })],
    ["capped-cpu added", (c) => ({ ...c, cappedCpu: { ncpus: 0.5 } })],
    ["dedicated-cpu instead of cpu-shares", (c) => ({ ...c, cpuShares: undefined, dedicatedCpu: { ncpus: "2", importance: 1 } })],
    ["rctl added", (c) => ({ ...c, rctl: [{ name: "zone.max-lofi", values: [{ priv: "privileged", limit: 5, action: "deny" }] }] })],
    ["cpu-shares becomes a two-value rctl", (c) => ({ ...c, cpuShares: undefined, rctl: [{ name: "zone.cpu-shares", values: [{ priv: "privileged", limit: 10, action: "none" }, { priv: "privileged", limit: 20, action: "deny" }] }] })],
    ["capped-memory.physical becomes a two-value rctl", (c) => ({ ...c, cappedMemory: undefined, rctl: [{ name: "zone.max-physical-memory", values: [{ priv: "privileged", limit: 1024 ** 3, action: "deny" }, { priv: "privileged", limit: 1024 ** 2, action: "none" }] }] })],
    ["attrs, datasets, devices, admins and security flags", (c) => ({ ...c, attr: [{ name: "resolvers", type: "string", value: "9.9.9.9" }], dataset: [], device: [{ match: "/dev/null" }], admin: [{ user: "bob", auths: "login" }], securityFlags: { default: "ASLR" } })],
    ["rename", (c) => ({ ...c, zonename: "upd2" })],
  ];
  test.each(cases)("%s", async (_what, change) => {
    const from = base();
    const to = change(from);
    await createZoneConfig(host, from);
    try {
      await updateZoneConfig(host, (await readZoneConfig(host, from.zonename))!, to);
      expect(unordered(await readZoneConfig(host, to.zonename))).toEqual(unordered(to));
      // and back again
      await updateZoneConfig(host, (await readZoneConfig(host, to.zonename))!, from);
      expect(unordered(await readZoneConfig(host, from.zonename))).toEqual(unordered(from));
    } finally {
      await deleteZoneConfig(host, from.zonename);
      await deleteZoneConfig(host, to.zonename);
    }
  });
});

describe("failures", () => {
  test("a script that fails half-way saves nothing: no commit runs after an error", async () => {
    const good = buildCreateScript({ zonename: "half", zonepath: `${sim.zonesDir}/half`, cappedCpu: { ncpus: 1 } });
    const bad = good + "add dedicated-cpu\nset ncpus=2\nend\n"; // zonecfg refuses dedicated-cpu next to capped-cpu
    const e = await rejection(applyZonecfgScript(host, "half", bad));
    expect(e.code).toBe("zmgr::zonecfg::conflict");
    expect(e.message).toMatch(/The capped-cpu resource already exists\./);
    expect(e.details.scriptLine).toBe("add dedicated-cpu");
    expect(await readZoneConfig(host, "half")).toBeNull();
  });

  test("a failed update leaves the configuration as it was", async () => {
    const from = { ...web(), zonename: "keep", zonepath: `${sim.zonesDir}/keep` };
    await createZoneConfig(host, from);
    try {
      const e = await rejection(applyZonecfgScript(host, "keep", 'set bootargs="-v"\nremove fs dir="/nope"\n'));
      expect(e.message).toMatch(/No such resource with that id/);
      expect(await readZoneConfig(host, "keep")).toEqual(canonicalZoneConfig(from));
    } finally {
      await deleteZoneConfig(host, "keep");
    }
  });

  test("not found, exists, verify", async () => {
    expect(await readZoneConfig(host, "nope")).toBeNull();
    expect(await exportZoneConfig(host, "nope")).toBeNull();
    expect(await deleteZoneConfig(host, "nope")).toBe(false);
    const z: ZoneConfig = { zonename: "twice", zonepath: `${sim.zonesDir}/twice` };
    await createZoneConfig(host, z);
    try {
      expect((await rejection(createZoneConfig(host, z))).code).toBe("zmgr::zone::exists");
      await createZoneConfig(host, { ...z, bootargs: "-s" }, { force: true });
      expect((await readZoneConfig(host, "twice"))!.bootargs).toBe("-s");
    } finally {
      await deleteZoneConfig(host, "twice");
    }
    const v = await rejection(applyZonecfgScript(host, "nozp", "create -b\n"));
    expect(v.code).toBe("zmgr::zonecfg::verify");
    expect(v.message).toMatch(/zonepath cannot be empty/);
    const u = await rejection(applyZonecfgScript(host, "sy", "create -b\nset bogus=1\n"));
    expect(u.code).toBe("zmgr::zonecfg::syntax");
    expect(hasCode(await rejection(readZoneConfig(host, "SUNWx")), "zmgr::input::zone-name")).toBe(true);
  });
});
