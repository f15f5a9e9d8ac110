// Conformance of the simulated zonecfg with SPEC.md sections 1 and 9: invocation, grammar,
// command errors, scopes, auto-commit, file modes and zone names.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSimHost, type SimHost } from "../harness/sim";
import { expectResult, ZONECFG_COMMANDS, ZONECFG_NAME_SYNTAX, ZONECFG_NETADDR, ZONECFG_PROPS, ZONECFG_RESOURCES, ZONECFG_USAGE } from "./expect-result";

let host: SimHost;
const zc = (zone: string, ...args: string[]) => host.run("zonecfg", ["-z", zone, ...args]);

beforeAll(async () => {
  host = await createSimHost();
});
afterAll(() => host.remove());

test("SPEC 9: the zonecfg examples, in order", async () => {
  expectResult(await zc("nope", "info"), { stderr: "nope: No such zone configured\n", exitCode: 1 });
  expectResult(await zc("web", "create -b; set zonepath=/zones/web; set brand=lipkg; set ip-type=exclusive; commit"), { exitCode: 0 });
  expectResult(await zc("web", "create"), { stderr: "Zone exists, input not from terminal and -F not specified:\ncreate command ignored, exiting.\n", exitCode: 1 });
  expectResult(await zc("web", "create", "-F"), { stdout: "Zone web already exists; overwriting.\n", exitCode: 0 });
  expectResult(await zc("_web", "info"), { stderr: "_web: Bogus zone name\n" + ZONECFG_NAME_SYNTAX, exitCode: 2 });
  expectResult(await zc("web", "set autoboot=maybe"), { stderr: "autoboot value must be 'true' or 'false'.\n", exitCode: 1 });
  expectResult(await zc("web", "info zonepath"), { stdout: "zonepath: /zones/web\n", exitCode: 0 });
});

test("1.1 invocation: usage without -z or arguments, help, names over 63 characters", async () => {
  const [none, noZone, help, long63, long64] = await Promise.all([
    host.run("zonecfg", []),
    host.run("zonecfg", ["info"]),
    host.run("zonecfg", ["help"]),
    zc("a".repeat(63), "create -b; set zonepath=/zones/long; commit"),
    zc("a".repeat(64), "info"),
  ]);
  expectResult(none, { stderr: ZONECFG_USAGE + ZONECFG_COMMANDS, exitCode: 2 });
  expectResult(noZone, { stderr: ZONECFG_USAGE, exitCode: 2 });
  expect(help.exitCode).toBe(0);
  expect(help.stderr).toBe("");
  expect(help.stdout.startsWith("Commands:\n\nadd <resource-type>\n\t(global scope)\nadd <property-name> <property-value>\n\t(resource scope)\n\tAdd specified resource to configuration.\n\n")).toBe(true);
  expectResult(long63, { exitCode: 0 });
  expectResult(long64, { stderr: `${"a".repeat(64)}: Bogus zone name\n` + ZONECFG_NAME_SYNTAX, exitCode: 2 });
});

