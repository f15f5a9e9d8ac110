// Discovery against the simulator: every kind of hand-made zone is matched or refused with its reason; registering writes
// only missing zone files; the generated inputs adopt each zone through the provider without changing it.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { discoverHost } from "../../provider/discover/discover";
import { registerZones } from "../../provider/discover/register";
import type { DiscoveredZone, DiscoveryReport } from "../../provider/discover/report";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import { connect, type HostSpec } from "../../provider/operations/host-spec";
import { setProgressSink } from "../../provider/operations/progress";
import { adoptZone } from "../../provider/operations/zone-adopt";
import { diffZone } from "../../provider/operations/zone-diff";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { closeAllHosts } from "../../provider/transport/connect";
import { createSimHost, simEnv, type SimHost } from "../harness/sim";
import { makeZone, mutatingCommands, REGISTRY_FILES, simOk, writeRegistry, zoneExports } from "./handmade";

let sim: SimHost;
let root: string;
let host: HostSpec;
let report: DiscoveryReport;
const STALE_FILE = 'zone "stale" {\n    template "lipkg"\n    pool "lan"\n    address "10.0.0.90/24"\n    vnic "stale0"\n}\n';
const REG_FILE = 'zone "reg" { // by hand\n    pool "lan"\n    address "10.0.0.79/24"\n}\n';

beforeAll(async () => {
  sim = await createSimHost({ installDelayMs: 1 });
  Object.assign(process.env, simEnv(sim.root));
  root = join(sim.root, "etc", "zmgr");
  host = { local: true, registryRoot: root };
  setProgressSink(() => undefined);
  writeRegistry(root, {
    ...REGISTRY_FILES(sim.zonesDir),
    "zones/reg.kdl": REG_FILE,
    "zones/stale.kdl": STALE_FILE,
    "zones/ghost.kdl": 'zone "ghost" {\n    pool "lan"\n    address "10.0.0.78/24"\n}\n',
  });
  const attr = (name: string, type: string, value: string) => ["add attr", `set name=${name}`, `set type=${type}`, `set value=${value}`, "end"];
  await makeZone(sim, {
    name: "web",
    address: "10.0.0.50/24",
    extra: [
      "set cpu-shares=10", "set max-lwps=2000", "set limitpriv=default,dtrace_proc", "set bootargs=\"-m verbose\"",
      "add capped-memory", "set physical=1536m", "end",
      ...attr("owner", "string", "ops"), ...attr("backup", "boolean", "true"), ...attr("quota", "uint", "7"),
      ...attr("resolvers", "string", "1.1.1.1"),
      "add fs", "set dir=/data", `set special=${sim.root}/data`, "set type=lofs", "end",
      "add dataset", "set name=rpool/zones/web/data", "end",
    ],
  });
  await makeZone(sim, { name: "old", brand: "ipkg", address: "10.0.0.51/24", state: "installed", autoboot: false });
  await makeZone(sim, { name: "vm", brand: "bhyve", address: "10.0.0.52/24" });
  await makeZone(sim, { name: "out", address: "192.168.7.5/24", defrouter: "192.168.7.1" });
  await makeZone(sim, { name: "shr", ipType: "shared", net: ["add net", "set physical=igb0", "set address=10.0.0.70/24", "end"] });
  await makeZone(sim, { name: "gnic", net: ["add net", "set physical=gnic0", "set global-nic=zstub0", "set allowed-address=10.0.0.71/24", "set defrouter=10.0.0.1", "end"] });
  await simOk(sim, "dladm", "create-vnic", "-l", "zstub0", "two1");
  await makeZone(sim, { name: "two", address: "10.0.0.72/24", extra: ["add net", "set physical=two1", "end"] });
  await simOk(sim, "dladm", "create-vnic", "-l", "zstub0", "dual0");
  const dualNet = (a: string) => ["add net", "set physical=dual0", `set allowed-address=${a}`, "end"];
  await makeZone(sim, { name: "dual", net: [...dualNet("10.0.0.73/24"), ...dualNet("10.0.0.74/24")] });
  await makeZone(sim, { name: "cfg", address: "10.0.0.80/24", state: "configured" });
  await makeZone(sim, { name: "badgw", address: "10.0.0.81/24", defrouter: "10.0.0.254" });
  await makeZone(sim, { name: "pre", address: "10.0.0.75/16" });
  await makeZone(sim, { name: "phys", net: ["add net", "set physical=igb1", "set allowed-address=10.0.0.76/24", "set defrouter=10.0.0.1", "end"] });
  await makeZone(sim, { name: "reg", address: "10.0.0.79/24" });
  await makeZone(sim, { name: "stale", address: "10.0.0.77/24" });
  await makeZone(sim, { name: "taken", address: "10.0.0.78/24" });
  await makeZone(sim, { name: "pkgs", brand: "pkgsrc", address: "10.0.0.82/24" });
  await makeZone(sim, { name: "noaddr", net: ["add net", "set physical=igb0", "end"], state: "installed" });
  await makeZone(sim, { name: "over", address: "10.0.0.83/24", over: "igb0" });
  report = await discoverHost(connect(host));
}, 120_000);

