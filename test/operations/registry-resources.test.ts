// Pool, Template and Publisher lifecycles: registry files, refusals while in use, adoption, etherstub creation.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { poolProvider } from "../../provider/dynamic/pool-provider";
import { publisherProvider } from "../../provider/dynamic/publisher-provider";
import { templateProvider } from "../../provider/dynamic/template-provider";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { PoolOutputs } from "../../provider/operations/pool-ops";
import type { TemplateOutputs } from "../../provider/operations/template-inputs";
import type { PublisherOutputs } from "../../provider/operations/publisher-ops";
import type { ZoneOutputs } from "../../provider/operations/zone-inputs";
import { LAN, OMNIOS, zoneFixture, type ZoneFixture } from "./fixture";

let fx: ZoneFixture;
beforeAll(async () => {
  fx = await zoneFixture("local");
});
afterAll(async () => {
  await fx?.close();
});

const file = (rel: string) => readFileSync(join(fx.registry, rel), "utf8");

describe("Pool", () => {
  test("create with createStub makes the etherstub; read, shrink refusal, delete refusal, delete", async () => {
    const dmz = (await poolProvider.create({ name: "dmz", host: fx.host, network: "192.168.50.0/24", gateway: "192.168.50.1", stub: "dmzstub0", createStub: true, rangeStart: "192.168.50.100", rangeEnd: "192.168.50.150", exclude: ["192.168.50.100", "192.168.50.101-192.168.50.103"] })).outs as PoolOutputs;
    expect(dmz).toMatchObject({ stubCreated: true, size: "47" });
    expect(await fx.sh("dladm", "show-link", "-p", "-o", "link,class")).toContain("dmzstub0:etherstub");
    expect(file("pools/dmz.kdl")).toContain('network "192.168.50.0/24"');

    const z = (await zoneProvider.create(fx.zone("dz", { pool: "dmz" }))).outs as ZoneOutputs;
    expect(z.address).toBe("192.168.50.104/24"); // exclusions skipped
    expect(await fx.sh("dladm", "show-vnic", "-p", "-o", "over", "dz0")).toBe("dmzstub0\n");

    const shrink = { ...dmz, rangeStart: "192.168.50.130", network: "192.168.50.128/25", gateway: "192.168.50.129", exclude: [] };
    await expect(poolProvider.update!("dmz", dmz, shrink)).rejects.toThrow(/zone dz holds 192\.168\.50\.104.*outside the new pool \[zmgr::pool::in-use\]/s);
    await expect(poolProvider.delete!("dmz", dmz)).rejects.toThrow(/pool dmz is still used by zone dz \[zmgr::pool::in-use\]\nhelp: delete those zones/);
    expect(file("pools/dmz.kdl")).toContain("192.168.50.0/24"); // unchanged

    const grown = (await poolProvider.update!("dmz", dmz, { ...dmz, rangeEnd: "192.168.50.200" })).outs as PoolOutputs;
    expect(grown.size).toBe("97");
    await zoneProvider.delete!("dz", z);
    await poolProvider.delete!("dmz", grown);
    expect(await fx.sh("dladm", "show-link", "-p", "-o", "link,class")).not.toContain("dmzstub0");
    expect((await poolProvider.read!("dmz", grown)).id).toBeUndefined();
  });

  test("an overlapping pool is refused; an existing file needs adopt, which must match", async () => {
    await expect(poolProvider.create({ name: "overlap", host: fx.host, network: "10.0.0.128/25", stub: "zstub0" })).rejects.toThrow(/zmgr::pool::overlap/);
    await expect(poolProvider.create({ ...LAN, host: fx.host })).rejects.toThrow(/pool lan already exists .*\[zmgr::pool::exists\]\nhelp: set `adopt: true`/s);
    await expect(poolProvider.create({ ...LAN, host: fx.host, adopt: true, rangeEnd: "10.0.0.250" })).rejects.toThrow(/does not match the inputs \(nothing was changed\)/);
    const adopted = (await poolProvider.create({ ...LAN, host: fx.host, adopt: true })).outs as PoolOutputs;
    expect(adopted.name).toBe("lan");
  });

  test("hand-written comments and unknown nodes survive an update", async () => {
    const path = join(fx.registry, "pools", "lan.kdl");
    writeFileSync(path, file("pools/lan.kdl").replace('pool "lan" {', '// managed by pulumi and by hand\npool "lan" {\n    owner "netops" // who to ask'));
    const read = (await poolProvider.read!("lan", { ...LAN, host: fx.host, hostId: "", size: "", stubCreated: false })).props as PoolOutputs;
    await poolProvider.update!("lan", read, { ...LAN, host: fx.host, rangeEnd: "10.0.0.210" });
    const text = file("pools/lan.kdl");
    expect(text).toContain("// managed by pulumi and by hand");
    expect(text).toContain('owner "netops" // who to ask');
    expect(text).toContain('"10.0.0.210"');
  });
});

describe("Template and Publisher", () => {
  test("delete refused while used; update in place; delete", async () => {
    const t = (await templateProvider.read!("ipkg", { name: "ipkg", host: fx.host, brand: "lipkg", hostId: "", spec: { brand: "lipkg" } } as TemplateOutputs)).props as TemplateOutputs;
    expect(t.spec).toMatchObject({ brand: "lipkg", pool: "lan", publishers: ["omnios"], zonepathPrefix: fx.sim.zonesDir });
    const z = (await zoneProvider.create(fx.zone("tz"))).outs as ZoneOutputs;
    await expect(templateProvider.delete!("ipkg", t)).rejects.toThrow(/template ipkg is still used by zone tz \[zmgr::template::in-use\]/);
    const p = { ...OMNIOS, host: fx.host, hostId: "" } as PublisherOutputs;
    await expect(publisherProvider.delete!("omnios", p)).rejects.toThrow(/publisher omnios is still listed by template ipkg/);
    const p2 = (await publisherProvider.update!("omnios", p, { ...OMNIOS, host: fx.host, mirrors: ["https://mirror.example.org/core/"] })).outs as PublisherOutputs;
    expect(file("publishers/omnios.kdl")).toContain('mirror "https://mirror.example.org/core/"');
    await zoneProvider.delete!("tz", z);

    const extra = (await templateProvider.create({ name: "sparse", host: fx.host, brand: "sparse", pool: "lan" })).outs as TemplateOutputs;
    await expect(templateProvider.create({ name: "sparse", host: fx.host, brand: "sparse" })).rejects.toThrow(/zmgr::template::exists/);
    await templateProvider.delete!("sparse", extra);
    expect((await templateProvider.read!("sparse", extra)).id).toBeUndefined();
    expect((await publisherProvider.read!("omnios", p2)).props).toMatchObject({ mirrors: ["https://mirror.example.org/core/"] });
  });
});
