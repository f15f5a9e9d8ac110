import { ZmgrError } from "../../provider/errors";
import {
  assertValid,
  checkAbsolutePath,
  checkAttr,
  checkCidr,
  checkDatasetName,
  checkFsOption,
  checkIpAddress,
  checkLinkName,
  checkMacAddress,
  checkNetAddress,
  checkVlanId,
  checkZonecfgText,
  checkZoneName,
} from "../../provider/illumos/names";
import { validateZoneConfig } from "../../provider/illumos/zone-config-check";

const ok = (failures: readonly unknown[]) => expect(failures).toEqual([]);
const ko = (failures: readonly { code: string; reason: string }[], code: string, reason?: RegExp) => {
  expect(failures.length).toBeGreaterThan(0);
  expect(failures[0]!.code).toBe(code);
  if (reason) expect(failures[0]!.reason).toMatch(reason);
};

describe("zone names (SPEC §1.7)", () => {
  test.each(["web", "a", "Web-1", "0zone", "a.b_c-d", "x".repeat(63)])("accepts %s", (n) => ok(checkZoneName(n)));
  test.each([
    ["", /empty/],
    ["x".repeat(64), /64 characters long; the most is 63/],
    ["_web", /must match/],
    ["-web", /must match/],
    ["we b", /must match/],
    ["web;x", /must match/],
    ["global", /reserved/],
    ["SUNWdefault", /SUNW/],
  ])("refuses %j", (n, reason) => ko(checkZoneName(n), "zmgr::input::zone-name", reason));
  test("global is allowed where asked", () => ok(checkZoneName("global", "name", { allowGlobal: true })));
  test("the failure names the property", () => expect(checkZoneName("_x", "zoneName")[0]!.property).toBe("zoneName"));
});

describe("link names (SPEC §3.1)", () => {
  test.each(["web0", "e1000g0", "a_b.c9", "x".repeat(30) + "1"])("accepts %s", (n) => ok(checkLinkName(n)));
  test.each([
    ["web", /must end with a digit/],
    ["0web1", /must not start with a digit/],
    ["web-0", /only letters/],
    ["x".repeat(31) + "1", /the most is 31/],
    ["", /link name/],
  ])("refuses %j", (n, reason) => ko(checkLinkName(n), "zmgr::input::link-name", reason));
});

describe("paths", () => {
  test.each(["/zones/web", "/a b/c", "/x;y"])("accepts %s", (p) => ok(checkAbsolutePath(p, "p")));
  test.each([
    ["zones/web", "zmgr::input::path"],
    ["/", "zmgr::input::path"],
    ["/zones/../etc", "zmgr::input::path"],
    ["/zones/./x", "zmgr::input::path"],
    ["/zones//x", "zmgr::input::path"],
    ["/zones/x/", "zmgr::input::path"],
    ["/zones/x\n", "zmgr::input::zonecfg-unsafe"],
    ["/zones/\u0000x", "zmgr::input::zonecfg-unsafe"],
    ['/zones/"x', "zmgr::input::zonecfg-unsafe"],
    ["", "zmgr::input::empty"],
  ])("refuses %j", (p, code) => ko(checkAbsolutePath(p, "p"), code));
  test("'/' where allowed", () => ok(checkAbsolutePath("/", "root", { allowRoot: true })));
});

describe("datasets", () => {
  test.each(["rpool", "rpool/zones/web", "tank/a:b/c-d_e.f"])("accepts %s", (d) => ok(checkDatasetName(d, "d")));
  test.each(["/rpool/x", "rpool/", "rpool//x", "rpool/x@snap", "rpool/x#b", "1pool/x", "rpool/a b", "rpool/.."])("refuses %j", (d) =>
    expect(checkDatasetName(d, "d").length).toBe(1),
  );
});

