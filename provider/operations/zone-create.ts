// Creates a zone: claim an address, VNIC, zonecfg, install, publishers, boot; on failure undo everything this attempt did.

import { hasCode, ZmgrError } from "../errors";
import { claimAddress, releaseAddress } from "../ipam/claim";
import { checkDladm, createVnicArgv, deleteVnic } from "../illumos/dladm";
import { checkPkg, setPublisherArgv } from "../illumos/pkg";
import { checkZoneadm, haltZone, installZone, uninstallZone, zoneadmArgv, zoneFromList } from "../illumos/zoneadm";
import { checkZonecfgScript, deleteZoneConfig, zonecfgScriptArgv } from "../illumos/zonecfg";
import { buildCreateScript } from "../illumos/zonecfg-script";
import { runBatch } from "../transport/batch";
import type { RunResult } from "../transport/host";
import { resolveHost } from "./default-host";
import { connect, type HostHandle } from "./host-spec";
import { progressFor, type Progress } from "./progress";
import { describeUndoFailures, Rollback } from "./rollback";
import { defaultVnicName } from "./zone-check";
import { netPlan, zoneRegistryStep, type ZoneRegistryView } from "./zone-context";
import { declaredOf, type ZoneInputs, type ZoneOutputs } from "./zone-inputs";
import { desiredShape, ownershipOf, targetConfig, type ZoneShape } from "./zone-shape";
import { zoneTimeouts } from "./zone-timeouts";
import { updateZone } from "./zone-update";

/** Failures after which a command may or may not have taken effect on the host. */
const UNKNOWN_OUTCOME = new Set(["zmgr::host::connection-lost", "zmgr::host::timeout", "zmgr::host::no-exit-status", "zmgr::registry::write", "zmgr::host::batch"]);

/** True when `error` leaves it open whether the command took effect. */
function unknownOutcome(error: unknown): boolean {
  return ZmgrError.isInstance(error) && UNKNOWN_OUTCOME.has(error.code);
}

/** Zone states a create passes through before the zone is installed. */
const UNFINISHED = new Set(["configured", "incomplete"]);

/** Thrown when a create failed and could not be fully undone: the engine records the zone as partially created. */
export class PartialCreateError extends ZmgrError {
  /** The resource id (the zone name). */
  readonly id: string;
  /** Outputs describing what exists, for the next `up` (update) or `destroy` (delete). */
  readonly properties: ZoneOutputs;
  /** Why it is partial. */
  readonly reasons: string[];

  constructor(message: string, id: string, properties: ZoneOutputs, reasons: string[], cause: unknown) {
    super("zmgr::zone::partial", message, {
      cause,
      help: "run `pulumi up` again to finish the zone, or `pulumi destroy` to remove what exists; both converge from here",
      details: { zone: id },
    });
    this.id = id;
    this.properties = properties;
    this.reasons = reasons;
  }
}

/**
 * Creates the zone described by `inputs` on its host and returns its outputs, in six round trips:
 * [registry read, zone state, VNIC state], the address claim (two), [VNIC, zonecfg], install,
 * [publishers, boot, zone state].
 */
export async function createZone(inputs: ZoneInputs, progress: Progress = progressFor("zone", inputs.name)): Promise<ZoneOutputs> {
  const handle = connect(resolveHost(inputs.host));
  const { host } = handle;
  const name = inputs.name;
  const vnic = inputs.vnic ?? defaultVnicName(name);
  const registry = zoneRegistryStep(handle, { zone: name, template: inputs.template, templateSpec: inputs.templateSpec, pool: inputs.pool });
  const list = zoneadmArgv(name, ["list", "-p"]);
  const showVnic = ["dladm", "show-vnic", "-p", "-o", "link,over", vnic];
  const r = await runBatch(host, [registry.step, { argv: list, onFailure: "continue" }, { argv: showVnic, onFailure: "continue" }]);
  const view = registry.view(r[0]);
  const shape = desiredShape(inputs, view.template);
  if (!view.pool) {
    throw new ZmgrError("zmgr::zone::no-pool", `zone ${name} has no pool: neither its inputs nor template ${JSON.stringify(inputs.template)} name one`, {
      help: "set `pool` on the zone or on its template",
    });
  }
  const existing = zoneFromList(host, list, name, r[1]!);
  const own = view.ownFile?.model;
  if (existing && UNFINISHED.has(existing.state) && own?.vnic === shape.vnic && own.zonepath === shape.zonepath && (own.brand ?? shape.brand) === shape.brand) {
    // A zone never installed, with a registry file recording exactly it: what a create (ours, or the zmgr
    // CLI's) leaves when it is interrupted - its process killed, say. Nothing can be using it: finish it.
    progress.step(`zone ${name} is ${existing.state}: an earlier create of it stopped half-way (${view.ownFile!.path} records it); finishing it`);
    return updateZone(name, outputs(inputs, handle, view, shape, own.addresses ?? [], existing.state, ""), inputs, progress);
  }
  if (existing) {
    throw new ZmgrError("zmgr::zone::exists", `zone ${name} already exists on ${host.label} (state ${existing.state})`, {
      help: "set `adopt: true` to take over the existing zone (it must match), or pick another name",
      details: { zone: name, state: existing.state },
    });
  }
  if (view.ownFile) progress.step(`reusing the existing registry file ${view.ownFile.path} (no zone of that name exists)`);
  // A VNIC the zone's own registry file records, over the pool's stub: a leftover of this zone, reused.
  const leftover = view.ownFile?.model.vnic === vnic && r[2]?.exitCode === 0 && r[2].stdout.trim() === `${vnic}:${view.pool.model.stub}`;
  return build(inputs, handle, view, shape, leftover, progress);
}

