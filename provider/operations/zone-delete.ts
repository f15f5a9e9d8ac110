// Deletes a zone: halt, uninstall, delete its configuration, its VNIC and its registry file; each step skipped when already done.

import { checkDladm } from "../illumos/dladm";
import { checkZoneadm, zoneadmArgv } from "../illumos/zoneadm";
import { ZONECFG_ERRORS } from "../illumos/zonecfg";
import { commandError } from "../illumos/command-error";
import { ZmgrError } from "../errors";
import { relativePath } from "../registry/paths";
import { deleteStep } from "../registry/write";
import { runBatch, type BatchStep } from "../transport/batch";
import type { RunResult } from "../transport/host";
import { resolveHost } from "./default-host";
import { connect } from "./host-spec";
import { progressFor, type Progress } from "./progress";
import type { ZoneOutputs } from "./zone-inputs";
import { probeZones } from "./zone-probe";
import { zoneTimeouts } from "./zone-timeouts";

/** POSIX sh. Arg: the VNIC. `dladm delete-vnic`, where a VNIC that does not exist counts as deleted (so the batch goes on). */
const DELETE_VNIC_SCRIPT = `out=$(dladm delete-vnic "$1" 2>&1); rc=$?
case $out in *"object not found"*|*"invalid link name"*) exit 0 ;; esac
[ -z "$out" ] || printf '%s\\n' "$out" >&2
exit $rc`;

/** Zone states in which the kernel holds the zone. */
const KERNEL_STATES = new Set(["ready", "mounted", "running", "shutting_down", "down"]);

/**
 * Deletes zone `id` in two round trips: a probe, then one batch of only the steps still needed
 * (halt, `uninstall -F`, `zonecfg delete -F`, delete the VNIC, delete the registry file if it is
 * unchanged since the probe). Converges from any point: run again after a failure, it skips what
 * is done. The registry file goes last, so the address stays held until everything else is gone;
 * deleting our own file needs no lock (a claimer sees the address either taken or free).
 */
export async function deleteZone(id: string, olds: ZoneOutputs, progress: Progress = progressFor("zone", id)): Promise<void> {
  const handle = connect(resolveHost(olds.host));
  const { host, root } = handle;
  const timeouts = zoneTimeouts(olds);
  const probe = (await probeZones(handle, [id])).get(id)!;
  const state = probe.entry?.state;
  const vnic = olds.vnic || probe.config?.net?.[0]?.physical;
  const steps: { label: string; step: BatchStep; check(r: RunResult): void }[] = [];
  const zoneadm = (label: string, args: string[]) => {
    const argv = zoneadmArgv(id, args);
    steps.push({ label, step: { argv }, check: (r) => checkZoneadm(host, argv, r) });
  };
  if (state && KERNEL_STATES.has(state)) zoneadm("halting", ["halt"]);
  if (state && state !== "configured") zoneadm("uninstalling (zoneadm uninstall -F)", ["uninstall", "-F"]);
  if (state) {
    const argv = ["zonecfg", "-z", id, "delete", "-F"];
    steps.push({ label: "deleting the configuration", step: { argv }, check: (r) => void (r.exitCode === 0 || failedMissing(r) || throwIt(commandError(host, argv, r, ZONECFG_ERRORS))) });
  }
  if (vnic) {
    const argv = ["/bin/sh", "-c", DELETE_VNIC_SCRIPT, "sh", vnic];
    steps.push({ label: `deleting VNIC ${vnic}`, step: { argv }, check: (r) => void checkDladm(host, ["dladm", "delete-vnic", vnic], r) });
  }
  if (probe.file) {
    const del = deleteStep(host, root, relativePath("zone", id), probe.file.text);
    steps.push({ label: `releasing ${(probe.file.model.addresses ?? []).join(", ") || "the registry file"}`, step: del.step, check: (r) => del.check(r) });
  }
  if (steps.length === 0 && !probe.brokenFile) return progress.step("already gone");
  if (steps.length > 0) {
    progress.step(steps.map((s) => s.label).join(", "));
    const results = await runBatch(host, steps.map((s) => s.step), { timeoutMs: timeouts.install + timeouts.halt });
    steps.forEach((s, i) => {
      const r = results[i];
      if (r) s.check(r);
    });
  }
  // A registry file we cannot read is never deleted (nor rewritten): it keeps holding its address until fixed by hand.
  if (probe.brokenFile) throw keptBrokenFile(id, probe.brokenFile.error);
  progress.step("deleted");
}

/** The delete's error when everything but the zone's unreadable registry file is gone. */
function keptBrokenFile(id: string, error: ZmgrError): ZmgrError {
  return new ZmgrError(error.code, `zone ${id} is deleted, but its registry file was kept because it cannot be read: ${error.message}`, {
    cause: error,
    help: "fix the file (or remove it if the address it holds is free) and run `pulumi destroy` again; pulumi-zmgr never deletes a file it cannot parse",
    details: error.details,
  });
}

/** True for "not there" failures of delete commands (nothing to do). */
function failedMissing(r: RunResult): boolean {
  return r.exitCode !== 0 && /No such zone configured|invalid link name|object not found/.test(r.stderr + r.stdout);
}

function throwIt(e: Error): never {
  throw e;
}
