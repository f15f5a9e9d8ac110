// A provider process killed with SIGKILL in the middle of a create (the real CLI, while one zone's install hangs):
// the `up` fails, and the next `pulumi up` recovers: the zones the engine recorded are kept, the half-made one is
// finished, the host is consistent, and `pulumi destroy` removes everything.

import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { e2eProject, type E2eProject } from "./project";
import { descendants, signal } from "../harness/sshd";
import { hostFacts, inconsistencies } from "../reliability/host-state";
import { seedRegistry } from "../reliability/seed";

let p: E2eProject;
beforeAll(async () => {
  p = await e2eProject("reliability", { zones: "3", prefix: "k" });
  seedRegistry(p.registry, p.sim.zonesDir);
}, 600_000);
afterAll(async () => {
  await p?.close();
});

const facts = () => hostFacts(p.sim.root, p.registry);
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
};
const cwd = (pid: number) => {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return "";
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it returns a value, for at most `ms`. */
async function until<T>(what: string, ms: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The `node .../cmd/dynamic-provider` process under this project's running `pulumi up`. */
function dynamicProvider(): number | undefined {
  const ups = readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => / up /.test(cmdline(pid)) && /\/pulumi /.test(cmdline(pid)) && cwd(pid) === p.dir);
  for (const up of ups) {
    const provider = descendants(up).find((pid) => /^node .*cmd\/dynamic-provider/.test(cmdline(pid)));
    if (provider) return provider;
  }
  return undefined;
}

test("SIGKILL of the provider mid-create: the next `pulumi up` finishes the zone; the host stays consistent", async () => {
  await p.sim.addFault({ cmd: "zoneadm install", zone: "k2", hang: true });
  const up = p.stack.up();
  const hung = await until("k2's install to hang", 60_000, () => p.sim.log().find((e) => e.exitCode === null && e.argv.includes("k2") && e.argv.includes("install")));
  await until("k0 and k1 to run", 60_000, () => (["k0", "k1"].every((z) => facts().zones.get(z)?.state === "running") ? true : undefined));
  await sleep(1000); // their creates return and the engine records them
  const provider = await until("the dynamic provider process", 10_000, dynamicProvider);
  process.kill(provider, "SIGKILL");
  const failed = await up;
  expect(failed.code).not.toBe(0);
  expect(failed.stdout).toMatch(/k2 \*\*creating failed\*\*/);
  signal(hung.pid, "SIGKILL"); // the hung install outlived its SSH session; a real one dies on its closed output
  await p.sim.clearFaults();

  // What the kill left: k2 configured, with its registry file (its address) and VNIC; no lock.
  const left = facts();
  expect(left.zones.get("k2")).toMatchObject({ state: "configured" });
  expect(left.files.has("k2")).toBe(true);
  expect(left.vnics.has("k20")).toBe(true);
  expect(inconsistencies(left)).toEqual([]);

  // The recovery: `pulumi up` again.
  const again = await p.stack.up();
  expect(`${again.code}\n${again.stdout}${again.stderr}`).toMatch(/^0\n/);
  expect(again.stdout).toMatch(/\+ 1 created/);
  expect(again.stdout).toMatch(/k2: .*an earlier create of it stopped half-way/);
  const done = facts();
  expect(["k0", "k1", "k2"].map((z) => done.zones.get(z)?.state)).toEqual(["running", "running", "running"]);
  expect(inconsistencies(done)).toEqual([]);
  const outputs = (await p.stack.outputs()) as { addresses: string[] };
  expect(new Set(outputs.addresses).size).toBe(3);
  await p.stack.ok(["preview", "--expect-no-changes"]);

  const destroy = await p.stack.destroy();
  expect(destroy.code).toBe(0);
  const gone = facts();
  expect([...gone.zones.keys(), ...gone.files.keys(), ...gone.vnics]).toEqual([]);
  expect(gone.locked).toBe(false);
}, 300_000);
