import { checkZoneInputs, defaultVnicName } from "../../provider/operations/zone-check";
import type { ZoneInputs } from "../../provider/operations/zone-inputs";
import { checkTemplateInputs } from "../../provider/operations/template-check";
import { checkPoolInputs } from "../../provider/operations/pool-ops";
import { checkPublisherInputs } from "../../provider/operations/publisher-ops";

const ok: ZoneInputs = { name: "web", template: "ipkg", host: { local: true } };
const props = (i: Partial<ZoneInputs>) => checkZoneInputs({ ...ok, ...i } as ZoneInputs).map((f) => f.property);

describe("Zone check", () => {
  test("valid inputs pass", () => {
    expect(checkZoneInputs({ ...ok, cappedMemory: { physical: "2G", swap: "4G" }, cappedCpu: 1.5, cpuShares: 10, attrs: { owner: "ops", n: 3, on: true }, fs: [{ dir: "/data", special: "/tank/data", options: ["ro"] }], datasets: ["rpool/zones/web/data"], resolvers: ["1.1.1.1", "2606:4700::1111"], dnsDomain: "example.org", state: "installed" })).toEqual([]);
  });

  test("each bad input fails on its own property", () => {
    expect(props({ name: "global" })).toEqual(["name"]);
    expect(props({ name: "SUNWdefault" })).toEqual(["name"]);
    expect(props({ name: "a".repeat(64) })).toContain("name");
    expect(props({ name: "web;rm -rf /" })).toContain("name");
    expect(props({ brand: "bhyve" })).toEqual(["brand"]);
    expect(props({ vnic: "web" })).toEqual(["vnic"]);
    expect(props({ zonepath: "/zones/../etc" })).toEqual(["zonepath"]);
    expect(props({ zonepath: "zones/web" })).toEqual(["zonepath"]);
    expect(props({ address: "2001:db8::5" })).toEqual(["address"]);
    expect(props({ address: "10.0.0.300" })).toEqual(["address"]);
    expect(props({ state: "stopped" as never })).toEqual(["state"]);
    expect(props({ cappedMemory: "lots" })).toEqual(["cappedMemory"]);
    expect(props({ cappedMemory: { swap: "10M" } })).toEqual(["cappedMemory.swap"]);
    expect(props({ cappedCpu: 0 })).toEqual(["cappedCpu"]);
    expect(props({ attrs: { note: 'a"; add net' } })).toEqual(["attrs.note.value"]);
    expect(props({ attrs: { note: "line\nset autoboot=true" } })).toEqual(["attrs.note.value"]);
    expect(props({ attrs: { resolvers: "1.1.1.1" } })).toEqual(["attrs.resolvers"]);
    expect(props({ fs: [{ dir: "/d", special: "/x", options: ["ro;end"] }] })).toEqual(["fs[0].options[0]"]);
    expect(props({ fs: [{ dir: "/d", special: "/x", type: "nfs" }] })).toEqual(["fs[0].type"]);
    expect(props({ datasets: ["rpool/a b"] })).toEqual(["datasets[0]"]);
    expect(props({ resolvers: ["dns.example"] })).toEqual(["resolvers[0]"]);
    expect(props({ template: undefined as never })).toEqual(["template"]);
    expect(props({ host: { ssh: { host: "gz1", port: 70000 } } })).toEqual(["host.ssh.port"]);
    expect(props({ host: {} })).toEqual(["host"]);
    expect(props({ host: { ssh: { host: "gz1", dangerouslyAcceptAnyHostKey: true } as never } })).toEqual(["host.ssh.dangerouslyAcceptAnyHostKey"]);
    expect(props({ timeouts: { install: -1 } })).toEqual(["timeouts.install"]);
    expect(props({ bogus: 1 } as never)).toEqual(["bogus"]);
  });

  test("the default VNIC name follows the link name rules", () => {
    expect(defaultVnicName("web")).toBe("web0");
    expect(defaultVnicName("web-1")).toBe("web_10");
    expect(defaultVnicName("1web")).toBe("z1web0");
    expect(defaultVnicName("a".repeat(63))).toHaveLength(31);
  });

  test("failures carry a stable code and a help line", () => {
    const [f] = checkZoneInputs({ ...ok, brand: "bhyve" });
    expect(f!.code).toBe("zmgr::input::brand");
    expect(f!.help).toMatch(/vm-manager/);
  });
});

describe("Template, Pool and Publisher checks", () => {
  test("template", () => {
    expect(checkTemplateInputs({ name: "ipkg", brand: "ipkg", pool: "lan", publishers: ["omnios"] })).toEqual([]);
    expect(checkTemplateInputs({ name: "t", brand: "bhyve" }).map((f) => f.property)).toEqual(["brand"]);
    expect(checkTemplateInputs({ name: "t", brand: "ipkg", ipType: "shared" }).map((f) => f.property)).toEqual(["ipType"]);
    expect(checkTemplateInputs({ name: "t", brand: "ipkg", zonepathPrefix: "relative" }).map((f) => f.property)).toEqual(["zonepathPrefix"]);
  });

  test("pool: misaligned network, gateway and range outside, excluded entries", () => {
    const base = { name: "lan", network: "10.0.0.0/24", gateway: "10.0.0.1", stub: "zstub0", rangeStart: "10.0.0.10", rangeEnd: "10.0.0.200" };
    expect(checkPoolInputs(base)).toEqual([]);
    expect(checkPoolInputs({ ...base, network: "10.0.0.5/24" }).map((f) => [f.property, f.code])).toEqual([["network", "zmgr::pool::misaligned"]]);
    expect(checkPoolInputs({ ...base, gateway: "10.0.1.1" }).map((f) => [f.property, f.code])).toEqual([["gateway", "zmgr::pool::gateway-outside"]]);
    expect(checkPoolInputs({ ...base, rangeEnd: "10.0.1.5" }).map((f) => f.code)).toEqual(["zmgr::pool::range-outside"]);
    expect(checkPoolInputs({ ...base, stub: "stub" }).map((f) => f.property)).toEqual(["stub"]);
    expect(checkPoolInputs({ ...base, rangeEnd: undefined }).map((f) => f.property)).toEqual(["rangeEnd"]);
    expect(checkPoolInputs({ ...base, ipv6: { network: "fd00:1::/64", gateway: "fd00:1::1" } })).toEqual([]);
    expect(checkPoolInputs({ ...base, ipv6: { network: "fd00:1::5/64" } }).map((f) => f.property)).toEqual(["ipv6.network"]);
  });

  test("publisher", () => {
    expect(checkPublisherInputs({ name: "omnios", origins: ["https://pkg.omnios.org/r151054/core/"] })).toEqual([]);
    expect(checkPublisherInputs({ name: "omnios", origins: [] }).map((f) => f.property)).toEqual(["origins"]);
    expect(checkPublisherInputs({ name: "o m", origins: ["ftp://x"] }).map((f) => f.property)).toEqual(["name", "origins[0]"]);
  });
});