describe("addresses", () => {
  test.each(["10.0.0.10/24", "10.0.0.10", "0.0.0.0/0", "2001:db8::10/64", "::1/128", "::ffff:10.0.0.1/96"])("allowed-address %s", (a) => ok(checkCidr(a, "a")));
  test.each([
    ["2001:db8::10", /IPv6 addresses require/],
    ["10.0.0.10/33", /0 - 32/],
    ["2001:db8::1/129", /0 - 128/],
    ["10.0.0.256/24", /not an IPv4 or IPv6/],
    ["010.0.0.1/24", /not an IPv4 or IPv6/],
    ["10.0.0.1/24/1", /more than one/],
    ["10.0.0.1/024", /0 - 32/],
    ["fe80::1%e1000g0/64", /not an IPv4 or IPv6/],
    ["host.example", /not an IPv4 or IPv6/],
  ])("refuses allowed-address %j", (a, reason) => ko(checkCidr(a, "a"), "zmgr::input::address", reason));
  test("a prefix can be required", () => ko(checkCidr("10.0.0.1", "a", { requirePrefix: true }), "zmgr::input::address", /needs a \/prefix/));
  test("shared-IP address takes host names too", () => {
    ok(checkNetAddress("db.example.com", "a"));
    ok(checkNetAddress("10.1.1.1/24", "a"));
    expect(checkNetAddress("db example", "a").length).toBe(1);
  });
  test("routers have no prefix", () => {
    ok(checkIpAddress("10.0.0.1", "r"));
    ok(checkIpAddress("fe80::1", "r"));
    expect(checkIpAddress("10.0.0.1/24", "r").length).toBe(1);
  });
  test("MAC addresses", () => {
    ok(checkMacAddress("2:8:20:d5:3c:a1", "m"));
    ok(checkMacAddress("02:08:20:D5:3C:A1", "m"));
    ko(checkMacAddress("2:8:20:d5:3c", "m"), "zmgr::input::mac-address");
    ko(checkMacAddress("2:8:20:d5:3c:a1:ff", "m"), "zmgr::input::mac-address");
    ko(checkMacAddress("2-8-20-d5-3c-a1", "m"), "zmgr::input::mac-address");
  });
  test("VLAN ids", () => {
    ok(checkVlanId(1, "v"));
    ok(checkVlanId(4094, "v"));
    for (const v of [0, 4095, 1.5, "12", -1]) ko(checkVlanId(v, "v"), "zmgr::input::vlan-id");
  });
});

describe("attrs, options, text", () => {
  test("attr types and values", () => {
    ok(checkAttr({ name: "resolvers", type: "string", value: "1.1.1.1,9.9.9.9" }, "a"));
    ok(checkAttr({ name: "n", type: "int", value: "-5" }, "a"));
    ok(checkAttr({ name: "n", type: "uint", value: "5" }, "a"));
    ok(checkAttr({ name: "n", type: "boolean", value: "true" }, "a"));
    expect(checkAttr({ name: "n", type: "uint", value: "-5" }, "a")[0]!.property).toBe("a.value");
    expect(checkAttr({ name: "n", type: "boolean", value: "yes" }, "a")[0]!.property).toBe("a.value");
    expect(checkAttr({ name: "-n", type: "string", value: "x" }, "a")[0]!.property).toBe("a.name");
    expect(checkAttr({ name: "n", type: "float", value: "1" }, "a")[0]!.property).toBe("a.type");
  });
  test("fs options", () => {
    for (const o of ["ro", "nodevices", "size=512m", "uid=0", "mode=0755"]) ok(checkFsOption(o, "o"));
    for (const o of ["ro,rw", "a b", "a]", "(a", '"a', "a;b", ""]) expect(checkFsOption(o, "o").length).toBe(1);
  });
  test("free text keeps zonecfg's special characters but never quotes or control characters", () => {
    ok(checkZonecfgText("a;b=c #d [e] (f), 'g' \\h", "t"));
    for (const bad of ['a"b', "a\nb", "a\rb", "a\tb", "a\u0000b", "a\u007fb", "a\u0085b", "a\u2029b"]) ko(checkZonecfgText(bad, "t"), "zmgr::input::zonecfg-unsafe");
    ko(checkZonecfgText(" a", "t"), "zmgr::input::whitespace");
    ko(checkZonecfgText("x".repeat(2000), "t"), "zmgr::input::too-long");
    ko(checkZonecfgText(5, "t"), "zmgr::input::type");
  });
});

