// The simulated host as a whole: install transcript and on-disk effects (SPEC 2.5/2.6), the
// index file and uuids (1.8), faults, the command log, the per-zone lock, knobs, concurrency.

import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSimHost, runSim, type SimHost } from "../harness/sim";
import { expectResult } from "./expect-result";

let host: SimHost;

async function configure(h: SimHost, name: string, zonepath = join(h.zonesDir, name)): Promise<void> {
  expectResult(await h.run("zonecfg", ["-z", name, `create -b; set zonepath=${zonepath}; commit`]), { exitCode: 0 });
}

async function state(h: SimHost, name: string): Promise<string[]> {
  return (await h.run("zoneadm", ["-z", name, "list", "-p"])).stdout.trimEnd().split(":");
}

beforeAll(async () => {
  host = await createSimHost({ installDelayMs: 5 });
});
afterAll(() => host.remove());

test("2.5/2.6 install: transcript with the global image's publishers, datasets, directories, zone image; uninstall -F removes them", async () => {
  const h = await createSimHost({ installDelayMs: 5, publishers: ["omnios=https://pkg.omnios.org/r151046/core", "extra.omnios=https://pkg.omnios.org/r151046/extra/"] });
  try {
    const zp = join(h.zonesDir, "test");
    await configure(h, "test");
    const r = await h.run("zoneadm", ["-z", "test", "install"]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.replace(/completed in \d+\.\d{3} seconds/, "completed in N seconds")).toBe(`A ZFS file system has been created for this zone.

       Image: Preparing at ${zp}/root.
Sanity Check: Looking for 'entire' incorporation.
   Publisher: Using omnios (https://pkg.omnios.org/r151046/core/).
   Publisher: Using extra.omnios (https://pkg.omnios.org/r151046/extra/).
       Cache: Using /var/pkg/publisher.
  Installing: Packages (output follows)
Packages to install: 197
Mediators to change:   3
 Services to change:   5

DOWNLOAD                                PKGS         FILES    XFER (MB)   SPEED
Completed                            197/197     1292/1292      4.5/4.5      --

PHASE                                          ITEMS
Installing new actions                     5638/5638
Updating package state database                 Done
Updating package cache                           0/0
Updating image state                            Done
Creating fast lookup database                   Done
 Postinstall: Copying SMF seed repository ... done.
        Done: Installation completed in N seconds.
`);
    expect(statSync(zp).mode & 0o777).toBe(0o700);
    expect(statSync(join(zp, "root")).mode & 0o777).toBe(0o755);
    expectResult(await h.run("zfs", ["list", "-H", "-o", "name,mountpoint", "-r", "rpool/zones"]), {
      stdout: `rpool/zones\t${h.zonesDir}\nrpool/zones/test\t${zp}\nrpool/zones/test/ROOT\tlegacy\nrpool/zones/test/ROOT/zbe\tlegacy\n`,
      exitCode: 0,
    });
    const globalPubs = await h.run("pkg", ["publisher", "-H", "-F", "tsv"]);
    expectResult(await h.run("pkg", ["-R", join(zp, "root"), "publisher", "-H", "-F", "tsv"]), { stdout: globalPubs.stdout, exitCode: 0 });
    expectResult(await h.run("zoneadm", ["-z", "test", "uninstall", "-F"]), { exitCode: 0 });
    expect(existsSync(zp)).toBe(false);
    expectResult(await h.run("zfs", ["list", "-H", "-o", "name", "-r", "rpool/zones"]), { stdout: "rpool/zones\n", exitCode: 0 });
    // A second install creates the zonepath dataset again; extra user data survives uninstall.
    expect((await h.run("zoneadm", ["-z", "test", "install"])).stdout.startsWith("A ZFS file system has been created for this zone.\n")).toBe(true);
    writeFileSync(join(zp, "notes.txt"), "mine\n");
    expectResult(await h.run("zoneadm", ["-z", "test", "uninstall", "-F"]), {
      stdout: `WARNING: Unable to completely remove ${zp}\nbecause it contains additional user data.  Only the standard directory\nentries have been removed.\n`,
      exitCode: 0,
    });
    expect(readFileSync(join(zp, "notes.txt"), "utf8")).toBe("mine\n");
    expect(existsSync(join(zp, "root"))).toBe(false);
  } finally {
    h.remove();
  }
});

