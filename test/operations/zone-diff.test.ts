import { configureDefaultHost } from "../../provider/operations/default-host";
import { diffZone } from "../../provider/operations/zone-diff";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { declaredOf } from "../../provider/operations/zone-inputs";
import { desiredShape } from "../../provider/operations/zone-shape";

const host = { ssh: { host: "gz1", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----" } };
const templateSpec = { brand: "ipkg", autoboot: true, pool: "lan", ipType: "exclusive", zonepathPrefix: "/zones", publishers: [] };
const inputs: ZoneInputs = { name: "web", host, template: "ipkg", templateSpec };

/** Outputs as a create of `i` would record them. */
function outsOf(i: ZoneInputs): ZoneOutputs {
  const s = desiredShape(i, i.templateSpec!);
  return {
    ...i,
    address: "10.0.0.10/24",
    vnic: s.vnic,
    zonepath: s.zonepath,
    brand: s.brand,
    autoboot: s.autoboot,
    pool: s.pool,
    ipType: s.ipType,
    state: "running",
    uuid: "u",
    resolvedTemplate: i.templateSpec!,
    hostId: "ssh:gz1:22:/etc/zmgr",
    pendingReboot: false,
    registered: true,
    adopted: false,
    declared: declaredOf(i),
    attrs: s.attrs,
    fs: s.fs,
    datasets: s.datasets,
    resolvers: s.resolvers,
  };
}

describe("diffZone", () => {
  test("identical inputs: no changes", () => {
    const d = diffZone("web", outsOf(inputs), inputs);
    expect(d).toMatchObject({ changes: false, replaces: [], deleteBeforeReplace: true });
  });

  test("in-place changes update without replace", () => {
    for (const change of [{ autoboot: false }, { cpuShares: 10 }, { cappedMemory: "2G" }, { resolvers: ["1.1.1.1"] }, { attrs: { owner: "ops" } }, { state: "installed" as const }, { address: "10.0.0.50" }]) {
      const d = diffZone("web", outsOf(inputs), { ...inputs, ...change });
      expect({ change, changes: d.changes, replaces: d.replaces }).toEqual({ change, changes: true, replaces: [] });
    }
  });

  test("brand, zonepath, vnic, pool, name and host replace, delete first", () => {
    const cases: [Partial<ZoneInputs>, string][] = [
      [{ brand: "lipkg" }, "brand"],
      [{ zonepath: "/tank/web" }, "zonepath"],
      [{ vnic: "web7" }, "vnic"],
      [{ pool: "dmz" }, "pool"],
      [{ name: "web2" }, "name"],
      [{ host: { ssh: { host: "gz2" } } }, "host"],
    ];
    for (const [change, replaces] of cases) {
      const d = diffZone("web", outsOf(inputs), { ...inputs, ...change });
      expect(d.replaces).toContain(replaces);
      expect(d.deleteBeforeReplace).toBe(true);
    }
  });

  test("a template brand change reaches the zone as a replace", () => {
    const d = diffZone("web", outsOf(inputs), { ...inputs, templateSpec: { ...templateSpec, brand: "sparse" } });
    expect(d.replaces).toEqual(["brand"]);
  });

  test("a credential change is an update with no replace", () => {
    const d = diffZone("web", outsOf(inputs), { ...inputs, host: { ssh: { host: "gz1", password: "new" } } });
    expect(d).toMatchObject({ changes: true, replaces: [] });
  });

  test("an explicit value equal to the default is no change; removing an explicit value returns to the default", () => {
    expect(diffZone("web", outsOf(inputs), { ...inputs, autoboot: true }).differences).toEqual([]);
    const explicit = { ...inputs, autoboot: false };
    const d = diffZone("web", outsOf(explicit), inputs);
    expect(d.differences).toEqual(["autoboot"]);
  });

  test("drift recorded by refresh shows as a change", () => {
    expect(diffZone("web", { ...outsOf(inputs), state: "installed" }, inputs).differences).toEqual(["state"]);
    expect(diffZone("web", { ...outsOf(inputs), autoboot: false }, inputs).differences).toEqual(["autoboot"]);
    expect(diffZone("web", { ...outsOf(inputs), registered: false }, inputs).differences).toEqual(["registered"]);
  });

  test("the stack-config default host is used when the input has none", () => {
    configureDefaultHost((k) => ({ "zmgr:host": "gz1" })[k]);
    const noHost = { ...inputs, host: undefined };
    expect(diffZone("web", outsOf(noHost), noHost).replaces).toEqual([]);
    configureDefaultHost((k) => ({ "zmgr:host": "gz9" })[k]);
    expect(diffZone("web", outsOf(noHost), noHost).replaces).toEqual(["host"]);
    configureDefaultHost(() => undefined);
  });
});