test("1.1 one-command mode: ';' in one word, oxide's separate tokens, zadm's `set p = \"v\"`, multi-line, auto-commit", async () => {
  const [oneWord, tokens, zadm, multiLine, noCommit] = await Promise.all([
    zc("ow", "create -b; set zonepath=/zones/ow; set autoboot=true"),
    zc("tk", "create", "-b", ";", "set", "zonepath=/zones/tk", ";", "set", "ip-type=exclusive", ";", "add", "fs", ";", "set", "dir=/d", ";", "set", "special=/s", ";", "set", "type=lofs", ";", "set", "options=[ro,nodevices]", ";", "end", ";", "commit"),
    zc("zd", 'create -b ; set zonepath = "/zones/zd" ; set autoboot = "true" ; add attr ; set name = "dns-domain" ; set type = "string" ; set value = "example.com" ; end'),
    zc("ml", "create -t lipkg\nset zonepath=/zones/ml\nset limitpriv=default\nexit"),
    zc("nc", "create", "-b;", "set", "zonepath=/zones/nc"),
  ]);
  for (const r of [oneWord, tokens, zadm, multiLine, noCommit]) expectResult(r, { exitCode: 0 });
  expectResult(await zc("ow", "info autoboot"), { stdout: "autoboot: true\n", exitCode: 0 });
  expectResult(await zc("tk", "info fs"), { stdout: "fs:\n\tdir: /d\n\tspecial: /s\n\traw not specified\n\ttype: lofs\n\toptions: [ro,nodevices]\n", exitCode: 0 });
  expectResult(await zc("zd", "info attr"), { stdout: "attr:\n\tname: dns-domain\n\ttype: string\n\tvalue: example.com\n", exitCode: 0 });
  expectResult(await zc("ml", "info limitpriv"), { stdout: "limitpriv: default\n", exitCode: 0 });
  expectResult(await zc("nc", "info zonepath"), { stdout: "zonepath: /zones/nc\n", exitCode: 0 });
});

test("1.1 auto-commit happens only when no error was seen", async () => {
  expectResult(await zc("ae", "create -b; set zonepath=/zones/ae; set autoboot=maybe"), { stderr: "autoboot value must be 'true' or 'false'.\n", exitCode: 1 });
  expectResult(await zc("ae", "info"), { stderr: "ae: No such zone configured\n", exitCode: 1 });
  // A syntax error does not stop one-command mode: later commands still run.
  expectResult(await zc("se", "set foo=bar; create -b; set zonepath=/zones/se; info zonepath"), {
    stdout: "zonepath: /zones/se\n",
    stderr: "syntax error at '='\n" + ZONECFG_COMMANDS,
    exitCode: 1,
  });
});

test("1.2 syntax errors and the grammar's usage errors", async () => {
  const [unknownProp, unknownWord, addAlone, setAlone, clearRt, infoToken, emptyList] = await Promise.all([
    zc("web", "set foo=bar"),
    zc("web", "bogus"),
    zc("web", "add"),
    zc("web", "set"),
    zc("web", "clear net"),
    zc("web", "info foo"),
    zc("el", "create -b; set zonepath=/zones/el; add fs; set dir=/d; set special=/s; set type=lofs; set options=[]; end; info fs"),
  ]);
  expectResult(unknownProp, { stderr: "syntax error at '='\n" + ZONECFG_COMMANDS, exitCode: 1 });
  expectResult(unknownWord, { stderr: "syntax error at 'b'\n" + ZONECFG_COMMANDS, exitCode: 1 });
  expectResult(addAlone, {
    stderr: "usage:\nadd <resource-type>\n\t(global scope)\nadd <property-name> <property-value>\n\t(resource scope)\n\n" + ZONECFG_RESOURCES + ZONECFG_PROPS,
    exitCode: 1,
  });
  expectResult(setAlone, { stderr: "usage:\nset <property-name>=<property-value>\n\n" + ZONECFG_PROPS, exitCode: 1 });
  expectResult(clearRt, { stderr: "usage:\nclear <property-name>\n\n" + ZONECFG_PROPS, exitCode: 1 });
  expectResult(infoToken, { stderr: "usage:\ninfo [<resource-type> [property-name=property-value]*]\n\n" + ZONECFG_RESOURCES + ZONECFG_PROPS, exitCode: 1 });
  expectResult(emptyList, { stdout: "fs:\n\tdir: /d\n\tspecial: /s\n\traw not specified\n\ttype: lofs\n\toptions: []\n", exitCode: 0 });
});

