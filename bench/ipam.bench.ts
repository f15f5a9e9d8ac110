// Benchmark (prints numbers, asserts nothing): allocation from a /16 with 60,000 addresses taken, and a dual-stack /64 case.
// Run: npx tsc --outDir .tmp/bench --rootDir . --module nodenext --moduleResolution nodenext --target ES2022 --strict --esModuleInterop --skipLibCheck --types node bench/ipam.bench.ts bench/registry.bench.ts && node .tmp/bench/bench/ipam.bench.js

import { formatIp, parseIp } from "../provider/ipam/address";
import { allocate } from "../provider/ipam/allocate";
import { assertNoBrokenHolder, holdingsOf } from "../provider/ipam/holdings";
import { planPool } from "../provider/ipam/pool-plan";
import type { Zone } from "../provider/registry/models";
import type { RegistryEntry } from "../provider/registry/store";

/** Median wall time in milliseconds of `runs` calls of `fn` (after one warm-up). */
export function median(runs: number, fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function shuffle<T>(items: T[]): T[] {
  let seed = 42;
  for (let i = items.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function row(label: string, ms: number, check: string): void {
  console.log(`${label.padEnd(62)} ${ms.toFixed(2).padStart(8)} ms   ${check}`);
}

function main(): void {
  const TAKEN = 60_000;
  const RUNS = 15;
  console.log(`IPAM allocation (median of ${RUNS} runs, Node ${process.version})`);

  for (const [family, network, gateway, first] of [
    [4, "10.50.0.0/16", "10.50.0.1", parseIp("10.50.0.2").value],
    [6, "fd00:50::/64", "fd00:50::1", parseIp("fd00:50::2").value],
  ] as const) {
    const plan = planPool({ name: "big", networks: [network], gateways: [gateway] });
    // the lowest 60,000 addresses are taken, in random order: the free one is past all of them
    const values = shuffle(Array.from({ length: TAKEN }, (_, i) => first + BigInt(i)));
    const texts = values.map((v) => `${formatIp(family, v)}/${family === 4 ? 16 : 64}`);
    const zones: RegistryEntry<Zone>[] = texts.map((address, i) => ({ kind: "zone", rel: `zones/z${i}.kdl`, path: `/etc/zmgr/zones/z${i}.kdl`, text: "", model: { name: `z${i}`, addresses: [address] } }));
    const expected = formatIp(family, first + BigInt(TAKEN));

    let got = 0n;
    const tAlloc = median(RUNS, () => (got = allocate(plan, family, values)));
    row(`IPv${family} ${network}: allocate, ${TAKEN} taken (BigInt values)`, tAlloc, `→ ${formatIp(family, got)} (expect ${expected})`);

    const tParse = median(RUNS, () => (got = allocate(plan, family, texts.map((t) => parseIp(t.slice(0, t.indexOf("/"))).value))));
    row(`IPv${family} ${network}: parse ${TAKEN} address strings + allocate`, tParse, `→ ${formatIp(family, got)}`);

    const tZones = median(RUNS, () => {
      const holdings = holdingsOf(zones);
      assertNoBrokenHolder(plan, []);
      got = allocate(plan, family, holdings.map((h) => h.value));
    });
    row(`IPv${family} ${network}: ${TAKEN} zone models → holdings + allocate`, tZones, `→ ${formatIp(family, got)}`);
  }
}

if (require.main === module) main();
