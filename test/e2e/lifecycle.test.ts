// The real Pulumi CLI on a real program using the packed package, against the simulator through the real sshd:
// preview, up, no-change up, in-place update, replace, drift and refresh, a failing create, secrets, destroy.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { e2eProject, type E2eProject } from "./project";

let p: E2eProject;
beforeAll(async () => {
  p = await e2eProject("basic");
}, 600_000);
afterAll(async () => {
  await p?.close();
});

const sh = async (command: "zoneadm" | "zonecfg" | "dladm", ...args: string[]) => {
  const r = await p.sim.run(command, args);
  if (r.exitCode !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};
const zones = async () => (await sh("zoneadm", "list", "-cp")).split("\n").filter(Boolean).map((l) => l.split(":")).filter((f) => f[1] !== "global").map((f) => `${f[1]}:${f[2]}:${f[5]}`).sort();
const vnics = async () => (await sh("dladm", "show-vnic", "-p", "-o", "link")).split("\n").filter(Boolean);
const registry = (kind: string) => {
  try {
    return readdirSync(join(p.registry, kind)).sort();
  } catch {
    return [];
  }
};

/** The zone resources in the exported state, by name. */
async function zoneStates(): Promise<Record<string, Record<string, unknown>>> {
  const { json } = await p.stack.exportState();
  const out: Record<string, Record<string, unknown>> = {};
  for (const r of json.deployment.resources ?? []) if (r.type === "pulumi-nodejs:dynamic/zmgr:Zone") out[r.id!] = r.outputs!;
  return out;
}

test("preview of a fresh stack shows the creates; up creates pool, publisher, template and zones", async () => {
  const preview = await p.stack.ok(["preview"]);
  expect(preview.stdout).toMatch(/\+ 6 to create/);
  expect(await zones()).toEqual([]); // preview touches nothing
  const up = await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(up.stdout).toMatch(/\+ 6 created/);
  expect(up.stdout).toMatch(/zmgr: zone web0: installing/); // progress reaches the user
  const outputs = (await p.stack.outputs()) as { addresses: string[]; states: string[]; vnics: string[] };
  expect([...outputs.addresses].sort()).toEqual(["10.0.0.10/24", "10.0.0.11/24"]); // zones are created in parallel: either order
  expect(outputs).toMatchObject({ states: ["running", "running"], vnics: ["web00", "web10"] });
  expect(await zones()).toEqual(["web0:running:lipkg", "web1:running:lipkg"]);
  expect(registry("zones")).toEqual(["web0.kdl", "web1.kdl"]);
}, 300_000);

test("a second up and preview --expect-no-changes report no changes", async () => {
  const up = await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(up.stdout).toMatch(/6 unchanged/);
  expect(up.stdout).not.toMatch(/updated|created|replaced|deleted/);
  await p.stack.ok(["preview", "--expect-no-changes"]);
}, 300_000);

test("the private key never appears in clear in the exported state", async () => {
  const { text } = await p.stack.exportState();
  const keyBody = p.sshd.clientKey.split("\n").filter((l) => l && !l.startsWith("-----")).join("");
  for (const chunk of [keyBody.slice(0, 40), keyBody.slice(40, 80), "BEGIN OPENSSH PRIVATE KEY"]) expect(text).not.toContain(chunk);
  const { json } = await p.stack.exportState();
  const zone = (json.deployment.resources ?? []).find((r) => r.type === "pulumi-nodejs:dynamic/zmgr:Zone")!;
  expect(JSON.stringify(zone.outputs)).not.toContain("privateKey"); // the key came from stack config, not an input
}, 120_000);

test("changing an in-place input updates without replacing", async () => {
  await p.stack.setConfig("cpuShares", "10");
  const preview = await p.stack.ok(["preview"]);
  expect(preview.stdout).toMatch(/~ 2 to update/);
  expect(preview.stdout).not.toMatch(/to replace/);
  const up = await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(up.stdout).toMatch(/~ 2 updated/);
  expect(await sh("zonecfg", "-z", "web0", "info", "cpu-shares")).toContain("[cpu-shares: 10]");
  expect((await zoneStates()).web0).toMatchObject({ cpuShares: 10, pendingReboot: true, uuid: expect.stringMatching(/-/) });
}, 300_000);

test("changing the brand replaces the zones, deleting each before creating it again", async () => {
  const before = p.sim.log().length;
  await p.stack.setConfig("brand", "sparse");
  const up = await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(up.stdout).toMatch(/\+-2 replaced/);
  expect(await zones()).toEqual(["web0:running:sparse", "web1:running:sparse"]);
  const log = p.sim.log().slice(before).map((e) => e.argv.join(" "));
  const deleted = log.indexOf("zonecfg -z web0 delete -F");
  const created = log.lastIndexOf("zonecfg -z web0 -f -");
  expect(deleted).toBeGreaterThan(-1);
  expect(created).toBeGreaterThan(deleted);
  expect([...((await p.stack.outputs()).addresses as string[])].sort()).toEqual(["10.0.0.10/24", "10.0.0.11/24"]);
}, 300_000);

test("drift: a zone halted out of band is recorded by refresh and repaired by up", async () => {
  await sh("zoneadm", "-z", "web0", "halt");
  const refresh = await p.stack.ok(["refresh", "--yes", "--skip-preview"]);
  expect(refresh.stdout).toMatch(/~ 1 updated/);
  expect((await zoneStates()).web0!.state).toBe("installed");
  const preview = await p.stack.ok(["preview"]);
  expect(preview.stdout).toMatch(/~ 1 to update/);
  await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(await zones()).toContain("web0:running:sparse");
}, 300_000);

test("drift: autoboot changed with zonecfg is recorded and repaired", async () => {
  await sh("zonecfg", "-z", "web1", "set autoboot=false");
  await p.stack.ok(["refresh", "--yes", "--skip-preview"]);
  expect((await zoneStates()).web1!.autoboot).toBe(false);
  await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(await sh("zonecfg", "-z", "web1", "info", "autoboot")).toBe("autoboot: true\n");
}, 300_000);

test("drift: a zone deleted out of band leaves the state on refresh and comes back on up", async () => {
  const address = ((await p.stack.outputs()).addresses as string[])[1];
  await sh("zoneadm", "-z", "web1", "halt");
  await sh("zoneadm", "-z", "web1", "uninstall", "-F");
  await sh("zonecfg", "-z", "web1", "delete", "-F");
  const refresh = await p.stack.ok(["refresh", "--yes", "--skip-preview"]);
  expect(refresh.stdout).toMatch(/- 1 deleted/);
  expect(Object.keys(await zoneStates())).toEqual(["web0"]);
  const up = await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(up.stdout).toMatch(/\+ 1 created/);
  expect(await zones()).toEqual(["web0:running:sparse", "web1:running:sparse"]);
  expect(((await p.stack.outputs()).addresses as string[])[1]).toBe(address); // its registry file kept its address
}, 300_000);

test("a create that fails half-way fails the up clearly, leaves the host clean, and the next up succeeds", async () => {
  await p.sim.addFault({ cmd: "zoneadm install", zone: "web2", stderr: "ERROR: the zonepath must be a ZFS dataset.", exit: 1 });
  await p.stack.setConfig("zones", "3");
  const up = await p.stack.up();
  expect(up.code).not.toBe(0);
  expect(up.stdout).toMatch(/creating zone web2 failed while installing the zone \(zoneadm install\): .*ERROR: the zonepath must be a ZFS dataset\..*Everything this attempt did was undone/);
  expect(up.stdout).toMatch(/help: /);
  expect(await zones()).not.toContain(expect.stringMatching(/^web2:/));
  expect(await vnics()).not.toContain("web20");
  expect(registry("zones")).not.toContain("web2.kdl");
  await p.sim.clearFaults();
  await p.stack.ok(["up", "--yes", "--skip-preview"]);
  expect(await zones()).toContain("web2:running:sparse");
}, 300_000);

test("destroy leaves the host as it was: no zone, VNIC, registry file or claimed address", async () => {
  const destroy = await p.stack.ok(["destroy", "--yes", "--skip-preview"]);
  expect(destroy.stdout).toMatch(/- 7 deleted/);
  expect(await zones()).toEqual([]);
  expect(await vnics()).toEqual([]);
  for (const kind of ["zones", "pools", "templates", "publishers"]) expect(registry(kind)).toEqual([]);
  expect(await sh("dladm", "show-link", "-p", "-o", "link,class", "zstub0")).toBe("zstub0:etherstub\n"); // not ours: kept
}, 300_000);
