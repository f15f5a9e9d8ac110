import { hasCode } from "../../provider/errors";
import { parseZonecfgExport, parseZonecfgInfo } from "../../provider/illumos/zonecfg-parse";
import { tabs } from "./fake-host";
import { SPEC_EXPORT, SPEC_INFO, SPEC_WEB as WEB } from "./spec-examples";

describe("parseZonecfgInfo", () => {
  test("SPEC §1.5 example: every line lands in the model, aliased rctls become alias fields", () => {
    expect(parseZonecfgInfo(SPEC_INFO)).toEqual(WEB);
  });

  test("empty globals, `not specified` lines and the rctl blocks of aliases leave nothing behind", () => {
    const m = parseZonecfgInfo(SPEC_INFO);
    expect(m.bootargs).toBeUndefined();
    expect(m.rctl).toBeUndefined();
    expect(m.net![0]!.address).toBeUndefined();
  });

  test("the OmniOS docs' fresh pkgsrc zone (only globals, empty ones with a trailing space)", () => {
    const text = "zonename: test\nzonepath: /zones/test\nbrand: pkgsrc\nautoboot: false\nbootargs: \npool: \nlimitpriv: \nscheduling-class: \nip-type: exclusive\nhostid: \nfs-allowed: \n";
    expect(parseZonecfgInfo(text)).toEqual({ zonename: "test", zonepath: "/zones/test", brand: "pkgsrc", autoboot: false, ipType: "exclusive" });
  });

  test("zonepath not specified, and empty values printed without the trailing space", () => {
    expect(parseZonecfgInfo("zonename: z\nzonepath not specified\nbrand: lipkg\nautoboot: false\nbootargs:\nip-type: shared\n")).toEqual({
      zonename: "z",
      brand: "lipkg",
      autoboot: false,
      ipType: "shared",
    });
  });

  test("units: capped-memory from the bracket lines when no rctl block is shown (info capped-memory)", () => {
    const m = parseZonecfgInfo(tabs("capped-memory:\n\\t[physical: 1.5G]\n\\t[swap: 2G]\n\\t[locked: 512M]\n"));
    expect(m.cappedMemory).toEqual({ physical: 1610612736, swap: 2147483648, locked: 536870912 });
  });

  test("capped-memory: the exact rctl limits win over the rounded units", () => {
    const text = tabs(
      "zonename: z\ncapped-memory:\n\\t[physical: 1.1G]\nrctl:\n\\tname: zone.max-physical-memory\n\\tvalue: (priv=privileged,limit=1181116006,action=deny)\n",
    );
    expect(parseZonecfgInfo(text).cappedMemory).toEqual({ physical: 1181116006 });
  });

  test("capped-cpu %.2f and its zone.cpu-cap rctl", () => {
    expect(parseZonecfgInfo(tabs("zonename: z\ncapped-cpu:\n\\t[ncpus: 1.50]\n")).cappedCpu).toEqual({ ncpus: 1.5 });
    const both = tabs("zonename: z\ncapped-cpu:\n\\t[ncpus: 0.25]\nrctl:\n\\tname: zone.cpu-cap\n\\tvalue: (priv=privileged,limit=25,action=deny)\n");
    expect(parseZonecfgInfo(both)).toEqual({ zonename: "z", cappedCpu: { ncpus: 0.25 } });
  });

  test("every aliased global rctl, [max-shm-memory] in units, exact from the rctl blocks", () => {
    const text = tabs(
      [
        "zonename: z",
        "[max-lwps: 2000]",
        "[max-processes: 500]",
        "[max-shm-memory: 1G]",
        "[max-shm-ids: 10]",
        "[max-msg-ids: 11]",
        "[max-sem-ids: 12]",
        "[cpu-shares: 5]",
        "[zfs-io-priority: 7]",
        "rctl:",
        "\\tname: zone.max-lwps",
        "\\tvalue: (priv=privileged,limit=2000,action=deny)",
        "",
      ].join("\n"),
    );
    expect(parseZonecfgInfo(text)).toEqual({
      zonename: "z",
      maxLwps: 2000,
      maxProcesses: 500,
      maxShmMemory: 1073741824,
      maxShmIds: 10,
      maxMsgIds: 11,
      maxSemIds: 12,
      cpuShares: 5,
      zfsIoPriority: 7,
    });
  });

  test("an rctl that does not fit its alias (two values) stays an rctl; others stay rctls", () => {
    const text = tabs(
      "zonename: z\nrctl:\n\\tname: zone.max-lwps\n\\tvalue: (priv=privileged,limit=2000,action=deny)\n\\tvalue: (priv=basic,limit=100,action=none)\nrctl:\n\\tname: zone.max-locked-memory\n\\tvalue: (priv=privileged,limit=5,action=none)\nrctl:\n\\tname: project.max-tasks\n\\tvalue: (priv=privileged,limit=9,action=deny)\n",
    );
    expect(parseZonecfgInfo(text).rctl).toEqual([
      { name: "zone.max-lwps", values: [{ priv: "privileged", limit: 2000, action: "deny" }, { priv: "basic", limit: 100, action: "none" }] },
      { name: "zone.max-locked-memory", values: [{ priv: "privileged", limit: 5, action: "none" }] },
      { name: "project.max-tasks", values: [{ priv: "privileged", limit: 9, action: "deny" }] },
    ]);
  });

  test("quoted values (those holding a space), options with '=' quoted inside brackets, empty options, net properties", () => {
    const text = tabs(
      [
        "zonename: z",
        "bootargs: -m verbose",
        "fs:",
        '\\tdir: "/a dir"',
        "\\tspecial: swap",
        "\\traw not specified",
        "\\ttype: tmpfs",
        '\\toptions: [nosuid,"size=512m"]',
        "fs:",
        "\\tdir: /b",
        "\\tspecial: /b",
        "\\ttype: lofs",
        "\\toptions: []",
        "net:",
        "\\tphysical: web0",
        "\\tvlan-id: 12",
        "\\tmac-addr: 2:8:20:d5:3c:a1",
        '\\tproperty: (name=mtu,value="9000")',
        '\\tproperty: (name=zone,value="a, b")',
        "attr:",
        "\\tname: note",
        "\\ttype: string",
        '\\tvalue: "x: y; z=1 # (w)"',
        "",
      ].join("\n"),
    );
    expect(parseZonecfgInfo(text)).toEqual({
      zonename: "z",
      bootargs: "-m verbose",
      fs: [
        { dir: "/a dir", special: "swap", type: "tmpfs", options: ["nosuid", "size=512m"] },
        { dir: "/b", special: "/b", type: "lofs" },
      ],
      net: [{ physical: "web0", vlanId: 12, macAddr: "2:8:20:d5:3c:a1", properties: [{ name: "mtu", value: "9000" }, { name: "zone", value: "a, b" }] }],
      attr: [{ name: "note", type: "string", value: "x: y; z=1 # (w)" }],
    });
  });

  test("dedicated-cpu, device, admin, security-flags", () => {
    const text = tabs(
      [
        "zonename: z",
        "device:",
        "\\tmatch: /dev/zvol/rdsk/rpool/v1",
        '\\tproperty: (name=a,value="b")',
        "dedicated-cpu:",
        "\\tncpus: 1-4",
        "\\timportance: 10",
        "admin:",
        "\\tuser: alice",
        "\\tauths: login,manage",
        "security-flags:",
        "\\tlower: none",
        "\\tdefault: ASLR,FORBIDNULLMAP",
        "\\tupper: all",
        "",
      ].join("\n"),
    );
    expect(parseZonecfgInfo(text)).toEqual({
      zonename: "z",
      device: [{ match: "/dev/zvol/rdsk/rpool/v1", properties: [{ name: "a", value: "b" }] }],
      dedicatedCpu: { ncpus: "1-4", importance: 10 },
      admin: [{ user: "alice", auths: "login,manage" }],
      securityFlags: { lower: "none", default: "ASLR,FORBIDNULLMAP", upper: "all" },
    });
  });

  test.each([
    ["an unknown global property", "zonename: z\nbogus: 1\n"],
    ["an unknown resource property", "zonename: z\nfs:\n\tcolour: red\n"],
    ["an indented line outside a resource", "\tdir: /x\n"],
    ["a malformed complex value", "zonename: z\nnet:\n\tproperty: name=mtu\n"],
    ["a non-numeric alias", "zonename: z\n[cpu-shares: lots]\n"],
    ["a bad autoboot", "zonename: z\nautoboot: maybe\n"],
    ["two capped-memory blocks", "zonename: z\ncapped-memory:\n\t[physical: 1G]\ncapped-memory:\n\t[swap: 1G]\n"],
  ])("rejects %s with zmgr::zonecfg::parse", (_what, text) => {
    let error: unknown;
    try {
      parseZonecfgInfo(text);
    } catch (e) {
      error = e;
    }
    expect(hasCode(error, "zmgr::zonecfg::parse")).toBe(true);
  });
});