test("1.1/1.2 -f FILE: 'On line N of FILE:' prefixes, stop at the first error; syntax errors with line numbers", async () => {
  const f1 = join(host.root, "cmds1");
  writeFileSync(f1, "create -b\nset zonepath=/zones/ff\nset autoboot=maybe\ncommit\n");
  expectResult(await zc("ff", "-f", f1), { stderr: `On line 3 of ${f1}:\nautoboot value must be 'true' or 'false'.\n`, exitCode: 1 });
  expectResult(await zc("ff", "info"), { stderr: "ff: No such zone configured\n", exitCode: 1 });
  const f2 = join(host.root, "cmds2");
  writeFileSync(f2, "create -b\nset foo=bar\nset zonepath=/zones/fg\n");
  expectResult(await zc("fg", "-f", f2), { stderr: "syntax error on line 2 at '='\n" + ZONECFG_COMMANDS, exitCode: 1 });
  const f3 = join(host.root, "cmds3");
  writeFileSync(f3, "create -b\nadd\n");
  expectResult(await zc("fh", "-f", f3), {
    stderr: `syntax error on line 2 of ${f3}\nusage:\nadd <resource-type>\n\t(global scope)\nadd <property-name> <property-value>\n\t(resource scope)\n\n` + ZONECFG_RESOURCES + ZONECFG_PROPS,
    exitCode: 1,
  });
  const f4 = join(host.root, "cmds4");
  writeFileSync(f4, "# a comment\ncreate -b\nset zonepath=/zones/fi\n\nadd net\nset physical=fi0\nend\n");
  expectResult(await zc("fi", "-f", f4), { exitCode: 0 });
  expectResult(await zc("fi", "info net"), {
    stdout: "net:\n\taddress not specified\n\tallowed-address not specified\n\tdefrouter not specified\n\tglobal-nic not specified\n\tmac-addr not specified\n\tphysical: fi0\n\tvlan-id not specified\n",
    exitCode: 0,
  });
  expectResult(await zc("fj", "-f", join(host.root, "missing")), { stderr: `could not open file ${join(host.root, "missing")}: No such file or directory\n`, exitCode: 1 });
});

test("0/1.1 -f -: file mode on stdin: 'On line N of -:' prefixes, the first error stops processing, exit 1, nothing saved", async () => {
  const stdin = (zone: string, script: string) => host.run("zonecfg", ["-z", zone, "-f", "-"], { stdin: script });
  const script = 'create -b\nset zonepath=/zones/fd\nset autoboot=maybe\nset ip-type=bogus\nset bootargs="-m verbose"\ncommit\n';
  expectResult(await stdin("fd", script), { stderr: "On line 3 of -:\nautoboot value must be 'true' or 'false'.\n", exitCode: 1 });
  expectResult(await zc("fd", "info"), { stderr: "fd: No such zone configured\n", exitCode: 1 });
  // A usage error names the file `-` too, and stops processing like a syntax error.
  expectResult(await stdin("fu", "create -b\nadd\nset autoboot=maybe\n"), {
    stderr: "syntax error on line 2 of -\nusage:\nadd <resource-type>\n\t(global scope)\nadd <property-name> <property-value>\n\t(resource scope)\n\n" + ZONECFG_RESOURCES + ZONECFG_PROPS,
    exitCode: 1,
  });
  expectResult(await stdin("fs", "create -b\nset foo=bar\nset autoboot=maybe\n"), { stderr: "syntax error on line 2 at '='\n" + ZONECFG_COMMANDS, exitCode: 1 });
  // `-f -` and `-f FILE` print the same, but for the file's name (these scripts all fail: nothing is saved in between).
  const file = join(host.root, "same-script");
  for (const text of [script, "create -b\nset zonepath=/zones/x\nadd net\nset physical=x0\nset address=10.0.0.1\nend\ncommit\n", "create -b\nadd fs\nset dir=/d\n"]) {
    writeFileSync(file, text);
    const [fromFile, fromStdin] = [await zc("same", "-f", file), await stdin("same", text)];
    expect(fromStdin).toEqual({ ...fromFile, stderr: fromFile.stderr.split(file).join("-") });
  }
  expectResult(await stdin("fo", "create -b\nset zonepath=/zones/fo\nset autoboot=true\n"), { exitCode: 0 });
  expectResult(await zc("fo", "info autoboot"), { stdout: "autoboot: true\n", exitCode: 0 });
});