async function build(inputs: ZoneInputs, handle: HostHandle, view: ZoneRegistryView, shape: ZoneShape, leftoverVnic: boolean, progress: Progress): Promise<ZoneOutputs> {
  const { host, root } = handle;
  const name = inputs.name;
  const pool = view.pool!;
  const timeouts = zoneTimeouts(inputs);
  const undo = new Rollback();
  let step = "claiming an address";
  let addresses: readonly string[] = [];
  try {
    progress.step(`claiming an address from pool ${shape.pool}`);
    const claimRequest = {
      zone: { name, template: inputs.template, brand: shape.brand, zonepath: shape.zonepath, pool: shape.pool, vnic: shape.vnic },
      pool: shape.pool,
      requested: inputs.address === undefined ? undefined : [inputs.address],
      families: inputs.address === undefined ? [primaryFamily(pool.model.networks)] : undefined,
    };
    // A claim that failed may still have written the file (it failed after the write: the verify read,
    // a dropped connection): release it then too, unless the failure proves the file is someone
    // else's (a conflict: a zone of that name being created elsewhere at the same time).
    const claim = view.ownFile
      ? await claimAddress(host, root, claimRequest)
      : await undo.attempt(`registry file of zone ${name}`, () => claimAddress(host, root, claimRequest), () => releaseAddress(host, root, { zone: name }), (e) => hasCode(e, "zmgr::registry::conflict"));
    addresses = claim.addresses;

    // The VNIC and the whole configuration in one round trip; each undone only if it succeeded.
    const vnicArgv = createVnicArgv({ name: shape.vnic, over: pool.model.stub });
    const script = buildCreateScript(targetConfig(name, shape, netPlan(pool.model, addresses), undefined, ownershipOf(inputs)));
    const cfgArgv = zonecfgScriptArgv(name);
    progress.step(leftoverVnic ? `reusing VNIC ${shape.vnic} recorded in the zone's registry file; configuring the zone` : `creating VNIC ${shape.vnic} over ${pool.model.stub} and configuring the zone`);
    const configured = await runBatch(host, [...(leftoverVnic ? [] : [{ argv: vnicArgv }]), { argv: cfgArgv, stdin: true }], { stdin: script }).catch((e: unknown) => {
      // Died mid-way: either may exist now. Neither existed before (checked above), so both undos are safe.
      if (unknownOutcome(e)) {
        if (!leftoverVnic) undo.add(`VNIC ${shape.vnic}`, () => deleteVnic(host, shape.vnic));
        undo.add("zone configuration", () => deleteZoneConfig(host, name));
      }
      throw e;
    });
    // A step that failed may have done its work first: its undo is registered then too, unless the
    // failure proves nothing was made ("already exists": not ours).
    if (!leftoverVnic) {
      step = `creating VNIC ${shape.vnic} over ${pool.model.stub}`;
      await undo.attempt(`VNIC ${shape.vnic}`, async () => checkDladm(host, vnicArgv, configured[0]!), () => deleteVnic(host, shape.vnic), alreadyExists);
    }
    step = "configuring the zone (zonecfg)";
    const cfgResult = configured[configured.length - 1];
    await undo.attempt("zone configuration", async () => checkZonecfgScript(host, cfgArgv, ran(cfgResult), script), () => deleteZoneConfig(host, name), () => cfgResult === undefined);

    step = "installing the zone (zoneadm install)";
    progress.step(`installing (zoneadm install, timeout ${timeouts.install / 1000} s)`);
    undo.add("zone installation", () => uninstallZone(host, name, { timeoutMs: timeouts.install }));
    const started = Date.now();
    await installZone(host, name, {
      timeoutMs: timeouts.install,
      onOutput: (line) => {
        if (/^\s*(Image|Publisher|Installing|Done|Postinstall|ERROR)/.test(line)) progress.step(`install: ${line.trim()}`);
      },
    });
    progress.step(`installed in ${Math.round((Date.now() - started) / 1000)} s`);

    // Publishers in the image, boot, and the zone's state: one round trip.
    const pubs = view.publishers.map((p) => ({ p, argv: setPublisherArgv({ name: p.name, origins: p.origins, mirrors: p.mirrors, replace: true }, `${shape.zonepath}/root`) }));
    const boot = shape.state === "running" ? zoneadmArgv(name, ["boot"]) : undefined;
    const list = zoneadmArgv(name, ["list", "-p"]);
    if (pubs.length || boot) progress.step([pubs.length ? `setting publishers ${pubs.map((x) => x.p.name).join(", ")}` : "", boot ? "booting" : ""].filter(Boolean).join(", then "));
    const finish = await runBatch(host, [...pubs.map((x) => ({ argv: x.argv })), ...(boot ? [{ argv: boot }] : []), { argv: list, always: true, onFailure: "continue" as const }], { timeoutMs: timeouts.boot }).catch((e: unknown) => {
      if (boot && unknownOutcome(e)) undo.add("running zone", () => haltZone(host, name, { timeoutMs: timeouts.halt })); // it may have booted
      throw e;
    });
    pubs.forEach((x, i) => {
      step = `setting publisher ${x.p.name} in the zone image`;
      checkPkg(host, x.argv, ran(finish[i]));
    });
    if (boot) {
      step = "booting the zone";
      const booted = finish[pubs.length];
      await undo.attempt("running zone", async () => checkZoneadm(host, boot, ran(booted)), () => haltZone(host, name, { timeoutMs: timeouts.halt }), () => booted === undefined);
    }
    const last = finish[finish.length - 1];
    const entry = last ? zoneFromList(host, list, name, last) : null;
    progress.step(`created (${entry?.state ?? "unknown state"}, ${addresses.join(", ")})`);
    return outputs(inputs, handle, view, shape, addresses, entry?.state ?? "unknown", entry?.uuid ?? "");
  } catch (error) {
    progress.step(`failed while ${step}; undoing: ${[...undo.done].reverse().join(", ") || "nothing to undo"}`);
    const failures = await undo.run();
    const cause = ZmgrError.isInstance(error) ? error : undefined;
    if (failures.length === 0) {
      throw new ZmgrError(cause?.code ?? "zmgr::zone::create-failed", `creating zone ${name} failed while ${step}: ${cause?.message ?? String(error)}. Everything this attempt did was undone.`, {
        cause: error,
        help: cause?.help ?? "fix the cause above and run `pulumi up` again",
        details: { ...(cause?.details ?? {}), zone: name, step },
      });
    }
    const partial = outputs(inputs, handle, view, shape, addresses, "unknown", "");
    throw new PartialCreateError(
      `creating zone ${name} failed while ${step}: ${cause?.message ?? String(error)}. Undoing it failed too: ${describeUndoFailures(failures)}`,
      name,
      partial,
      [`create failed while ${step}`, ...failures.map((f) => `undo of ${f.what} failed`)],
      error,
    );
  }
}