test("2.5 install refuses a zonepath whose parent is not a ZFS dataset; the zone stays configured", async () => {
  await configure(host, "nz", join(host.root, "elsewhere", "nz"));
  expectResult(await host.run("zoneadm", ["-z", "nz", "install"]), { stderr: "ERROR: the zonepath must be a ZFS dataset.\n", exitCode: 1 });
  expect((await state(host, "nz"))[2]).toBe("configured");
});

test("1.8 the index file: global first, empty uuid until installed, quoted zonepaths with ':'; debug ids from the first commit", async () => {
  const h = await createSimHost({ installDelayMs: 5 });
  try {
    await configure(h, "a1");
    await configure(h, "a2", join(h.zonesDir, "x:y"));
    const index = () => readFileSync(join(h.root, "etc", "zones", "index"), "utf8");
    expect(index()).toBe(`global:installed:/\na1:configured:${join(h.zonesDir, "a1")}:\na2:configured:"${join(h.zonesDir, "x:y")}":\n`);
    expect((await h.run("zoneadm", ["-z", "a1", "install"])).exitCode).toBe(0);
    const uuid = (await state(h, "a1"))[4]!;
    expect(index().split("\n")[1]).toBe(`a1:installed:${join(h.zonesDir, "a1")}:${uuid}`);
    expectResult(await h.run("zoneadm", ["-z", "a1", "uninstall", "-F"]), { exitCode: 0 });
    expect(index().split("\n")[1]).toBe(`a1:configured:${join(h.zonesDir, "a1")}:`);
    expect((await state(h, "a1"))[7]).toBe("1");
    expect((await state(h, "a2")).at(-1)).toBe("2"); // the escaped ":" shifts naive split fields
    // zonecfg keeps the debug id across later commits
    expectResult(await h.run("zonecfg", ["-z", "a1", "set autoboot=true"]), { exitCode: 0 });
    expect((await state(h, "a1"))[7]).toBe("1");
  } finally {
    h.remove();
  }
});

test("faults: the Nth matching call fails with the given text and status; --zone, --when after and during", async () => {
  await Promise.all([configure(host, "f1"), configure(host, "f2"), configure(host, "f3")]);
  await host.addFault({ cmd: "zoneadm install", zone: "f1", nth: 2, stderr: "ERROR: simulated failure", exit: 7 });
  const first = await host.run("zoneadm", ["-z", "f2", "install"]);
  expect(first.exitCode).toBe(0);
  expect((await host.run("zoneadm", ["-z", "f1", "install"])).exitCode).toBe(0);
  expectResult(await host.run("zoneadm", ["-z", "f1", "uninstall", "-F"]), { exitCode: 0 });
  expectResult(await host.run("zoneadm", ["-z", "f1", "install"]), { stderr: "ERROR: simulated failure\n", exitCode: 7 });
  expect((await state(host, "f1"))[2]).toBe("configured");
  expect((await host.run("zoneadm", ["-z", "f1", "install"])).exitCode).toBe(0);
  await host.addFault({ cmd: "dladm create-vnic", stderr: "dladm: simulated", when: "after" });
  expectResult(await host.run("dladm", ["create-vnic", "-l", "igb0", "fv0"]), { stderr: "dladm: simulated\n", exitCode: 1 });
  expectResult(await host.run("dladm", ["show-vnic", "-p", "-o", "link", "fv0"]), { stdout: "fv0\n", exitCode: 0 });
  await host.addFault({ cmd: "zoneadm install", zone: "f3", stderr: "pkg: transfer timed out", exit: 1, when: "during" });
  const during = await host.run("zoneadm", ["-z", "f3", "install"]);
  expect(during.exitCode).toBe(1);
  expect(during.stderr).toBe("pkg: transfer timed out\n");
  expect(during.stdout.startsWith("A ZFS file system has been created for this zone.\n")).toBe(true);
  expect((await state(host, "f3"))[2]).toBe("incomplete");
  expectResult(await host.run("zoneadm", ["-z", "f3", "uninstall", "-F"]), { exitCode: 0 });
  await host.clearFaults();
});