test("1.3 create: templates (-b, -t), missing template, SUNW names", async () => {
  const [sparse, lipkg, bhyve, pkgsrc, illumos, ipkg, upper, missing, sunw] = await Promise.all([
    zc("t1", "create -t sparse; set zonepath=/zones/t1; info brand; info ip-type; info autoboot"),
    zc("t2", "create -t lipkg; set zonepath=/zones/t2; info brand"),
    zc("t3", "create -t bhyve; set zonepath=/zones/t3; info brand"),
    zc("t4", "create -t pkgsrc; set zonepath=/zones/t4; info"),
    zc("t5", "create -t illumos; set zonepath=/zones/t5; info brand"),
    zc("t6", "create -t ipkg; set zonepath=/zones/t6; info brand"),
    zc("t7", "create -t SUNWdefault; set zonepath=/zones/t7; info brand; info ip-type"),
    zc("t8", "create -t foo"),
    zc("SUNWfoo", "create"),
  ]);
  expectResult(sparse, { stdout: "brand: sparse\nip-type: exclusive\nautoboot: false\n", exitCode: 0 });
  expectResult(lipkg, { stdout: "brand: lipkg\n", exitCode: 0 });
  expectResult(bhyve, { stdout: "brand: bhyve\n", exitCode: 0 });
  expectResult(pkgsrc, {
    stdout: "zonename: t4\nzonepath: /zones/t4\nbrand: pkgsrc\nautoboot: false\nbootargs: \npool: \nlimitpriv: \nscheduling-class: \nip-type: exclusive\nhostid: \nfs-allowed: \n",
    exitCode: 0,
  });
  expectResult(illumos, { stdout: "brand: illumos\n", exitCode: 0 });
  expectResult(ipkg, { stdout: "brand: ipkg\n", exitCode: 0 });
  expectResult(upper, { stdout: "brand: lipkg\nip-type: exclusive\n", exitCode: 0 });
  expectResult(missing, { stderr: "OMNIfoo: No such zone configured\n", exitCode: 1 });
  expectResult(sunw, { stderr: "SUNWfoo: zones beginning with SUNW are read-only.\n", exitCode: 1 });
});

