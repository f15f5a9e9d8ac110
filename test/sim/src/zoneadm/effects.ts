// What zone lifecycle operations do to datasets, directories, images and datalinks.

import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { SimPaths } from "../core/paths.ts";
import { safePath } from "../core/safe-path.ts";
import type { ZoneConfig } from "../zones/config.ts";
import { DatasetStore } from "../zfs/store.ts";
import { LinkStore } from "../dladm/store.ts";
import { readPublishers, writePublishers } from "../pkg/image.ts";

/** The file `zoneadm detach` leaves in the zonepath (a JSON zone configuration here). */
export const DETACHED_FILE = "SUNWdetached.xml";

/** The zonepath dataset of a zone: the one mounted at the zonepath, or where install puts it. */
export function zonepathDataset(ds: DatasetStore, zonepath: string): { name: string; exists: boolean } | undefined {
  const mounted = ds.mountedAt(zonepath);
  if (mounted) return { name: mounted.name, exists: true };
  const parent = ds.mountedAt(dirname(zonepath));
  if (!parent) return undefined;
  return { name: `${parent.name}/${basename(zonepath)}`, exists: false };
}

function mkdirSafe(paths: SimPaths, dir: string, mode: number): void {
  if (!safePath(paths.root, dir)) return;
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, mode);
}

/** Creates the zonepath dataset (if needed), ROOT and a boot environment; returns whether the top dataset was created, or an error. */
export function createZoneDatasets(paths: SimPaths, cfg: ZoneConfig): { created: boolean } | { error: string } {
  const ds = new DatasetStore(paths);
  const top = zonepathDataset(ds, cfg.zonepath);
  if (!top) return { error: "ERROR: the zonepath must be a ZFS dataset." };
  let created = false;
  if (!top.exists) {
    const parent = ds.mountedAt(dirname(cfg.zonepath))!;
    const inherited = ds.effective(parent, "mountpoint").value;
    ds.create(top.name, "filesystem", inherited === dirname(cfg.zonepath) ? {} : { mountpoint: cfg.zonepath });
    created = true;
  }
  if (!ds.find(`${top.name}/ROOT`)) ds.create(`${top.name}/ROOT`, "filesystem", { mountpoint: "legacy", zoned: "on" });
  let be = "zbe";
  for (let i = 1; ds.find(`${top.name}/ROOT/${be}`); i++) be = `zbe-${i}`;
  const gzBe = ds.all.find((d) => d.props["org.opensolaris.libbe:uuid"] !== undefined)?.props["org.opensolaris.libbe:uuid"] ?? "";
  ds.create(`${top.name}/ROOT/${be}`, "filesystem", { canmount: "noauto", "org.opensolaris.libbe:active": "on", "org.opensolaris.libbe:parentbe": gzBe }, 524288000);
  ds.save();
  mkdirSafe(paths, cfg.zonepath, 0o700);
  mkdirSafe(paths, join(cfg.zonepath, "root"), 0o755);
  return { created };
}

/** Lays down a minimal image in <zonepath>/root: the publishers of `sourceImage`. */
export function seedImage(paths: SimPaths, cfg: ZoneConfig, sourceImage: string): void {
  const root = join(cfg.zonepath, "root");
  if (!safePath(paths.root, root)) return;
  for (const d of ["etc", "var/pkg", "var/log"]) mkdirSync(join(root, d), { recursive: true });
  writePublishers(root, readPublishers(sourceImage).filter((p) => !p.syspub));
}

/**
 * Removes what install created: the boot environments, ROOT and the zonepath dataset, and the
 * root directory. With extra user files in the zonepath, those (and the zonepath dataset)
 * stay and the warning text is returned.
 */