test("faults: a hung command is killed; the host lock stays usable and a dead zoneadm's zone lock is recovered", async () => {
  await Promise.all([configure(host, "hg1"), configure(host, "hg2")]);
  expect((await host.run("zoneadm", ["-z", "hg1", "install"])).exitCode).toBe(0);
  await host.addFault({ cmd: "zoneadm boot", zone: "hg1", hang: true });
  await host.addFault({ cmd: "zoneadm install", zone: "hg2", hang: true, when: "during" });
  const [boot, install] = await Promise.all([host.run("zoneadm", ["-z", "hg1", "boot"], { timeoutMs: 1500 }), host.run("zoneadm", ["-z", "hg2", "install"], { timeoutMs: 1500 })]);
  expect(boot.exitCode).toBe(137);
  expect(install.exitCode).toBe(137);
  expect((await state(host, "hg1"))[2]).toBe("installed");
  expect((await state(host, "hg2"))[2]).toBe("incomplete");
  const hung = host.log().filter((e) => e.exitCode === null);
  expect(hung.map((e) => e.argv.join(" ")).sort()).toEqual(["zoneadm -z hg1 boot", "zoneadm -z hg2 install"]);
  expect(hung.every((e) => e.ms === null)).toBe(true);
  await host.clearFaults();
  expectResult(await host.run("zoneadm", ["-z", "hg1", "boot"]), { exitCode: 0 });
  expectResult(await host.run("zoneadm", ["-z", "hg2", "uninstall", "-F"]), { exitCode: 0 });
  expect((await state(host, "hg2"))[2]).toBe("configured");
});

