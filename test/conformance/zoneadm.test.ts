// Conformance of the simulated zoneadm with SPEC.md sections 2, 8 and 9: usage, list formats
// and ordering, and every transition of the state machine, allowed and refused.

import { spawn } from "node:child_process";
import { join } from "node:path";
import { createSimHost, simEnv, type SimHost, type SimResult } from "../harness/sim";
import { expectResult } from "./expect-result";

let host: SimHost;
const za = (zone: string, ...args: string[]) => host.run("zoneadm", ["-z", zone, ...args]);

const USAGE =
  "usage:\tzoneadm help\n\tzoneadm [-z <zone>] [-u <uuid-match>] list\n\tzoneadm {-z <zone>|-u <uuid-match>} <subcommand>\n\nSubcommands:\n\n" +
  "help\nboot [-- boot_arguments]\nhalt\nready\nshutdown [-r [-- boot_arguments]]\nreboot [-- boot_arguments]\nlist [-cipv]\nverify\n" +
  "install [brand-specific args]\nuninstall [-F] [brand-specific args]\nclone [-m method] [-s <ZFS snapshot>] [brand-specific args] zonename\n" +
  "move zonepath\ndetach [-n] [brand-specific args]\nattach [-F] [-n <path>] [brand-specific args]\nmark incomplete\n\n";

/** Configures a zone under the zones dataset. */
async function configure(name: string, extra = ""): Promise<void> {
  const r = await host.run("zonecfg", ["-z", name, `create -b; set zonepath=${join(host.zonesDir, name)}; set brand=lipkg; set ip-type=exclusive${extra}; commit`]);
  expectResult(r, { exitCode: 0 });
}

/** Brings a zone from configured to the named state. */
async function bringTo(name: string, state: "configured" | "installed" | "running" | "ready" | "incomplete"): Promise<void> {
  await configure(name);
  if (state === "configured") return;
  expect((await za(name, "install")).exitCode).toBe(0);
  if (state === "running") expectResult(await za(name, "boot"), { exitCode: 0 });
  if (state === "ready") expectResult(await za(name, "ready"), { exitCode: 0 });
  if (state === "incomplete") expectResult(await za(name, "mark", "incomplete"), { exitCode: 0 });
}

/** The parsable list line of a zone, split into its 8 fields. */
async function fields(name: string): Promise<string[]> {
  const r = await za(name, "list", "-p");
  expect(r.exitCode).toBe(0);
  return r.stdout.trimEnd().split(":");
}

const err = (zone: string, msg: string, exitCode = 1) => ({ stderr: `zoneadm: zone '${zone}': ${msg}\n`, exitCode });

beforeAll(async () => {
  host = await createSimHost({ installDelayMs: 5 });
});
afterAll(() => host.remove());

test("2.1 usage, help, unknown subcommand, subcommand usage, nonexistent and global zones", async () => {
  await configure("u1");
  const [none, bogus, help, subUsage, nope, nopeBoot, globalBoot, globalList] = await Promise.all([
    host.run("zoneadm", []),
    za("u1", "bogus"),
    host.run("zoneadm", ["help"]),
    za("u1", "boot", "-x"),
    za("nope", "list", "-p"),
    za("nope", "boot"),
    za("global", "boot"),
    za("global", "list", "-p"),
  ]);
  expectResult(none, { stderr: USAGE, exitCode: 2 });
  expectResult(bogus, { stderr: USAGE, exitCode: 2 });
  expect(help.exitCode).toBe(0);
  expect(help.stderr).toBe("");
  expect(help.stdout.startsWith("usage:\tzoneadm help\n\tzoneadm [-z <zone>] [-u <uuid-match>] list\n")).toBe(true);
  expect(subUsage.exitCode).toBe(2);
  expect(subUsage.stdout).toBe("");
  expect(subUsage.stderr.startsWith("usage:\tboot [-- boot_arguments]\n\t")).toBe(true);
  expectResult(nope, { stderr: "zoneadm: nope: No such zone configured\n", exitCode: 1 });
  expectResult(nopeBoot, { stderr: "zoneadm: nope: No such zone configured\n", exitCode: 1 });
  expectResult(globalBoot, err("global", "boot operation is invalid for the global zone."));
  expectResult(globalList, { stdout: "0:global:running:/::ipkg:shared:0\n", exitCode: 0 });
});

