// The other two ways into state, with the real Pulumi CLI: `pulumi import --file` with the file `discover --import-file`
// writes (inputs and outputs given, Read skipped), and a read-only reference through the engine's read path (`opts.id`).

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packedTarball } from "../harness/package";
import { installedWorkspace, PulumiStack } from "../harness/pulumi";
import { makeZone, mutatingCommands, REGISTRY_FILES, runInstalledCli, writeRegistry, zoneExports, zoneList } from "../discover/handmade";
import { e2eProject, type E2eProject } from "./project";

let p: E2eProject;
let cliArgs: string[];
let before: Record<string, string>;
const ZONES = ["web", "old"];

beforeAll(async () => {
  p = await e2eProject("adopt");
  writeRegistry(p.registry, REGISTRY_FILES(p.sim.zonesDir));
  await makeZone(p.sim, { name: "web", address: "10.0.0.50/24", extra: ["set cpu-shares=20", "add attr", "set name=owner", "set type=string", "set value=ops", "end"] });
  await makeZone(p.sim, { name: "old", brand: "ipkg", address: "10.0.0.51/24", state: "installed", autoboot: false });
  await makeZone(p.sim, { name: "vm", brand: "bhyve", address: "10.0.0.60/24", vnic: "vm0" });
  before = await zoneExports(p.sim, [...ZONES, "vm"]);
  cliArgs = ["discover", "--ssh", `${p.sshd.user}@${p.sshd.host}:${p.sshd.port}`, "--identity", p.sshd.clientKeyPath, "--host-key", p.sshd.hostPublicKey, "--registry-root", p.registry];
}, 600_000);
afterAll(async () => {
  await p?.close();
});

/** The Zone resources in the exported state, by id. */
async function zoneStates(stack: PulumiStack): Promise<Record<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }>> {
  const { json } = await stack.exportState();
  const out: Record<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }> = {};
  for (const r of json.deployment.resources ?? []) if (r.type === "pulumi-nodejs:dynamic/zmgr:Zone") out[r.id!] = { inputs: r.inputs!, outputs: r.outputs! };
  return out;
}

test("pulumi import --file with discover's file brings the zones into state; the pasted code then previews no change", async () => {
  const importFile = join(p.dir, "import.json");
  const logFrom = p.sim.log().length;
  const run = await runInstalledCli(p.dir, [...cliArgs, "--import-file", importFile]);
  expect(run.stderr).toContain(`wrote ${importFile} (6 resources)`); // publisher, pool, 2 templates, 2 zones (not the VM)
  expect(run.code).toBe(0);
  const file = JSON.parse(readFileSync(importFile, "utf8")) as { resources: { type: string; name: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] };
  const web = file.resources.find((r) => r.name === "web")!;
  expect(web.outputs).toMatchObject({ address: "10.0.0.50/24", adopted: true, registered: true, cpuShares: 20, attrs: { owner: "ops" } });
  expect(web.inputs.__provider).toMatch(/require\("pulumi-zmgr\/dist\/provider\/dynamic\/zone-provider(\.js)?"\)/);
  expect(readFileSync(join(p.registry, "zones", "web.kdl"), "utf8")).toContain('address "10.0.0.50/24"'); // registered as adopt does

  const imported = await p.stack.ok(["import", "--file", importFile, "--generate-code=false", "--yes"]);
  expect(imported.stdout).toMatch(/= 6 imported/);
  expect(Object.keys(await zoneStates(p.stack)).sort()).toEqual(["old", "web"]);
  writeFileSync(join(p.dir, "index.ts"), run.stdout); // the code discover printed with the file
  await p.stack.ok(["preview", "--expect-no-changes"]);
  const up = await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(up.stdout).toMatch(/7 unchanged/);
  const after = (await zoneStates(p.stack)).web!;
  expect(after.outputs.__provider).toBe(after.inputs.__provider); // the import's serialized provider is the SDK's, byte for byte
  await p.stack.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
  expect(await zoneExports(p.sim, [...ZONES, "vm"])).toEqual(before);
  expect(mutatingCommands(p.sim, logFrom)).toEqual([]);
}, 600_000);

test("Zone.get: a read-only reference through the engine's read path reads the zone, and destroying that stack leaves the zone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zmgr-e2e-adopt-get-"));
  installedWorkspace(dir, await packedTarball());
  cpSync(join(__dirname, "programs", "adopt-get"), dir, { recursive: true });
  const stack = new PulumiStack({ projectDir: dir, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  try {
    await stack.init();
    for (const [k, v] of Object.entries({ "zmgr:host": p.sshd.host, "zmgr:port": String(p.sshd.port), "zmgr:user": p.sshd.user, "zmgr:hostKey": p.sshd.hostPublicKey, "zmgr:registryRoot": p.registry, zone: "web" })) {
      await stack.setConfig(k, v);
    }
    await stack.setConfig("zmgr:privateKey", p.sshd.clientKey, true);
    const logFrom = p.sim.log().length;
    const up = await stack.ok(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/read pulumi-nodejs:dynamic\/zmgr:Zone web-ref/);
    expect(await stack.outputs()).toEqual({ address: "10.0.0.50/24", state: "running", brand: "lipkg", vnic: "web0" });
    await stack.ok(["preview", "--expect-no-changes"]);
    const destroy = await stack.ok(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.stdout).toMatch(/- 1 deleted/); // the stack only: a read resource is never deleted
    expect(mutatingCommands(p.sim, logFrom)).toEqual([]);
    expect(await zoneList(p.sim)).toContainEqual(expect.stringMatching(/:web:running:/));
  } finally {
    stack.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);

test("destroying the imported stack deletes the zones with the imported provider; the VM stays", async () => {
  rmSync(join(p.registry, "templates", "sparse.kdl")); // not in the stack, it lists publisher omnios: deleting omnios would be refused
  const destroy = await p.stack.ok(["destroy", "--yes", "--skip-preview"]);
  expect(destroy.stdout).toMatch(/- 7 deleted/);
  expect((await zoneList(p.sim)).map((l) => l.split(":")[1])).toEqual(["vm"]);
  expect(await zoneExports(p.sim, ["vm"])).toEqual({ vm: before.vm });
}, 600_000);
