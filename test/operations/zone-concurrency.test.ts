// Twenty zones created at once from one pool get twenty distinct addresses and a consistent registry.

import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { ZoneOutputs } from "../../provider/operations/zone-inputs";
import { zoneFixture, type Via, type ZoneFixture } from "./fixture";

describe.each<[Via]>([["local"], ["ssh"]])("20 concurrent creates (%s)", (via) => {
  let fx: ZoneFixture;
  beforeAll(async () => {
    fx = await zoneFixture(via);
  });
  afterAll(async () => {
    await fx?.close();
  });

  test("distinct addresses, every zone running and registered; then all deleted at once", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const outs = (await Promise.all(names.map((n) => zoneProvider.create(fx.zone(n))))).map((r) => r.outs as ZoneOutputs);
    const addresses = outs.map((o) => o.address);
    expect(new Set(addresses).size).toBe(20);
    expect([...addresses].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `10.0.0.${10 + i}/24`).sort());
    expect(outs.every((o) => o.state === "running" && o.registered)).toBe(true);
    for (const o of outs) expect(fx.registryFile(o.name)).toContain(`address "${o.address}"`);
    expect((await fx.zones()).sort()).toEqual([...names].sort());
    await Promise.all(outs.map((o) => zoneProvider.delete!(o.name, o)));
    expect(await fx.zones()).toEqual([]);
    expect(await fx.vnics()).toEqual([]);
    for (const n of names) expect(fx.registryFile(n)).toBeUndefined();
  }, 240_000);
});