describe("validateZoneConfig and assertValid", () => {
  test("reports every failure with its property path, for a Pulumi check", () => {
    const failures = validateZoneConfig({
      zonename: "_bad",
      zonepath: "relative",
      ipType: "exclusive",
      net: [{ physical: "web", address: "10.0.0.5/24" }, { physical: "web1", allowedAddress: "10.0.0.6/24", vlanId: 5000 }],
      fs: [{ dir: "/d", special: "/s", type: "lofs" }, { dir: "/d", special: "/t", type: "lofs" }],
      cappedMemory: { physical: 100, locked: 200 * 1024 * 1024 },
      maxLwps: 50,
      cappedCpu: { ncpus: 1.234 },
      dedicatedCpu: { ncpus: "4-2" },
    });
    expect(failures.map((f) => f.property)).toEqual([
      "zonename",
      "zonepath",
      "maxLwps",
      "fs[1]",
      "net[0].physical",
      "net[0].address",
      "net[1].vlanId",
      "cappedMemory.physical",
      "cappedMemory.locked",
      "cappedCpu.ncpus",
      "dedicatedCpu.ncpus",
      "dedicatedCpu",
    ]);
    expect(validateZoneConfig({ zonename: "z", zonepath: "/z" }, { prefix: "config" })).toEqual([]);
    expect(validateZoneConfig({ zonename: "z" }, { prefix: "config" })[0]!.property).toBe("config.zonepath");
  });

  test("zonecfg's own rules: shared IP forbids allowed-address, global-nic auto needs it, fs types, swap minimum", () => {
    const props = (c: Parameters<typeof validateZoneConfig>[0]) => validateZoneConfig(c).map((f) => f.property);
    expect(props({ zonename: "z", zonepath: "/z", ipType: "shared", net: [{ physical: "e0", allowedAddress: "10.0.0.1/24" }] })).toEqual(["net[0].allowedAddress", "net[0].address"]);
    expect(props({ zonename: "z", zonepath: "/z", ipType: "exclusive", net: [{ physical: "e0", defrouter: "10.0.0.1" }] })).toEqual(["net[0].defrouter"]);
    expect(props({ zonename: "z", zonepath: "/z", cpuShares: 5, schedulingClass: "TS" })).toEqual(["cpuShares"]);
    expect(props({ zonename: "z", zonepath: "/z", cpuShares: 5, dedicatedCpu: { ncpus: "1" } })).toEqual(["cpuShares"]);
    expect(props({ zonename: "z", zonepath: "/z", cappedCpu: { ncpus: 1 }, dedicatedCpu: { ncpus: "1" } })).toEqual(["dedicatedCpu"]);
    expect(props({ zonename: "z", zonepath: "/z", pool: "p1", dedicatedCpu: { ncpus: "1" } })).toEqual(["dedicatedCpu"]);
    expect(props({ zonename: "z", zonepath: "/z", rctl: [{ name: "zone.max-lofi", values: [{ priv: "basic", limit: 1, action: "none" }] }] })).toEqual(["rctl[0].values[0].priv"]);
    expect(props({ zonename: "z", zonepath: "/z", rctl: [{ name: "project.max-tasks", values: [{ priv: "privileged", limit: 1, action: "none" }] }] })).toEqual(["rctl[0].name"]);
    expect(props({ zonename: "z", zonepath: "/z", securityFlags: { default: "ASLR", upper: "none" } })).toEqual(["securityFlags.default"]);
    expect(props({ zonename: "z", zonepath: "/z", securityFlags: { lower: "ASLR" } })).toEqual(["securityFlags.lower"]);
    expect(props({ zonename: "z", zonepath: "/z", securityFlags: { default: "+ASLR" } })).toEqual(["securityFlags.default"]);
    expect(props({ zonename: "z", zonepath: "/z", hostid: "ffffffff", fsAllowed: "ufs,,pcfs", pool: "SUNWtmp" })).toEqual(["pool", "fsAllowed", "hostid"]);
    expect(props({ zonename: "z", zonepath: "/z", net: [{ physical: "e0", globalNic: "auto" }] })).toEqual(["net[0].globalNic"]);
    expect(props({ zonename: "z", zonepath: "/z", fs: [{ dir: "/p", special: "/proc", type: "proc" }] })).toEqual(["fs[0].type"]);
    expect(props({ zonename: "z", zonepath: "/z", cappedMemory: { swap: 10 * 1024 * 1024 } })).toEqual(["cappedMemory.swap"]);
    expect(props({ zonename: "z", zonepath: "/z", cappedMemory: {} })).toEqual(["cappedMemory"]);
  });

  test("non-objects in resource lists are reported, not thrown", () => {
    const failures = validateZoneConfig({ zonename: "z", zonepath: "/z", fs: [null as never], net: "web0" as never });
    expect(failures.map((f) => f.property)).toEqual(["fs[0]", "net"]);
  });

  test("assertValid throws the first failure's code, with every failure in the message and details", () => {
    let error: unknown;
    try {
      assertValid([...checkZoneName("_a", "name"), ...checkLinkName("web", "vnic")]);
    } catch (e) {
      error = e;
    }
    expect(ZmgrError.isInstance(error)).toBe(true);
    const e = error as ZmgrError;
    expect(e.code).toBe("zmgr::input::zone-name");
    expect(e.message).toMatch(/^name: .*; vnic: .*must end with a digit/);
    expect(e.help).toMatch(/63 characters/);
    expect((e.details.failures as unknown[]).length).toBe(2);
    expect(() => assertValid([])).not.toThrow();
  });
});
