// The host's datalinks: physical links, etherstubs and VNICs, in creation (datalink id) order.

import { createHash } from "node:crypto";
import type { SimPaths } from "../core/paths.ts";
import { readJson, writeJson } from "../core/fsutil.ts";

/** The class of a datalink, as show-link prints it. */
export type LinkClass = "phys" | "etherstub" | "vnic";

/** One datalink. */
export interface Link {
  name: string;
  class: LinkClass;
  /** For a VNIC: the link it is created over. */
  over: string;
  mtu: number;
  state: string;
  /** Mb/s. */
  speed: number;
  /** MAC address as dladm prints it (no leading zeros), "" for an etherstub. */
  mac: string;
  /** fixed, random, "factory, slot N" or vrrp (VNICs). */
  macType: string;
  vid: number;
  /** -t: not persistent (kept anyway; the simulated host never reboots). */
  temporary: boolean;
  /** Created at boot for a net with global-nic, deleted at halt (the zone's name). */
  onDemandFor?: string;
}

/** The links file. */
interface LinkFile {
  macSeq: number;
  links: Link[];
}

/** Reads and writes the link table. */
export class LinkStore {
  private readonly path: string;
  private data: LinkFile;

  constructor(paths: SimPaths) {
    this.path = paths.links;
    this.data = readJson<LinkFile>(paths.links, { macSeq: 0, links: [] });
  }

  /** All links in creation order. */
  get links(): Link[] {
    return this.data.links;
  }

  /** A link by name. */
  find(name: string): Link | undefined {
    return this.data.links.find((l) => l.name === name);
  }

  /** Removes a link by name. */
  remove(name: string): void {
    this.data.links = this.data.links.filter((l) => l.name !== name);
  }

  /** A fresh deterministic-random MAC (Sun OUI 2:8:20), printed without leading zeros. */
  newMac(seed: string, prefix = [2, 8, 0x20]): string {
    const h = createHash("sha256").update(`${seed}/${++this.data.macSeq}`).digest();
    const bytes = [...prefix, ...h.subarray(0, 6 - prefix.length)];
    return bytes.map((b) => b.toString(16)).join(":");
  }

  /** Writes the table back. */
  save(): void {
    writeJson(this.path, this.data);
  }
}

/** Normalises a MAC address string ("02:08:20:0a:0b:0c" -> "2:8:20:a:b:c"); undefined if invalid. */
export function normaliseMac(s: string): string | undefined {
  const parts = s.split(":");
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return parts.map((p) => Number.parseInt(p, 16).toString(16)).join(":");
}
