// zoneadm, dladm, pkg and zlogin wrappers against the illumos simulator: a zone's whole life.

import { createSimHost, type SimHost } from "../harness/sim";
import { LocalHost } from "../../provider/transport/local-host";
import { ZmgrError } from "../../provider/errors";
import { createEtherstub, createVnic, deleteEtherstub, deleteVnic, getLink, getVnic, linkExists, listEtherstubs, listLinks, listVnics } from "../../provider/illumos/dladm";
import { listPublishers, setPublisher, unsetPublisher } from "../../provider/illumos/pkg";
import { bootZone, getZone, haltZone, installZone, listZones, readyZone, rebootZone, shutdownZone, uninstallZone, verifyZone } from "../../provider/illumos/zoneadm";
import { zloginChecked, zloginRun } from "../../provider/illumos/zlogin";
import { createZoneConfig, deleteZoneConfig } from "../../provider/illumos/zonecfg";

let sim: SimHost;
let host: LocalHost;

beforeAll(async () => {
  sim = await createSimHost({ installDelayMs: 5 });
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

test("a zone through every state: configured → installed → ready → running → installed → configured → gone", async () => {
  const zonepath = `${sim.zonesDir}/life`;
  await createZoneConfig(host, { zonename: "life", zonepath, brand: "lipkg", ipType: "exclusive", autoboot: false });

  const configured = (await getZone(host, "life"))!;
  expect(configured).toMatchObject({ name: "life", state: "configured", zonepath, brand: "lipkg", ipType: "exclusive" });
  expect(configured.id).toBeUndefined();
  expect(configured.uuid).toBeUndefined();
  expect((await rejection(bootZone(host, "life"))).code).toBe("zmgr::zone::not-installed");
  const halt = await rejection(haltZone(host, "life"));
  expect(halt.code).toBe("zmgr::zone::bad-state");
  expect(halt.details.stderr).toMatch(/configured/);
  await verifyZone(host, "life");

  const lines: string[] = [];
  const result = await installZone(host, "life", { onOutput: (l) => lines.push(l) });
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.join("\n")).toBe(result.stdout.replace(/\n$/, "") + (result.stderr ? "\n" + result.stderr.replace(/\n$/, "") : ""));
  const installed = (await getZone(host, "life"))!;
  expect(installed.state).toBe("installed");
  expect(installed.uuid).toMatch(/^[0-9a-f-]{36}$/);
  expect(installed.id).toBeUndefined();
  expect((await rejection(installZone(host, "life"))).code).toBe("zmgr::zone::installed");
  expect((await rejection(rebootZone(host, "life"))).code).toBe("zmgr::zone::not-running");

  await readyZone(host, "life");
  const ready = (await getZone(host, "life"))!;
  expect(ready.state).toBe("ready");
  expect(ready.id).toBeGreaterThan(0);

  await bootZone(host, "life");
  await bootZone(host, "life"); // already running: fine
  expect((await getZone(host, "life"))!.state).toBe("running");
  expect((await rejection(installZone(host, "life"))).code).toBe("zmgr::zone::bad-state");
  expect((await rejection(uninstallZone(host, "life"))).code).toBe("zmgr::zone::bad-state");
  await rebootZone(host, "life");
  expect((await getZone(host, "life"))!.state).toBe("running");

  const all = await listZones(host);
  expect(all.map((z) => z.name)).toContain("life");
  expect(all.some((z) => z.name === "global")).toBe(false);
  const withGlobal = await listZones(host, { includeGlobal: true });
  expect(withGlobal[0]).toMatchObject({ id: 0, name: "global", state: "running", zonepath: "/" });

  await shutdownZone(host, "life");
  expect((await getZone(host, "life"))!.state).toBe("installed");
  expect((await rejection(shutdownZone(host, "life"))).code).toBe("zmgr::zone::not-running");
  await bootZone(host, "life");
  await haltZone(host, "life");
  await haltZone(host, "life"); // already halted: fine
  expect((await getZone(host, "life"))!.state).toBe("installed");

  expect(await uninstallZone(host, "life")).toBe(true);
  expect(await uninstallZone(host, "life")).toBe(false);
  expect((await getZone(host, "life"))!.uuid).toBeUndefined();
  expect(await deleteZoneConfig(host, "life")).toBe(true);
  expect(await getZone(host, "life")).toBeNull();
});

test("a zonepath with ':' and '\\' comes back unescaped from `zoneadm list -p`", async () => {
  const zonepath = `${sim.zonesDir}/a:b\\c`;
  await createZoneConfig(host, { zonename: "colon", zonepath });
  try {
    expect((await getZone(host, "colon"))!.zonepath).toBe(zonepath);
    expect((await listZones(host)).find((z) => z.name === "colon")!.zonepath).toBe(zonepath);
  } finally {
    await deleteZoneConfig(host, "colon");
  }
});

test("a failed install leaves an incomplete zone; uninstall -F recovers it", async () => {
  await createZoneConfig(host, { zonename: "inc", zonepath: `${sim.zonesDir}/inc` });
  await sim.addFault({ cmd: "zoneadm install", zone: "inc", when: "during", stderr: "ERROR: the publisher could not be reached" });
  try {
    const e = await rejection(installZone(host, "inc"));
    expect(e.code).toBe("zmgr::zone::brand-failed");
    expect(e.message).toMatch(/ERROR: the publisher could not be reached/);
    expect(e.details.command).toBe("zoneadm -z inc install");
    expect((await getZone(host, "inc"))!.state).toBe("incomplete");
    expect((await rejection(installZone(host, "inc"))).code).toBe("zmgr::zone::incomplete");
    expect(await uninstallZone(host, "inc")).toBe(true);
    expect((await getZone(host, "inc"))!.state).toBe("configured");
  } finally {
    await sim.clearFaults();
    await deleteZoneConfig(host, "inc");
  }
});

test("zlogin runs an argv in a running zone with every word intact; refuses zones that are not running", async () => {
  await createZoneConfig(host, { zonename: "zl", zonepath: `${sim.zonesDir}/zl` });
  try {
    expect((await rejection(zloginRun(host, "zl", ["true"]))).code).toBe("zmgr::zone::not-running");
    await installZone(host, "zl");
    expect((await rejection(zloginRun(host, "zl", ["true"]))).code).toBe("zmgr::zone::not-running");
    await bootZone(host, "zl");
    const words = ["a b", "$HOME", "it's", "x;y", "`id`", "*", ""];
    const r = await zloginChecked(host, "zl", ["printf", "[%s]", ...words]);
    expect(r.stdout).toBe(words.map((w) => `[${w}]`).join(""));
    const failing = await zloginRun(host, "zl", ["sh", "-c", "echo oops >&2; exit 3"]);
    expect(failing).toMatchObject({ exitCode: 3, stderr: "oops\n" });
    expect((await rejection(zloginChecked(host, "zl", ["false"]))).code).toBe("zmgr::host::command-failed");
    expect((await rejection(zloginRun(host, "nozone", ["true"]))).code).toBe("zmgr::zone::not-found");
  } finally {
    await haltZone(host, "zl").catch(() => undefined);
    await uninstallZone(host, "zl").catch(() => undefined);
    await deleteZoneConfig(host, "zl");
  }
});

test("pkg publishers on a zone image and on the host", async () => {
  await createZoneConfig(host, { zonename: "pk", zonepath: `${sim.zonesDir}/pk` });
  await installZone(host, "pk");
  const root = `${sim.zonesDir}/pk/root`;
  try {
    const before = await listPublishers(host, root);
    expect(before.length).toBeGreaterThan(0);
    await setPublisher(host, { name: "extra.example", origins: ["https://pkg.example.org/extra/", "https://mirror.example.org/extra/"] }, root);
    const extra = (await listPublishers(host, root)).find((p) => p.name === "extra.example")!;
    expect(extra).toEqual({ name: "extra.example", sticky: true, syspub: false, enabled: true, origins: ["https://pkg.example.org/extra/", "https://mirror.example.org/extra/"], mirrors: [] });
    await setPublisher(host, { name: "extra.example", origins: ["https://other.example.org/x/"], replace: true }, root);
    expect((await listPublishers(host, root)).find((p) => p.name === "extra.example")!.origins).toEqual(["https://other.example.org/x/"]);
    expect(await unsetPublisher(host, "extra.example", root)).toBe(true);
    expect(await unsetPublisher(host, "extra.example", root)).toBe(false);
    expect((await listPublishers(host, root)).map((p) => p.name)).toEqual(before.map((p) => p.name));
    expect((await listPublishers(host)).length).toBeGreaterThan(0);
  } finally {
    await uninstallZone(host, "pk");
    await deleteZoneConfig(host, "pk");
  }
});

test("dladm: links, VNICs over a physical link and an etherstub, exists checks, errors", async () => {
  const links = await listLinks(host);
  expect(links.filter((l) => l.class === "phys").map((l) => l.link)).toEqual(["igb0", "igb1"]);
  expect(await listEtherstubs(host)).toEqual(["zstub0"]);

  await createVnic(host, { name: "web0", over: "igb0" });
  await createVnic(host, { name: "web1", over: "zstub0", macAddress: "2:8:20:d5:3c:a1", vlanId: 12 });
  expect((await getVnic(host, "web0"))!).toMatchObject({ link: "web0", over: "igb0", vlanId: 0 });
  expect((await getVnic(host, "web1"))!).toMatchObject({ link: "web1", over: "zstub0", macAddress: "2:8:20:d5:3c:a1", vlanId: 12 });
  expect((await listVnics(host)).map((v) => v.link)).toEqual(["web0", "web1"]);
  expect((await getLink(host, "web0"))!).toMatchObject({ class: "vnic", over: "igb0" });
  expect(await linkExists(host, "web1")).toBe(true);
  expect(await getVnic(host, "nope0")).toBeNull();
  expect(await getLink(host, "nope0")).toBeNull();
  expect(await getVnic(host, "zstub0")).toBeNull(); // an etherstub is not a VNIC

  expect((await rejection(createVnic(host, { name: "web0", over: "igb0" }))).code).toBe("zmgr::dladm::exists");
  expect((await rejection(createVnic(host, { name: "web2", over: "igb9" }))).code).toBe("zmgr::dladm::not-found");
  expect((await rejection(deleteVnic(host, "zstub0"))).code).toBe("zmgr::dladm::wrong-class");

  expect(await deleteVnic(host, "web0")).toBe(true);
  expect(await deleteVnic(host, "web0")).toBe(false);
  expect(await deleteVnic(host, "web1")).toBe(true);

  await createEtherstub(host, "stub1");
  expect(await listEtherstubs(host)).toEqual(["zstub0", "stub1"]);
  expect((await rejection(createEtherstub(host, "stub1"))).code).toBe("zmgr::dladm::exists");
  expect(await deleteEtherstub(host, "stub1")).toBe(true);
  expect(await deleteEtherstub(host, "stub1")).toBe(false);
});
