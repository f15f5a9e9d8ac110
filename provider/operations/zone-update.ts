// Brings an existing zone to its inputs: every step checks the host first, so an update also repairs drift and finishes a partial create.

import { ZmgrError } from "../errors";
import { claimAddress } from "../ipam/claim";
import { createVnic, getVnic } from "../illumos/dladm";
import { setPublisher } from "../illumos/pkg";
import { bootZone, haltZone, installZone, rebootZone, uninstallZone } from "../illumos/zoneadm";
import { createZoneConfig, updateZoneConfig } from "../illumos/zonecfg";
import { resolveHost } from "./default-host";
import { connect } from "./host-spec";
import { progressFor, type Progress } from "./progress";
import { outputs } from "./zone-create";
import { sameAddress } from "./zone-diff";
import { netPlan, readZoneRegistry } from "./zone-context";
import type { ZoneInputs, ZoneOutputs } from "./zone-inputs";
import { probeZones } from "./zone-probe";
import { desiredShape, ownershipOf, targetConfig } from "./zone-shape";
import { zoneTimeouts } from "./zone-timeouts";

/** Zone states in which the kernel holds the zone (it must be halted before uninstall). */
const KERNEL_STATES = new Set(["ready", "mounted", "running", "shutting_down", "down"]);

/** Updates zone `id` from `olds` (stored outputs) to `news` (new inputs); returns the new outputs. */
export async function updateZone(id: string, olds: ZoneOutputs, news: ZoneInputs, progress: Progress = progressFor("zone", id)): Promise<ZoneOutputs> {
  const handle = connect(resolveHost(news.host));
  const { host, root } = handle;
  const [view, probes] = await Promise.all([
    readZoneRegistry(handle, { zone: id, template: news.template, templateSpec: news.templateSpec, pool: news.pool }),
    probeZones(handle, [id]),
  ]);
  const probe = probes.get(id)!;
  const shape = desiredShape(news, view.template);
  const pool = view.pool;
  if (!pool) throw new ZmgrError("zmgr::zone::no-pool", `zone ${id} has no pool`, { help: "set `pool` on the zone or on its template" });
  if (probe.config && (probe.config.brand !== shape.brand || probe.config.zonepath !== shape.zonepath)) {
    throw new ZmgrError("zmgr::zone::needs-replace", `zone ${id} is ${probe.config.brand} at ${probe.config.zonepath} but the inputs want ${shape.brand} at ${shape.zonepath}; that needs a new zone`, {
      help: `run \`pulumi up --replace <urn of zone ${id}>\` to rebuild it (its data is lost), or keep brand and zonepath`,
    });
  }
  const timeouts = zoneTimeouts(news);

  const want = news.address ?? (olds.address || undefined);
  const held = probe.file?.model.pool === shape.pool ? (probe.file?.model.addresses ?? []) : [];
  let addresses: readonly string[] = want ? held.filter((a) => sameAddress(want, a)).slice(0, 1) : [];
  const zoneModel = { name: id, template: news.template, brand: shape.brand, zonepath: shape.zonepath, pool: shape.pool, vnic: shape.vnic };
  const primaryFamily = pool.model.networks.some((n) => !n.includes(":")) ? 4 : 6;
  /** What the zone's file holds in the pool once the claim below is made. */
  let holding: readonly string[] = held;
  let moved = false;
  let configApplied = false; // the zone's configuration holds `addresses` now
  let pendingReboot = false;
  try {
    if (addresses.length === 0) {
      progress.step(want ? `claiming address ${want}` : `claiming an address from pool ${shape.pool}`);
      moved = Boolean(olds.address) && !sameAddress(want ?? "", olds.address); // from here the file may hold another address
      // The address the zone's configuration has now stays held until the zone has moved off it.
      const inUse = probe.config?.net?.find((n) => n.physical === shape.vnic)?.allowedAddress;
      const keep = inUse && !(want && sameAddress(want, inUse)) ? [inUse] : [];
      const claim = await claimAddress(host, root, { zone: zoneModel, pool: shape.pool, requested: want ? [want] : undefined, families: want ? undefined : [primaryFamily], keep });
      addresses = claim.addresses;
      holding = [...addresses, ...keep];
      if (olds.address && addresses[0] !== olds.address) progress.step(`address ${olds.address} -> ${addresses[0]}`);
    }
    if (!(await getVnic(host, shape.vnic))) {
      progress.step(`creating missing VNIC ${shape.vnic} over ${pool.model.stub}`);
      await createVnic(host, { name: shape.vnic, over: pool.model.stub });
    }

    const owned = ownershipOf(olds.declared, news);
    const net = netPlan(pool.model, addresses);
    let configChanged = false;
    if (!probe.config) {
      progress.step("configuring the zone (zonecfg)");
      await createZoneConfig(host, targetConfig(id, shape, net, undefined, owned));
      configApplied = true;
    } else {
      const script = await updateZoneConfig(host, probe.config, targetConfig(id, shape, net, probe.config, owned));
      configApplied = true;
      configChanged = script !== null && needsReboot(script);
      if (script) progress.step(`zonecfg changes applied${configChanged ? " (take effect at the next boot)" : ""}`);
    }

    let state = probe.entry?.state ?? "configured";
    let installedNow = false;
    if (state === "incomplete") {
      progress.step("removing an incomplete installation");
      await uninstallZone(host, id, { timeoutMs: timeouts.install });
      state = "configured";
    }
    if (state === "configured") {
      progress.step(`installing (zoneadm install, timeout ${timeouts.install / 1000} s)`);
      await installZone(host, id, { timeoutMs: timeouts.install });
      state = "installed";
      installedNow = true;
    }
    if (installedNow) {
      for (const p of view.publishers) {
        progress.step(`setting publisher ${p.name} in the zone image`);
        await setPublisher(host, { name: p.name, origins: p.origins, mirrors: p.mirrors, replace: true }, `${shape.zonepath}/root`);
      }
    }

    pendingReboot = (olds.pendingReboot || configChanged) && !installedNow;
    if (shape.state === "running") {
      if (state !== "running") {
        if (KERNEL_STATES.has(state)) await haltZone(host, id, { timeoutMs: timeouts.halt });
        progress.step("booting");
        await bootZone(host, id, { timeoutMs: timeouts.boot });
        pendingReboot = false;
      } else if (pendingReboot && news.rebootOnChange) {
        progress.step("rebooting to apply the changes");
        await rebootZone(host, id, { timeoutMs: timeouts.boot });
        pendingReboot = false;
      } else if (pendingReboot) {
        progress.step("warning: changes take effect at the next reboot (set rebootOnChange: true to reboot automatically)");
      }
    } else if (KERNEL_STATES.has(state)) {
      progress.step("halting");
      await haltZone(host, id, { timeoutMs: timeouts.halt });
      pendingReboot = false;
    }
  } catch (error) {
    // The claim moved to the new address but the failure may have come before or after the zone's
    // configuration took it (a tool can fail after doing its work, a connection can drop): make the
    // claim match whatever address the zone has now. The next update tries the change again.
    if (moved && !configApplied) {
      try {
        const now = (await probeZones(handle, [id])).get(id)!;
        const actual = now.config?.net?.find((n) => n.physical === shape.vnic)?.allowedAddress ?? olds.address;
        if (!addresses.includes(actual)) await claimAddress(host, root, { zone: { name: id }, pool: shape.pool, requested: [actual] });
      } catch (e) {
        progress.step(`could not make the registry match the zone's address again: ${(e as Error).message}; the next pulumi up or refresh reports it`);
      }
    }
    throw error;
  }

  // Addresses the zone has moved off (now, or in an update that failed half-way) are released once
  // no running zone can still use them: a running zone waiting for its reboot still has the old one.
  const movedOff = holding.filter((a) => !addresses.includes(a));
  if (movedOff.length && !(shape.state === "running" && pendingReboot)) {
    progress.step(`releasing ${movedOff.join(", ")}, which the zone no longer uses`);
    await claimAddress(host, root, { zone: zoneModel, pool: shape.pool, requested: [...addresses] });
  }

  const after = (await probeZones(handle, [id])).get(id)!;
  return outputs(news, handle, view, shape, addresses, after.entry?.state ?? "unknown", after.entry?.uuid ?? "", {
    pendingReboot,
    adopted: olds.adopted ?? false,
  });
}

/** True when a zonecfg update script changes something that only takes effect at boot (anything but autoboot). */
function needsReboot(script: string): boolean {
  return script
    .split("\n")
    .map((l) => l.trim())
    .some((l) => l !== "" && l !== "commit" && !/^set autoboot=/.test(l));
}
