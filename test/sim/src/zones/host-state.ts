// Reads and writes a simulated host's zone state: index, configurations, kernel, debug ids.
// Callers hold the host lock (core/lock.ts) around read-modify-write sequences.

import { readFileSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import type { SimPaths } from "../core/paths.ts";
import { zoneConfigPath } from "../core/paths.ts";
import { atomicWrite, readJson, writeJson } from "../core/fsutil.ts";
import type { ZoneConfig } from "./config.ts";
import { formatIndex, parseIndex, type IndexEntry } from "./index-file.ts";
import { rank, type ZoneState } from "./states.ts";

/** A zone the kernel knows (ready, running...). */
export interface KernelZone {
  name: string;
  id: number;
  state: ZoneState;
}

/** Kernel view: zones in creation order, and the next zone id. */
export interface Kernel {
  nextId: number;
  zones: KernelZone[];
}

/** Typed access to the host's zone state files. */
export class HostState {
  readonly paths: SimPaths;

  constructor(paths: SimPaths) {
    this.paths = paths;
  }

  /** The index entries, global first. */
  index(): IndexEntry[] {
    let text = "";
    try {
      text = readFileSync(this.paths.index, "utf8");
    } catch {
      /* no index yet */
    }
    return parseIndex(text);
  }

  /** Rewrites the index. */
  saveIndex(entries: readonly IndexEntry[]): void {
    atomicWrite(this.paths.index, formatIndex(entries), 0o644);
  }

  /** One index entry. */
  entry(name: string): IndexEntry | undefined {
    return this.index().find((e) => e.name === name);
  }

  /** Sets a zone's index state, assigning a uuid at installed and wiping it below. */
  setIndexState(name: string, state: ZoneState): void {
    const entries = this.index();
    const e = entries.find((x) => x.name === name);
    if (!e) return;
    e.state = state;
    if (rank(state) >= rank("installed")) {
      if (e.uuid === "") e.uuid = randomUUID();
    } else {
      e.uuid = "";
    }
    this.saveIndex(entries);
  }

  /** A zone's saved configuration. */
  config(name: string): ZoneConfig | undefined {
    return readJson<ZoneConfig | undefined>(zoneConfigPath(this.paths, name), undefined);
  }

  /** Saves a zone's configuration. */
  saveConfig(cfg: ZoneConfig): void {
    writeJson(zoneConfigPath(this.paths, cfg.name), cfg);
  }

  /** Removes a zone's configuration file. */
  removeConfig(name: string): void {
    rmSync(zoneConfigPath(this.paths, name), { force: true });
  }

  /** The kernel state. */
  kernel(): Kernel {
    return readJson<Kernel>(this.paths.kernel, { nextId: 1, zones: [] });
  }

  /** Saves the kernel state. */
  saveKernel(k: Kernel): void {
    writeJson(this.paths.kernel, k);
  }

  /** A zone's current state (kernel state if it has one), or undefined if not configured. */
  state(name: string): ZoneState | undefined {
    const e = this.entry(name);
    if (!e) return undefined;
    if (name === "global") return "running";
    const k = this.kernel().zones.find((z) => z.name === name);
    return k ? k.state : e.state;
  }

  /** Hands out the next debug id (etc/zones/did.txt). */
  nextDid(): number {
    let last = 0;
    try {
      last = Number.parseInt(readFileSync(this.paths.didFile, "utf8").trim(), 10) || 0;
    } catch {
      /* first id */
    }
    const did = last + 1;
    atomicWrite(this.paths.didFile, `${did}\n`);
    return did;
  }
}
