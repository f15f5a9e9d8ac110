// The registry lock: a stale lock left by a dead process is broken after its timeout, with a warning; a live lock is
// waited for and never broken, however long it is held; a lost connection while taking or releasing it leaves no lock.

jest.mock("../../provider/transport/connect", () => jest.requireActual("./mock-connect"));

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { HostSpec } from "../../provider/operations/host-spec";
import { setProgressSink } from "../../provider/operations/progress";
import type { ZoneInputs } from "../../provider/operations/zone-inputs";
import { acquireRegistryLock } from "../../provider/registry/lock";
import { closeAllHosts } from "../../provider/transport/connect";
import { LocalHost } from "../../provider/transport/local-host";
import type { SimHost } from "../harness/sim";
import { leaveDeadLock } from "./e2e-stacks";
import { faults } from "./fault-host";
import { seededLocalHost } from "./seed";

let sim: SimHost;
let registry: string;
let host: HostSpec;
let warn: jest.SpyInstance;
const lockDir = () => join(registry, ".lock");
const zone = (name: string): ZoneInputs => ({ name, host, template: "ipkg" });

beforeAll(async () => {
  ({ sim, registry, host } = await seededLocalHost());
  setProgressSink(() => undefined);
});
beforeEach(() => {
  warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());
afterAll(async () => {
  await closeAllHosts();
  sim?.remove();
});

const warnings = () => warn.mock.calls.map((c) => String(c[0]));

describe("a stale lock from a dead process", () => {
  test("is broken only after its timeout, with a warning naming the dead holder", async () => {
    const { pid } = leaveDeadLock(registry, 0); // just taken, by a process that is already gone
    const logged: string[] = [];
    const started = Date.now();
    const lock = await acquireRegistryLock(new LocalHost(), registry, { staleMs: 2000, initialDelayMs: 50, maxDelayMs: 200, logger: { warn: (m) => logged.push(m) } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // the host clock has whole seconds: at least one of the two
    expect(logged).toEqual([expect.stringMatching(new RegExp(`^breaking stale registry lock ${lockDir()} held by zmgr \\(killed\\) \\(pid ${pid} on .*older than 2 s$`))]);
    await lock.release();
    expect(existsSync(lockDir())).toBe(false);
  });

  test("left long ago, it is broken at once by a zone create, which goes on; the warning reaches the user", async () => {
    const { pid } = leaveDeadLock(registry, 10 * 60_000);
    const made = await zoneProvider.create(zone("after-stale"));
    expect(made.outs).toMatchObject({ state: "running" });
    expect(warnings()).toEqual([expect.stringMatching(new RegExp(`breaking stale registry lock .* \\(pid ${pid} on `))]);
    expect(existsSync(lockDir())).toBe(false);
  });
});

describe("a live lock", () => {
  test("is waited for by a zone create, which finishes after the holder releases it; nothing is broken", async () => {
    const holder = await acquireRegistryLock(new LocalHost(), registry, { label: "another deployment" });
    let released = 0;
    const create = zoneProvider.create(zone("after-live")).then(() => Date.now());
    await new Promise((r) => setTimeout(r, 1500));
    expect(readFileSync(join(lockDir(), "owner"), "utf8")).toContain(`token ${holder.token}`);
    released = Date.now();
    await holder.release();
    expect(await create).toBeGreaterThanOrEqual(released);
    expect(warnings()).toEqual([]);
  });

  test("held longer than the stale time is never broken: its holder keeps it fresh", async () => {
    const logged: string[] = [];
    const logger = { warn: (m: string) => logged.push(m) };
    const options = { staleMs: 2000, initialDelayMs: 50, maxDelayMs: 200, logger };
    const holder = await acquireRegistryLock(new LocalHost(), registry, { ...options, label: "slow holder" });
    const waited = acquireRegistryLock(new LocalHost(), registry, { ...options, label: "waiter" });
    await new Promise((r) => setTimeout(r, 5000)); // two and a half stale times
    expect(readFileSync(join(lockDir(), "owner"), "utf8")).toContain(`token ${holder.token}`);
    await holder.release();
    const waiter = await waited;
    expect(logged).toEqual([]); // neither "breaking stale lock" nor "was broken by another process"
    await waiter.release();
    expect(existsSync(lockDir())).toBe(false);
  }, 20_000);
});

describe("a lost connection while taking or releasing the lock leaves no lock behind", () => {
  test.each([
    ["the lock taken, its answer lost", "registry lock", "lost-after"],
    ["the release failed", "registry unlock", "fail"],
    ["the release done, its answer lost", "registry unlock", "lost-after"],
  ] as const)("%s", async (_label, step, kind) => {
    const name = `lk-${step.replace(/\W/g, "")}-${kind}`;
    const scope = await faults.scope([{ step, occurrence: 1, kind }], () => zoneProvider.create(zone(name)));
    expect(scope.fired).toHaveLength(1);
    expect(existsSync(lockDir())).toBe(false);
    // Whatever the create made of it, the next claim does not wait for a lock.
    const started = Date.now();
    const next = await zoneProvider.create(zone(`${name}-next`));
    expect(next.outs).toMatchObject({ state: "running" });
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
