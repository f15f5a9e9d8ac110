// A writer that adds zones the way the zmgr CLI does, without our lock: read the zone files, take the lowest free address, write the file, configure the zone.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SimHost } from "../harness/sim";
import { POOL } from "./seed";

/** A running third writer. */
export interface ThirdWriter {
  /** Zone files written so far, with the address each took and when. */
  readonly written: { zone: string; address: string; at: number }[];
  /** Stops after the zone being added (if any) is complete. */
  stop(): Promise<void>;
}

/** The lowest address of the pool's range that no zone file under `zonesDir` holds (the zmgr CLI's choice). */
function lowestFree(zonesDir: string): string {
  const taken = new Set<string>();
  for (const f of readdirSync(zonesDir)) {
    if (!f.endsWith(".kdl")) continue;
    try {
      for (const m of readFileSync(join(zonesDir, f), "utf8").matchAll(/address\s+"([\d.]+)/g)) taken.add(m[1]!);
    } catch {
      // deleted while we looked: it holds nothing any more
    }
  }
  const base = POOL.rangeStart.split(".").slice(0, 3).join(".");
  const [first, last] = [Number(POOL.rangeStart.split(".")[3]), Number(POOL.rangeEnd.split(".")[3])];
  for (let i = first; i <= last; i++) if (!taken.has(`${base}.${i}`)) return `${base}.${i}`;
  throw new Error("the pool is full");
}

/**
 * Starts adding zones `PREFIX0`, `PREFIX1`, ... every `everyMs`: in one synchronous step (as short as a CLI can
 * make it) it reads every zone file, takes the lowest free address and creates `zones/NAME.kdl` (never over an
 * existing file); then it creates the zone's VNIC and configuration on the simulated host. It never takes the
 * registry lock and never checks for collisions afterwards: that is the provider's job (claim-then-verify).
 */
export function startThirdWriter(sim: SimHost, registry: string, prefix: string, everyMs: number): ThirdWriter {
  const zonesDir = join(registry, "zones");
  const written: ThirdWriter["written"] = [];
  let stopping = false;
  let n = 0;
  const loop = (async () => {
    while (!stopping) {
      const zone = `${prefix}${n++}`;
      const address = lowestFree(zonesDir);
      writeFileSync(join(zonesDir, `${zone}.kdl`), `zone "${zone}" {\n    template "ipkg"\n    pool "lan"\n    address "${address}/24"\n    vnic "${zone}0"\n}\n`, { flag: "wx", mode: 0o644 });
      written.push({ zone, address: `${address}/24`, at: Date.now() });
      const vnic = await sim.run("dladm", ["create-vnic", "-l", POOL.stub, `${zone}0`]);
      const cfg = await sim.run("zonecfg", ["-z", zone, `create; set zonepath=${sim.zonesDir}/${zone}; set brand=lipkg; add net; set physical=${zone}0; set allowed-address=${address}/24; end; commit`]);
      if (vnic.exitCode !== 0 || cfg.exitCode !== 0) throw new Error(`third writer: ${vnic.stderr}${cfg.stderr}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    written,
    async stop() {
      stopping = true;
      await loop;
    },
  };
}
