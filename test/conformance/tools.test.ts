// Conformance of the simulated zlogin, pkg, zfs and pfexec with SPEC.md 5, 6 and 9.

import { join } from "node:path";
import { createSimHost, type SimHost } from "../harness/sim";
import { expectResult } from "./expect-result";

let host: SimHost;

async function zone(name: string, state: "configured" | "incomplete" | "installed" | "ready" | "running"): Promise<void> {
  expectResult(await host.run("zonecfg", ["-z", name, `create -b; set zonepath=${join(host.zonesDir, name)}; commit`]), { exitCode: 0 });
  if (state === "configured") return;
  expect((await host.run("zoneadm", ["-z", name, "install"])).exitCode).toBe(0);
  if (state === "incomplete") expectResult(await host.run("zoneadm", ["-z", name, "mark", "incomplete"]), { exitCode: 0 });
  if (state === "ready") expectResult(await host.run("zoneadm", ["-z", name, "ready"]), { exitCode: 0 });
  if (state === "running") expectResult(await host.run("zoneadm", ["-z", name, "boot"]), { exitCode: 0 });
}

beforeAll(async () => {
  host = await createSimHost({ installDelayMs: 5 });
  await Promise.all([zone("zc", "configured"), zone("zi", "incomplete"), zone("web", "installed"), zone("zr", "ready"), zone("run", "running")]);
});
afterAll(() => host.remove());

test("5 zlogin: refusals by state, the global zone, unknown zones; commands run in running zones with their exit status", async () => {
  const zl = (...a: string[]) => host.run("zlogin", a);
  const [unknown, conf, inc, inst, ready, global, run, quiet, env] = await Promise.all([
    zl("nope", "uname"),
    zl("zc", "uname"),
    zl("zi", "uname"),
    zl("web", "uname"),
    zl("zr", "uname"),
    zl("global", "uname"),
    zl("run", "echo", "a", "b"),
    zl("-Q", "run", "echo hi; exit 3"),
    zl("run", 'echo "$ILLUMOS_SIM_ZONE $PWD"'),
  ]);
  expectResult(unknown, { stderr: "zlogin: zone 'nope' unknown\n", exitCode: 1 });
  expectResult(conf, { stderr: "zlogin: cannot login to a zone which is 'configured'\n", exitCode: 1 });
  expectResult(inc, { stderr: "zlogin: cannot login to a zone which is 'incomplete'\n", exitCode: 1 });
  expectResult(inst, { stderr: "zlogin: login allowed only to running zones (web is 'installed').\n", exitCode: 1 });
  expectResult(ready, { stderr: "zlogin: login allowed only to running zones (zr is 'ready').\n", exitCode: 1 });
  expectResult(global, { stderr: "zlogin: 'zlogin' not applicable to the global zone\n", exitCode: 1 });
  expectResult(run, { stdout: "a b\n", exitCode: 0 });
  expectResult(quiet, { stdout: "hi\n", exitCode: 3 });
  expectResult(env, { stdout: `run ${join(host.zonesDir, "run", "root")}\n`, exitCode: 0 });
});

test("5 pkg publisher: human and tsv formats; set-publisher normalises URIs; unset-publisher; per-image state", async () => {
  const pkg = (...a: string[]) => host.run("pkg", a);
  expectResult(await pkg("publisher"), {
    stdout:
      "PUBLISHER                   TYPE     STATUS P LOCATION\n" +
      "omnios                      origin   online F https://pkg.omnios.org/bloody/core/\n" +
      "extra.omnios                origin   online F https://pkg.omnios.org/bloody/extra/\n",
    exitCode: 0,
  });
  expectResult(await pkg("publisher", "-F", "tsv"), {
    stdout:
      "PUBLISHER\tSTICKY\tSYSPUB\tENABLED\tTYPE\tSTATUS\tURI\tPROXY\n" +
      "omnios\ttrue\tfalse\ttrue\torigin\tonline\thttps://pkg.omnios.org/bloody/core/\t-\n" +
      "extra.omnios\ttrue\tfalse\ttrue\torigin\tonline\thttps://pkg.omnios.org/bloody/extra/\t-\n",
    exitCode: 0,
  });
  const root = join(host.zonesDir, "web", "root");
  expectResult(await pkg("-R", root, "publisher", "-H", "-F", "tsv"), {
    stdout: "omnios\ttrue\tfalse\ttrue\torigin\tonline\thttps://pkg.omnios.org/bloody/core/\t-\nextra.omnios\ttrue\tfalse\ttrue\torigin\tonline\thttps://pkg.omnios.org/bloody/extra/\t-\n",
    exitCode: 0,
  });
  expectResult(await pkg("-R", root, "set-publisher", "-g", "https://pkg.omnios.org/r151046/core", "--search-first", "--non-sticky", "local"), { exitCode: 0 });
  expectResult(await pkg("-R", root, "set-publisher", "-O", "http://example.org/x", "extra.omnios"), { exitCode: 0 });
  expectResult(await pkg("-R", root, "publisher", "-H"), {
    stdout:
      "local (non-sticky)          origin   online F https://pkg.omnios.org/r151046/core/\n" +
      "omnios                      origin   online F https://pkg.omnios.org/bloody/core/\n" +
      "extra.omnios                origin   online F http://example.org/x/\n",
    exitCode: 0,
  });
  expectResult(await pkg("-R", root, "set-publisher", "-G", "*", "extra.omnios"), { exitCode: 0 });
  expectResult(await pkg("-R", root, "publisher", "-H", "-F", "tsv", "extra.omnios", "local"), {
    stdout: "local\tfalse\tfalse\ttrue\torigin\tonline\thttps://pkg.omnios.org/r151046/core/\t-\nextra.omnios\ttrue\tfalse\ttrue\t\t\t\t\n",
    exitCode: 0,
  });
  expectResult(await pkg("-R", root, "unset-publisher", "local"), { exitCode: 0 });
  expectResult(await pkg("-R", root, "unset-publisher", "local"), { stderr: "pkg unset-publisher: Unknown publisher 'local'.\n", exitCode: 1 });
  expectResult(await pkg("-R", "/nonexistent", "publisher"), { stderr: "pkg: No image rooted at '/nonexistent'\n", exitCode: 1 });
  // Inside a running zone, pkg without -R uses the zone's image, not the global one.
  expectResult(await host.run("pkg", ["set-publisher", "-g", "https://example.com/gz", "gzonly"]), { exitCode: 0 });
  expectResult(await host.run("zlogin", ["run", "pkg", "publisher", "-H", "-F", "tsv", "gzonly"]), { stderr: "pkg publisher: Unknown publisher 'gzonly'.\n", exitCode: 1 });
  expectResult(await host.run("pkg", ["publisher", "-H", "-F", "tsv", "gzonly"]), { stdout: "gzonly\ttrue\tfalse\ttrue\torigin\tonline\thttps://example.com/gz/\t-\n", exitCode: 0 });
});

