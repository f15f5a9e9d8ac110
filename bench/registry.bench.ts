// Benchmark (prints numbers, asserts nothing): reading 1,000 zone files through LocalHost in one round trip, and one claim among them.
// Run: npx tsc --outDir .tmp/bench --rootDir . --module nodenext --moduleResolution nodenext --target ES2022 --strict --esModuleInterop --skipLibCheck --types node bench/ipam.bench.ts bench/registry.bench.ts && node .tmp/bench/bench/registry.bench.js

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claimAddress, releaseAddress } from "../provider/ipam/claim";
import { savePool } from "../provider/ipam/pool-store";
import { scanRegistry } from "../provider/registry/scan";
import { forgetDecoded } from "../provider/registry/codec";
import { decodeScan, readRegistry } from "../provider/registry/store";
import type { Host, RunOptions, RunResult } from "../provider/transport/host";
import { LocalHost } from "../provider/transport/local-host";

async function medianAsync(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** LocalHost running `/bin/sh -c` scripts with a chosen shell. */
function withShell(shell: string): Host {
  const inner = new LocalHost();
  return { label: shell, run: (argv: readonly string[], o?: RunOptions): Promise<RunResult> => inner.run(argv[0] === "/bin/sh" ? [shell, ...argv.slice(1)] : argv, o), close: async () => undefined };
}

function row(label: string, ms: number): void {
  console.log(`${label.padEnd(62)} ${ms.toFixed(1).padStart(8)} ms`);
}

async function main(): Promise<void> {
  const ZONES = 1_000;
  const RUNS = 7;
  const base = mkdtempSync(join(tmpdir(), "zmgr-bench-"));
  const root = join(base, "zmgr");
  try {
    mkdirSync(join(root, "zones"), { recursive: true });
    for (let i = 0; i < ZONES; i++) {
      const a = 10 + i;
      writeFileSync(
        join(root, "zones", `zone${i}.kdl`),
        `// written by zmgr\nzone "zone${i}" {\n    template "ipkg"\n    brand "ipkg"\n    zonepath "/zones/zone${i}"\n    pool "lan"\n    address "10.60.${a >> 8}.${a & 255}/16"\n    vnic "zone${i}0"\n}\n`,
      );
    }
    const host = new LocalHost();
    await savePool(host, root, { name: "lan", networks: ["10.60.0.0/16"], gateways: ["10.60.0.1"], stub: "zstub0", ranges: [{ start: "10.60.0.10", end: "10.60.250.0" }] });
    console.log(`Registry reads through LocalHost, ${ZONES} zone files (median of ${RUNS} runs, Node ${process.version})`);
    for (const shell of ["/bin/sh", "/bin/bash", "/usr/bin/ksh93"]) {
      try {
        const h = withShell(shell);
        row(`scan only (one ${shell} process)`, await medianAsync(RUNS, () => scanRegistry(h, root, { dirs: ["zones"] })));
      } catch {
        console.log(`${shell}: not available`);
      }
    }
    const files = await scanRegistry(host, root, { dirs: ["zones"] });
    row("decode only (parse + schema of every file, in process)", await medianAsync(RUNS, async () => (forgetDecoded(), decodeScan(root, files))));
    row("decode again, files unchanged (decoded-file cache)", await medianAsync(RUNS, async () => decodeScan(root, files)));
    let zones = 0;
    row("readRegistry({ zones: true }) = scan + decode", await medianAsync(RUNS, async () => (forgetDecoded(), (zones = (await readRegistry(host, root, { zones: true })).zones.size))));
    console.log(`  (${zones} zones decoded)`);
    row(
      "claimAddress + releaseAddress among them (lock, 2 scans, write)",
      await medianAsync(RUNS, async () => {
        await claimAddress(host, root, { zone: { name: "bench", brand: "ipkg" }, pool: "lan" });
        await releaseAddress(host, root, { zone: "bench" });
      }),
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
