// The `pulumi import --file` file: each resource adopted as `up` would, inputs as the SDK sends them and outputs as create
// returns them, both with `__provider`; a zone that no longer matches is left out and reported. (The real CLI: test/e2e.)

import { existsSync } from "node:fs";
import { join } from "node:path";
import { discoverHost } from "../../provider/discover/discover";
import { buildImportFile, TYPE_TOKENS } from "../../provider/discover/import-file";
import { planProgram } from "../../provider/discover/program-plan";
import { connect, type HostSpec } from "../../provider/operations/host-spec";
import { diffZone } from "../../provider/operations/zone-diff";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { closeAllHosts } from "../../provider/transport/connect";
import { createSimHost, simEnv, type SimHost } from "../harness/sim";
import { makeZone, mutatingCommands, REGISTRY_FILES, simOk, writeRegistry } from "./handmade";

let sim: SimHost;
let root: string;
let host: HostSpec;

beforeAll(async () => {
  sim = await createSimHost({ installDelayMs: 1 });
  Object.assign(process.env, simEnv(sim.root));
  root = join(sim.root, "etc", "zmgr");
  host = { local: true, registryRoot: root };
  writeRegistry(root, REGISTRY_FILES(sim.zonesDir));
  await makeZone(sim, { name: "web", address: "10.0.0.50/24", extra: ["set cpu-shares=5"] });
  await makeZone(sim, { name: "old", brand: "ipkg", address: "10.0.0.51/24", state: "installed", autoboot: false });
}, 60_000);
afterAll(async () => {
  await closeAllHosts();
  sim?.remove();
});

test("every planned resource is adopted and written with SDK inputs and adopt outputs; the zones' diff against them is empty", async () => {
  const plan = planProgram(await discoverHost(connect(host)));
  const from = sim.log().length;
  const { file, failures } = await buildImportFile(plan, host, { serialize: async (kind) => `stub:${kind}` });
  expect(failures).toEqual([]);
  expect(file.resources.map((r) => `${r.type} ${r.name} ${r.id}`)).toEqual([
    `${TYPE_TOKENS.publisher} omnios omnios`,
    `${TYPE_TOKENS.pool} lan lan`,
    `${TYPE_TOKENS.template} ipkg ipkg`,
    `${TYPE_TOKENS.template} lipkg lipkg`,
    `${TYPE_TOKENS.zone} web web`,
    `${TYPE_TOKENS.zone} old old`,
  ]);
  const web = file.resources.find((r) => r.name === "web")!;
  const lipkg = file.resources.find((r) => r.name === "lipkg")!;
  expect(web.inputs).toEqual({
    name: "web", template: "lipkg", templateSpec: lipkg.outputs.spec, pool: "lan", address: "10.0.0.50/24", vnic: "web0", brand: "lipkg",
    zonepath: `${sim.zonesDir}/web`, autoboot: true, state: "running", cpuShares: 5, adopt: true, __provider: "stub:zone",
  });
  expect(web.outputs).toMatchObject({ adopted: true, registered: true, hostId: `local:${root}`, address: "10.0.0.50/24", __provider: "stub:zone" });
  expect(web.outputs.host).toBeUndefined();
  expect(lipkg.inputs).toEqual({ name: "lipkg", brand: "lipkg", autoboot: true, pool: "lan", ipType: "exclusive", zonepathPrefix: sim.zonesDir, publishers: ["omnios"], adopt: true, __provider: "stub:template" });
  for (const r of file.resources.filter((x) => x.type === TYPE_TOKENS.zone)) {
    const { __provider: _, ...inputs } = r.inputs;
    expect({ zone: r.name, changes: diffZone(r.id, r.outputs as unknown as ZoneOutputs, inputs as unknown as ZoneInputs).changes }).toEqual({ zone: r.name, changes: false });
  }
  expect(existsSync(join(root, "zones", "web.kdl"))).toBe(true); // adopted as `up` would: the ledger holds the address
  expect(mutatingCommands(sim, from)).toEqual([]);
});

test("a zone changed since discovery is left out of the file with its adopt-mismatch error", async () => {
  const plan = planProgram(await discoverHost(connect(host)));
  await simOk(sim, "zonecfg", "-z", "old", "set autoboot=true");
  const { file, failures } = await buildImportFile(plan, host, { serialize: async (kind) => `stub:${kind}` });
  expect(file.resources.map((r) => r.name)).not.toContain("old");
  expect(file.resources.map((r) => r.name)).toContain("web");
  expect(failures).toEqual([{ name: "old", kind: "zone", error: expect.objectContaining({ code: "zmgr::zone::adopt-mismatch", message: expect.stringMatching(/autoboot: inputs want false, the zone has true/) }) }]);
});
