// What a simulated host holds, read straight from its state files (no command runs), and the consistency rules it must obey.
//
// The simulator's layout is documented in test/sim/README.md ("State layout"); every state file there is written
// atomically (temp file + rename), so reading it while commands run is safe.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** One zone as the simulated kernel and index know it. */
export interface ZoneFact {
  /** Zone name. */
  readonly name: string;
  /** configured, incomplete, installed, running, ... */
  readonly state: string;
  /** The allowed-address of each net, in order. */
  readonly addresses: readonly string[];
  /** The physical link of each net. */
  readonly links: readonly string[];
}

/** One registry zone file. */
export interface ZoneFileFact {
  /** Zone name (file name without .kdl). */
  readonly name: string;
  /** Every `address "..."` node. */
  readonly addresses: readonly string[];
}

/** The part of a host the reliability tests judge. */
export interface HostFacts {
  /** Non-global zones by name. */
  readonly zones: ReadonlyMap<string, ZoneFact>;
  /** VNIC names. */
  readonly vnics: ReadonlySet<string>;
  /** Registry zone files by zone name. */
  readonly files: ReadonlyMap<string, ZoneFileFact>;
  /** The registry lock directory exists. */
  readonly locked: boolean;
  /** Leftover temporary files of registry writes (`.zmgr-write.*`) anywhere in the registry. */
  readonly tempFiles: readonly string[];
}

function readJson<T>(path: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return fallback;
  }
}

/** Reads the facts of the simulated host at `simRoot` whose registry is `registry`. */
export function hostFacts(simRoot: string, registry: string): HostFacts {
  const kernel = readJson<{ zones: { name: string; state: string }[] }>(join(simRoot, "sim", "kernel.json"), { zones: [] });
  const kernelState = new Map(kernel.zones.map((z) => [z.name, z.state]));
  const zones = new Map<string, ZoneFact>();
  let index = "";
  try {
    index = readFileSync(join(simRoot, "etc", "zones", "index"), "utf8");
  } catch {
    // no zones yet
  }
  for (const line of index.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [name, state] = line.split(":");
    if (!name || name === "global") continue;
    const config = readJson<{ net?: { allowedAddress: string; physical: string }[] }>(join(simRoot, "etc", "zones", `${name}.json`), {});
    zones.set(name, {
      name,
      state: kernelState.get(name) ?? state!,
      addresses: (config.net ?? []).map((n) => n.allowedAddress).filter((a) => a !== ""),
      links: (config.net ?? []).map((n) => n.physical),
    });
  }
  const links = readJson<{ links: { name: string; class: string }[] }>(join(simRoot, "sim", "links.json"), { links: [] });
  const vnics = new Set(links.links.filter((l) => l.class === "vnic").map((l) => l.name));
  const files = new Map<string, ZoneFileFact>();
  const zonesDir = join(registry, "zones");
  for (const f of existsSync(zonesDir) ? readdirSync(zonesDir) : []) {
    if (!f.endsWith(".kdl")) continue;
    let text: string;
    try {
      text = readFileSync(join(zonesDir, f), "utf8");
    } catch {
      continue; // deleted while we looked
    }
    files.set(f.slice(0, -4), { name: f.slice(0, -4), addresses: [...text.matchAll(/^\s*address\s+"([^"]+)"/gm)].map((m) => m[1]!) });
  }
  return { zones, vnics, files, locked: existsSync(join(registry, ".lock")), tempFiles: tempFilesUnder(registry) };
}

function tempFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e.startsWith(".zmgr-write.")) out.push(p);
    else if (e !== ".lock" && statSync(p, { throwIfNoEntry: false })?.isDirectory()) out.push(...tempFilesUnder(p));
  }
  return out;
}

/**
 * Every way `facts` breaks the host's consistency rules, as readable lines (empty: consistent):
 * no lock and no temporary file left behind; no address held by two zone files; every zone file
 * matches a zone, and holds every address that zone's nets use (it may hold more: an address a zone is
 * moving off stays held until the zone no longer uses it); every zone (of `owned`, when given) has its file.
 */
export function inconsistencies(facts: HostFacts, owned: (zone: string) => boolean = () => true): string[] {
  const out: string[] = [];
  if (facts.locked) out.push("the registry lock is left behind");
  for (const t of facts.tempFiles) out.push(`temporary file left behind: ${t}`);
  const holders = new Map<string, string[]>();
  for (const f of facts.files.values()) for (const a of f.addresses) holders.set(a.split("/")[0]!, [...(holders.get(a.split("/")[0]!) ?? []), f.name]);
  for (const [a, names] of holders) if (names.length > 1) out.push(`address ${a} is held by ${names.join(" and ")}`);
  for (const f of facts.files.values()) {
    const z = facts.zones.get(f.name);
    if (!z) out.push(`zone file ${f.name}.kdl has no zone`);
    else for (const a of z.addresses) if (!f.addresses.includes(a)) out.push(`zone ${f.name} uses address ${a} but its file holds ${f.addresses.join() || "(none)"}`);
  }
  for (const z of facts.zones.values()) {
    if (!owned(z.name)) continue;
    if (!facts.files.has(z.name)) out.push(`zone ${z.name} (${z.state}) has no zone file`);
    for (const l of z.links) if (!facts.vnics.has(l)) out.push(`zone ${z.name} uses VNIC ${l}, which does not exist`);
  }
  return out;
}

/** What one zone amounts to on the host: nothing of it, all of it (running, VNIC, file with its address), or something in between. */
export function zoneOutcome(facts: HostFacts, zone: string, vnic: string): "absent" | "complete" | "partial" {
  const z = facts.zones.get(zone);
  const f = facts.files.get(zone);
  const v = facts.vnics.has(vnic);
  if (!z && !f && !v) return "absent";
  if (z && f && v && z.state === "running" && z.addresses.length === 1 && f.addresses.join() === z.addresses.join()) return "complete";
  return "partial";
}

/** A one-line description of a zone's remains, for failure messages. */
export function describeZone(facts: HostFacts, zone: string, vnic: string): string {
  const z = facts.zones.get(zone);
  const f = facts.files.get(zone);
  return `zone ${z ? `${z.state} ${z.addresses.join() || "(no address)"}` : "absent"}, VNIC ${facts.vnics.has(vnic) ? "present" : "absent"}, file ${f ? f.addresses.join() || "(no address)" : "absent"}`;
}
