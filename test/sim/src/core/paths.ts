// Where each piece of simulated host state lives under $ILLUMOS_SIM_ROOT.

import { join } from "node:path";

/** Absolute paths of the simulator's state files for one simulated host. */
export interface SimPaths {
  /** The host root ($ILLUMOS_SIM_ROOT); also the root of the global zone's pkg image. */
  readonly root: string;
  /** `etc/zones`: zone configurations (`<zone>.json`), `index`, `did.txt`. */
  readonly etcZones: string;
  /** `etc/zones/index` in the illumos format `name:state:zonepath:uuid`. */
  readonly index: string;
  /** `etc/zones/did.txt`: the last debug id handed out. */
  readonly didFile: string;
  /** Kernel state: zones that are ready/running, their ids. */
  readonly kernel: string;
  /** Datalinks (physical links, etherstubs, VNICs). */
  readonly links: string;
  /** ZFS datasets and snapshots. */
  readonly datasets: string;
  /** Simulator knobs written by `simctl config`. */
  readonly knobs: string;
  /** Injected faults written by `simctl fault`. */
  readonly faults: string;
  /** `log/commands.jsonl`: one JSON line per simulated command. */
  readonly commandLog: string;
  /** The host-wide state lock (a directory). */
  readonly hostLock: string;
  /** `var/run/zones`: per-zone zoneadm locks. */
  readonly zoneLocks: string;
}

/** Builds the path set of the host rooted at `root`. */
export function simPaths(root: string): SimPaths {
  const etcZones = join(root, "etc", "zones");
  return {
    root,
    etcZones,
    index: join(etcZones, "index"),
    didFile: join(etcZones, "did.txt"),
    kernel: join(root, "sim", "kernel.json"),
    links: join(root, "sim", "links.json"),
    datasets: join(root, "sim", "datasets.json"),
    knobs: join(root, "sim", "config.json"),
    faults: join(root, "sim", "faults.json"),
    commandLog: join(root, "log", "commands.jsonl"),
    hostLock: join(root, "sim", "host.lock"),
    zoneLocks: join(root, "var", "run", "zones"),
  };
}

/** The path of one zone's configuration file. */
export function zoneConfigPath(paths: SimPaths, zone: string): string {
  return join(paths.etcZones, `${zone}.json`);
}