test("1.3 set: global-scope and value errors", async () => {
  const [scope, iptype, relative, slash, v6, prefix, bogus, phys, fsType, mem, swap, swapSmall, ncpus, noSuchProp] = await Promise.all([
    zc("s1", "create -b; set dir=/x"),
    zc("s2", "create -b; set ip-type=foo"),
    zc("s3", "create -b; set zonepath=relative"),
    zc("s4", "create -b; set zonepath=/"),
    zc("s5", "create -b; add net; set address=fe80::1; cancel"),
    zc("s6", "create -b; add net; set allowed-address=10.0.0.1/33; cancel"),
    zc("s7", "create -b; add net; set address=-bad; cancel"),
    zc("s8", "create -b; add net; set physical=web; cancel"),
    zc("s9", "create -b; add fs; set type=nfs; cancel"),
    zc("s10", "create -b; add capped-memory; set physical=lots; cancel"),
    zc("s11", "create -b; add capped-memory; set swap=x; cancel"),
    zc("s12", "create -b; add capped-memory; set swap=10m; cancel"),
    zc("s13", "create -b; add capped-cpu; set ncpus=0; cancel"),
    zc("s14", "create -b; add net; set dir=/x; cancel"),
  ]);
  expectResult(scope, { stderr: "Cannot set a resource-specific property from the global scope.\n", exitCode: 1 });
  expectResult(iptype, { stderr: "ip-type value must be 'shared' or 'exclusive'.\n", exitCode: 1 });
  expectResult(relative, { stderr: "relative is not an absolute path.\n", exitCode: 1 });
  expectResult(slash, { stderr: "/ is not allowed as a zonepath.\n", exitCode: 1 });
  expectResult(v6, { stderr: "fe80::1: IPv6 addresses require /prefix-length suffix.\n", exitCode: 1 });
  expectResult(prefix, { stderr: "10.0.0.1/33: IPv4 address prefix lengths must be 0 - 32.\n", exitCode: 1 });
  expectResult(bogus, { stderr: "-bad: bogus host name or network address syntax\n" + ZONECFG_NETADDR, exitCode: 1 });
  expectResult(phys, { stderr: "web: invalid physical interface name\n", exitCode: 1 });
  expectResult(fsType, { stderr: '"nfs" is not a valid type.\n', exitCode: 1 });
  expectResult(mem, { stderr: "A non-negative number with a required scale suffix (K, M, G or T) was expected\nhere.\n", exitCode: 1 });
  expectResult(swap, { stderr: "A positive number with a required scale suffix (K, M, G or T) was expected here.\n", exitCode: 1 });
  expectResult(swapSmall, { stderr: "swap value is too small.  It must be at least 50M.\n", exitCode: 1 });
  expectResult(ncpus, { stderr: "ncpus property is out of range.\n", exitCode: 1 });
  expectResult(noSuchProp, { stderr: "dir: No such property type\nusage:\nset <property-name>=<property-value>\n\tSets property values.\n" + ZONECFG_PROPS, exitCode: 1 });
});

test("1.3 end: required properties, duplicates, capped-memory checks, wrong scope", async () => {
  const fs = "set dir=/d; set special=/s; set type=lofs";
  const r = await Promise.all([
    zc("e1", "create -b; add fs; end; cancel"),
    zc("e2", "create -b; add fs; set dir=data; set special=/s; set type=lofs; end; cancel"),
    zc("e3", `create -b; add fs; ${fs}; end; add fs; ${fs}; end; cancel`),
    zc("e4", "create -b; add net; end; cancel"),
    zc("e5", "create -b; add net; set physical=web0; set allowed-address=10.0.0.1/24; end; add net; set physical=web0; set allowed-address=10.0.0.1/24; end; cancel"),
    zc("e6", "create -b; set ip-type=shared; add net; set physical=e1000g0; set address=10.0.0.1; end; add net; set physical=e1000g0; set address=10.0.0.1; end; cancel"),
    zc("e7", "create -b; add device; set match=/dev/null; end; add device; set match=/dev/null; end; cancel"),
    zc("e8", "create -b; add rctl; set name=zone.max-lwps; end; cancel"),
    zc("e9", "create -b; set max-lwps=500; add rctl; set name=zone.max-lwps; add value (priv=privileged,limit=600,action=deny); end; cancel"),
    zc("e10", "create -b; add attr; set name=a; set type=string; set value=v; end; add attr; set name=a; set type=string; set value=w; end; cancel"),
    zc("e11", "create -b; add attr; set name=-x; set type=string; set value=v; end; cancel"),
    zc("e12", "create -b; add attr; set name=a; set type=blob; set value=v; end; cancel"),
    zc("e13", "create -b; add attr; set name=a; set type=int; set value=v; end; cancel"),
    zc("e14", "create -b; add dataset; end; cancel"),
    zc("e15", "create -b; add dataset; set name=rpool/x; end; add dataset; set name=rpool/x; end; cancel"),
    zc("e16", "create -b; add capped-memory; end; cancel"),
    zc("e17", "create -b; add capped-memory; set physical=1g; set locked=2g; end; cancel"),
    zc("e18", "create -b; end"),
  ]);
  const expected = [
    "dir not specified\nspecial not specified\ntype not specified\n",
    "dir data is not an absolute path.\n",
    "A fs resource with the dir '/d' already exists.\n",
    "physical not specified\n",
    "A net resource with the physical 'web0', and allowed-address '10.0.0.1/24' already exists.\n",
    "A net resource with the physical 'e1000g0', and address '10.0.0.1' already exists.\n",
    "A device resource with the match '/dev/null' already exists.\n",
    "no value specified\n",
    "A rctl resource with the name 'zone.max-lwps' already exists.\n",
    "An attr resource with the name 'a' already exists.\n",
    "Invalid attr name -x: must start with an alpha-numeric character.\n",
    "invalid attr type 'blob'\n",
    "invalid attr value for type=int\n",
    "name not specified\n",
    "A dataset resource with the name 'rpool/x' already exists.\n",
    "No property was specified.  One of physical, swap or locked is required.\n",
    "The locked cap must be less than or equal to the physical cap.\n",
    "The end command only makes sense in the resource scope.\n",
  ];
  r.forEach((res, i) => expectResult(res, { stderr: expected[i]!, exitCode: 1 }));
});

