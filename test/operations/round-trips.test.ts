// The round-trip budget of the hot paths: a zone create in at most 6 commands to the host, a read in 1, a delete in 2.

import { LocalHost } from "../../provider/transport/local-host";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { ZoneOutputs } from "../../provider/operations/zone-inputs";
import { zoneFixture, type ZoneFixture } from "./fixture";

let fx: ZoneFixture;
beforeAll(async () => {
  fx = await zoneFixture("local");
});
afterAll(async () => {
  await fx?.close();
});

/** Counts LocalHost.run calls (each is one round trip on SSH) made by `fn`. */
async function roundTrips(fn: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(LocalHost.prototype, "run");
  try {
    await fn();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

test("create: at most 6 round trips (with a publisher and boot); read: 1; delete: 2", async () => {
  let z: ZoneOutputs | undefined;
  expect(await roundTrips(async () => (z = (await zoneProvider.create(fx.zone("rt"))).outs as ZoneOutputs))).toBeLessThanOrEqual(6);
  expect(z!.state).toBe("running");
  expect(await roundTrips(() => zoneProvider.read!("rt", z!))).toBe(1);
  expect(await roundTrips(() => zoneProvider.delete!("rt", z!))).toBe(2);
  expect(fx.registryFile("rt")).toBeUndefined();
  expect(await fx.vnics()).toEqual([]);
});
