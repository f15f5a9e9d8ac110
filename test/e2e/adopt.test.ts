// Adoption end to end with the real Pulumi CLI: a host holding zones made by hand (ipkg, lipkg, sparse, a bhyve VM, one outside
// every pool, one with a hand-written zmgr zone file), `pulumi-zmgr discover` over SSH, its output pasted as the program,
// `pulumi up` adopting without touching any zone, a clean `preview --expect-no-changes`, a mismatch that changes nothing, destroy.

import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeZone, mutatingCommands, REGISTRY_FILES, runInstalledCli, simOk, writeRegistry, zoneExports, zoneList } from "../discover/handmade";
import { e2eProject, type E2eProject } from "./project";

let p: E2eProject;
let cliArgs: string[];
let exportsBefore: Record<string, string>;
let listBefore: string[];
let program: string;
const ADOPTABLE = ["web", "old", "spa", "reg"];
const LEFT_ALONE = ["vm", "out"];
const REG_FILE = '// written by hand, as the zmgr CLI would\nzone "reg" {\n    template "lipkg"\n    brand "lipkg"\n    zonepath "ZONES/reg"\n    pool "lan"\n    address "10.0.0.54/24"\n    vnic "reg0"\n}\n';

beforeAll(async () => {
  p = await e2eProject("adopt");
  writeRegistry(p.registry, {
    ...REGISTRY_FILES(p.sim.zonesDir),
    "zones/reg.kdl": REG_FILE.replace("ZONES", p.sim.zonesDir),
    "zones/gone.kdl": 'zone "gone" {\n    pool "lan"\n    address "10.0.0.99/24"\n}\n',
  });
  await simOk(p.sim, "dladm", "create-vnic", "-l", "igb1", "spa1");
  await makeZone(p.sim, {
    name: "web",
    address: "10.0.0.50/24",
    extra: [
      "set cpu-shares=10",
      "set limitpriv=default,dtrace_proc",
      "add capped-memory", "set physical=2g", "set swap=4g", "end",
      "add capped-cpu", "set ncpus=1.5", "end",
      "add attr", "set name=owner", "set type=string", "set value=ops", "end",
      "add attr", "set name=tier", "set type=int", "set value=2", "end",
      "add attr", "set name=resolvers", "set type=string", "set value=1.1.1.1,9.9.9.9", "end",
      "add attr", "set name=dns-domain", "set type=string", "set value=example.org", "end",
      "add fs", `set dir=/data`, `set special=${p.sim.root}/data`, "set type=lofs", "add options ro", "add options nodevices", "end",
      "add dataset", "set name=rpool/zones/web/data", "end",
    ],
  });
  await makeZone(p.sim, { name: "old", brand: "ipkg", address: "10.0.0.51/24", state: "installed", autoboot: false });
  await makeZone(p.sim, { name: "spa", brand: "sparse", address: "10.0.0.52/24", extra: ["add net", "set physical=spa1", "end"] });
  await makeZone(p.sim, { name: "vm", brand: "bhyve", address: "10.0.0.53/24" });
  await makeZone(p.sim, { name: "out", address: "192.168.7.5/24", defrouter: "192.168.7.1" });
  await makeZone(p.sim, { name: "reg", address: "10.0.0.54/24" });
  exportsBefore = await zoneExports(p.sim, [...ADOPTABLE, ...LEFT_ALONE]);
  listBefore = await zoneList(p.sim);
  cliArgs = ["discover", "--ssh", `${p.sshd.user}@${p.sshd.host}:${p.sshd.port}`, "--identity", p.sshd.clientKeyPath, "--host-key", p.sshd.hostPublicKey, "--registry-root", p.registry];
}, 600_000);
afterAll(async () => {
  await p?.close();
});

const zoneFile = (name: string) => join(p.registry, "zones", `${name}.kdl`);
const row = (out: string, zone: string) => out.split("\n").find((l) => new RegExp(`^// ${zone} +`).test(l)) ?? "";