test("2.2 list: running only, -c, -i, -p, -v, -n, -z; kernel zones first in boot order; uuid empty until install", async () => {
  await bringTo("l1", "configured");
  await bringTo("l2", "installed");
  await bringTo("l3", "running");
  await bringTo("l4", "ready");
  await bringTo("l5", "incomplete");
  await configure("l6");
  const [plain, all, installed, parsable, noGlobal, verbose, both, zoneP, zoneV, zoneC] = await Promise.all([
    host.run("zoneadm", ["list"]),
    host.run("zoneadm", ["list", "-c"]),
    host.run("zoneadm", ["list", "-i"]),
    host.run("zoneadm", ["list", "-cp"]),
    host.run("zoneadm", ["list", "-cpn"]),
    host.run("zoneadm", ["list", "-cv"]),
    host.run("zoneadm", ["list", "-pv"]),
    za("l2", "list", "-p"),
    za("l1", "list", "-v"),
    za("l1", "list", "-c"),
  ]);
  const others = (r: SimResult) => r.stdout.split("\n").filter((l) => l !== "" && !/^(-|\d+):u1:|^u1$/.test(l));
  expectResult({ ...plain, stdout: others(plain).join("\n") + "\n" }, { stdout: "global\nl3\nl4\n", exitCode: 0 });
  expect(others(all)).toEqual(["global", "l3", "l4", "l1", "l2", "l5", "l6"]);
  expect(others(installed)).toEqual(["global", "l3", "l4", "l2"]);
  const rows = others(parsable).map((l) => l.split(":"));
  expect(rows.map((r) => r.length)).toEqual([8, 8, 8, 8, 8, 8, 8]);
  expect(rows.map((r) => [r[1], r[2]])).toEqual([
    ["global", "running"],
    ["l3", "running"],
    ["l4", "ready"],
    ["l1", "configured"],
    ["l2", "installed"],
    ["l5", "incomplete"],
    ["l6", "configured"],
  ]);
  const byName = new Map(rows.map((r) => [r[1], r]));
  for (const n of ["l1", "l5", "l6"]) expect(byName.get(n)![4]).toBe("");
  for (const n of ["l2", "l3", "l4"]) expect(byName.get(n)![4]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  for (const n of ["l1", "l2", "l5", "l6"]) expect(byName.get(n)![0]).toBe("-");
  expect(Number(byName.get("l3")![0])).toBeGreaterThan(0);
  expect(Number(byName.get("l4")![0])).toBeGreaterThan(Number(byName.get("l3")![0]));
  for (const n of ["l1", "l2", "l3"]) expect(byName.get(n)!.slice(3, 4).concat(byName.get(n)!.slice(5, 7))).toEqual([join(host.zonesDir, n), "lipkg", "excl"]);
  for (const n of ["l1", "l2", "l3", "l4", "l5", "l6"]) expect(byName.get(n)![7]).toMatch(/^\d+$/);
  expect(others(noGlobal).some((l) => l.startsWith("0:global:"))).toBe(false);
  expect(others(noGlobal)).toHaveLength(6);
  const vlines = verbose.stdout.split("\n");
  expect(vlines[0]).toBe("  ID NAME             STATUS     PATH                           BRAND    IP    ");
  expect(vlines[1]).toBe("   0 global           running    /                              ipkg     shared");
  expect(vlines).toContain(`   - l1               configured ${join(host.zonesDir, "l1").padEnd(30)} lipkg    excl  `);
  expectResult(both, { stderr: "zoneadm: list -p and -v are mutually exclusive.\n", exitCode: 1 });
  expectResult(zoneP, { stdout: byName.get("l2")!.join(":") + "\n", exitCode: 0 });
  expectResult(zoneV, {
    stdout: "  ID NAME             STATUS     PATH                           BRAND    IP    \n" + `   - l1               configured ${join(host.zonesDir, "l1").padEnd(30)} lipkg    excl  \n`,
    exitCode: 0,
  });
  expect(zoneC.exitCode).toBe(2);
  expect(zoneC.stderr.startsWith("usage:\tlist [-cipv]\n\t")).toBe(true);
});

test("2.2 list -p escapes ':' and '\\' in the zonepath", async () => {
  const zp = join(host.zonesDir, "a:b\\c");
  expectResult(await host.run("zonecfg", ["-z", "esc", `create -b; set zonepath="${zp}"; commit`]), { exitCode: 0 });
  const r = await za("esc", "list", "-p");
  expect(r.stdout.split(":").slice(0, 3)).toEqual(["-", "esc", "configured"]);
  expect(r.stdout).toContain(`:${zp.replace(/\\/g, "\\\\").replace(/:/g, "\\:")}::lipkg:excl:`);
});

test("2.4 install: configured -> installed; refused when installed, incomplete, running", async () => {
  await Promise.all([bringTo("i1", "configured"), bringTo("i2", "installed"), bringTo("i3", "incomplete"), bringTo("i4", "running"), bringTo("i5", "ready")]);
  const [ok, again, incomplete, running, ready] = await Promise.all([za("i1", "install"), za("i2", "install"), za("i3", "install"), za("i4", "install"), za("i5", "install")]);
  expect(ok.exitCode).toBe(0);
  expect(ok.stdout).toContain("Done: Installation completed in ");
  expect((await fields("i1"))[2]).toBe("installed");
  expectResult(again, err("i2", "is already installed."));
  expectResult(incomplete, err("i3", "zone is incomplete; uninstall required."));
  expectResult(running, err("i4", "install operation is invalid for running zones."));
  expectResult(ready, err("i5", "install operation is invalid for ready zones."));
});

test("2.5 install prints its transcript as it goes: the first lines come out before the install ends", async () => {
  await configure("pi");
  const started = Date.now();
  const child = spawn("zoneadm", ["-z", "pi", "install"], { env: { ...process.env, ...simEnv(host.root), ILLUMOS_SIM_INSTALL_DELAY_MS: "1500" }, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Array<{ text: string; ms: number }> = [];
  child.stdout.on("data", (b: Buffer) => chunks.push({ text: b.toString("utf8"), ms: Date.now() - started }));
  const exitCode = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const endMs = Date.now() - started;
  expect(exitCode).toBe(0);
  expect(chunks[0]!.text).toContain("Sanity Check: Looking for 'entire' incorporation.\n");
  expect(chunks[0]!.text).not.toContain("Done: Installation completed");
  expect(endMs - chunks[0]!.ms).toBeGreaterThan(1000);
  expect(chunks.map((c) => c.text).join("")).toMatch(/ Postinstall: Copying SMF seed repository \.\.\. done\.\n +Done: Installation completed in \d+\.\d{3} seconds\.\n$/);
});

test("2.4 uninstall: -F from installed and incomplete; refused without -F, when configured, when running", async () => {
  await Promise.all([bringTo("x1", "installed"), bringTo("x2", "incomplete"), bringTo("x3", "configured"), bringTo("x4", "running"), bringTo("x5", "installed")]);
  const [inst, inc, conf, run, noF] = await Promise.all([za("x1", "uninstall", "-F"), za("x2", "uninstall", "-F"), za("x3", "uninstall", "-F"), za("x4", "uninstall", "-F"), za("x5", "uninstall")]);
  expectResult(inst, { exitCode: 0 });
  expectResult(inc, { exitCode: 0 });
  expect((await fields("x1")).slice(2, 5)).toEqual(["configured", join(host.zonesDir, "x1"), ""]);
  expect((await fields("x2"))[2]).toBe("configured");
  expectResult(conf, err("x3", "is already in state 'configured'."));
  expectResult(run, err("x4", "uninstall operation is invalid for running zones."));
  expectResult(noF, err("x5", "Input not from terminal and -F not specified: uninstall not done."));
  expect((await fields("x5"))[2]).toBe("installed");
});

test("2.4 boot: installed and ready -> running, -f from incomplete; refused when configured/incomplete; already booted is exit 0", async () => {
  await Promise.all([bringTo("b1", "installed"), bringTo("b2", "ready"), bringTo("b3", "configured"), bringTo("b4", "incomplete"), bringTo("b5", "running"), bringTo("b6", "incomplete")]);
  const readyId = (await fields("b2"))[0];
  const [fromInstalled, fromReady, conf, inc, already, forced] = await Promise.all([za("b1", "boot"), za("b2", "boot"), za("b3", "boot"), za("b4", "boot"), za("b5", "boot"), za("b6", "boot", "-f")]);
  expectResult(fromInstalled, { exitCode: 0 });
  expectResult(fromReady, { exitCode: 0 });
  expect((await fields("b1"))[2]).toBe("running");
  expect((await fields("b2")).slice(0, 3)).toEqual([readyId, "b2", "running"]);
  expectResult(conf, err("b3", "must be installed before boot."));
  expectResult(inc, err("b4", "must be installed before boot."));
  expectResult(already, { stderr: "zone 'b5': zone is already booted\n", exitCode: 0 });
  expectResult(forced, { exitCode: 0 });
  expect((await fields("b6"))[2]).toBe("running");
});

test("2.4 ready: installed and running -> ready; already ready is exit 0; refused before install", async () => {
  await Promise.all([bringTo("r1", "installed"), bringTo("r2", "running"), bringTo("r3", "ready"), bringTo("r4", "configured")]);
  const [a, b, c, d] = await Promise.all([za("r1", "ready"), za("r2", "ready"), za("r3", "ready"), za("r4", "ready")]);
  expectResult(a, { exitCode: 0 });
  expectResult(b, { exitCode: 0 });
  expect((await fields("r1"))[2]).toBe("ready");
  expect((await fields("r2"))[2]).toBe("ready");
  expectResult(c, { stderr: "zone 'r3': zone is already ready\n", exitCode: 0 });
  expectResult(d, err("r4", "must be installed before ready."));
});

test("2.4/8 halt: running and ready -> installed (zone id gone); already halted is exit 0; configured is refused", async () => {
  await Promise.all([bringTo("h1", "running"), bringTo("h2", "ready"), bringTo("h3", "installed"), bringTo("h4", "configured")]);
  const [a, b, c, d] = await Promise.all([za("h1", "halt"), za("h2", "halt"), za("h3", "halt"), za("h4", "halt")]);
  expectResult(a, { exitCode: 0 });
  expectResult(b, { exitCode: 0 });
  expect((await fields("h1")).slice(0, 3)).toEqual(["-", "h1", "installed"]);
  expect((await fields("h2")).slice(0, 3)).toEqual(["-", "h2", "installed"]);
  expectResult(c, { stderr: "zone 'h3': zone is already halted\n", exitCode: 0 });
  // UNVERIFIED sequence (SPEC 10.2): zoneadmd's refusal, then libzonecfg's start_zoneadmd() failure.
  expectResult(d, { stderr: "cannot manage a zone which is in state 'configured'\nzone 'h4': could not start zoneadmd\n", exitCode: 1 });
});

test("2.4 shutdown [-r] and reboot: running only; a reboot gets a new zone id", async () => {
  await Promise.all([bringTo("s1", "running"), bringTo("s2", "running"), bringTo("s3", "installed"), bringTo("s4", "running"), bringTo("s5", "installed")]);
  const oldId = (await fields("s4"))[0];
  const [down, restart, notRunning, reboot, rebootInstalled] = await Promise.all([za("s1", "shutdown"), za("s2", "shutdown", "-r"), za("s3", "shutdown"), za("s4", "reboot"), za("s5", "reboot")]);
  expectResult(down, { exitCode: 0 });
  expectResult(restart, { exitCode: 0 });
  expect((await fields("s1")).slice(0, 3)).toEqual(["-", "s1", "installed"]);
  expect((await fields("s2"))[2]).toBe("running");
  expectResult(notRunning, err("s3", "not running"));
  expectResult(reboot, { exitCode: 0 });
  const after = await fields("s4");
  expect(after[2]).toBe("running");
  expect(after[0]).not.toBe(oldId);
  expectResult(rebootInstalled, err("s5", "not running"));
});

test("2.4 verify: silent for configured and installed zones, refused when incomplete, zonepath overlap", async () => {
  await Promise.all([bringTo("v1", "configured"), bringTo("v2", "installed"), bringTo("v3", "incomplete")]);
  expectResult(await host.run("zonecfg", ["-z", "v4", `create -b; set zonepath=${join(host.zonesDir, "v2", "inner")}; commit`]), { exitCode: 0 });
  const [a, b, c, d] = await Promise.all([za("v1", "verify"), za("v2", "verify"), za("v3", "verify"), za("v4", "verify")]);
  expectResult(a, { exitCode: 0 });
  expectResult(b, { exitCode: 0 });
  expectResult(c, err("v3", "zone is incomplete; uninstall required."));
  const p4 = join(host.zonesDir, "v2", "inner");
  const p2 = join(host.zonesDir, "v2");
  expectResult(d, { stderr: `v4 zonepath (${p4}) and v2 zonepath (${p2}) overlap.\ncould not verify zonepath ${p4} because of the above errors.\nzoneadm: zone v4 failed to verify\n`, exitCode: 1 });
});

test("2.4 clone: target configured from an installed source; refused for running, uninstalled or other-brand sources", async () => {
  await Promise.all([bringTo("src1", "installed"), bringTo("src2", "running"), bringTo("src3", "configured"), configure("c1"), configure("c2"), configure("c3")]);
  expectResult(await host.run("zonecfg", ["-z", "c4", `create -t sparse; set zonepath=${join(host.zonesDir, "c4")}; commit`]), { exitCode: 0 });
  const ok = await za("c1", "clone", "src1");
  expectResult(ok, { stdout: "A ZFS file system has been created for this zone.\n", exitCode: 0 });
  expect((await fields("c1"))[2]).toBe("installed");
  const [running, notInstalled, brands, targetInstalled] = await Promise.all([za("c2", "clone", "src2"), za("c3", "clone", "src3"), za("c4", "clone", "src1"), za("c1", "clone", "src1")]);
  expectResult(running, err("c2", "clone operation is invalid for running zones."));
  expectResult(notInstalled, { stderr: "zoneadm: zone src3 is configured; installed is required.\n", exitCode: 1 });
  expectResult(brands, { stderr: "zoneadm: Zones 'src1' and 'c4' have different brand types.\n", exitCode: 1 });
  expectResult(targetInstalled, err("c1", "is already installed."));
});

test("2.4 move, detach, attach, mark incomplete", async () => {
  await Promise.all([bringTo("m1", "installed"), bringTo("m2", "configured"), bringTo("m3", "running"), bringTo("d1", "installed"), bringTo("d2", "configured"), bringTo("k1", "installed")]);
  const newPath = join(host.zonesDir, "m1-moved");
  const [move, moveConf, moveRun, detachConf] = await Promise.all([za("m1", "move", newPath), za("m2", "move", newPath), za("m3", "move", newPath), za("d2", "detach")]);
  expectResult(move, { exitCode: 0 });
  expect((await fields("m1")).slice(2, 4)).toEqual(["installed", newPath]);
  expectResult(await host.run("zonecfg", ["-z", "m1", "info zonepath"]), { stdout: `zonepath: ${newPath}\n`, exitCode: 0 });
  expectResult(moveConf, err("m2", "must be installed before move."));
  expectResult(moveRun, err("m3", "move operation is invalid for running zones."));
  expectResult(detachConf, err("d2", "must be installed before detach."));
  expectResult(await za("d1", "detach"), { exitCode: 0 });
  expect((await fields("d1")).slice(2, 5)).toEqual(["configured", join(host.zonesDir, "d1"), ""]);
  expectResult(await za("d1", "attach", "-F", "-n", "/tmp/x"), err("d1", "-F and -n flags are mutually exclusive"));
  expectResult(await za("d1", "attach"), { exitCode: 0 });
  expect((await fields("d1"))[2]).toBe("installed");
  expectResult(await za("d1", "attach"), err("d1", "is already installed."));
  expectResult(await za("k1", "mark", "incomplete"), { exitCode: 0 });
  const k = await fields("k1");
  expect([k[2], k[4]]).toEqual(["incomplete", ""]);
  expectResult(await za("k1", "mark", "incomplete"), err("k1", "must be installed before mark."));
  expectResult(await za("k1", "mark", "-F", "incomplete"), { exitCode: 0 });
});