test("1.3 remove and select: several matches, -F, no match", async () => {
  const base = "create -b; set zonepath=/zones/rm; add net; set physical=a0; end; add net; set physical=b0; end";
  const [multi, force, noMatch, select] = await Promise.all([
    zc("rm1", `${base}; remove net`),
    zc("rm2", `${base}; remove -F net; info net; info zonepath`),
    zc("rm3", `${base}; remove net physical=nope0`),
    zc("rm4", `${base}; select net physical=nope0`),
  ]);
  expectResult(multi, {
    stderr: "There are multiple instances of this resource.  Either qualify the resource to\nremove a single instance or use the -F option to remove all instances.\n",
    exitCode: 1,
  });
  expectResult(force, { stdout: "zonepath: /zones/rm\n", exitCode: 0 });
  expectResult(noMatch, { stderr: "remove net: No such resource with that id\n", exitCode: 1 });
  expectResult(select, { stderr: "select net: No such resource with that id\n", exitCode: 1 });
  // select + set + end modifies the resource in place (it moves to the end of its type's list)
  expectResult(await zc("rm5", `${base}; select net physical=a0; set physical=c0; end; info net physical=c0; remove net physical=b0; info net`), {
    stdout:
      "net:\n\taddress not specified\n\tallowed-address not specified\n\tdefrouter not specified\n\tglobal-nic not specified\n\tmac-addr not specified\n\tphysical: c0\n\tvlan-id not specified\n".repeat(2),
    exitCode: 0,
  });
});

test("1.3 commit, verify, revert and a missing `end`", async () => {
  const [commit, shared, excl, defrouter, allowed, incomplete, brand, revert, missingEnd] = await Promise.all([
    zc("testzone", "create -b; commit"),
    zc("v1", "create -b; set zonepath=/zones/v1; set ip-type=shared; add net; set physical=e1000g0; end; verify"),
    zc("v2", "create -b; set zonepath=/zones/v2; add net; set physical=web0; set address=10.0.0.1; end; verify"),
    zc("v3", "create -b; set zonepath=/zones/v3; add net; set physical=web0; set defrouter=10.0.0.1; end; verify"),
    zc("v4", "create -b; set zonepath=/zones/v4; set ip-type=shared; add net; set physical=e1000g0; set address=10.0.0.2; set allowed-address=10.0.0.3/24; end; verify"),
    zc("v5", "create -b; set zonepath=/zones/v5; add fs; verify; cancel"),
    zc("v6", "create -b; set zonepath=/zones/v6; set brand=foo; verify"),
    zc("web", "revert -F"),
    zc("v7", "create -b; set zonepath=/zones/v7; add fs"),
  ]);
  expectResult(commit, { stderr: "zonepath cannot be empty.\nZone testzone failed to verify\ntestzone: Required resource missing\n", exitCode: 1 });
  expectResult(shared, { stderr: "net: address not specified\nv1: Required property missing\n", exitCode: 1 });
  expectResult(excl, { stderr: "net: address cannot be specified for an exclusive IP type\nv2: Invalid argument\n", exitCode: 1 });
  expectResult(defrouter, { stderr: "net: defrouter for web0 cannot be specified without allowed-address for an exclusive IP type\nv3: Invalid argument\n", exitCode: 1 });
  expectResult(allowed, { stderr: "net: allowed-address cannot be specified for a shared IP type\nv4: Invalid argument\n", exitCode: 1 });
  expectResult(incomplete, { stderr: "resource specification incomplete\nv5: Insufficient specification\n", exitCode: 1 });
  expectResult(brand, { stderr: "v6: unknown brand.\n\nv6: Invalid document\n", exitCode: 1 });
  expectResult(revert, { stderr: "No changes to revert.\n", exitCode: 1 });
  // UNVERIFIED in SPEC 1.3: the source's cleanup() message for a resource left open at EOF.
  expectResult(missingEnd, { stderr: "Resource incomplete.\n", exitCode: 1 });
  expectResult(await zc("v7", "info"), { stderr: "v7: No such zone configured\n", exitCode: 1 });
});

