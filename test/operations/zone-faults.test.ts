// A failure at any step of zone create leaves nothing behind and a retry succeeds; a failed delete converges on retry.

import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { ZoneOutputs } from "../../provider/operations/zone-inputs";
import { beforeEachCommand, zoneFixture, type ZoneFixture } from "./fixture";

let fx: ZoneFixture;
beforeAll(async () => {
  fx = await zoneFixture("local");
});
afterAll(async () => {
  await fx?.close();
});
afterEach(async () => {
  await fx.sim.clearFaults();
});

/** The host holds no trace of zone `name`. */
async function expectClean(name: string): Promise<void> {
  expect(await fx.zones()).not.toContain(name);
  expect(await fx.vnics()).not.toContain(`${name}0`);
  expect(fx.registryFile(name)).toBeUndefined();
}

describe("create fails at each step and undoes everything", () => {
  const steps: [string, string, RegExp][] = [
    ["VNIC", "dladm create-vnic", /creating VNIC z1vnic0 over zstub0/],
    ["zonecfg", "zonecfg -f", /configuring the zone \(zonecfg\)/],
    ["install", "zoneadm install", /installing the zone/],
    ["publisher", "pkg set-publisher", /setting publisher omnios/],
    ["boot", "zoneadm boot", /booting the zone/],
  ];
  test.each(steps)("%s", async (_label, cmd, step) => {
    const name = `z1${cmd.split(" ")[0] === "dladm" ? "vnic" : cmd.split(" ")[1]!.replace(/^-/, "")}`;
    await fx.sim.addFault({ cmd, stderr: "simulated failure: device on fire", exit: 1 });
    const error = await zoneProvider.create(fx.zone(name)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(step);
    expect(error!.message).toContain("simulated failure: device on fire");
    expect(error!.message).toContain("Everything this attempt did was undone");
    expect(error!.message).toMatch(/\[zmgr::[a-z-]+::[a-z-]+\]\nhelp: /);
    await expectClean(name);
    await fx.sim.clearFaults();
    const made = (await zoneProvider.create(fx.zone(name))).outs as ZoneOutputs;
    expect(made.state).toBe("running");
    expect(made.address).toBe("10.0.0.10/24"); // the failed attempt's address was released
    await zoneProvider.delete!(name, made);
    await expectClean(name);
  });

  test("an install that hangs past its timeout is killed and undone", async () => {
    await fx.sim.addFault({ cmd: "zoneadm install", hang: true });
    const error = await zoneProvider.create(fx.zone("slow", { timeouts: { install: 2 } })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error!.message).toMatch(/timed out after 2000 ms/);
    await expectClean("slow");
  });

  test("when undo fails too, the error is a partial create the engine records with __provider", async () => {
    await fx.sim.addFault({ cmd: "zoneadm boot", stderr: "boot exploded", exit: 1 });
    await fx.sim.addFault({ cmd: "zonecfg delete", stderr: "delete exploded", exit: 1 });
    const inputs = { ...fx.zone("part"), __provider: "serialized-provider" } as never;
    const error = (await zoneProvider.create(inputs).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] };
    expect(error.id).toBe("part");
    expect(error.properties?.__provider).toBe("serialized-provider");
    expect(error.properties?.vnic).toBe("part0");
    expect(error.reasons).toEqual(["create failed while booting the zone", "undo of zone configuration failed"]);
    expect(error.message).toMatch(/Undoing it failed too: zone configuration: .*delete exploded/);
    expect(error.message).toContain("[zmgr::zone::partial]");
    await fx.sim.clearFaults();
    // The next `up` runs update on the partial zone and finishes it...
    const finished = (await zoneProvider.update!("part", error.properties as never, fx.zone("part"))).outs as ZoneOutputs;
    expect(finished).toMatchObject({ state: "running", registered: true });
    // ...and destroy removes everything.
    await zoneProvider.delete!("part", finished);
    await expectClean("part");
  });
});

describe("delete", () => {
  test("fails half-way, then converges on retry", async () => {
    const z = (await zoneProvider.create(fx.zone("half"))).outs as ZoneOutputs;
    await fx.sim.addFault({ cmd: "zonecfg delete", stderr: "transient failure", exit: 1 });
    await expect(zoneProvider.delete!("half", z)).rejects.toThrow(/transient failure/);
    expect(await fx.sh("zoneadm", "-z", "half", "list", "-p")).toMatch(/:half:configured:/); // halted and uninstalled already
    expect(fx.registryFile("half")).toBeDefined(); // the address stays held until the zone is gone
    await fx.sim.clearFaults();
    await zoneProvider.delete!("half", z);
    await expectClean("half");
  });
});

describe("a writer that does not take the registry lock (the zmgr CLI) takes our address while we create", () => {
  /** Writes zone file `cli.kdl` holding `address` just before the round trip that records our claim runs. */
  function raceWith(zone: string, address: string): jest.SpyInstance {
    let done = false;
    return beforeEachCommand((argv) => {
      if (!done && argv.join(" ").includes(`zones/${zone}.kdl`) && argv.join(" ").includes("zonecfg")) {
        done = true;
        mkdirSync(join(fx.registry, "zones"), { recursive: true });
        writeFileSync(join(fx.registry, "zones", "cli.kdl"), `zone "cli" {\n    pool "lan"\n    address "${address}"\n}\n`);
      }
    });
  }

  test("theirs wins: our zone moves to the next free address, configured with it, and nothing else changes", async () => {
    const spy = raceWith("mover", "10.0.0.10/24");
    try {
      const made = (await zoneProvider.create(fx.zone("mover"))).outs as ZoneOutputs;
      expect(made.address).toBe("10.0.0.11/24");
      expect(made.state).toBe("running");
      expect(fx.registryFile("mover")).toContain('address "10.0.0.11/24"');
      expect(await fx.sh("zonecfg", "-z", "mover", "info", "net")).toContain("allowed-address: 10.0.0.11/24");
      expect(fx.progress.some((l) => /10\.0\.0\.10\/24 was taken by another writer meanwhile; configuring the zone with 10\.0\.0\.11\/24/.test(l))).toBe(true);
      await zoneProvider.delete!("mover", made);
      await expectClean("mover");
    } finally {
      spy.mockRestore();
      rmSync(join(fx.registry, "zones", "cli.kdl"), { force: true });
    }
  });

  test("a requested address taken that way fails the create and undoes everything; their file stays", async () => {
    const spy = raceWith("wanted", "10.0.0.150/24");
    try {
      const error = await zoneProvider.create(fx.zone("wanted", { address: "10.0.0.150" })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/requested address 10\.0\.0\.150 is already held by zone "cli" .*\[zmgr::pool::address-taken\]/);
      expect(error?.message).toContain("Everything this attempt did was undone");
      await expectClean("wanted");
      expect(existsSync(join(fx.registry, "zones", "cli.kdl"))).toBe(true);
    } finally {
      spy.mockRestore();
      rmSync(join(fx.registry, "zones", "cli.kdl"), { force: true });
    }
  });
});