afterAll(async () => {
  await closeAllHosts();
  sim?.remove();
});

const zone = (name: string): DiscoveredZone => {
  const z = report.zones.find((x) => x.name === name);
  if (!z) throw new Error(`zone ${name} not in the report`);
  return z;
};

test("every non-global zone is reported with its state, brand and match; the bhyve VM is skipped for vm-manager", () => {
  expect(report.zones.map((z) => z.name).sort()).toEqual(
    ["badgw", "cfg", "dual", "gnic", "noaddr", "old", "out", "over", "phys", "pkgs", "pre", "reg", "shr", "stale", "taken", "two", "vm", "web"].sort(),
  );
  expect(zone("vm")).toMatchObject({ status: "vm", reasons: [expect.stringMatching(/bhyve virtual machine: left to vm-manager/)] });
  expect(zone("vm").inputs).toBeUndefined();
  expect(zone("web")).toMatchObject({ status: "adoptable", brand: "lipkg", state: "running", template: "lipkg", pool: "lan", address: "10.0.0.50/24", registry: "none" });
  expect(zone("old")).toMatchObject({ status: "adoptable", brand: "ipkg", state: "installed", template: "ipkg" });
});

test("the adoptable zone's inputs say exactly what it has; what a Zone cannot manage is listed as left alone", () => {
  expect(zone("web").inputs).toEqual({
    name: "web",
    template: "lipkg",
    pool: "lan",
    address: "10.0.0.50/24",
    vnic: "web0",
    brand: "lipkg",
    zonepath: `${sim.zonesDir}/web`,
    autoboot: true,
    state: "running",
    cpuShares: 10,
    cappedMemory: "1536M",
    attrs: { owner: "ops", backup: true },
    fs: [{ dir: "/data", special: `${sim.root}/data`, type: "lofs" }],
    datasets: ["rpool/zones/web/data"],
    resolvers: ["1.1.1.1"],
    adopt: true,
  });
  expect(zone("web").unmanaged).toEqual(["limitpriv default,dtrace_proc", "bootargs -m verbose", "max-lwps 2000", 'attr quota (uint "7")']);
  expect(zone("old").inputs).toMatchObject({ autoboot: false, state: "installed", brand: "ipkg" });
  expect(zone("two")).toMatchObject({ status: "adoptable", unmanaged: ["net on two1"] });
  expect(zone("over")).toMatchObject({ status: "adoptable", notes: [expect.stringMatching(/VNIC over0 is over igb0, not over pool lan's stub zstub0; it is kept as it is/)] });
});

test("zones a Zone cannot express, or that nothing on the host matches, are refused with the reason", () => {
  const refused: Record<string, RegExp> = {
    out: /its address 192\.168\.7\.5\/24 is in no pool \(pools: lan 10\.0\.0\.0\/24\); create a pool whose network holds it/,
    shr: /it uses shared IP/,
    gnic: /sets global-nic zstub0 \(an on-demand VNIC created at boot\), mac-addr [0-9a-f:]+; a Zone resource manages a plain VNIC and would drop these at its next update/,
    dual: /its VNIC dual0 carries 2 nets \(dual stack\)/,
    cfg: /it is configured; a Zone resource keeps a zone running or installed/,
    badgw: /its defrouter is 10\.0\.0\.254 but pool lan's gateway is 10\.0\.0\.1/,
    pre: /its address 10\.0\.0\.75\/16 has another prefix than pool lan \(10\.0\.0\.0\/24\)/,
    phys: /its net uses igb1, a phys link, not a VNIC/,
    taken: /requested address 10\.0\.0\.78\/24 is already held by zone "ghost"/,
    pkgs: /no template has brand pkgsrc \(templates: ipkg \(ipkg\), lipkg \(lipkg\), sparse \(sparse\)\); create one/,
    noaddr: /no net has an allowed-address/,
  };
  for (const [name, reason] of Object.entries(refused)) {
    expect({ name, status: zone(name).status, reasons: zone(name).reasons.join(" | ") }).toEqual({ name, status: "not-adoptable", reasons: expect.stringMatching(reason) });
    expect(zone(name).inputs).toBeUndefined();
  }
});

test("registry files: a registered zone is recognised, a stale file noted, a file whose zone is gone reported", () => {
  expect(zone("reg")).toMatchObject({ status: "adoptable", registry: "registered" });
  expect(zone("stale")).toMatchObject({ status: "adoptable", registry: "stale", notes: [expect.stringMatching(/holds 10\.0\.0\.90\/24, not 10\.0\.0\.77\/24: adopting sets 10\.0\.0\.77\/24 in it/)] });
  expect(report.orphans).toEqual([{ name: "ghost", path: join(root, "zones", "ghost.kdl"), addresses: ["10.0.0.78/24"] }]);
  expect(report.broken).toEqual([]);
});

test("--register writes a zone file for each adoptable zone without one and leaves every existing file as it is", async () => {
  const from = sim.log().length;
  const done = await registerZones(connect(host), report);
  expect(done.map((r) => r.zone).sort()).toEqual(["old", "over", "two", "web"]);
  expect(done.every((r) => r.error === undefined)).toBe(true);
  expect(readFileSync(join(root, "zones", "web.kdl"), "utf8")).toBe(
    `zone "web" {\n    template "lipkg"\n    brand "lipkg"\n    zonepath "${sim.zonesDir}/web"\n    pool "lan"\n    address "10.0.0.50/24"\n    vnic "web0"\n}\n`,
  );
  expect(readFileSync(join(root, "zones", "reg.kdl"), "utf8")).toBe(REG_FILE);
  expect(readFileSync(join(root, "zones", "stale.kdl"), "utf8")).toBe(STALE_FILE);
  expect(mutatingCommands(sim, from)).toEqual([]);
  const again = await discoverHost(connect(host));
  expect(again.zones.find((z) => z.name === "web")).toMatchObject({ status: "adoptable", registry: "registered" });
  expect(await registerZones(connect(host), again)).toEqual([]); // nothing left to register
});

test("the discovered inputs adopt every adoptable zone through the provider without changing it; the next diff is empty", async () => {
  const adoptable = report.zones.filter((z) => z.status === "adoptable").map((z) => z.name);
  const before = await zoneExports(sim, adoptable);
  const from = sim.log().length;
  for (const name of adoptable) {
    const inputs = { ...zone(name).inputs!, host } as ZoneInputs;
    const outs = (await zoneProvider.create(inputs)).outs as ZoneOutputs;
    expect({ name, adopted: outs.adopted, registered: outs.registered, address: outs.address }).toEqual({ name, adopted: true, registered: true, address: zone(name).address });
    expect({ name, diff: diffZone(name, outs, inputs).changes }).toEqual({ name, diff: false });
  }
  expect(mutatingCommands(sim, from)).toEqual([]);
  expect(await zoneExports(sim, adoptable)).toEqual(before);
  expect(readFileSync(join(root, "zones", "stale.kdl"), "utf8")).toContain('address "10.0.0.77/24"'); // adopting fixed the ledger
});

test("an update of an adopted zone with a second net keeps that net (settings a Zone does not manage stay)", async () => {
  const inputs = { ...zone("two").inputs!, host } as ZoneInputs;
  const outs = (await zoneProvider.create(inputs)).outs as ZoneOutputs;
  await zoneProvider.update!("two", outs, { ...inputs, cpuShares: 7 });
  const info = await simOk(sim, "zonecfg", "-z", "two", "info");
  expect(info).toContain("[cpu-shares: 7]");
  expect(info).toMatch(/net:\n(\t.*\n)*\tphysical: two1\n/);
  expect(info).toMatch(/allowed-address: 10\.0\.0\.72\/24/);
});

test("adopt itself refuses what discovery refuses (wrong defrouter, an on-demand VNIC), listing the difference and changing nothing", async () => {
  const before = await zoneExports(sim, ["badgw", "gnic"]);
  const from = sim.log().length;
  const base = { host, template: "lipkg", brand: "lipkg", autoboot: true, adopt: true };
  await expect(adoptZone({ ...base, name: "badgw", address: "10.0.0.81/24", vnic: "badgw0", zonepath: `${sim.zonesDir}/badgw` })).rejects.toMatchObject({
    code: "zmgr::zone::adopt-mismatch",
    message: expect.stringMatching(/defrouter: inputs want 10\.0\.0\.1, the zone has 10\.0\.0\.254/),
  });
  await expect(adoptZone({ ...base, name: "gnic", address: "10.0.0.71/24", vnic: "gnic0", zonepath: `${sim.zonesDir}/gnic` })).rejects.toMatchObject({
    code: "zmgr::zone::adopt-mismatch",
    message: expect.stringMatching(/net\.global-nic: inputs want \(none: a Zone manages a plain VNIC\), the zone has zstub0/),
  });
  expect(mutatingCommands(sim, from)).toEqual([]);
  expect(await zoneExports(sim, ["badgw", "gnic"])).toEqual(before);
  expect(readdirSync(join(root, "zones"))).not.toEqual(expect.arrayContaining(["badgw.kdl", "gnic.kdl"]));
});