test("6 zfs: list and get formats, zone datasets, create/snapshot/destroy errors", async () => {
  const zfs = (...a: string[]) => host.run("zfs", a);
  const zp = join(host.zonesDir, "web");
  const [list, get, zbe, missing] = await Promise.all([
    zfs("list", "-H", "-p", "-o", "name,used,mountpoint", "rpool/zones/web"),
    zfs("get", "-H", "-o", "value", "mountpoint,zoned", "rpool/zones/web/ROOT"),
    zfs("get", "-H", "-o", "property,value", "canmount,org.opensolaris.libbe:active", "rpool/zones/web/ROOT/zbe"),
    zfs("list", "rpool/nope"),
  ]);
  expect(list.exitCode).toBe(0);
  expect(list.stdout).toMatch(new RegExp(`^rpool/zones/web\\t\\d+\\t${zp.replace(/[/.]/g, "\\$&")}\\n$`));
  expectResult(get, { stdout: "legacy\non\n", exitCode: 0 });
  expectResult(zbe, { stdout: "canmount\tnoauto\norg.opensolaris.libbe:active\ton\n", exitCode: 0 });
  expectResult(missing, { stderr: "cannot open 'rpool/nope': dataset does not exist\n", exitCode: 1 });
  expectResult(await zfs("create", "-o", `mountpoint=${join(host.root, "data")}`, "rpool/zones/web/data"), { exitCode: 0 });
  expectResult(await zfs("create", "rpool/zones/web/data"), { stderr: "cannot create 'rpool/zones/web/data': dataset already exists\n", exitCode: 1 });
  expectResult(await zfs("create", "rpool/a/b"), { stderr: "cannot create 'rpool/a/b': parent does not exist\n", exitCode: 1 });
  expectResult(await zfs("create", "-p", "rpool/a/b"), { exitCode: 0 });
  expectResult(await zfs("snapshot", "rpool/zones/web/data@s1"), { exitCode: 0 });
  expectResult(await zfs("snapshot", "rpool/zones/web/data@s2"), { exitCode: 0 });
  expectResult(await zfs("snapshot", "rpool/zones/web/data@s1"), { stderr: "cannot create snapshot 'rpool/zones/web/data@s1': dataset already exists\n", exitCode: 1 });
  expectResult(await zfs("list", "-H", "-t", "snapshot", "-d", "1", "-o", "name", "-s", "creation", "rpool/zones/web/data"), { stdout: "rpool/zones/web/data@s1\nrpool/zones/web/data@s2\n", exitCode: 0 });
  expectResult(await zfs("destroy", "rpool/a"), { stderr: "cannot destroy 'rpool/a': filesystem has children\nuse '-r' to destroy the following datasets:\nrpool/a/b\n", exitCode: 1 });
  expectResult(await zfs("destroy", "-r", "rpool/a"), { exitCode: 0 });
  expectResult(await zfs("destroy", "rpool/a"), { stderr: "cannot open 'rpool/a': dataset does not exist\n", exitCode: 1 });
  expectResult(await zfs("list", "-H", "-o", "name", "-r", "rpool/zones/web"), {
    stdout: "rpool/zones/web\nrpool/zones/web/ROOT\nrpool/zones/web/ROOT/zbe\nrpool/zones/web/data\n",
    exitCode: 0,
  });
  expectResult(await zfs("destroy", "-r", "rpool/zones/run"), { stderr: `cannot unmount '${join(host.zonesDir, "run")}': Device busy\n`, exitCode: 1 });
});

test("pfexec runs its arguments and passes their status through", async () => {
  const [list, noArgs, fail] = await Promise.all([host.run("pfexec", ["zoneadm", "list"]), host.run("pfexec", []), host.run("pfexec", ["zoneadm", "-z", "nope", "boot"])]);
  // ready and running zones are both in the kernel; their order follows the (parallel) setup.
  expectResult({ ...list, stdout: list.stdout.split("\n").sort().join("\n") }, { stdout: "\nglobal\nrun\nzr", exitCode: 0 });
  expectResult(noArgs, { stderr: "usage: pfexec [-P privspec] cmd [arg ..]\n", exitCode: 2 });
  expectResult(fail, { stderr: "zoneadm: nope: No such zone configured\n", exitCode: 1 });
});