test("1.3 delete: no -F without a terminal, -F, nonexistent zone", async () => {
  expectResult(await zc("dz", "create -b; set zonepath=/zones/dz"), { exitCode: 0 });
  expectResult(await zc("dz", "delete"), { stderr: "Input not from terminal and -F not specified:\ndelete command ignored, exiting.\n", exitCode: 1 });
  expectResult(await zc("dz", "delete", "-F"), { exitCode: 0 });
  expectResult(await zc("dz", "info"), { stderr: "dz: No such zone configured\n", exitCode: 1 });
  // zonecfg.c: initialize() and zonecfg_destroy() each report the missing zone.
  expectResult(await zc("dz", "delete", "-F"), { stderr: "dz: No such zone configured\ndz: No such zone configured\n", exitCode: 1 });
});

test("1.3 state restrictions: installed zones refuse create and zonepath changes; delete -F of installed and running zones", async () => {
  const zp = join(host.zonesDir, "st");
  expectResult(await zc("st", `create -b; set zonepath=${zp}; commit`), { exitCode: 0 });
  expect((await host.run("zoneadm", ["-z", "st", "install"])).exitCode).toBe(0);
  // zonecfg.c prints these with zerr() and does not set saw_error: the exit status stays 0.
  expectResult(await zc("st", "create -b"), { stderr: "Zone st already installed; create not allowed.\n", exitCode: 0 });
  expectResult(await zc("st", "set zonepath=/elsewhere"), { stderr: "Zone st already installed; set zonepath not allowed.\n", exitCode: 0 });
  expectResult(await zc("st", "info zonepath"), { stdout: `zonepath: ${zp}\n`, exitCode: 0 });
  expect((await host.run("zoneadm", ["-z", "st", "boot"])).exitCode).toBe(0);
  expectResult(await zc("st", "delete", "-F"), { stderr: "st: Zone state is invalid for the requested operation\n", exitCode: 1 });
  expect((await host.run("zoneadm", ["-z", "st", "halt"])).exitCode).toBe(0);
  expectResult(await zc("st", "delete", "-F"), { exitCode: 0 });
  expectResult(await host.run("zoneadm", ["-z", "st", "list", "-p"]), { stderr: "zoneadm: st: No such zone configured\n", exitCode: 1 });
});

test("1.7 the global zone's limited configuration", async () => {
  const [info, zonepath, fs] = await Promise.all([zc("global", "info"), zc("global", "set zonepath=/x"), zc("global", "add fs")]);
  expectResult(info, { stdout: "zonename: global\npool: \n", exitCode: 0 });
  expectResult(zonepath, { stderr: "zonepath is not a valid property for the global zone.\n", exitCode: 1 });
  expectResult(fs, { stderr: "Cannot add a fs resource to the global zone.\n", exitCode: 1 });
});