export function destroyZoneDatasets(paths: SimPaths, cfg: ZoneConfig): string {
  const ds = new DatasetStore(paths);
  const top = zonepathDataset(ds, cfg.zonepath);
  let warning = "";
  const extra = existsSync(cfg.zonepath) ? readdirSync(cfg.zonepath).filter((n) => n !== "root" && n !== "lu" && n !== "dev" && n !== DETACHED_FILE && n !== "SUNWattached.xml") : [];
  if (extra.length > 0) {
    warning = `WARNING: Unable to completely remove ${cfg.zonepath}\nbecause it contains additional user data.  Only the standard directory\nentries have been removed.\n`;
  }
  if (top?.exists) {
    for (const d of ds.descendants(`${top.name}/ROOT`)) ds.remove(d.name);
    ds.remove(`${top.name}/ROOT`);
    if (extra.length === 0) {
      for (const d of ds.descendants(top.name)) ds.remove(d.name);
      ds.remove(top.name);
    }
    ds.save();
  }
  if (safePath(paths.root, cfg.zonepath)) {
    rmSync(join(cfg.zonepath, "root"), { recursive: true, force: true });
    if (extra.length === 0) rmSync(cfg.zonepath, { recursive: true, force: true });
  }
  return warning;
}

/** zoneadm move: renames the zonepath dataset and directory. */
export function moveZonepath(paths: SimPaths, cfg: ZoneConfig, newPath: string): void {
  const ds = new DatasetStore(paths);
  const top = zonepathDataset(ds, cfg.zonepath);
  const dest = zonepathDataset(ds, newPath);
  if (top?.exists && dest && !dest.exists) {
    for (const d of [ds.find(top.name)!, ...ds.descendants(top.name)]) d.name = dest.name + d.name.slice(top.name.length);
    const moved = ds.find(dest.name)!;
    const parent = ds.mountedAt(dirname(newPath));
    if (parent && ds.effective(parent, "mountpoint").value === dirname(newPath)) delete moved.props["mountpoint"];
    else moved.props["mountpoint"] = newPath;
    ds.save();
  }
  if (safePath(paths.root, cfg.zonepath) && safePath(paths.root, newPath) && existsSync(cfg.zonepath)) {
    mkdirSync(dirname(newPath), { recursive: true });
    renameSync(cfg.zonepath, newPath);
  }
}

/** Result of bringing up a zone's network: an error line, or success with a changed config. */
export type NetUp = { error: string } | { ok: true; configChanged: boolean };

/**
 * Boot-time datalinks (OmniOS vnic.ksh): creates the VNIC of each exclusive-IP net with
 * global-nic (writing a generated MAC back into the config), and checks that every other
 * net's link exists and is not used by another running zone.
 */
export function bringUpNet(paths: SimPaths, cfg: ZoneConfig, runningConfigs: ZoneConfig[]): NetUp {
  const links = new LinkStore(paths);
  let changed = false;
  for (const n of cfg.net) {
    if (cfg.ipType === "exclusive" && n.gnic !== "") {
      if (!links.find(n.physical)) {
        let over = n.gnic;
        if (over === "auto") {
          if (n.allowedAddress === "") return { error: "Cannot use 'auto' global NIC without allowed-address." };
          over = links.links.find((l) => l.class === "phys")?.name ?? "";
        }
        const o = links.find(over);
        if (!o) return { error: `failed to create VNIC ${n.physical} over ${over}: object not found` };
        const mac = n.mac !== "" ? n.mac : links.newMac(n.physical);
        links.links.push({ name: n.physical, class: "vnic", over, mtu: o.mtu, state: "up", speed: o.speed, mac, macType: n.mac !== "" ? "fixed" : "random", vid: Number(n.vlanId || "0"), temporary: true, onDemandFor: cfg.name });
        if (n.mac === "") {
          n.mac = mac;
          changed = true;
        }
      }
      continue;
    }
    if (!links.find(n.physical)) return { error: "failed to add network device: No such file or directory" };
    if (cfg.ipType === "exclusive" && runningConfigs.some((c) => c.name !== cfg.name && c.ipType === "exclusive" && c.net.some((x) => x.physical === n.physical))) {
      return { error: "failed to add network device: Device busy" };
    }
  }
  links.save();
  return { ok: true, configChanged: changed };
}

/** Halt-time datalinks: deletes the VNICs created on demand for the zone. */
export function bringDownNet(paths: SimPaths, zone: string): void {
  const links = new LinkStore(paths);
  for (const l of [...links.links]) if (l.onDemandFor === zone) links.remove(l.name);
  links.save();
}
