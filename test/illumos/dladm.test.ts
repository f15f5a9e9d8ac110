import { ZmgrError } from "../../provider/errors";
import {
  createEtherstub,
  createVnic,
  deleteEtherstub,
  deleteVnic,
  getLink,
  getVnic,
  linkExists,
  listEtherstubs,
  listLinks,
  listVnics,
  parseDladmParsable,
} from "../../provider/illumos/dladm";
import { FakeHost } from "./fake-host";

async function rejection(p: Promise<unknown>): Promise<ZmgrError> {
  try {
    await p;
  } catch (e) {
    if (ZmgrError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("parseDladmParsable (SPEC §3.3 examples)", () => {
  test("show-vnic -p -o link,over,vid", () => {
    expect(parseDladmParsable("test0:igb0:0\n", ["link", "over", "vid"])).toEqual([{ link: "test0", over: "igb0", vid: "0" }]);
  });
  test("escaped colons in a MAC address when several fields are asked", () => {
    expect(parseDladmParsable("web0:2\\:8\\:20\\:d5\\:3c\\:a1\n", ["link", "macaddress"])).toEqual([{ link: "web0", macaddress: "2:8:20:d5:3c:a1" }]);
  });
  test("a single field is raw", () => {
    expect(parseDladmParsable("2:8:20:d5:3c:a1\n", ["macaddress"])).toEqual([{ macaddress: "2:8:20:d5:3c:a1" }]);
  });
  test("show-link -p -o link,class", () => {
    expect(parseDladmParsable("igb0:phys\nstub0:etherstub\nweb0:vnic\n", ["link", "class"])).toEqual([
      { link: "igb0", class: "phys" },
      { link: "stub0", class: "etherstub" },
      { link: "web0", class: "vnic" },
    ]);
  });
  test("empty values and escaped backslashes", () => {
    expect(parseDladmParsable("a0::x\\\\y\n", ["link", "over", "z"])).toEqual([{ link: "a0", over: "", z: "x\\y" }]);
  });
});

describe("dladm wrappers", () => {
  test("listLinks / listEtherstubs / listVnics: argv and typed rows", async () => {
    const host = new FakeHost((argv) =>
      argv[1] === "show-link"
        ? { stdout: "igb0:phys:1500:up:\nstub0:etherstub:9000:unknown:\nweb0:vnic:1500:up:igb0\n" }
        : { stdout: "web0:igb0:1000:2\\:8\\:20\\:d5\\:3c\\:a1:random:0\nv1:stub0::2\\:8\\:20\\:0\\:0\\:1:fixed:12\n" },
    );
    expect(await listLinks(host)).toEqual([
      { link: "igb0", class: "phys", mtu: 1500, state: "up", over: "" },
      { link: "stub0", class: "etherstub", mtu: 9000, state: "unknown", over: "" },
      { link: "web0", class: "vnic", mtu: 1500, state: "up", over: "igb0" },
    ]);
    expect(await listEtherstubs(host)).toEqual(["stub0"]);
    expect(await listVnics(host)).toEqual([
      { link: "web0", over: "igb0", speed: 1000, macAddress: "2:8:20:d5:3c:a1", macAddressType: "random", vlanId: 0 },
      { link: "v1", over: "stub0", macAddress: "2:8:20:0:0:1", macAddressType: "fixed", vlanId: 12 },
    ]);
    expect(host.calls[0]!.argv).toEqual(["dladm", "show-link", "-p", "-o", "link,class,mtu,state,over"]);
    expect(host.calls[2]!.argv).toEqual(["dladm", "show-vnic", "-p", "-o", "link,over,speed,macaddress,macaddrtype,vid"]);
  });

  test("getVnic / getLink / linkExists: null for unknown names (SPEC §3.2 messages)", async () => {
    const host = new FakeHost((argv) => {
      const name = argv[argv.length - 1];
      if (name === "web0") return { stdout: argv[1] === "show-vnic" ? "web0:igb0:1000:2\\:8\\:20\\:d5\\:3c\\:a1:random:0\n" : "web0:vnic:1500:up:igb0\n" };
      return argv[1] === "show-vnic"
        ? { stderr: `dladm: invalid vnic name '${name}': object not found\n`, exitCode: 1 }
        : { stderr: `dladm: link ${name} is not valid: object not found\n`, exitCode: 1 };
    });
    expect((await getVnic(host, "web0"))!.over).toBe("igb0");
    expect(await getVnic(host, "nope0")).toBeNull();
    expect((await getLink(host, "web0"))!.class).toBe("vnic");
    expect(await getLink(host, "nope0")).toBeNull();
    expect(await linkExists(host, "nope0")).toBe(false);
    expect(host.calls[1]!.argv).toEqual(["dladm", "show-vnic", "-p", "-o", "link,over,speed,macaddress,macaddrtype,vid", "nope0"]);
  });

  test("createVnic argv: over, mac, vlan, temporary", async () => {
    const host = new FakeHost();
    await createVnic(host, { name: "web0", over: "igb0" });
    await createVnic(host, { name: "web1", over: "stub0", macAddress: "2:8:20:d5:3c:a1", vlanId: 12, temporary: true });
    expect(host.calls.map((c) => c.argv)).toEqual([
      ["dladm", "create-vnic", "-l", "igb0", "web0"],
      ["dladm", "create-vnic", "-t", "-l", "stub0", "-m", "2:8:20:d5:3c:a1", "-v", "12", "web1"],
    ]);
  });

  test("createVnic validates every input before running", async () => {
    const host = new FakeHost();
    const e = await rejection(createVnic(host, { name: "web", over: "igb0", vlanId: 4095 }));
    expect(e.code).toBe("zmgr::input::link-name");
    expect((e.details.failures as { property: string }[]).map((f) => f.property)).toEqual(["name", "vlanId"]);
    await expect(createVnic(host, { name: "web0", over: "-rf0" })).rejects.toThrow(/over/);
    expect(host.calls).toEqual([]);
  });

  test.each([
    ["dladm: vnic creation over igb0 failed: object already exists", "zmgr::dladm::exists"],
    ["dladm: invalid link name 'igb9'", "zmgr::dladm::not-found"],
    ["dladm: invalid VLAN identifier '5000'", "zmgr::input::vlan-id"],
    ["dladm: invalid MAC address", "zmgr::dladm::mac-address"],
  ])("create-vnic error %j → %s", async (stderr, code) => {
    const host = new FakeHost(() => ({ stderr: stderr + "\n", exitCode: 1 }));
    const e = await rejection(createVnic(host, { name: "web0", over: "igb0" }));
    expect(e.code).toBe(code);
    expect(e.message).toContain(stderr);
    expect(e.details.command).toBe("dladm create-vnic -l igb0 web0");
  });

  test("deleteVnic: false when missing, busy is an error", async () => {
    const missing = new FakeHost(() => ({ stderr: "dladm: invalid link name 'web0'\n", exitCode: 1 }));
    expect(await deleteVnic(missing, "web0")).toBe(false);
    const busy = new FakeHost(() => ({ stderr: "dladm: vnic deletion failed: link busy\n", exitCode: 1 }));
    expect((await rejection(deleteVnic(busy, "web0"))).code).toBe("zmgr::dladm::busy");
    const stub = new FakeHost(() => ({ stderr: "dladm: 'stub0' is not a vnic\n", exitCode: 1 }));
    expect((await rejection(deleteVnic(stub, "stub0"))).code).toBe("zmgr::dladm::wrong-class");
    const ok = new FakeHost();
    expect(await deleteVnic(ok, "web0")).toBe(true);
    expect(ok.calls[0]!.argv).toEqual(["dladm", "delete-vnic", "web0"]);
  });

  test("etherstubs", async () => {
    const host = new FakeHost((argv) => (argv[1] === "delete-etherstub" ? { stderr: "dladm: invalid link name 'stub1'\n", exitCode: 1 } : {}));
    await createEtherstub(host, "stub0");
    expect(await deleteEtherstub(host, "stub1")).toBe(false);
    expect(host.calls.map((c) => c.argv)).toEqual([
      ["dladm", "create-etherstub", "stub0"],
      ["dladm", "delete-etherstub", "stub1"],
    ]);
    const exists = new FakeHost(() => ({ stderr: "dladm: etherstub creation failed: object already exists\n", exitCode: 1 }));
    expect((await rejection(createEtherstub(exists, "stub0"))).code).toBe("zmgr::dladm::exists");
  });
});
