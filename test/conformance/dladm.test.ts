// Conformance of the simulated dladm with SPEC.md 3 and 9: link names, VNIC/etherstub errors,
// parsable and human output (libofmt), and VNICs busy in running zones.

import { join } from "node:path";
import { createSimHost, type SimHost } from "../harness/sim";
import { expectResult } from "./expect-result";

let host: SimHost;
const dl = (...args: string[]) => host.run("dladm", args);
const die = (msg: string) => ({ stderr: `dladm: ${msg}\n`, exitCode: 1 });

beforeAll(async () => {
  host = await createSimHost({ installDelayMs: 5 });
});
afterAll(() => host.remove());

test("SPEC 9: the dladm examples", async () => {
  expectResult(await dl("create-vnic", "-l", "igb0", "web"), die("invalid link name 'web'"));
  expectResult(await dl("create-vnic", "-l", "igb0", "web0"), { exitCode: 0 });
  expectResult(await dl("create-vnic", "-l", "igb0", "web0"), die("vnic creation over igb0 failed: object already exists"));
  expectResult(await dl("show-vnic", "nope0"), die("invalid vnic name 'nope0': object not found"));
});

test("3.1 link names: length, leading digit, trailing digit, characters", async () => {
  const ok31 = "a".repeat(30) + "1";
  const long32 = "a".repeat(31) + "1";
  const [a, b, c, d, e, f] = await Promise.all([
    dl("create-vnic", "-l", "igb0", "0web1"),
    dl("create-vnic", "-l", "igb0", "web-0"),
    dl("create-vnic", "-l", "igb0", long32),
    dl("create-vnic", "-l", "igb0", ok31),
    dl("create-vnic", "-l", "igb1", "my_vnic.2"),
    dl("create-etherstub", "stub"),
  ]);
  expectResult(a, die("invalid link name '0web1'"));
  expectResult(b, die("invalid link name 'web-0'"));
  expectResult(c, die(`link name too long '${long32}'`));
  expectResult(d, { exitCode: 0 });
  expectResult(e, { exitCode: 0 });
  expectResult(f, die("invalid link name 'stub'"));
});

test("3.2 create-vnic, delete-vnic, etherstub errors", async () => {
  const [unknownOver, vlan0, vlanHigh, vlanText, badMac, noL, unknownDel, stubAsVnic, stubExists, vnicAsStub, showL] = await Promise.all([
    dl("create-vnic", "-l", "nope0", "v1"),
    dl("create-vnic", "-l", "igb0", "-v", "0", "v2"),
    dl("create-vnic", "-l", "igb0", "-v", "4095", "v3"),
    dl("create-vnic", "-l", "igb0", "-v", "abc", "v4"),
    dl("create-vnic", "-l", "igb0", "-m", "1:2:3", "v5"),
    dl("create-vnic", "v6"),
    dl("delete-vnic", "nope0"),
    dl("delete-vnic", "zstub0"),
    dl("create-etherstub", "zstub0"),
    dl("delete-etherstub", "web0"),
    dl("show-vnic", "-l", "nope0"),
  ]);
  expectResult(unknownOver, die("invalid link name 'nope0'"));
  expectResult(vlan0, die("invalid VLAN identifier '0'"));
  expectResult(vlanHigh, die("invalid VLAN identifier '4095'"));
  expectResult(vlanText, die("invalid VLAN identifier 'abc'"));
  expectResult(badMac, die("invalid MAC address"));
  expect(noL.exitCode).toBe(1);
  expect(noL.stdout).toBe("");
  expect(noL.stderr.startsWith("usage:  dladm <subcommand> <args> ...\n    create-vnic      [-t] -l <link> [-m <value> | auto |\n")).toBe(true);
  expectResult(unknownDel, die("invalid link name 'nope0'"));
  expectResult(stubAsVnic, die("'zstub0' is not a vnic"));
  expectResult(stubExists, die("etherstub creation failed: object already exists"));
  expectResult(vnicAsStub, die("'web0' is not an etherstub"));
  expectResult(showL, die("invalid link name 'nope0': object not found"));
  expectResult(await dl("show-link", "nope0"), die("link nope0 is not valid: object not found"));
});

test("3.2 a VNIC used by a running zone is busy; deletable once the zone is halted", async () => {
  expectResult(await dl("create-vnic", "-l", "igb0", "busy0"), { exitCode: 0 });
  expectResult(await host.run("zonecfg", ["-z", "bz", `create -b; set zonepath=${join(host.zonesDir, "bz")}; add net; set physical=busy0; end; commit`]), { exitCode: 0 });
  expect((await host.run("zoneadm", ["-z", "bz", "install"])).exitCode).toBe(0);
  expectResult(await host.run("zoneadm", ["-z", "bz", "boot"]), { exitCode: 0 });
  expectResult(await dl("delete-vnic", "busy0"), die("vnic deletion failed: link busy"));
  expectResult(await host.run("zoneadm", ["-z", "bz", "halt"]), { exitCode: 0 });
  expectResult(await dl("delete-vnic", "busy0"), { exitCode: 0 });
  expectResult(await dl("show-vnic", "busy0"), die("invalid vnic name 'busy0': object not found"));
});

