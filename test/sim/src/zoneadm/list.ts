// zoneadm list: running zones from the kernel (global first), then the index, in parsable,
// verbose or plain form.

import type { HostState } from "../zones/host-state.ts";
import { rank, type ZoneState } from "../zones/states.ts";
import { brandOf } from "../zonecfg/render.ts";

/** One row of zoneadm list (zone_entry_t). */
export interface ZoneEntry {
  id: number | undefined;
  name: string;
  state: ZoneState;
  path: string;
  uuid: string;
  brand: string;
  ipType: "shared" | "excl";
  debugid: number | undefined;
}

/** Looks up one zone's row (lookup_zone_info); undefined if it is not configured. */
export function zoneEntry(host: HostState, name: string, globalBrand: string): ZoneEntry | undefined {
  if (name === "global") return { id: 0, name: "global", state: "running", path: "/", uuid: "", brand: globalBrand, ipType: "shared", debugid: 0 };
  const e = host.entry(name);
  const cfg = host.config(name);
  if (!e || !cfg) return undefined;
  const k = host.kernel().zones.find((z) => z.name === name);
  return {
    id: k?.id,
    name,
    state: k ? k.state : e.state,
    path: e.zonepath,
    uuid: e.uuid,
    brand: brandOf(cfg),
    ipType: cfg.ipType === "exclusive" ? "excl" : "shared",
    debugid: cfg.debugid ?? undefined,
  };
}

/** Formats one row (zone_print). */
export function formatEntry(z: ZoneEntry, verbose: boolean, parsable: boolean): string {
  if (!verbose) {
    if (!parsable) return `${z.name}\n`;
    const path = z.path.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
    return `${z.id === undefined ? "-" : z.id}:${z.name}:${z.state}:${path}:${z.uuid}:${z.brand}:${z.ipType}:${z.debugid ?? ""}\n`;
  }
  const id = (z.id === undefined ? "-" : String(z.id)).padStart(4);
  return `${id} ${z.name.padEnd(16)} ${z.state.padEnd(10)} ${z.path.padEnd(30)} ${z.brand.padEnd(8)} ${z.ipType.padEnd(6)}\n`;
}

/** The verbose header line. */
export const VERBOSE_HEADER = `${"ID".padStart(4)} ${"NAME".padEnd(16)} ${"STATUS".padEnd(10)} ${"PATH".padEnd(30)} ${"BRAND".padEnd(8)} ${"IP".padEnd(6)}\n`;

/** zone_print_list(): kernel zones first, then the rest of the index at or above minState. */
export function listZones(host: HostState, minState: ZoneState, globalBrand: string, omitGlobal: boolean): ZoneEntry[] {
  const out: ZoneEntry[] = [];
  const kernelNames = ["global", ...host.kernel().zones.map((z) => z.name)];
  for (const name of kernelNames) {
    const z = zoneEntry(host, name, globalBrand);
    if (z) out.push(z);
  }
  if (rank(minState) < rank("running")) {
    for (const e of host.index()) {
      if (kernelNames.includes(e.name)) continue;
      const z = zoneEntry(host, e.name, globalBrand);
      if (z && rank(z.state) >= rank(minState)) out.push(z);
    }
  }
  return omitGlobal ? out.filter((z) => z.name !== "global") : out;
}
