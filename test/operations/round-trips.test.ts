// The round-trip budget of the hot paths: a zone create in 3 commands to the host, a read in 1, a delete in 2; and the
// illumos tools a create runs.

import { LocalHost } from "../../provider/transport/local-host";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { ZoneOutputs } from "../../provider/operations/zone-inputs";
import { readCommandLog } from "../harness/sim";
import { beforeEachCommand, zoneFixture, type ZoneFixture } from "./fixture";

let fx: ZoneFixture;
beforeAll(async () => {
  fx = await zoneFixture("local");
});
afterAll(async () => {
  await fx?.close();
});

/** Counts the commands LocalHost runs for `fn` (each is one round trip on SSH); `run` goes through `runStreaming`, as does a streamed install. */
async function roundTrips(fn: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(LocalHost.prototype, "runStreaming");
  try {
    await fn();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

test("create: 3 round trips (with a publisher and boot); read: 1; delete: 2", async () => {
  let z: ZoneOutputs | undefined;
  expect(await roundTrips(async () => (z = (await zoneProvider.create(fx.zone("rt"))).outs as ZoneOutputs))).toBe(3);
  expect(z!.state).toBe("running");
  expect(await roundTrips(() => zoneProvider.read!("rt", z!))).toBe(1);
  expect(await roundTrips(() => zoneProvider.delete!("rt", z!))).toBe(2);
  expect(fx.registryFile("rt")).toBeUndefined();
  expect(await fx.vnics()).toEqual([]);
});

test("the illumos tools of a create, a delete and a read of a zone that is gone (no zonecfg info after zoneadm list says so)", async () => {
  const toolsOf = async (fn: () => Promise<unknown>) => {
    const logged = readCommandLog(fx.sim.root).length;
    await fn();
    return readCommandLog(fx.sim.root)
      .slice(logged)
      .map((c) => c.argv.join(" "));
  };
  let z: ZoneOutputs | undefined;
  const created = await toolsOf(async () => (z = (await zoneProvider.create(fx.zone("tl"))).outs as ZoneOutputs));
  expect(created.map((c) => c.replace(fx.sim.root, "$ROOT"))).toEqual([
    "zoneadm -z tl list -p",
    "dladm create-vnic -l zstub0 tl0",
    "zonecfg -z tl -f -",
    "zoneadm -z tl install",
    "pkg -R $ROOT/zones/tl/root set-publisher -G * -M * -g https://pkg.omnios.org/r151054/core/ omnios",
    "zoneadm -z tl boot",
    "zoneadm -z tl list -p",
  ]);
  const deleted = await toolsOf(() => zoneProvider.delete!("tl", z!));
  expect(deleted).toEqual(["zoneadm -z tl list -p", "zonecfg -z tl info", "zoneadm -z tl halt", "zoneadm -z tl uninstall -F", "zonecfg -z tl delete -F", "dladm delete-vnic tl0"]);
  expect(await toolsOf(() => zoneProvider.read!("tl", z!))).toEqual(["zoneadm -z tl list -p"]);
});

test("a refresh of many zones at once shares round trips: 8 reads, 1 round trip", async () => {
  const zones = (await Promise.all(["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"].map((n) => zoneProvider.create(fx.zone(n, { state: "installed" }))))).map((r) => r.outs as ZoneOutputs);
  let reads: Awaited<ReturnType<NonNullable<typeof zoneProvider.read>>>[] = [];
  expect(await roundTrips(async () => (reads = await Promise.all(zones.map((z) => zoneProvider.read!(z.name, z)))))).toBe(1);
  expect(reads.map((r) => [r.id, (r.props as ZoneOutputs).state, (r.props as ZoneOutputs).address])).toEqual(zones.map((z) => [z.name, "installed", z.address]));
  await Promise.all(zones.map((z) => zoneProvider.delete!(z.name, z)));
});

test("reads that come while the host already runs two probes gather into one round trip, however they trickle in", async () => {
  const names = ["t1", "t2", "t3", "t4", "t5", "t6"];
  const zones = (await Promise.all(names.map((n) => zoneProvider.create(fx.zone(n, { state: "installed" }))))).map((r) => r.outs as ZoneOutputs);
  // A slow host: the first two probes are still running when the rest come.
  const spy = beforeEachCommand(() => new Promise((r) => setTimeout(r, 300)));
  const pause = () => new Promise((r) => setTimeout(r, 30));
  try {
    const reads: ReturnType<NonNullable<typeof zoneProvider.read>>[] = [];
    for (const z of zones) {
      reads.push(zoneProvider.read!(z.name, z));
      await pause(); // one by one, 30 ms apart: each would go alone after the 5 ms window
    }
    const results = await Promise.all(reads);
    expect(spy.mock.calls.length).toBe(3); // t1; t2; t3-t6 together, once a slot is free
    expect(results.map((r) => [r.id, (r.props as ZoneOutputs).state])).toEqual(names.map((n) => [n, "installed"]));
  } finally {
    spy.mockRestore();
  }
  await Promise.all(zones.map((z) => zoneProvider.delete!(z.name, z)));
});
