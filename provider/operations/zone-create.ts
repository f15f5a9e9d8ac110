// Creates a zone: claim an address, VNIC, zonecfg, install, publishers, boot; on failure undo everything this attempt did.

import { hasCode, ZmgrError } from "../errors";
import { prepareClaim, releaseAddress } from "../ipam/claim";
import { acquireRegistryLockWith, type RegistryLock } from "../registry/lock";
import type { RegistrySnapshot } from "../registry/store";
import { checkDladm, createVnicArgv, deleteVnic } from "../illumos/dladm";
import { checkPkg, setPublisherArgv } from "../illumos/pkg";
import { checkZoneadm, haltIfBooted, haltZone, uninstallZone, zoneadmArgv, zoneFromList } from "../illumos/zoneadm";
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
 * Creates the zone described by `inputs` on its host and returns its outputs, in three round trips:
 * [zone state, registry lock, registry read], [zone file, re-read, unlock, VNIC, zonecfg],
 * [install, publishers, boot, zone state]; a fourth asks for the VNIC when the zone's own file, left by an
 * earlier attempt, records one.
 */
export async function createZone(inputs: ZoneInputs, progress: Progress = progressFor("zone", inputs.name)): Promise<ZoneOutputs> {
  const handle = connect(resolveHost(inputs.host));
  const { host, root } = handle;
  const name = inputs.name;
  const vnic = inputs.vnic ?? defaultVnicName(name);
  const request = { zone: name, template: inputs.template, templateSpec: inputs.templateSpec, pool: inputs.pool };
  const list = zoneadmArgv(name, ["list", "-p"]);
  // Everything the claim decides from, read under the registry lock, which the zone probe runs before.
  const read = zoneRegistryStep(handle, request, true);
  const { lock, results, before } = await acquireRegistryLockWith(host, root, { before: [{ argv: list }], steps: [read.step] });
  let held: { lock: RegistryLock; snapshot: RegistrySnapshot } | undefined;
  try {
    const view = read.view(results[0]);
    const shape = desiredShape(inputs, view.template);
    if (!view.pool) {
      throw new ZmgrError("zmgr::zone::no-pool", `zone ${name} has no pool: neither its inputs nor template ${JSON.stringify(inputs.template)} name one`, {
        help: "set `pool` on the zone or on its template",
      });
    }
    const existing = zoneFromList(host, list, name, ran(before[0]));
    const own = view.ownFile?.model;
    if (existing && UNFINISHED.has(existing.state) && own?.vnic === shape.vnic && own.zonepath === shape.zonepath && (own.brand ?? shape.brand) === shape.brand) {
      // A zone never installed, with a registry file recording exactly it: what a create (ours, or the zmgr
      // CLI's) leaves when it is interrupted - its process killed, say. Nothing can be using it: finish it.
      await lock.release();
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
    // A VNIC the zone's own registry file records, over the pool's stub: a leftover of this zone, reused. Only a
    // file left by an earlier attempt records one, so only then is the host asked (one more round trip).
    const leftover = view.ownFile?.model.vnic === vnic && (await host.run(["dladm", "show-vnic", "-p", "-o", "link,over", vnic])).stdout.trim() === `${vnic}:${view.pool.model.stub}`;
    held = { lock, snapshot: view.snapshot };
    return await build(inputs, handle, view, shape, leftover, held, progress);
  } finally {
    if (!held) await lock.release(); // refused before the claim: nothing was done (a no-op once released)
  }
}

async function build(inputs: ZoneInputs, handle: HostHandle, view: ZoneRegistryView, shape: ZoneShape, leftoverVnic: boolean, held: { lock: RegistryLock; snapshot: RegistrySnapshot }, progress: Progress): Promise<ZoneOutputs> {
  const { host, root } = handle;
  const name = inputs.name;
  const pool = view.pool!;
  const timeouts = zoneTimeouts(inputs);
  const undo = new Rollback();
  let step = "claiming an address";
  let addresses: readonly string[] = [];
  try {
    const claimRequest = {
      zone: { name, template: inputs.template, brand: shape.brand, zonepath: shape.zonepath, pool: shape.pool, vnic: shape.vnic },
      pool: shape.pool,
      requested: inputs.address === undefined ? undefined : [inputs.address],
      families: inputs.address === undefined ? [primaryFamily(pool.model.networks)] : undefined,
    };
    const prepared = await prepareClaim(host, root, claimRequest, { lock: held.lock, snapshot: () => held.snapshot });
    addresses = prepared.addresses;

    // The claim (zone file, re-read, unlock), the VNIC and the whole configuration in one round trip; the VNIC
    // and zonecfg run only when the zone file was written. Each is undone only if it may have taken effect.
    const vnicArgv = createVnicArgv({ name: shape.vnic, over: pool.model.stub });
    const configure = (claimed: readonly string[]) => buildCreateScript(targetConfig(name, shape, netPlan(pool.model, claimed), undefined, ownershipOf(inputs)));
    let script = configure(addresses);
    const cfgArgv = zonecfgScriptArgv(name);
    progress.step(
      `claiming ${addresses.join(", ")} from pool ${shape.pool}, ` +
        (leftoverVnic ? `reusing VNIC ${shape.vnic} recorded in the zone's registry file; configuring the zone` : `creating VNIC ${shape.vnic} over ${pool.model.stub} and configuring the zone`),
    );
    const releaseClaim = () => releaseAddress(host, root, { zone: name });
    const n = prepared.steps.length;
    const batch = await runBatch(host, [...prepared.steps, ...(leftoverVnic ? [] : [{ argv: vnicArgv }]), { argv: cfgArgv, stdin: true }], { stdin: script }).catch(async (e: unknown) => {
      await prepared.abandon();
      // Died mid-way: the zone file, the VNIC and the configuration may exist now. None existed before (checked
      // above; an existing file is kept), so these undos are safe.
      if (!view.ownFile) undo.add(`registry file of zone ${name}`, releaseClaim);
      if (unknownOutcome(e)) {
        if (!leftoverVnic) undo.add(`VNIC ${shape.vnic}`, () => deleteVnic(host, shape.vnic));
        undo.add("zone configuration", () => deleteZoneConfig(host, name));
      }
      throw e;
    });
    // A claim that failed may still have written the file (it failed after the write: the re-read), so it is
    // released then too, unless the failure proves the file is someone else's (a conflict: a zone of that name
    // being created elsewhere at the same time). An existing file is kept.
    const finishClaim = () => prepared.finish(batch.slice(0, n));
    const claimed = await (view.ownFile ? finishClaim() : undo.attempt(`registry file of zone ${name}`, finishClaim, releaseClaim, (e) => hasCode(e, "zmgr::registry::conflict"))).then(
      (claim) => ({ claim }),
      (error: unknown) => ({ error }),
    );
    // A step that failed may have done its work first: its undo is registered then too, unless the failure
    // proves nothing was made ("already exists": not ours). After a failed claim only steps that ran count.
    const [vnicResult, cfgResult] = leftoverVnic ? [undefined, batch[n]] : [batch[n], batch[n + 1]];
    let failed = "error" in claimed ? { step, error: claimed.error } : undefined;
    const check = async (what: string, run: () => Promise<unknown>) => {
      await run().catch((error: unknown) => (failed ??= { step: what, error }));
    };
    if (!leftoverVnic && (!failed || vnicResult)) {
      await check(`creating VNIC ${shape.vnic} over ${pool.model.stub}`, () => undo.attempt(`VNIC ${shape.vnic}`, async () => checkDladm(host, vnicArgv, ran(vnicResult)), () => deleteVnic(host, shape.vnic), alreadyExists));
    }
    if (!failed || cfgResult) {
      await check("configuring the zone (zonecfg)", () => undo.attempt("zone configuration", async () => checkZonecfgScript(host, cfgArgv, ran(cfgResult), script), () => deleteZoneConfig(host, name), () => cfgResult === undefined));
    }
    if (failed) {
      step = failed.step;
      throw failed.error;
    }
    if ("error" in claimed) throw claimed.error; // never: a failed claim set `failed` (this narrows the type)
    if (claimed.claim.addresses.join() !== addresses.join()) {
      // A writer that does not take the lock (the zmgr CLI) took our address meanwhile: the claim moved to
      // another one, so the configuration is made again with it.
      progress.step(`address ${addresses.join(", ")} was taken by another writer meanwhile; configuring the zone with ${claimed.claim.addresses.join(", ")}`);
      addresses = claimed.claim.addresses;
      await deleteZoneConfig(host, name);
      script = configure(addresses);
      checkZonecfgScript(host, cfgArgv, await host.run(cfgArgv, { stdin: script }), script);
    }

    // Install, publishers in the image, boot and the zone's state: one round trip, each step with its own timeout.
    const install = zoneadmArgv(name, ["install"]);
    const pubs = view.publishers.map((p) => ({ p, argv: setPublisherArgv({ name: p.name, origins: p.origins, mirrors: p.mirrors, replace: true }, `${shape.zonepath}/root`) }));
    const boot = shape.state === "running" ? zoneadmArgv(name, ["boot"]) : undefined;
    const list = zoneadmArgv(name, ["list", "-p"]);
    const labels = ["installing the zone (zoneadm install)", ...pubs.map((x) => `setting publisher ${x.p.name} in the zone image`), ...(boot ? ["booting the zone"] : [])];
    const after = [pubs.length ? `setting publishers ${pubs.map((x) => x.p.name).join(", ")}` : "", boot ? "booting" : ""].filter(Boolean).join(", then ");
    progress.step(`installing (zoneadm install, timeout ${timeouts.install / 1000} s)`);
    undo.add("zone installation", () => uninstallZone(host, name, { timeoutMs: timeouts.install }));
    const started = Date.now();
    const finish = await runBatch(
      host,
      [
        { argv: install, timeoutMs: timeouts.install },
        ...pubs.map((x) => ({ argv: x.argv, timeoutMs: timeouts.boot })),
        ...(boot ? [{ argv: boot, timeoutMs: timeouts.boot }] : []),
        { argv: list, always: true, onFailure: "continue" as const },
      ],
      {
        timeoutMs: timeouts.install + timeouts.boot * (pubs.length + 2),
        onStep: (i) => {
          if (i >= labels.length) return; // the closing zone state
          step = labels[i]!;
          if (i === 1) progress.step(`installed in ${Math.round((Date.now() - started) / 1000)} s${after ? `; ${after}` : ""}`);
        },
        onLine: (i, line) => {
          if (i === 0 && /^\s*(Image|Publisher|Installing|Done|Postinstall|ERROR)/.test(line)) progress.step(`install: ${line.trim()}`);
        },
      },
    ).catch((e: unknown) => {
      if (boot && unknownOutcome(e)) undo.add("running zone", () => haltIfBooted(host, name, { timeoutMs: timeouts.halt })); // it may have booted
      throw e;
    });
    step = labels[0]!;
    checkZoneadm(host, install, ran(finish[0]));
    if (labels.length === 1) progress.step(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
    pubs.forEach((x, i) => {
      step = labels[1 + i]!;
      checkPkg(host, x.argv, ran(finish[1 + i]));
    });
    if (boot) {
      step = "booting the zone";
      const booted = finish[1 + pubs.length];
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
