// Deletes a zone: halt, uninstall, delete its configuration, its VNIC and its registry file; each step skipped when already done.

import { releaseAddress } from "../ipam/claim";
import { deleteVnic } from "../illumos/dladm";
import { haltZone, uninstallZone } from "../illumos/zoneadm";
import { deleteZoneConfig } from "../illumos/zonecfg";
import { resolveHost } from "./default-host";
import { connect } from "./host-spec";
import { progressFor, type Progress } from "./progress";
import type { ZoneOutputs } from "./zone-inputs";
import { probeZones } from "./zone-probe";
import { zoneTimeouts } from "./zone-timeouts";

/** Zone states in which the kernel holds the zone. */
const KERNEL_STATES = new Set(["ready", "mounted", "running", "shutting_down", "down"]);

/**
 * Deletes zone `id`. Converges from any point: a zone already halted is not halted again, one
 * already gone skips straight to the VNIC and the registry file, a missing VNIC or file is fine.
 * The registry file goes last, so the address stays held until everything else is gone.
 */
export async function deleteZone(id: string, olds: ZoneOutputs, progress: Progress = progressFor("zone", id)): Promise<void> {
  const handle = connect(resolveHost(olds.host));
  const { host, root } = handle;
  const timeouts = zoneTimeouts(olds);
  const probe = (await probeZones(handle, [id])).get(id)!;
  const state = probe.entry?.state;
  if (state && KERNEL_STATES.has(state)) {
    progress.step("halting");
    await haltZone(host, id, { timeoutMs: timeouts.halt });
  }
  if (state && state !== "configured") {
    progress.step("uninstalling (zoneadm uninstall -F)");
    await uninstallZone(host, id, { timeoutMs: timeouts.install });
  }
  if (state) {
    progress.step("deleting the configuration");
    await deleteZoneConfig(host, id);
  }
  const vnic = olds.vnic || probe.config?.net?.[0]?.physical;
  if (vnic && (await deleteVnic(host, vnic))) progress.step(`deleted VNIC ${vnic}`);
  const released = await releaseAddress(host, root, { zone: id });
  progress.step(released.length ? `released ${released.join(", ")}` : "deleted");
}