test("3.3 parsable output: field selection, escaping, raw single fields, MACs without leading zeros", async () => {
  expectResult(await dl("create-vnic", "-l", "igb0", "test0"), { exitCode: 0 });
  expectResult(await dl("create-vnic", "-l", "zstub0", "-v", "12", "-m", "02:08:20:0a:00:0c", "fixed0"), { exitCode: 0 });
  const [lov, mac, macRaw, fixed, noO, all, unknown, linkNoO, linkAll, classes] = await Promise.all([
    dl("show-vnic", "-p", "-o", "link,over,vid", "test0"),
    dl("show-vnic", "-p", "-o", "LINK,MACADDRESS", "test0"),
    dl("show-vnic", "-p", "-o", "MACADDRESS", "test0"),
    dl("show-vnic", "-p", "-o", "link,over,speed,macaddress,macaddrtype,vid", "fixed0"),
    dl("show-vnic", "-p"),
    dl("show-vnic", "-p", "-o", "all"),
    dl("show-vnic", "-p", "-o", "link,foo"),
    dl("show-link", "-p"),
    dl("show-link", "-p", "-o", "all"),
    dl("show-link", "-p", "-o", "link,class", "zstub0"),
  ]);
  expectResult(lov, { stdout: "test0:igb0:0\n", exitCode: 0 });
  const m = macRaw.stdout.trimEnd();
  expect(m.split(":")).toHaveLength(6);
  for (const part of m.split(":")) expect(part).toMatch(/^([1-9a-f][0-9a-f]?|0)$/);
  expect(m.startsWith("2:8:20:")).toBe(true);
  expectResult(macRaw, { stdout: `${m}\n`, exitCode: 0 });
  expectResult(mac, { stdout: `test0:${m.replace(/:/g, "\\:")}\n`, exitCode: 0 });
  expectResult(fixed, { stdout: "fixed0:zstub0:0:2\\:8\\:20\\:a\\:0\\:c:fixed:12\n", exitCode: 0 });
  expectResult(noO, die("output fields must be specified in parsable mode"));
  expectResult(all, die("output field `all' invalid in parsable mode"));
  expectResult(unknown, die("unknown output field: `foo'"));
  expectResult(linkNoO, die("-p requires -o"));
  expectResult(linkAll, die('"-o all" is invalid with -p'));
  expectResult(classes, { stdout: "zstub0:etherstub\n", exitCode: 0 });
});

test("3.3 human output: show-link as on a real OmniOS host, show-vnic, show-etherstub, show-phys", async () => {
  const h = await createSimHost({ phys: ["e1000g0"], etherstub: "" });
  try {
    expectResult(await h.run("dladm", ["create-vnic", "-l", "e1000g0", "serv_merp0"]), { exitCode: 0 });
    expectResult(await h.run("dladm", ["show-link"]), {
      stdout: "LINK        CLASS     MTU    STATE    BRIDGE     OVER\ne1000g0     phys      1500   up       --         --\nserv_merp0  vnic      1500   up       --         e1000g0\n",
      exitCode: 0,
    });
    const mac = (await h.run("dladm", ["show-vnic", "-p", "-o", "macaddress"])).stdout.trimEnd();
    expectResult(await h.run("dladm", ["show-vnic"]), {
      stdout: `LINK         OVER         SPEED  MACADDRESS        MACADDRTYPE         VID\nserv_merp0   e1000g0      1000   ${mac.padEnd(18)}random              0\n`,
      exitCode: 0,
    });
    expectResult(await h.run("dladm", ["show-phys"]), {
      stdout: "LINK         MEDIA                STATE      SPEED  DUPLEX    DEVICE\ne1000g0      Ethernet             up         1000   full      e1000g0\n",
      exitCode: 0,
    });
    expectResult(await h.run("dladm", ["show-etherstub"]), { stdout: "LINK\n", exitCode: 0 });
    expectResult(await h.run("dladm", ["show-vnic", "-o", "link,foo"]), { stdout: "LINK\nserv_merp0\n", stderr: "dladm: ignoring unknown output field: `foo'\n", exitCode: 0 });
  } finally {
    h.remove();
  }
  expectResult(await dl("show-etherstub"), { stdout: "LINK\nzstub0\n", exitCode: 0 });
  // Creation (datalink id) order; the two VNICs created in parallel above may come either way.
  const order = (await dl("show-link", "-p", "-o", "link")).stdout.trimEnd().split("\n");
  expect(order.slice(0, 4)).toEqual(["igb0", "igb1", "zstub0", "web0"]);
  expect(order.slice(4, 6).sort()).toEqual(["a".repeat(30) + "1", "my_vnic.2"]);
  expect(order.slice(6)).toEqual(["test0", "fixed0"]);
});

test("3.3 MACs are deterministic: the same operations on two fresh hosts give the same addresses", async () => {
  const [a, b] = await Promise.all([createSimHost(), createSimHost()]);
  try {
    for (const h of [a, b]) for (const n of ["d0", "d1"]) expectResult(await h.run("dladm", ["create-vnic", "-l", "igb0", n]), { exitCode: 0 });
    const [ma, mb] = await Promise.all([a.run("dladm", ["show-vnic", "-p", "-o", "link,macaddress"]), b.run("dladm", ["show-vnic", "-p", "-o", "link,macaddress"])]);
    expect(ma.stdout).toBe(mb.stdout);
    const macs = ma.stdout.trimEnd().split("\n");
    expect(new Set(macs.map((l) => l.split(":").slice(1).join(":"))).size).toBe(2);
  } finally {
    a.remove();
    b.remove();
  }
});
