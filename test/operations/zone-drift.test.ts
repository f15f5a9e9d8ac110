// Out-of-band changes on the host: refresh (read) records them, diff shows them, update repairs them.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { zoneFixture, type ZoneFixture } from "./fixture";

let fx: ZoneFixture;
let inputs: ZoneInputs;
let z: ZoneOutputs;
beforeAll(async () => {
  fx = await zoneFixture("local");
  inputs = fx.zone("app", { cpuShares: 5 });
  z = (await zoneProvider.create(inputs)).outs as ZoneOutputs;
});
afterAll(async () => {
  await fx?.close();
});

/** refresh then up: read, diff, update; returns the refreshed outputs and the diff. */
async function refreshAndRepair() {
  const read = await zoneProvider.read!("app", z);
  const refreshed = read.props as ZoneOutputs;
  const diff = await zoneProvider.diff!("app", refreshed, inputs);
  if (diff.changes) z = (await zoneProvider.update!("app", refreshed, inputs)).outs as ZoneOutputs;
  return { read, refreshed, diff };
}

test("zone halted out of band", async () => {
  await fx.sh("zoneadm", "-z", "app", "halt");
  const { refreshed, diff, read } = await refreshAndRepair();
  expect(refreshed.state).toBe("installed");
  expect(read.inputs).toMatchObject({ cpuShares: 5 });
  expect(diff).toMatchObject({ changes: true, replaces: [] });
  expect(await fx.sh("zoneadm", "-z", "app", "list", "-p")).toMatch(/:app:running:/);
});

test("autoboot and cpu-shares changed with zonecfg", async () => {
  await fx.sh("zonecfg", "-z", "app", "set autoboot=false; set cpu-shares=99");
  const { refreshed, diff, read } = await refreshAndRepair();
  expect(refreshed).toMatchObject({ autoboot: false, cpuShares: 99 });
  expect(read.inputs).toMatchObject({ cpuShares: 99 }); // the declared input, as the host has it
  expect(diff.changes).toBe(true);
  const info = await fx.sh("zonecfg", "-z", "app", "info");
  expect(info).toContain("autoboot: true\n");
  expect(info).toContain("[cpu-shares: 5]");
});

test("registry file edited by hand (address removed) is drift, repaired by the next update", async () => {
  writeFileSync(join(fx.registry, "zones", "app.kdl"), 'zone "app" {\n    // hand edit\n    pool "lan"\n}\n');
  const { refreshed, diff } = await refreshAndRepair();
  expect(refreshed.registered).toBe(false);
  expect(diff.changes).toBe(true);
  expect(fx.registryFile("app")).toContain('address "10.0.0.10/24"');
  expect(fx.registryFile("app")).toContain("// hand edit"); // the edit kept the file's comment
  expect(fx.progress.some((l) => /drift: registry file .* does not hold the zone's address/.test(l))).toBe(true);
});

test("registry file deleted is drift, not silently recreated by refresh", async () => {
  await fx.sh("zoneadm", "-z", "app", "list", "-p");
  const file = join(fx.registry, "zones", "app.kdl");
  require("node:fs").rmSync(file);
  const read = await zoneProvider.read!("app", z);
  expect((read.props as ZoneOutputs).registered).toBe(false);
  expect(fx.registryFile("app")).toBeUndefined(); // refresh only reports
  const diff = await zoneProvider.diff!("app", read.props as ZoneOutputs, inputs);
  expect(diff.changes).toBe(true);
  z = (await zoneProvider.update!("app", read.props as ZoneOutputs, inputs)).outs as ZoneOutputs;
  expect(fx.registryFile("app")).toContain('address "10.0.0.10/24"');
});

test("zone deleted out of band: read reports it gone", async () => {
  await fx.sh("zoneadm", "-z", "app", "halt");
  await fx.sh("zoneadm", "-z", "app", "uninstall", "-F");
  await fx.sh("zonecfg", "-z", "app", "delete", "-F");
  const read = await zoneProvider.read!("app", z);
  expect(read.id).toBeUndefined();
  await zoneProvider.delete!("app", z); // destroy after that still cleans VNIC and registry file
  expect(await fx.vnics()).toEqual([]);
  expect(fx.registryFile("app")).toBeUndefined();
});