/** True for a failure that proves the object was not made by us (it already existed). */
function alreadyExists(error: unknown): boolean {
  return ZmgrError.isInstance(error) && /already exists/.test(error.message);
}

/** A batch step's result; a step skipped because an earlier one failed cannot be here (that one threw first). */
function ran(result: RunResult | undefined): RunResult {
  return result ?? { stdout: "", stderr: "the command did not run", exitCode: -1 };
}

/** The family a zone claims from a pool: IPv4 when the pool has it, else IPv6. */
function primaryFamily(networks: readonly string[]): 4 | 6 {
  return networks.some((n) => !n.includes(":")) ? 4 : 6;
}

/** The outputs of a zone built from `shape`. */
export function outputs(inputs: ZoneInputs, handle: HostHandle, view: Pick<ZoneRegistryView, "template">, shape: ZoneShape, addresses: readonly string[], state: string, uuid: string, extra: Partial<ZoneOutputs> = {}): ZoneOutputs {
  return {
    ...inputs,
    // Settings mirrored from the canonical shape, so diff compares like with like ("2G" and "2048M" are one cap).
    cappedMemory: shape.cappedMemory,
    cappedCpu: shape.cappedCpu,
    cpuShares: shape.cpuShares,
    attrs: shape.attrs,
    fs: shape.fs,
    datasets: shape.datasets,
    resolvers: shape.resolvers,
    dnsDomain: shape.dnsDomain,
    address: addresses[0] ?? "",
    vnic: shape.vnic,
    zonepath: shape.zonepath,
    brand: shape.brand,
    autoboot: shape.autoboot,
    pool: shape.pool,
    ipType: shape.ipType,
    state,
    uuid,
    resolvedTemplate: view.template,
    hostId: handle.id,
    pendingReboot: false,
    registered: addresses.length > 0,
    adopted: false,
    declared: declaredOf(inputs),
    ...extra,
  };
}