test("parse errors name the line", () => {
  expect(() => parseZonecfgInfo("zonename: z\nbrand: lipkg\nautoboot: maybe\n")).toThrow(/line 3: autoboot is neither true nor false/);
  expect(() => parseZonecfgInfo("zonename: z\nnet:\n\tphysical: a0\n\tvlan-id: x\n")).toThrow(/line 4: vlan-id is not a number/);
  expect(() => parseZonecfgExport("create -b\nset max-lwps=many\n", "z")).toThrow(/export output, line 2/);
});

describe("parseZonecfgExport", () => {
  test("SPEC §1.6 example: globals unquoted, resource values quoted, rctl back to its alias", () => {
    const { cappedMemory: _, ...withoutMemory } = WEB;
    expect(parseZonecfgExport(SPEC_EXPORT, "web")).toEqual(withoutMemory);
  });

  test("zadm and oxide spellings: spaces around '=', quoted globals, lists, lowercase units, capped-memory, comments", () => {
    const text = [
      "create -b",
      'set zonepath = "/zones/z1"',
      "set autoboot=false",
      "set ip-type=exclusive",
      "set cpu-shares=10",
      "set max-shm-memory=1g",
      "add fs",
      "set dir=/x",
      "set special=/y",
      "set type=lofs",
      "set options=[ro,nodevices]",
      "end",
      "add capped-memory",
      "set physical=50m",
      "set swap=100m",
      "end",
      "# a comment",
      "add security-flags",
      "set default=ASLR,FORBIDNULLMAP",
      "end",
      "add admin",
      "set user=bob",
      "set auths=login,manage,clonefrom",
      "end",
      "commit",
      "",
    ].join("\n");
    expect(parseZonecfgExport(text, "z1")).toEqual({
      zonename: "z1",
      zonepath: "/zones/z1",
      autoboot: false,
      ipType: "exclusive",
      cpuShares: 10,
      maxShmMemory: 1073741824,
      fs: [{ dir: "/x", special: "/y", type: "lofs", options: ["ro", "nodevices"] }],
      cappedMemory: { physical: 52428800, swap: 104857600 },
      admin: [{ user: "bob", auths: "login,manage,clonefrom" }],
      securityFlags: { default: "ASLR,FORBIDNULLMAP" },
    });
  });

  test("global values are the rest of the line: export leaves them unquoted, whatever they hold", () => {
    expect(parseZonecfgExport("create -b\nset zonepath=/zones/a;b #c\nset bootargs=-m verbose\n", "z")).toEqual({ zonename: "z", zonepath: "/zones/a;b #c", bootargs: "-m verbose" });
  });

  test("SPEC §4 example net and attr", () => {
    const text =
      "add net\nset physical=test0\nset global-nic=auto\nset allowed-address=172.27.10.100/24\nset defrouter=172.27.10.254\nend\nadd attr\nset name=resolvers\nset type=string\nset value=1.1.1.1,1.0.0.1\nend\n";
    expect(parseZonecfgExport(text, "t")).toEqual({
      zonename: "t",
      net: [{ physical: "test0", globalNic: "auto", allowedAddress: "172.27.10.100/24", defrouter: "172.27.10.254" }],
      attr: [{ name: "resolvers", type: "string", value: "1.1.1.1,1.0.0.1" }],
    });
  });

  test.each([
    ["a resource without end", "add fs\nset dir=/x\n"],
    ["end outside a resource", "end\n"],
    ["an unknown resource", "add bogus\n"],
    ["an unknown command", "frobnicate\n"],
    ["set without =", "set zonepath\n"],
  ])("rejects %s", (_what, text) => {
    expect(() => parseZonecfgExport(text, "z")).toThrow(/cannot read zonecfg export output/);
  });
});
