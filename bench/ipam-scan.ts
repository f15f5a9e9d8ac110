// IPAM and registry figures: allocation in a /16 with 60,000 addresses taken (in process), and reading 1,000 zone
// files from the registry over SSH (the real sshd, one pooled connection), with a claim among them.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatIp, parseIp } from "../provider/ipam/address";
import { allocate } from "../provider/ipam/allocate";
import { claimAddress, releaseAddress } from "../provider/ipam/claim";
import { holdingsOf } from "../provider/ipam/holdings";
import { planPool } from "../provider/ipam/pool-plan";
import { savePool } from "../provider/ipam/pool-store";
import type { Zone } from "../provider/registry/models";
import { scanRegistry } from "../provider/registry/scan";
import { forgetDecoded } from "../provider/registry/codec";
import { readRegistry, type RegistryEntry } from "../provider/registry/store";
import { SshHost } from "../provider/transport/ssh-host";
import { startBenchHost } from "./bench-host";
import { median, round1 } from "./stats";

/** IPAM allocation figures (median of several runs, in process). */
export interface IpamResult {
  /** Addresses already taken. */
  readonly taken: number;
  /** Network. */
  readonly network: string;
  /** allocate() from the taken values. */
  readonly allocateMs: number;
  /** The provider's path: 60,000 zone models → holdings → allocate. */
  readonly fromZoneModelsMs: number;
  /** The address found (the first free one after the taken block). */
  readonly got: string;
}

/** Registry reads over SSH (median of several runs). */
export interface RegistryScanResult {
  /** Zone files in the registry. */
  readonly files: number;
  /** scanRegistry of the zones directory: one round trip returning every file. */
  readonly scanMs: number;
  /** readRegistry({ zones: true }): the scan plus parsing and schema checks of every file. */
  readonly readMs: number;
  /** claimAddress + releaseAddress of one zone among them (lock, scans, writes). */
  readonly claimReleaseMs: number;
}

/** Median wall time of `runs` calls of `fn` after one warm-up, ms. */
async function timed(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return round1(median(times));
}

/** Allocation from 10.50.0.0/16 with the lowest `taken` addresses held, in shuffled order. */
export async function measureIpam(taken = 60_000, runs = 15): Promise<IpamResult> {
  const network = "10.50.0.0/16";
  const plan = planPool({ name: "big", networks: [network], gateways: ["10.50.0.1"] });
  const first = parseIp("10.50.0.2").value;
  const values = Array.from({ length: taken }, (_, i) => first + BigInt(i));
  let seed = 42;
  for (let i = values.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  const zones: RegistryEntry<Zone>[] = values.map((v, i) => ({
    kind: "zone",
    rel: `zones/z${i}.kdl`,
    path: `/etc/zmgr/zones/z${i}.kdl`,
    text: "",
    model: { name: `z${i}`, addresses: [`${formatIp(4, v)}/16`] },
  }));
  let got = 0n;
  const allocateMs = await timed(runs, () => (got = allocate(plan, 4, values)));
  const fromZoneModelsMs = await timed(runs, () => (got = allocate(plan, 4, holdingsOf(zones).map((h) => h.value))));
  return { taken, network, allocateMs, fromZoneModelsMs, got: formatIp(4, got) };
}

/** Writes `files` zone files into a simulated host's registry and reads them back over SSH. */
export async function measureRegistryScan(files = 1_000, runs = 7): Promise<RegistryScanResult> {
  const host = await startBenchHost();
  const ssh = new SshHost({ host: host.sshd.host, port: host.sshd.port, user: host.sshd.user, privateKey: host.sshd.clientKey, hostKey: host.sshd.hostPublicKey, agent: false });
  try {
    const root = host.registry;
    mkdirSync(join(root, "zones"), { recursive: true });
    for (let i = 0; i < files; i++) {
      const a = 10 + i;
      writeFileSync(
        join(root, "zones", `zone${i}.kdl`),
        `// written by zmgr\nzone "zone${i}" {\n    template "base"\n    brand "lipkg"\n    zonepath "/zones/zone${i}"\n    pool "lan"\n    address "10.60.${a >> 8}.${a & 255}/16"\n    vnic "zone${i}0"\n}\n`,
      );
    }
    await savePool(ssh, root, { name: "lan", networks: ["10.60.0.0/16"], gateways: ["10.60.0.1"], stub: "zstub0", ranges: [{ start: "10.60.0.10", end: "10.60.250.0" }] });
    const scanMs = await timed(runs, async () => {
      const got = await scanRegistry(ssh, root, { dirs: ["zones"] });
      if (got.filter((f) => f.status === "ok").length !== files) throw new Error(`scan returned ${got.length} files, expected ${files}`);
    });
    const readMs = await timed(runs, async () => {
      forgetDecoded(); // a first read: every file decoded
      const snapshot = await readRegistry(ssh, root, { zones: true });
      if (snapshot.zones.size !== files) throw new Error(`read decoded ${snapshot.zones.size} zones, expected ${files}`);
    });
    const claimReleaseMs = await timed(runs, async () => {
      await claimAddress(ssh, root, { zone: { name: "bench", brand: "lipkg" }, pool: "lan" });
      await releaseAddress(ssh, root, { zone: "bench" });
    });
    return { files, scanMs, readMs, claimReleaseMs };
  } finally {
    await ssh.close();
    await host.close();
  }
}
