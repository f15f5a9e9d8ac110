import { hasCode, ZmgrError } from "../../provider/errors";
import { buildCreateScript, buildUpdateScript } from "../../provider/illumos/zonecfg-script";
import { parseZonecfgExport } from "../../provider/illumos/zonecfg-parse";
import type { ZoneConfig } from "../../provider/illumos/zone-config";

const WEB: ZoneConfig = {
  zonename: "web",
  zonepath: "/zones/web",
  brand: "lipkg",
  autoboot: true,
  limitpriv: "default",
  ipType: "exclusive",
  cpuShares: 10,
  fs: [{ dir: "/data", special: "/tank/data", type: "lofs", options: ["ro", "nodevices"] }],
  net: [{ allowedAddress: "10.0.0.10/24", defrouter: "10.0.0.1", globalNic: "igb0", physical: "web0" }],
  attr: [{ name: "resolvers", type: "string", value: "1.1.1.1,9.9.9.9" }],
  dataset: [{ name: "rpool/zones/web/data" }],
  cappedMemory: { physical: 1073741824 },
};

function thrown(f: () => unknown): ZmgrError {
  try {
    f();
  } catch (e) {
    if (ZmgrError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected a ZmgrError");
}

describe("buildCreateScript", () => {
  test("golden: the SPEC web zone", () => {
    expect(buildCreateScript(WEB)).toBe(
      [
        "create -b",
        'set brand="lipkg"',
        "set ip-type=exclusive",
        'set zonepath="/zones/web"',
        "set autoboot=true",
        'set limitpriv="default"',
        "set cpu-shares=10",
        "add fs",
        'set dir="/data"',
        'set special="/tank/data"',
        'set type="lofs"',
        'add options "ro"',
        'add options "nodevices"',
        "end",
        "add net",
        'set allowed-address="10.0.0.10/24"',
        'set defrouter="10.0.0.1"',
        'set global-nic="igb0"',
        'set physical="web0"',
        "end",
        "add dataset",
        'set name="rpool/zones/web/data"',
        "end",
        "add attr",
        'set name="resolvers"',
        'set type="string"',
        'set value="1.1.1.1,9.9.9.9"',
        "end",
        "add capped-memory",
        "set physical=1G",
        "end",
        "",
      ].join("\n"),
    );
  });

  test("golden: a shared-IP zone with every other kind of setting", () => {
    const config: ZoneConfig = {
      zonename: "db-1",
      zonepath: "/zones/db-1",
      ipType: "shared",
      autoboot: false,
      bootargs: "-m verbose",
      pool: "pool_db",
      schedulingClass: "FSS",
      hostid: "0x1234abcd",
      fsAllowed: "ufs,pcfs",
      maxLwps: 2000,
      maxShmMemory: 1536 * 1024 * 1024,
      zfsIoPriority: 5,
      net: [{ address: "192.168.1.5/24", physical: "e1000g0", defrouter: "192.168.1.1", properties: [{ name: "mtu", value: "1500" }] }],
      fs: [{ dir: "/tmp2", special: "swap", type: "tmpfs", options: ["size=512m"] }],
      device: [{ match: "/dev/zvol/rdsk/rpool/v1" }],
      cappedMemory: { physical: 2 * 1024 ** 3, swap: 4 * 1024 ** 3, locked: 512 * 1024 ** 2 },
      cappedCpu: { ncpus: 1.5 },
      rctl: [{ name: "zone.max-lofi", values: [{ priv: "privileged", limit: 100, action: "deny" }, { priv: "privileged", limit: 50, action: "none" }] }],
      admin: [{ user: "alice", auths: "login,manage" }],
      securityFlags: { default: "ASLR", upper: "ASLR,FORBIDNULLMAP" },
    };
    expect(buildCreateScript(config, { force: true })).toBe(
      [
        "create -F -b",
        "set ip-type=shared",
        'set zonepath="/zones/db-1"',
        "set autoboot=false",
        'set bootargs="-m verbose"',
        'set pool="pool_db"',
        'set scheduling-class="FSS"',
        'set hostid="0x1234abcd"',
        'set fs-allowed="ufs,pcfs"',
        "set max-lwps=2000",
        "set max-shm-memory=1536M",
        "set zfs-io-priority=5",
        "add fs",
        'set dir="/tmp2"',
        'set special="swap"',
        'set type="tmpfs"',
        'add options "size=512m"',
        "end",
        "add net",
        'set address="192.168.1.5/24"',
        'set defrouter="192.168.1.1"',
        'set physical="e1000g0"',
        'add property (name=mtu,value="1500")',
        "end",
        "add device",
        'set match="/dev/zvol/rdsk/rpool/v1"',
        "end",
        "add capped-memory",
        "set physical=2G",
        "set swap=4G",
        "set locked=512M",
        "end",
        "add capped-cpu",
        "set ncpus=1.5",
        "end",
        "add rctl",
        'set name="zone.max-lofi"',
        "add value (priv=privileged,limit=100,action=deny)",
        "add value (priv=privileged,limit=50,action=none)",
        "end",
        "add admin",
        'set user="alice"',
        'set auths="login,manage"',
        "end",
        "add security-flags",
        'set default="ASLR"',
        'set upper="ASLR,FORBIDNULLMAP"',
        "end",
        "",
      ].join("\n"),
    );
  });

  test("values with zonecfg's special characters are quoted whole and read back unchanged", () => {
    const config: ZoneConfig = {
      zonename: "z",
      zonepath: "/zones/a;b=c#d [e] (f)",
      bootargs: "-m verbose; set zonepath=/evil # [x] (y)",
      attr: [{ name: "note", type: "string", value: "a;end;add fs; (x=y) [1,2] #c" }],
      net: [{ physical: "z0", properties: [{ name: "p", value: "v),(name=q,value=w" }] }],
    };
    const script = buildCreateScript(config);
    expect(script).toContain('set bootargs="-m verbose; set zonepath=/evil # [x] (y)"\n');
    expect(parseZonecfgExport(script, "z")).toEqual(config);
  });

  test("zonepath is required", () => {
    expect(thrown(() => buildCreateScript({ zonename: "z" })).code).toBe("zmgr::input::required");
  });
});

describe("injection: hostile values are refused before any text is built", () => {
  const base: ZoneConfig = { zonename: "z", zonepath: "/zones/z" };
  const cases: [string, ZoneConfig][] = [
    ['a quote in bootargs', { ...base, bootargs: 'x"; add fs; set dir="/' }],
    ["a newline in bootargs", { ...base, bootargs: "x\ndelete -F" }],
    ["a carriage return", { ...base, bootargs: "x\rcommit" }],
    ["a NUL byte", { ...base, bootargs: "x\u0000y" }],
    ["a tab", { ...base, bootargs: "x\ty" }],
    ["a quote in a zonepath", { ...base, zonepath: '/zones/"x' }],
    ["a newline in a zonepath", { ...base, zonepath: "/zones/x\nset autoboot=true" }],
    ["';' in a zone name", { ...base, zonename: "z;commit" }],
    ["'=' in a zone name", { ...base, zonename: "z=1" }],
    ["';' in a brand", { ...base, brand: "lipkg;delete" }],
    ["' ' in a pool", { ...base, pool: "p q" }],
    ["'#' in limitpriv", { ...base, limitpriv: "default#x" }],
    ["a quote in an fs special", { ...base, fs: [{ dir: "/d", special: 'a"b', type: "lofs" }] }],
    ["',' in an fs option", { ...base, fs: [{ dir: "/d", special: "/s", type: "lofs", options: ["ro,nodevices"] }] }],
    ["']' in an fs option", { ...base, fs: [{ dir: "/d", special: "/s", type: "lofs", options: ["ro]"] }] }],
    ["a space in an fs option", { ...base, fs: [{ dir: "/d", special: "/s", type: "lofs", options: ["ro nodevices"] }] }],
    ["'(' in an fs type", { ...base, fs: [{ dir: "/d", special: "/s", type: "lofs(" }] }],
    ["'..' in an fs dir", { ...base, fs: [{ dir: "/d/../etc", special: "/s", type: "lofs" }] }],
    ["a relative fs dir", { ...base, fs: [{ dir: "d", special: "/s", type: "lofs" }] }],
    ["'=' in a net property name", { ...base, net: [{ physical: "z0", properties: [{ name: "a=b", value: "c" }] }] }],
    ["')' in a net property name", { ...base, net: [{ physical: "z0", properties: [{ name: "a)", value: "c" }] }] }],
    ["a quote in a net property value", { ...base, net: [{ physical: "z0", properties: [{ name: "a", value: 'x",value="y' }] }] }],
    ["';' in a physical", { ...base, net: [{ physical: "z0;end" }] }],
    ["a bad allowed-address", { ...base, net: [{ physical: "z0", allowedAddress: "10.0.0.1/24; end" }] }],
    ["a bad defrouter", { ...base, net: [{ physical: "z0", defrouter: "10.0.0.1 # x" }] }],
    ["a bad mac", { ...base, net: [{ physical: "z0", macAddr: "2:8:20:d5:3c:a1;" }] }],
    ["'=' in an attr name", { ...base, attr: [{ name: "a=b", type: "string", value: "x" }] }],
    ["a quote in an attr value", { ...base, attr: [{ name: "a", type: "string", value: 'x"' }] }],
    ["a newline in an attr value", { ...base, attr: [{ name: "a", type: "string", value: "x\nend" }] }],
    ["a bad attr type", { ...base, attr: [{ name: "a", type: "string;" as "string", value: "x" }] }],
    ["a non-number int attr", { ...base, attr: [{ name: "a", type: "int", value: "1;2" }] }],
    ["'@' in a dataset", { ...base, dataset: [{ name: "rpool/a@snap" }] }],
    ["a quote in a dataset", { ...base, dataset: [{ name: 'rpool/a"' }] }],
    ["'(' in an rctl name", { ...base, rctl: [{ name: "zone.x(", values: [{ priv: "privileged", limit: 1, action: "deny" }] }] }],
    ["',' in an rctl priv", { ...base, rctl: [{ name: "zone.x", values: [{ priv: "privileged,limit=9", limit: 1, action: "deny" }] }] }],
    ["')' in an rctl action", { ...base, rctl: [{ name: "zone.x", values: [{ priv: "privileged", limit: 1, action: "deny)" }] }] }],
    ["a fractional rctl limit", { ...base, rctl: [{ name: "zone.x", values: [{ priv: "privileged", limit: 1.5, action: "deny" }] }] }],
    ["a string as a number", { ...base, cpuShares: "10; commit" as unknown as number }],
    ["a quote in dedicated-cpu ncpus", { ...base, dedicatedCpu: { ncpus: '2"' } }],
    ["';' in security flags", { ...base, securityFlags: { default: "ASLR;end" } }],
    ["';' in admin auths", { ...base, admin: [{ user: "a", auths: "login;end" }] }],
    ["a line separator", { ...base, bootargs: "a\u2028b" }],
  ];
  test.each(cases)("%s", (_what, config) => {
    const e = thrown(() => buildCreateScript(config));
    expect(e.code).toMatch(/^zmgr::input::/);
    expect(thrown(() => buildUpdateScript(base, config)).code).toMatch(/^zmgr::input::/);
  });
});

describe("buildUpdateScript", () => {
  const update = (change: Partial<ZoneConfig>, from: ZoneConfig = WEB) => buildUpdateScript(from, { ...from, ...change });

  test("null when nothing differs, whatever the resource and list order", () => {
    expect(buildUpdateScript(WEB, WEB)).toBeNull();
    const shuffled: ZoneConfig = { ...WEB, fs: [{ ...WEB.fs![0]!, options: ["nodevices", "ro"] }], bootargs: "" };
    expect(buildUpdateScript(WEB, shuffled)).toBeNull();
  });

  test("global properties: set and clear; zonepath/brand/autoboot/ip-type left out means keep", () => {
    expect(update({ bootargs: "-s", limitpriv: undefined, autoboot: false })).toBe('set autoboot=false\nset bootargs="-s"\nclear limitpriv\n');
    expect(update({ zonepath: undefined, brand: undefined, autoboot: undefined, ipType: undefined })).toBeNull();
    expect(update({ zonepath: "/zones/web2" })).toBe('set zonepath="/zones/web2"\n');
  });

  test("rename", () => {
    expect(update({ zonename: "web2" })).toBe("set zonename=web2\n");
  });

  test("aliased rctls: set, change, clear", () => {
    expect(update({ cpuShares: 20, maxLwps: 500 })).toBe("set max-lwps=500\nset cpu-shares=20\n");
    expect(update({ cpuShares: undefined, maxShmMemory: 2 * 1024 ** 3 })).toBe("set max-shm-memory=2G\nclear cpu-shares\n");
  });

  test("resources removed by identity, added whole", () => {
    expect(update({ dataset: [] })).toBe('remove dataset name="rpool/zones/web/data"\n');
    expect(update({ dataset: [...WEB.dataset!, { name: "rpool/zones/web/more" }] })).toBe('add dataset\nset name="rpool/zones/web/more"\nend\n');
    expect(update({ net: [] })).toBe('remove net physical="web0" allowed-address="10.0.0.10/24"\n');
  });

  test("a changed resource is selected by identity; scalars set/cleared; list items removed and added", () => {
    const fs = [{ dir: "/data", special: "/tank/other", raw: "/dev/rdsk/x", type: "lofs", options: ["ro", "nosuid"] }];
    expect(update({ fs })).toBe(
      ['select fs dir="/data"', 'set special="/tank/other"', 'set raw="/dev/rdsk/x"', 'remove options "nodevices"', 'add options "nosuid"', "end", ""].join("\n"),
    );
    const net = [{ allowedAddress: "10.0.0.10/24", globalNic: "igb1", physical: "web0", vlanId: 7, properties: [{ name: "mtu", value: "9000" }] }];
    expect(update({ net })).toBe(
      [
        'select net physical="web0" allowed-address="10.0.0.10/24"',
        "clear defrouter",
        'set global-nic="igb1"',
        "set vlan-id=7",
        'add property (name=mtu,value="9000")',
        "end",
        "",
      ].join("\n"),
    );
  });

  test("a net whose address changes is replaced (the address is part of its identity)", () => {
    const net = [{ ...WEB.net![0]!, allowedAddress: "10.0.0.11/24" }];
    expect(update({ net })).toBe(
      [
        'remove net physical="web0" allowed-address="10.0.0.10/24"',
        "add net",
        'set allowed-address="10.0.0.11/24"',
        'set defrouter="10.0.0.1"',
        'set global-nic="igb0"',
        'set physical="web0"',
        "end",
        "",
      ].join("\n"),
    );
  });

  test("capped-memory: add, select with set/clear, remove", () => {
    const { cappedMemory: _, ...bare } = WEB;
    expect(buildUpdateScript(bare, WEB)).toBe("add capped-memory\nset physical=1G\nend\n");
    expect(update({ cappedMemory: { swap: 8 * 1024 ** 3 } })).toBe("select capped-memory\nclear physical\nset swap=8G\nend\n");
    expect(update({ cappedMemory: undefined })).toBe("remove capped-memory\n");
  });

  test("capped-cpu, dedicated-cpu, security-flags", () => {
    expect(update({ cappedCpu: { ncpus: 2 } })).toBe("add capped-cpu\nset ncpus=2\nend\n");
    expect(update({ cappedCpu: { ncpus: 0.5 } }, { ...WEB, cappedCpu: { ncpus: 2 } })).toBe("select capped-cpu\nset ncpus=0.5\nend\n");
    expect(update({ dedicatedCpu: { ncpus: "2-4" } }, { ...WEB, cpuShares: undefined, dedicatedCpu: { ncpus: "2", importance: 3 } })).toBe(
      'select dedicated-cpu\nset ncpus="2-4"\nclear importance\nend\n',
    );
    expect(update({ securityFlags: undefined }, { ...WEB, securityFlags: { default: "ASLR" } })).toBe("remove security-flags\n");
    expect(update({ securityFlags: { default: "ASLR", lower: "none" } }, { ...WEB, securityFlags: { default: "ASLR" } })).toBe(
      'remove security-flags\nadd security-flags\nset default="ASLR"\nset lower="none"\nend\n',
    );
  });

  test("rctl values: removed and added inside select", () => {
    const from: ZoneConfig = { ...WEB, rctl: [{ name: "zone.max-locked-memory", values: [{ priv: "privileged", limit: 100, action: "deny" }, { priv: "privileged", limit: 5, action: "none" }] }] };
    const to: ZoneConfig = { ...WEB, rctl: [{ name: "zone.max-locked-memory", values: [{ priv: "privileged", limit: 200, action: "deny" }, { priv: "privileged", limit: 5, action: "none" }] }] };
    expect(buildUpdateScript(from, to)).toBe(
      'select rctl name="zone.max-locked-memory"\nremove value (priv=privileged,limit=100,action=deny)\nadd value (priv=privileged,limit=200,action=deny)\nend\n',
    );
  });

  test("an rctl and its alias swap places: the rctl is removed before the alias is set, and the alias cleared before the rctl is added", () => {
    const odd = { name: "zone.cpu-shares", values: [{ priv: "privileged", limit: 10, action: "none" }, { priv: "privileged", limit: 20, action: "deny" }] };
    const withRctl: ZoneConfig = { ...WEB, cpuShares: undefined, rctl: [odd] };
    expect(buildUpdateScript(withRctl, WEB)).toBe('remove rctl name="zone.cpu-shares"\nset cpu-shares=10\n');
    expect(buildUpdateScript(WEB, withRctl)).toBe(
      'clear cpu-shares\nadd rctl\nset name="zone.cpu-shares"\nadd value (priv=privileged,limit=10,action=none)\nadd value (priv=privileged,limit=20,action=deny)\nend\n',
    );
  });

  test("the rctl in alias form must be written as the alias", () => {
    const target: ZoneConfig = { ...WEB, cpuShares: undefined, rctl: [{ name: "zone.cpu-shares", values: [{ priv: "privileged", limit: 10, action: "none" }] }] };
    const e = thrown(() => buildUpdateScript(WEB, target));
    expect(e.message).toMatch(/use cpuShares instead/);
  });

  test("odd values the current configuration already holds do not block other changes; new ones do", () => {
    const adopted: ZoneConfig = { ...WEB, bootargs: " -v", attr: [{ name: "x_y", type: "string", value: "v" }] };
    expect(buildUpdateScript(adopted, { ...adopted, cpuShares: 20 })).toBe("set cpu-shares=20\n");
    expect(thrown(() => buildUpdateScript(adopted, { ...adopted, bootargs: " -s" })).code).toBe("zmgr::input::whitespace");
    expect(thrown(() => buildUpdateScript(adopted, { ...adopted, bootargs: 'x"' })).code).toBe("zmgr::input::zonecfg-unsafe");
  });

  test("only the target is validated (the current configuration comes from zonecfg)", () => {
    const current: ZoneConfig = { ...WEB, bootargs: "odd\u0001value" };
    expect(buildUpdateScript(current, WEB)).toBe("clear bootargs\n");
    expect(hasCode(thrown(() => buildUpdateScript(WEB, current)), "zmgr::input::zonecfg-unsafe")).toBe(true);
  });
});