test("discover (the installed bin, over SSH) prints the table with each match and TypeScript for the adoptable zones; it changes nothing", async () => {
  const from = p.sim.log().length;
  const run = await runInstalledCli(p.dir, cliArgs);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const out = run.stdout;
  expect(row(out, "web")).toMatch(/^\/\/ web +lipkg +running +10\.0\.0\.50\/24 +lan +lipkg +none +adopt$/);
  expect(row(out, "old")).toMatch(/^\/\/ old +ipkg +installed +10\.0\.0\.51\/24 +lan +ipkg +none +adopt$/);
  expect(row(out, "spa")).toMatch(/^\/\/ spa +sparse +running +10\.0\.0\.52\/24 +lan +sparse +none +adopt$/);
  expect(row(out, "reg")).toMatch(/^\/\/ reg +lipkg +running +10\.0\.0\.54\/24 +lan +lipkg +registered +adopt$/);
  expect(row(out, "vm")).toMatch(/^\/\/ vm +bhyve +running .* skipped \(vm-manager\)$/);
  expect(out).toMatch(/bhyve virtual machine: left to vm-manager/);
  expect(row(out, "out")).toMatch(/^\/\/ out +lipkg +running +192\.168\.7\.5\/24 .* not adoptable$/);
  expect(out).toMatch(/its address 192\.168\.7\.5\/24 is in no pool \(pools: lan 10\.0\.0\.0\/24\)/);
  expect(out).toMatch(/left as they are \(not managed\): limitpriv default,dtrace_proc/);
  expect(out).toMatch(/left as they are \(not managed\): net on spa1/);
  expect(out).toContain(`${join(p.registry, "zones", "gone.kdl")} holds 10.0.0.99/24`);
  expect(out).toContain(`pulumi config set zmgr:registryRoot ${p.registry}`);
  expect(out).toMatch(/const webZone = new zmgr\.Zone\("web", \{\n {4}template: lipkgTemplate,\n {4}pool: lanPool\.name,\n {4}address: "10\.0\.0\.50\/24",/);
  expect(out).toMatch(/cappedMemory: \{ physical: "2G", swap: "4G" \},\n {4}attrs: \{ owner: "ops", tier: 2 \},/);
  expect(out).not.toMatch(/new zmgr\.Zone\("(vm|out)"/);
  expect(mutatingCommands(p.sim, from)).toEqual([]);
  expect(existsSync(zoneFile("web"))).toBe(false);
  program = out;
}, 120_000);

test("the pasted program: up adopts every zone without changing any, writes the missing zone files, keeps the hand-written one", async () => {
  writeFileSync(join(p.dir, "index.ts"), program);
  const preview = await p.stack.ok(["preview"]);
  expect(preview.stdout).toMatch(/\+ 10 to create/); // stack, publisher, pool, 3 templates, 4 zones
  const from = p.sim.log().length;
  const up = await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(up.stdout).toMatch(/\+ 10 created/);
  expect(up.stdout).toMatch(/zmgr: zone web: adopting \(running, 10\.0\.0\.50\/24\)/);
  expect(mutatingCommands(p.sim, from)).toEqual([]);
  expect(await zoneExports(p.sim, [...ADOPTABLE, ...LEFT_ALONE])).toEqual(exportsBefore);
  expect(await zoneList(p.sim)).toEqual(listBefore);
  for (const [zone, address] of [["web", "10.0.0.50/24"], ["old", "10.0.0.51/24"], ["spa", "10.0.0.52/24"]]) {
    expect(readFileSync(zoneFile(zone!), "utf8")).toContain(`address "${address}"`);
  }
  expect(readFileSync(zoneFile("reg"), "utf8")).toBe(REG_FILE.replace("ZONES", p.sim.zonesDir));
  for (const zone of LEFT_ALONE) expect(existsSync(zoneFile(zone))).toBe(false);
  const outputs = (await p.stack.exportState()).json.deployment.resources!.filter((r) => r.type === "pulumi-nodejs:dynamic/zmgr:Zone");
  expect(outputs.map((r) => r.id).sort()).toEqual([...ADOPTABLE].sort());
  expect(outputs.every((r) => r.outputs!.adopted === true && r.outputs!.registered === true)).toBe(true);
}, 600_000);

test("after adoption, preview --expect-no-changes is clean and another up changes nothing", async () => {
  await p.stack.ok(["preview", "--expect-no-changes"]);
  const up = await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(up.stdout).toMatch(/10 unchanged/);
  await p.stack.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
  expect(await zoneExports(p.sim, [...ADOPTABLE, ...LEFT_ALONE])).toEqual(exportsBefore);
}, 600_000);

test("adopting with a wrong input fails with the differences listed and changes nothing on the host", async () => {
  await makeZone(p.sim, { name: "mis", address: "10.0.0.60/24", extra: ["set cpu-shares=5"] });
  const before = await zoneExports(p.sim, ["mis"]);
  writeFileSync(join(p.dir, "index.ts"), `${program}\nconst misZone = new zmgr.Zone("mis", { template: lipkgTemplate, address: "10.0.0.61/24", autoboot: false, cpuShares: 50, adopt: true });\n`);
  const from = p.sim.log().length;
  const up = await p.stack.up();
  expect(up.code).not.toBe(0);
  expect(up.stdout).toMatch(/zone mis does not match the inputs, so it was not adopted \(nothing was changed\)/);
  expect(up.stdout).toMatch(/autoboot: inputs want false, the zone has true/);
  expect(up.stdout).toMatch(/cpuShares: inputs want 50, the zone has 5/);
  expect(up.stdout).toMatch(/address: inputs want 10\.0\.0\.61\/24, the zone has 10\.0\.0\.60\/24/);
  expect(up.stdout).toMatch(/\[zmgr::zone::adopt-mismatch\]/);
  expect(mutatingCommands(p.sim, from)).toEqual([]);
  expect(await zoneExports(p.sim, ["mis"])).toEqual(before);
  expect(existsSync(zoneFile("mis"))).toBe(false);
  writeFileSync(join(p.dir, "index.ts"), program);
  await p.stack.ok(["preview", "--expect-no-changes"]);
}, 600_000);

test("destroy removes the adopted zones like any other; the VM and the unmatched zone stay", async () => {
  rmSync(zoneFile("gone")); // the orphan the report named: its address would keep pool lan in use
  const destroy = await p.stack.ok(["destroy", "--yes", "--skip-preview"]);
  expect(destroy.stdout).toMatch(/- 10 deleted/);
  const left = (await zoneList(p.sim)).map((l) => l.split(":")[1]);
  expect(left.sort()).toEqual(["mis", "out", "vm"]);
  expect(await zoneExports(p.sim, ["vm", "out"])).toEqual({ vm: exportsBefore.vm, out: exportsBefore.out });
  for (const zone of ADOPTABLE) expect(existsSync(zoneFile(zone))).toBe(false);
}, 600_000);
