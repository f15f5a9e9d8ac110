// What an interrupted create leaves (the provider killed before it could undo or report anything): the engine has no
// record of the zone, so the next `pulumi up` creates it again; the create finishes the half-made zone it finds,
// and only that one: a zone that is not recorded by its own registry file, or not as these inputs want it, is refused.

jest.mock("../../provider/transport/connect", () => jest.requireActual("./mock-connect"));

import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { HostSpec } from "../../provider/operations/host-spec";
import { setProgressSink } from "../../provider/operations/progress";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { closeAllHosts } from "../../provider/transport/connect";
import type { SimHost } from "../harness/sim";
import { faults } from "./fault-host";
import { hostFacts, inconsistencies, zoneOutcome } from "./host-state";
import { seededLocalHost } from "./seed";

let sim: SimHost;
let registry: string;
let host: HostSpec;
const progress: string[] = [];
const zone = (name: string, extra: Partial<ZoneInputs> = {}): ZoneInputs => ({ name, host, template: "ipkg", ...extra });

beforeAll(async () => {
  ({ sim, registry, host } = await seededLocalHost());
  setProgressSink((l) => progress.push(l));
});
afterAll(async () => {
  await closeAllHosts();
  sim?.remove();
});

/** Leaves zone `name` as a create interrupted during its install leaves it: file, VNIC, configuration, no installation. */
async function interrupted(name: string, when: "before" | "during"): Promise<void> {
  // The install fails and so does its first undo: the create stops there, as a killed one would.
  await sim.addFault({ cmd: "zoneadm install", zone: name, when, stderr: "killed" });
  const undo = when === "before" ? "zonecfg delete" : "zoneadm uninstall";
  const scope = await faults.scope([{ step: undo, occurrence: 1, kind: "fail" }], () => zoneProvider.create(zone(name)));
  await sim.clearFaults();
  expect(scope.error).toBeDefined();
  const f = hostFacts(sim.root, registry);
  expect(f.zones.get(name)?.state).toBe(when === "before" ? "configured" : "incomplete");
  expect(f.files.has(name) && f.vnics.has(`${name}0`)).toBe(true);
}

test.each(["before", "during"] as const)("a zone left %s its install is finished by the next create", async (when) => {
  const name = `half${when}`;
  await interrupted(name, when);
  const made = (await zoneProvider.create(zone(name))).outs as ZoneOutputs;
  expect(made).toMatchObject({ state: "running", registered: true });
  expect(progress.join("\n")).toMatch(new RegExp(`zone ${name}: zone ${name} is (configured|incomplete): an earlier create of it stopped half-way`));
  const f = hostFacts(sim.root, registry);
  expect(zoneOutcome(f, name, `${name}0`)).toBe("complete");
  expect(inconsistencies(f)).toEqual([]);
  await zoneProvider.delete!(name, made);
});

test("a configured zone without its registry file is someone else's: refused", async () => {
  const r = await sim.run("zonecfg", ["-z", "foreign", `create; set zonepath=${sim.zonesDir}/foreign; add net; set physical=foreign0; end`]);
  expect(r.exitCode).toBe(0);
  await expect(zoneProvider.create(zone("foreign"))).rejects.toThrow(/zone foreign already exists .*\(state configured\) \[zmgr::zone::exists\]/);
});

test("a half-made zone whose file records other settings is refused, not taken over", async () => {
  await interrupted("other", "before");
  await expect(zoneProvider.create(zone("other", { zonepath: `${sim.zonesDir}/elsewhere` }))).rejects.toThrow(/\[zmgr::zone::exists\]/);
  await expect(zoneProvider.create(zone("other", { vnic: "othervnic0" }))).rejects.toThrow(/\[zmgr::zone::exists\]/);
});

test("an installed zone is never taken over by a create, even with its registry file", async () => {
  const made = (await zoneProvider.create(zone("done"))).outs as ZoneOutputs;
  await sim.run("zoneadm", ["-z", "done", "halt"]);
  await expect(zoneProvider.create(zone("done"))).rejects.toThrow(/zone done already exists .*\(state installed\).*\[zmgr::zone::exists\]/);
  await zoneProvider.delete!("done", made);
});
