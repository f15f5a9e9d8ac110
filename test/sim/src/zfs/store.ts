// The host's ZFS datasets and snapshots, with mountpoint inheritance and fake space accounting.

import type { SimPaths } from "../core/paths.ts";
import { readJson, writeJson } from "../core/fsutil.ts";

/** One dataset or snapshot. */
export interface Dataset {
  name: string;
  type: "filesystem" | "snapshot" | "volume";
  /** Locally set properties (mountpoint, canmount, zoned, user properties...). */
  props: Record<string, string>;
  /** Creation time, seconds since the epoch. */
  creation: number;
  /** Creation sequence, for `-s creation` ties. */
  seq: number;
  /** Bytes referenced by the dataset itself. */
  refer: number;
}

interface DatasetFile {
  seq: number;
  datasets: Dataset[];
}

/** Size of the simulated pool. */
export const POOL_SIZE = 214748364800;

/** Reads and writes the dataset table. */
export class DatasetStore {
  private readonly path: string;
  private data: DatasetFile;

  constructor(paths: SimPaths) {
    this.path = paths.datasets;
    this.data = readJson<DatasetFile>(paths.datasets, { seq: 0, datasets: [] });
  }

  /** All datasets in creation order. */
  get all(): Dataset[] {
    return this.data.datasets;
  }

  /** A dataset by name. */
  find(name: string): Dataset | undefined {
    return this.data.datasets.find((d) => d.name === name);
  }

  /** Creates a dataset (the caller checked the name and the parent). */
  create(name: string, type: Dataset["type"], props: Record<string, string> = {}, refer = 98304): Dataset {
    const d: Dataset = { name, type, props: { ...props }, creation: Math.floor(Date.now() / 1000), seq: ++this.data.seq, refer };
    this.data.datasets.push(d);
    return d;
  }

  /** Removes a dataset by name. */
  remove(name: string): void {
    this.data.datasets = this.data.datasets.filter((d) => d.name !== name);
  }

  /** Descendants (child filesystems at any depth, and snapshots of any of them). */
  descendants(name: string): Dataset[] {
    return this.data.datasets.filter((d) => d.name.startsWith(name + "/") || d.name.startsWith(name + "@"));
  }

  /** The parent filesystem's name ("" for a pool). */
  static parentName(name: string): string {
    const at = name.indexOf("@");
    if (at >= 0) return name.slice(0, at);
    const slash = name.lastIndexOf("/");
    return slash < 0 ? "" : name.slice(0, slash);
  }

  /** A property's effective value and source. */
  effective(d: Dataset, prop: string): { value: string; source: string } {
    if (d.props[prop] !== undefined) return { value: d.props[prop], source: "local" };
    if (prop === "mountpoint") {
      if (d.type === "snapshot") return { value: "-", source: "-" };
      const parentName = DatasetStore.parentName(d.name);
      const parent = parentName ? this.find(parentName) : undefined;
      if (!parent) return { value: `/${d.name}`, source: "default" };
      const pm = this.effective(parent, "mountpoint");
      const src = pm.source === "local" ? `inherited from ${parent.name}` : pm.source;
      if (pm.value === "legacy" || pm.value === "none") return { value: pm.value, source: src };
      const base = d.name.slice(parentName.length + 1);
      return { value: pm.value === "/" ? `/${base}` : `${pm.value}/${base}`, source: src };
    }
    if (prop === "zoned") {
      const parentName = DatasetStore.parentName(d.name);
      const parent = parentName ? this.find(parentName) : undefined;
      if (parent && d.type !== "snapshot") {
        const pz = this.effective(parent, "zoned");
        if (pz.value === "on") return { value: "on", source: pz.source === "local" ? `inherited from ${parent.name}` : pz.source };
      }
      return { value: "off", source: "default" };
    }
    return { value: "", source: "-" };
  }

  /** Bytes used: the dataset and all its descendants. */
  used(d: Dataset): number {
    return d.refer + this.descendants(d.name).reduce((n, x) => n + x.refer, 0);
  }

  /** Bytes available in the pool. */
  available(): number {
    const pools = this.data.datasets.filter((d) => !d.name.includes("/") && d.type !== "snapshot");
    return Math.max(0, POOL_SIZE - pools.reduce((n, p) => n + this.used(p), 0));
  }

  /** The filesystem mounted at a path (mountpoint property), if any. */
  mountedAt(path: string): Dataset | undefined {
    return this.data.datasets.find((d) => d.type === "filesystem" && this.effective(d, "mountpoint").value === path);
  }

  /** Writes the table back. */
  save(): void {
    writeJson(this.path, this.data);
  }
}