test("1.4 rctl values: action deny, none or signal", async () => {
  const value = (action: string) => `(priv=privileged,limit=4,action=${action})`;
  const add = (zone: string, ...values: string[]) =>
    zc(zone, `create -b; set zonepath=/zones/${zone}; add rctl; set name=zone.max-lofi; ${values.map((v) => `add value ${v}; `).join("")}end`);
  for (const [zone, action] of [["rv1", "deny"], ["rv2", "none"], ["rv3", "signal"]] as const) {
    expectResult(await add(zone, value(action)), { exitCode: 0 });
    expectResult(await zc(zone, "info rctl"), { stdout: `rctl:\n\tname: zone.max-lofi\n\tvalue: ${value(action)}\n`, exitCode: 0 });
  }
  expect((await zc("rv3", "export")).stdout).toContain(`add rctl\nset name="zone.max-lofi"\nadd value ${value("signal")}\nend\n`);
});

test("1.1/1.4 an invalid rctl value is an error: exit 1, no auto-commit, and -f stops there", async () => {
  const good = "(priv=privileged,limit=5,action=deny)";
  const cases = [
    ["(priv=basic,limit=4,action=deny)", "Invalid rctl value specification\n"],
    ["(priv=privileged,limit=-4,action=deny)", "Invalid rctl value specification\n"],
    ['(priv=privileged,limit=4,action="kill")', "Invalid rctl value specification\n"],
    ["(priv=privileged,limit=4)", "action not specified\n"],
  ] as const;
  for (const [i, [bad, message]] of cases.entries()) {
    const zone = `ri${i}`;
    expectResult(await zc(zone, `create -b; set zonepath=/zones/${zone}; add rctl; set name=zone.max-lofi; add value ${bad}; add value ${good}; end`), { stderr: message, exitCode: 1 });
    expectResult(await zc(zone, "info"), { stderr: `${zone}: No such zone configured\n`, exitCode: 1 });
  }
  const file = join(host.root, "bad-rctl");
  writeFileSync(file, `create -b\nset zonepath=/zones/rf\nadd rctl\nset name=zone.max-lofi\nadd value ${cases[0][0]}\nadd value ${good}\nend\ncommit\n`);
  expectResult(await zc("rf", "-f", file), { stderr: `On line 5 of ${file}:\nInvalid rctl value specification\n`, exitCode: 1 });
  expectResult(await zc("rf", "info"), { stderr: "rf: No such zone configured\n", exitCode: 1 });
});

test("1.4 rctl aliases: limits, clear, and an incompatible rctl", async () => {
  const [low, bad, clear, disallow] = await Promise.all([
    zc("a1", "create -b; set max-lwps=50"),
    zc("a2", "create -b; set cpu-shares=abc"),
    zc("a3", "create -b; set zonepath=/zones/a3; set cpu-shares=10; clear cpu-shares; info"),
    zc("a4", "create -b; add rctl; set name=zone.cpu-shares; add value (priv=privileged,limit=1,action=none); add value (priv=privileged,limit=2,action=none); end; set cpu-shares=5"),
  ]);
  expectResult(low, { stderr: "max-lwps property is out of range.\n", exitCode: 1 });
  expectResult(bad, { stderr: "cpu-shares property is out of range.\n", exitCode: 1 });
  expectResult(clear, {
    stdout: "zonename: a3\nzonepath: /zones/a3\nbrand: lipkg\nautoboot: false\nbootargs: \npool: \nlimitpriv: \nscheduling-class: \nip-type: exclusive\nhostid: \nfs-allowed: \n",
    exitCode: 0,
  });
  expectResult(disallow, { stderr: "cpu-shares: An incompatible rctl already exists for this property\n", exitCode: 1 });
});
