// Creates a zone: claim an address, VNIC, zonecfg, install, publishers, boot; on failure undo everything this attempt did.

import { hasCode, ZmgrError } from "../errors";
import { claimAddress, releaseAddress } from "../ipam/claim";
import { createVnic, deleteVnic, getVnic } from "../illumos/dladm";
import { setPublisher } from "../illumos/pkg";
import { bootZone, getZone, haltZone, installZone, uninstallZone } from "../illumos/zoneadm";
import { createZoneConfig, deleteZoneConfig } from "../illumos/zonecfg";
import { resolveHost } from "./default-host";
import { connect, type HostHandle } from "./host-spec";
import { progressFor, type Progress } from "./progress";
import { describeUndoFailures, Rollback } from "./rollback";
import { netPlan, readZoneRegistry, type ZoneRegistryView } from "./zone-context";
import { declaredOf, type ZoneInputs, type ZoneOutputs } from "./zone-inputs";
import { desiredShape, ownershipOf, targetConfig, type ZoneShape } from "./zone-shape";
import { zoneTimeouts } from "./zone-timeouts";

/** Failures after which a command may or may not have taken effect on the host. */
const UNKNOWN_OUTCOME = new Set(["zmgr::host::connection-lost", "zmgr::host::timeout", "zmgr::host::no-exit-status", "zmgr::registry::write"]);

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

/** Creates the zone described by `inputs` on its host and returns its outputs. */
export async function createZone(inputs: ZoneInputs, progress: Progress = progressFor("zone", inputs.name)): Promise<ZoneOutputs> {
  const handle = connect(resolveHost(inputs.host));
  const view = await readZoneRegistry(handle, { zone: inputs.name, template: inputs.template, templateSpec: inputs.templateSpec, pool: inputs.pool });
  const shape = desiredShape(inputs, view.template);
  if (!view.pool) {
    throw new ZmgrError("zmgr::zone::no-pool", `zone ${inputs.name} has no pool: neither its inputs nor template ${JSON.stringify(inputs.template)} name one`, {
      help: "set `pool` on the zone or on its template",
    });
  }
  const existing = await getZone(handle.host, inputs.name);
  if (existing) {
    throw new ZmgrError("zmgr::zone::exists", `zone ${inputs.name} already exists on ${handle.host.label} (state ${existing.state})`, {
      help: "set `adopt: true` to take over the existing zone (it must match the inputs), or pick another name",
      details: { zone: inputs.name, state: existing.state },
    });
  }
  if (view.ownFile) progress.step(`reusing the existing registry file ${view.ownFile.path} (no zone of that name exists)`);
  return build(inputs, handle, view, shape, progress);
}

async function build(inputs: ZoneInputs, handle: HostHandle, view: ZoneRegistryView, shape: ZoneShape, progress: Progress): Promise<ZoneOutputs> {
  const { host, root } = handle;
  const name = inputs.name;
  const pool = view.pool!;
  const timeouts = zoneTimeouts(inputs);
  const undo = new Rollback();
  let step = "claiming an address";
  let addresses: readonly string[] = [];
  try {
    progress.step(`claiming an address from pool ${shape.pool}`);
    const claiming = () =>
      claimAddress(host, root, {
        zone: { name, template: inputs.template, brand: shape.brand, zonepath: shape.zonepath, pool: shape.pool, vnic: shape.vnic },
        pool: shape.pool,
        requested: inputs.address === undefined ? undefined : [inputs.address],
        families: inputs.address === undefined ? [primaryFamily(pool.model.networks)] : undefined,
      });
    // A claim that failed with an unknown outcome (the connection dropped) may have written the zone's file: release it too.
    const claim = view.ownFile
      ? await claiming()
      : await undo.attempt(`registry file of zone ${name} (its address)`, claiming, () => releaseAddress(host, root, { zone: name }), (e) => !UNKNOWN_OUTCOME.has((e as ZmgrError).code));
    addresses = claim.addresses;

    step = `creating VNIC ${shape.vnic} over ${pool.model.stub}`;
    const leftover = view.ownFile?.model.vnic === shape.vnic ? await getVnic(host, shape.vnic) : null;
    if (leftover && leftover.over === pool.model.stub) {
      // The zone's own registry file records this VNIC: a leftover of the same zone (deleted out of band), reused as is.
      progress.step(`reusing VNIC ${shape.vnic} recorded in the zone's registry file`);
    } else {
      progress.step(step);
      await undo.attempt(`VNIC ${shape.vnic}`, () => createVnic(host, { name: shape.vnic, over: pool.model.stub }), () => deleteVnic(host, shape.vnic), (e) => hasCode(e, "zmgr::dladm::exists"));
    }

    step = "configuring the zone (zonecfg)";
    const config = targetConfig(name, shape, netPlan(pool.model, addresses), undefined, ownershipOf(inputs));
    await undo.attempt("zone configuration", () => createZoneConfig(host, config), () => deleteZoneConfig(host, name), (e) => hasCode(e, "zmgr::zone::exists"));

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

    for (const publisher of view.publishers) {
      step = `setting publisher ${publisher.name} in the zone image`;
      progress.step(step);
      await setPublisher(host, { name: publisher.name, origins: publisher.origins, mirrors: publisher.mirrors, replace: true }, `${shape.zonepath}/root`);
    }

    if (shape.state === "running") {
      step = "booting the zone";
      progress.step(step);
      await undo.attempt("running zone", () => bootZone(host, name, { timeoutMs: timeouts.boot }), () => haltZone(host, name, { timeoutMs: timeouts.halt }));
    }
    const entry = await getZone(host, name);
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