test("2.4 the per-zone lock: a second zoneadm on a zone that is installing is refused; other zones proceed", async () => {
  const h = await createSimHost({ installDelayMs: 1500 });
  try {
    await Promise.all([configure(h, "lk1"), configure(h, "lk2")]);
    const installing = h.run("zoneadm", ["-z", "lk1", "install"]);
    const other = h.run("zoneadm", ["-z", "lk2", "install"]);
    for (let i = 0; i < 100 && (await state(h, "lk1"))[2] !== "incomplete"; i++) await new Promise((r) => setTimeout(r, 50));
    expectResult(await h.run("zoneadm", ["-z", "lk1", "uninstall", "-F"]), { stderr: "zoneadm: zone 'lk1': another zoneadm may have an operation in progress.\n", exitCode: 1 });
    const [a, b] = await Promise.all([installing, other]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect((await state(h, "lk1"))[2]).toBe("installed");
  } finally {
    h.remove();
  }
});

test("the command log: one JSON line per simulated command (simctl is not logged)", async () => {
  const h = await createSimHost();
  try {
    await h.run("zoneadm", ["list"]);
    await h.run("dladm", ["show-vnic", "nope0"]);
    await h.run("pfexec", ["zoneadm", "list", "-p"]);
    const log = h.log();
    expect(log.map((e) => [e.argv, e.exitCode])).toEqual([
      [["zoneadm", "list"], 0],
      [["dladm", "show-vnic", "nope0"], 1],
      [["zoneadm", "list", "-p"], 0],
      [["pfexec", "zoneadm", "list", "-p"], 0],
    ]);
    for (const e of log) {
      expect(typeof e.pid).toBe("number");
      expect(typeof e.ms).toBe("number");
      expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    }
    const text = await h.run("simctl", ["log"]);
    expect(text.stdout.split("\n").filter((l) => l !== "")).toHaveLength(4);
  } finally {
    h.remove();
  }
});

test("knobs: zonecfg can commit after an error like zonecfg.c does; ILLUMOS_SIM_ROOT must be set", async () => {
  const h = await createSimHost();
  try {
    expectResult(await h.run("simctl", ["config", "--zonecfg-commit-on-error", "true"]), { exitCode: 0 });
    expectResult(await h.run("zonecfg", ["-z", "ce", `create -b; set zonepath=${join(h.zonesDir, "ce")}; set autoboot=maybe`]), { stderr: "autoboot value must be 'true' or 'false'.\n", exitCode: 1 });
    expectResult(await h.run("zonecfg", ["-z", "ce", "info autoboot"]), { stdout: "autoboot: false\n", exitCode: 0 });
  } finally {
    h.remove();
  }
  const unset = await runSim("", "zoneadm", ["list"]);
  expect(unset.exitCode).toBe(2);
  expect(unset.stdout).toBe("");
  expect(unset.stderr).toContain("ILLUMOS_SIM_ROOT is not set");
});

test("concurrency: 20 parallel flows create VNICs and zones, install and boot them; the host stays consistent", async () => {
  const h = await createSimHost({ installDelayMs: 20 });
  try {
    const names = Array.from({ length: 20 }, (_, i) => `cz${i}`);
    const flows = names.map(async (n) => {
      const steps = [
        await h.run("dladm", ["create-vnic", "-l", n.endsWith("1") ? "igb1" : "igb0", `${n}n0`]),
        await h.run("zonecfg", ["-z", n, `create -b; set zonepath=${join(h.zonesDir, n)}; add net; set physical=${n}n0; set allowed-address=10.1.0.${n.slice(2)}/24; end; commit`]),
        await h.run("zoneadm", ["-z", n, "install"]),
        await h.run("zoneadm", ["-z", n, "boot"]),
      ];
      return steps.map((s) => s.exitCode);
    });
    expect(await Promise.all(flows)).toEqual(names.map(() => [0, 0, 0, 0]));
    const list = (await h.run("zoneadm", ["list", "-cp"])).stdout.trimEnd().split("\n").map((l) => l.split(":"));
    expect(list).toHaveLength(21);
    expect(new Set(list.map((r) => r[0])).size).toBe(21);
    expect(list.slice(1).every((r) => r[2] === "running" && /^[0-9a-f-]{36}$/.test(r[4]!))).toBe(true);
    expect(list.slice(1).map((r) => r[1]).sort()).toEqual([...names].sort());
    const index = readFileSync(join(h.root, "etc", "zones", "index"), "utf8").trimEnd().split("\n");
    expect(index[0]).toBe("global:installed:/");
    expect(index.slice(1).map((l) => l.split(":")[0]).sort()).toEqual([...names].sort());
    expect(new Set(list.slice(1).map((r) => r[7])).size).toBe(20);
    expect((await h.run("dladm", ["show-vnic", "-p", "-o", "link"])).stdout.trimEnd().split("\n").sort()).toEqual(names.map((n) => `${n}n0`).sort());
    expect((await h.run("zfs", ["list", "-H", "-o", "name", "-r", "rpool/zones"])).stdout.trimEnd().split("\n")).toHaveLength(1 + 3 * 20);
    const teardown = names.map(async (n) => [
      (await h.run("zoneadm", ["-z", n, "halt"])).exitCode,
      (await h.run("zoneadm", ["-z", n, "uninstall", "-F"])).exitCode,
      (await h.run("zonecfg", ["-z", n, "delete", "-F"])).exitCode,
      (await h.run("dladm", ["delete-vnic", `${n}n0`])).exitCode,
    ]);
    expect(await Promise.all(teardown)).toEqual(names.map(() => [0, 0, 0, 0]));
    expect(readFileSync(join(h.root, "etc", "zones", "index"), "utf8")).toBe("global:installed:/\n");
    expectResult(await h.run("dladm", ["show-vnic"]), { stdout: "LINK         OVER         SPEED  MACADDRESS        MACADDRTYPE         VID\n", exitCode: 0 });
    expect(h.log().filter((e) => e.exitCode !== 0)).toEqual([]);
    expect(h.log()).toHaveLength(20 * 8 + 4);
  } finally {
    h.remove();
  }
});
