// Option parsing of the simulated zoneadm, dladm, zfs, zlogin and zonecfg: getopt(3C) as each illumos tool reports
// its errors (unknown options, missing arguments), `-?`, `--`, and `:` (never an option, whatever the option string).

import { join } from "node:path";
import { createSimHost, type SimCommand, type SimHost } from "../harness/sim";
import { expectResult } from "./expect-result";

let host: SimHost;
const run = (tool: SimCommand, ...args: string[]) => host.run(tool, args);

beforeAll(async () => {
  host = await createSimHost({ installDelayMs: 5 });
  expectResult(await run("zonecfg", "-z", "web", `create -b; set zonepath=${join(host.zonesDir, "web")}; commit`), { exitCode: 0 });
});
afterAll(() => host.remove());

/** The first line of `text` (the usage text follows). */
const head = (text: string) => text.split("\n")[0];

test("zoneadm: global options", async () => {
  const [unknown, colon, missing, help, dashes] = await Promise.all([run("zoneadm", "-x", "list"), run("zoneadm", "-:", "list"), run("zoneadm", "-z"), run("zoneadm", "-?"), run("zoneadm", "-z", "web", "--", "list", "-p")]);
  for (const [r, line] of [
    [unknown, "zoneadm: illegal option -- x"],
    [colon, "zoneadm: illegal option -- :"],
    [missing, "zoneadm: option requires an argument -- z"],
  ] as const) {
    expect([r.exitCode, r.stdout, head(r.stderr)]).toEqual([2, "", line]);
    expect(r.stderr).toMatch(/\nusage:\tzoneadm help\n/);
  }
  expect([help.exitCode, help.stderr, head(help.stdout)]).toEqual([2, "", "usage:\tzoneadm help"]);
  expectResult(dashes, { stdout: `-:web:configured:${join(host.zonesDir, "web")}::lipkg:excl:1\n`, exitCode: 0 });
});

test("zoneadm: subcommand options; -? prints the subcommand's usage and succeeds", async () => {
  const [unknown, missing, help] = await Promise.all([run("zoneadm", "-z", "web", "list", "-x"), run("zoneadm", "-z", "web", "clone", "-m"), run("zoneadm", "-z", "web", "list", "-?")]);
  expect([unknown.exitCode, unknown.stdout, head(unknown.stderr)]).toEqual([2, "", "usage:\tlist [-cipv]"]);
  expect([missing.exitCode, missing.stdout, head(missing.stderr)]).toEqual([2, "", "usage:\tclone [-m method] [-s <ZFS snapshot>] [brand-specific args] zonename"]);
  expect([help.exitCode, help.stdout, help.stderr]).toEqual([0, "", unknown.stderr]);
});

test("dladm: die_opterr() messages, exit 1", async () => {
  const [unknown, missing, cluster] = await Promise.all([run("dladm", "show-vnic", "-x"), run("dladm", "create-vnic", "-l"), run("dladm", "create-vnic", "-tx", "-l", "igb0", "v0")]);
  expectResult(unknown, { stderr: "dladm: unrecognized option '-x'\nusage:     show-vnic        [-pP] [-l <link>] [-s [-i <interval>]] [<link>]\n", exitCode: 1 });
  expect([missing.exitCode, head(missing.stderr)]).toEqual([1, "dladm: option '-l' requires a value"]);
  expect([cluster.exitCode, head(cluster.stderr)]).toEqual([1, "dladm: unrecognized option '-x'"]);
  expectResult(await run("dladm", "show-vnic", "-p", "-o", "link"), { exitCode: 0 }); // nothing was created
});

test("zfs: invalid option and missing argument, exit 2; `:` is an invalid option", async () => {
  const usage = "usage:\n\tlist [-Hp] [-r|-d max] [-o property[,...]] [-s property]...\n\t    [-S property]... [-t type[,...]] [filesystem|volume|snapshot] ...\n\n";
  const [unknown, missing, colon] = await Promise.all([run("zfs", "list", "-x"), run("zfs", "list", "-o"), run("zfs", "list", "-:")]);
  expectResult(unknown, { stderr: `invalid option 'x'\n${usage}`, exitCode: 2 });
  expectResult(missing, { stderr: `missing argument for 'o' option\n${usage}`, exitCode: 2 });
  expectResult(colon, { stderr: `invalid option ':'\n${usage}`, exitCode: 2 });
});

test("zlogin: illegal option, missing argument, `--`", async () => {
  const usage = "usage: zlogin [ -dnQCEINS ] [ -e cmdchar ] [-l user] zonename [command [argument ...] ]\n";
  const [unknown, missing, dashes] = await Promise.all([run("zlogin", "-x", "web"), run("zlogin", "-l"), run("zlogin", "-dn", "--", "web")]);
  expectResult(unknown, { stderr: `zlogin: illegal option -- x\n${usage}`, exitCode: 2 });
  expectResult(missing, { stderr: usage, exitCode: 2 });
  expectResult(dashes, { stderr: "zlogin: cannot login to a zone which is 'configured'\n", exitCode: 1 });
});

test("zonecfg: global options, and the options of commands inside a session", async () => {
  const [unknown, missing, help, relative, cmdUnknown, cmdHelp, cmdMissing] = await Promise.all([
    run("zonecfg", "-x"),
    run("zonecfg", "-z"),
    run("zonecfg", "-?"),
    run("zonecfg", "-R", "rel", "-z", "web", "info"),
    run("zonecfg", "-z", "web", "create -x"),
    run("zonecfg", "-z", "web", "create -?"),
    run("zonecfg", "-z", "web", "export -f"),
  ]);
  expect([unknown.exitCode, unknown.stdout, head(unknown.stderr)]).toEqual([2, "", "zonecfg: illegal option -- x"]);
  expect([missing.exitCode, missing.stdout, head(missing.stderr)]).toEqual([2, "", "zonecfg: option requires an argument -- z"]);
  expect([help.exitCode, help.stderr, head(help.stdout)]).toEqual([2, "", "usage:\tzonecfg help"]);
  expectResult(relative, { stderr: "root path must be absolute: rel\n", exitCode: 2 });
  expect([cmdUnknown.exitCode, cmdUnknown.stdout, cmdUnknown.stderr]).toEqual([1, "", expect.stringMatching(/^usage:\ncreate \[-F\]/)]);
  expect([cmdHelp.exitCode, cmdHelp.stderr, cmdHelp.stdout]).toEqual([0, "", expect.stringMatching(/^usage:\ncreate \[-F\] \[ -a <path> \| -b \| -t <template> \]\n/)]);
  expect([cmdMissing.exitCode, cmdMissing.stdout, head(cmdMissing.stderr)]).toEqual([1, "", "usage:"]);
});
