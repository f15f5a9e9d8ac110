// A zone moving to a new address keeps its old one held until it has moved: another zone created meanwhile never gets
// the address the first zone still uses, whether the move then succeeds or fails half-way.

import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { HostSpec } from "../../provider/operations/host-spec";
import { setProgressSink } from "../../provider/operations/progress";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { closeAllHosts } from "../../provider/transport/connect";
import type { SimHost } from "../harness/sim";
import { hostFacts, inconsistencies } from "./host-state";
import { seededLocalHost } from "./seed";

let sim: SimHost;
let registry: string;
let host: HostSpec;
const zone = (name: string, extra: Partial<ZoneInputs> = {}): ZoneInputs => ({ name, host, template: "ipkg", ...extra });

beforeAll(async () => {
  ({ sim, registry, host } = await seededLocalHost({ commandTimeoutSeconds: 5 }));
  setProgressSink(() => undefined);
});
afterAll(async () => {
  await closeAllHosts();
  sim?.remove();
});

/** Waits until a simulated zonecfg of `name` hangs. */
async function hung(name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (sim.log().some((e) => e.exitCode === null && e.argv[0] === "zonecfg" && e.argv.includes(name))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`zonecfg of ${name} never hung`);
}

const move = (name: string, rebootOnChange: boolean) => zone(name, { address: "10.0.0.190/24", rebootOnChange });

test("the move fails half-way (its zonecfg hangs until killed): a zone created meanwhile gets another address; the next up finishes the move", async () => {
  const made = (await zoneProvider.create(zone("mv1"))).outs as ZoneOutputs;
  await sim.addFault({ cmd: "zonecfg -f", zone: "mv1", hang: true });
  const moving = zoneProvider.update!("mv1", made, move("mv1", true)).then(
    () => undefined,
    (e: Error) => e,
  );
  await hung("mv1");
  const other = (await zoneProvider.create(zone("other1"))).outs as ZoneOutputs;
  expect(await moving).toBeInstanceOf(Error); // killed at the command timeout
  await sim.clearFaults();
  const facts = hostFacts(sim.root, registry);
  expect(facts.zones.get("mv1")!.addresses).toEqual([made.address]); // still on its old address...
  expect(other.address).not.toBe(made.address); // ...which nobody else got
  expect(inconsistencies(facts)).toEqual([]);
  const done = (await zoneProvider.update!("mv1", made, move("mv1", true))).outs as ZoneOutputs;
  expect(done.address).toBe("10.0.0.190/24");
  expect(hostFacts(sim.root, registry).files.get("mv1")?.addresses).toEqual(["10.0.0.190/24"]); // the old one released
  await zoneProvider.delete!("mv1", done);
  await zoneProvider.delete!("other1", other);
});

test("the move waits for a reboot: the running zone still uses its old address, so it stays held until the zone reboots", async () => {
  const made = (await zoneProvider.create(zone("mv2"))).outs as ZoneOutputs;
  const moved = (await zoneProvider.update!("mv2", made, move("mv2", false))).outs as ZoneOutputs;
  expect(moved).toMatchObject({ address: "10.0.0.190/24", pendingReboot: true, state: "running" });
  const other = (await zoneProvider.create(zone("other2"))).outs as ZoneOutputs;
  expect(other.address).not.toBe(made.address);
  expect(hostFacts(sim.root, registry).files.get("mv2")?.addresses).toEqual(["10.0.0.190/24", made.address]);
  expect(inconsistencies(hostFacts(sim.root, registry))).toEqual([]);
  const rebooted = (await zoneProvider.update!("mv2", moved, move("mv2", true))).outs as ZoneOutputs;
  expect(rebooted.pendingReboot).toBe(false);
  expect(hostFacts(sim.root, registry).files.get("mv2")?.addresses).toEqual(["10.0.0.190/24"]);
  await zoneProvider.delete!("mv2", rebooted);
  await zoneProvider.delete!("other2", other);
});
