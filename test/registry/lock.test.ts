// The registry lock through LocalHost: exclusive, waits with backoff, breaks stale locks with a warning, always released.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { acquireRegistryLock, acquireRegistryLockWith, withRegistryLock } from "../../provider/registry/lock";
import { SpyHost, tempRoot } from "./helpers";

let root: string;
let cleanup: () => void;
let host: SpyHost;
let warnings: string[];
const logger = { warn: (m: string) => warnings.push(m) };
beforeEach(() => {
  ({ root, cleanup } = tempRoot());
  host = new SpyHost();
  warnings = [];
});
afterEach(() => cleanup());

const lockDir = () => join(root, ".lock");

test("acquire records owner and time; release removes the lock", async () => {
  const lock = await acquireRegistryLock(host, root, { label: "test run", logger });
  const owner = readFileSync(join(lockDir(), "owner"), "utf8");
  expect(owner).toMatch(new RegExp(`^token ${lock.token}\\nlabel test run\\nhost .+\\npid ${process.pid}\\ntime \\d{14}\\n$`));
  expect(host.calls).toHaveLength(1);
  await lock.release();
  expect(existsSync(lockDir())).toBe(false);
  await lock.release(); // twice is harmless
  expect(warnings).toEqual([]);
});

test("a second holder waits until the first releases", async () => {
  const first = await acquireRegistryLock(host, root, { logger });
  const order: string[] = [];
  const second = acquireRegistryLock(host, root, { logger, initialDelayMs: 10, maxDelayMs: 40 }).then((l) => {
    order.push("second acquired");
    return l;
  });
  await new Promise((r) => setTimeout(r, 200));
  order.push("first releases");
  await first.release();
  const lock = await second;
  expect(order).toEqual(["first releases", "second acquired"]);
  expect(host.calls.length).toBeGreaterThan(3); // it polled
  await lock.release();
});

test("backoff doubles up to the cap, with jitter", async () => {
  await acquireRegistryLock(host, root, { logger });
  const waits: number[] = [];
  const err = await acquireRegistryLock(host, root, {
    logger,
    timeoutMs: 400,
    initialDelayMs: 20,
    maxDelayMs: 80,
    sleep: async (ms) => {
      waits.push(ms);
      await new Promise((r) => setTimeout(r, ms));
    },
  }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: "zmgr::lock::timeout" });
  expect(waits[0]).toBeGreaterThanOrEqual(10);
  expect(waits[0]).toBeLessThanOrEqual(20);
  expect(waits[1]).toBeGreaterThanOrEqual(20);
  expect(Math.max(...waits)).toBeLessThanOrEqual(80);
});

test("timeout names the holder and says how to clear a stale lock", async () => {
  await acquireRegistryLock(host, root, { label: "deploy #7", logger });
  const err = await acquireRegistryLock(host, root, { logger, timeoutMs: 150, initialDelayMs: 10 }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: "zmgr::lock::timeout", details: { path: lockDir() } });
  expect((err as Error).message).toMatch(/held by deploy #7 \(pid \d+ on .+, since \d{14} UTC\)/);
  expect((err as { help: string }).help).toContain(`rm -r ${lockDir()}`);
});

test("a stale lock is broken with a warning", async () => {
  mkdirSync(lockDir());
  writeFileSync(join(lockDir(), "owner"), "token dead\nlabel crashed run\nhost gz1\npid 4242\ntime 20200101000000\n");
  const lock = await acquireRegistryLock(host, root, { logger });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/breaking stale registry lock .*held by crashed run \(pid 4242 on gz1/);
  expect(readFileSync(join(lockDir(), "owner"), "utf8")).toContain(`token ${lock.token}`);
  await lock.release();
  expect(existsSync(lockDir())).toBe(false);
  expect(existsSync(root) && require("node:fs").readdirSync(root)).toEqual([]);
});

test("a lock directory without owner is broken only after waiting the stale time", async () => {
  mkdirSync(lockDir());
  const start = Date.now();
  const lock = await acquireRegistryLock(host, root, { logger, staleMs: 300, initialDelayMs: 20, maxDelayMs: 50 });
  expect(Date.now() - start).toBeGreaterThanOrEqual(300);
  expect(warnings[0]).toMatch(/has not written its owner file/);
  await lock.release();
});

test("withRegistryLock releases when the operation throws, and returns its value otherwise", async () => {
  await expect(
    withRegistryLock(host, root, async () => {
      expect(existsSync(lockDir())).toBe(true);
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  expect(existsSync(lockDir())).toBe(false);
  await expect(withRegistryLock(host, root, async () => 42)).resolves.toBe(42);
  expect(existsSync(lockDir())).toBe(false);
});

test("a lock broken by someone else while held is not removed on release, with a warning", async () => {
  const lock = await acquireRegistryLock(host, root, { logger });
  writeFileSync(join(lockDir(), "owner"), "token other\nlabel someone\nhost h\npid 1\ntime 20990101000000\n");
  await lock.release();
  expect(existsSync(lockDir())).toBe(true);
  expect(warnings[0]).toMatch(/was broken by another process/);
});

test("a root that cannot hold a lock is zmgr::lock::failed", async () => {
  writeFileSync(lockDir(), "a file in the way");
  await expect(acquireRegistryLock(host, root, { logger })).rejects.toMatchObject({ code: "zmgr::lock::failed" });
  const missing = join(root, "new", "root");
  const lock = await acquireRegistryLock(host, missing, { logger }); // creates the root
  await lock.release();
  expect(existsSync(missing)).toBe(true);
});

describe("acquireRegistryLockWith", () => {
  const probe = (file: string) => ({ argv: ["/bin/sh", "-c", 'if [ -d "$1/.lock" ]; then echo locked; else echo free; fi; echo x >> "$2"; exit 1', "sh", root, join(root, file)] });
  const underLock = () => ({ argv: ["/bin/sh", "-c", '[ -d "$1/.lock" ] && echo locked', "sh", root] });

  test("`before` runs first, without the lock, failing or not; `steps` under it; one round trip when free", async () => {
    const { lock, before, results } = await acquireRegistryLockWith(host, root, { before: [probe("probes")], steps: [underLock()] }, { logger });
    expect(host.calls).toHaveLength(1);
    expect(before.map((r) => [r?.stdout, r?.exitCode])).toEqual([["free\n", 1]]);
    expect(results.map((r) => r?.stdout)).toEqual(["locked\n"]);
    expect(readFileSync(join(root, "probes"), "utf8")).toBe("x\n");
    await lock.release();
  });

  test("when the lock is busy, `before` is not run again: only `steps`, once the lock is taken", async () => {
    const first = await acquireRegistryLock(host, root, { logger });
    const second = acquireRegistryLockWith(host, root, { before: [probe("probes")], steps: [underLock()] }, { logger, initialDelayMs: 10, maxDelayMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    await first.release();
    const { lock, before, results } = await second;
    expect(before.map((r) => r?.stdout)).toEqual(["locked\n"]); // the first holder's lock: `before` does not wait
    expect(results.map((r) => r?.stdout)).toEqual(["locked\n"]);
    expect(readFileSync(join(root, "probes"), "utf8")).toBe("x\n"); // ran once
    await lock.release();
  });
});
