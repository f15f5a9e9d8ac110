// Concurrency with the real CLI: one stack creating 40 zones with --parallel 40 and a second stack on the same host
// and pool at once, while a third writer adds zone files directly (as the zmgr CLI does, without our lock); then both
// stacks destroyed at once, the writer still writing. Afterwards every address is unique, every zone file matches a
// zone with that address, and no lock or temporary file is left behind. The run starts with a lock left by a dead
// process, which the first claim breaks with a warning the user sees.

import { e2eProject, type E2eProject } from "./project";
import type { PulumiStack } from "../harness/pulumi";
import { anotherStack, leaveDeadLock } from "../reliability/e2e-stacks";
import { hostFacts, inconsistencies } from "../reliability/host-state";
import { seedRegistry } from "../reliability/seed";
import { startThirdWriter, type ThirdWriter } from "../reliability/third-writer";

let p: E2eProject;
let b: PulumiStack;
beforeAll(async () => {
  p = await e2eProject("reliability", { zones: "40", prefix: "a" });
  seedRegistry(p.registry, p.sim.zonesDir);
  b = await anotherStack(p, "b", { zones: "10", prefix: "b" });
}, 600_000);
afterAll(async () => {
  b?.dispose();
  await p?.close();
});

const facts = () => hostFacts(p.sim.root, p.registry);

test("40 zones with --parallel 40 and a second stack at once, with a third writer: unique addresses, files match zones, no lock left", async () => {
  const dead = leaveDeadLock(p.registry, 10 * 60_000);
  const writer: ThirdWriter = startThirdWriter(p.sim, p.registry, "cli", 150);
  const started = Date.now();
  let ups;
  try {
    ups = await Promise.all([p.stack.up(["--parallel", "40"]), b.up(["--parallel", "10"])]);
  } finally {
    await writer.stop();
  }
  const ended = Date.now();
  for (const up of ups) expect(`${up.code}\n${up.stdout}${up.stderr}`).toMatch(/^0\n/);
  expect(ups[0]!.stdout).toMatch(/\+ 41 created/);
  expect(ups[1]!.stdout).toMatch(/\+ 11 created/);
  // The dead process's lock was broken, with a warning the user sees.
  expect(ups.map((u) => u.stdout + u.stderr).join("\n")).toMatch(new RegExp(`breaking stale registry lock .*held by zmgr \\(killed\\) \\(pid ${dead.pid} `));

  const a = (await p.stack.outputs()) as { names: string[]; addresses: string[] };
  const bo = (await b.outputs()) as { names: string[]; addresses: string[] };
  const ours = [...a.addresses, ...bo.addresses];
  expect(ours).toHaveLength(50);
  const cli = writer.written.map((w) => w.address);
  expect(new Set([...ours, ...cli]).size).toBe(ours.length + cli.length);
  // The writer really wrote while the stacks ran, into the addresses they were taking.
  expect(writer.written.filter((w) => w.at > started && w.at < ended).length).toBeGreaterThanOrEqual(5);
  const f = facts();
  expect(inconsistencies(f)).toEqual([]);
  expect(f.zones.size).toBe(50 + writer.written.length);
  for (const [i, name] of a.names.entries()) expect(f.zones.get(name)).toMatchObject({ state: "running", addresses: [a.addresses[i]] });
  process.stdout.write(`concurrency: 40 + 10 zones, ${writer.written.length} written by the third writer (${cli.join(" ")})\n`);
}, 600_000);

test("both stacks destroyed at once while the third writer writes: only its zones remain, consistent", async () => {
  const writer = startThirdWriter(p.sim, p.registry, "cli2_", 150);
  let downs;
  try {
    downs = await Promise.all([p.stack.destroy(["--parallel", "40"]), b.destroy(["--parallel", "10"])]);
  } finally {
    await writer.stop();
  }
  for (const d of downs) expect(`${d.code}\n${d.stdout}${d.stderr}`).toMatch(/^0\n/);
  const f = facts();
  expect(inconsistencies(f)).toEqual([]);
  expect([...f.zones.keys()].filter((z) => /^[ab]\d/.test(z))).toEqual([]);
  expect([...f.files.keys()].every((z) => z.startsWith("cli"))).toBe(true);
  expect(f.vnics.size).toBe(f.zones.size); // each remaining zone has its VNIC, none of ours is left
}, 600_000);
