// Reads a zone back from its host (refresh): gone, or its outputs and inputs as the host has them now.

import { resolveHost } from "./default-host";
import { connect, type HostHandle } from "./host-spec";
import { progressFor } from "./progress";
import { probeZone, type ZoneProbe } from "./zone-probe";
import type { DeclaredZoneInputs, ZoneOutputs } from "./zone-inputs";
import { observedShape, ownershipOf, type ZoneShape } from "./zone-shape";

/** What read returns: no id when the zone is gone. */
export interface ZoneReadResult {
  /** The zone name, or undefined when the zone no longer exists. */
  readonly id?: string;
  /** Outputs as observed. */
  readonly props?: ZoneOutputs;
  /** The declared inputs with each declared setting replaced by what the host has, so the next preview shows the drift. */
  readonly inputs?: DeclaredZoneInputs;
}

/** Reads zone `id` from the host in one round trip, shared with the other zones of the host read at the same time. */
export async function readZone(id: string, olds: ZoneOutputs): Promise<ZoneReadResult> {
  const handle = connect(resolveHost(olds.host));
  return readResult(id, olds, handle, await probeZone(handle, id));
}

/** Turns a probe into read's result (exported for batched refreshes). */
export function readResult(id: string, olds: ZoneOutputs, handle: HostHandle, probe: ZoneProbe): ZoneReadResult {
  if (!probe.entry || !probe.config) return {};
  const observed = observedShape(probe.config, probe.entry.state, olds.pool, ownershipOf(olds.declared), olds.vnic);
  const file = probe.file?.model;
  const address = probe.config.net?.find((n) => n.physical === observed.vnic)?.allowedAddress ?? "";
  const registered = file !== undefined && address !== "" && (file.addresses ?? []).includes(address);
  if (!registered) {
    progressFor("zone", id).step(
      probe.brokenFile
        ? `drift: registry file ${probe.brokenFile.path} cannot be used (${probe.brokenFile.error.message}); fix or remove it, then run pulumi up`
        : file
          ? `drift: registry file ${probe.file!.path} does not hold the zone's address ${address}; the next pulumi up rewrites it`
          : `drift: the zone's registry file is missing; the next pulumi up writes it again`,
    );
  }
  const props: ZoneOutputs = {
    ...olds,
    ...observedOutputs(observed),
    address,
    state: probe.entry.state,
    uuid: probe.entry.uuid ?? "",
    hostId: handle.id,
    registered,
    pendingReboot: olds.pendingReboot && probe.entry.state === "running",
  };
  return { id, props, inputs: driftedInputs(olds.declared, observed) };
}

/** The output fields that mirror the observed shape. */
function observedOutputs(s: ZoneShape): Partial<ZoneOutputs> {
  return {
    brand: s.brand,
    zonepath: s.zonepath,
    autoboot: s.autoboot,
    ipType: s.ipType,
    vnic: s.vnic,
    cappedMemory: s.cappedMemory,
    cappedCpu: s.cappedCpu,
    cpuShares: s.cpuShares,
    attrs: s.attrs,
    fs: s.fs,
    datasets: s.datasets,
    resolvers: s.resolvers,
    dnsDomain: s.dnsDomain,
  };
}

/** Fields of the shape that have an input of the same name and meaning. */
const MIRRORED = ["autoboot", "brand", "zonepath", "vnic", "cappedMemory", "cappedCpu", "cpuShares", "attrs", "fs", "datasets", "resolvers", "dnsDomain"] as const;

/** The declared inputs with every declared setting replaced by what the host has. */
function driftedInputs(declared: DeclaredZoneInputs, observed: ZoneShape): DeclaredZoneInputs {
  const out: Record<string, unknown> = { ...declared };
  for (const k of MIRRORED) if (out[k] !== undefined) out[k] = observed[k];
  if (out.state !== undefined) out.state = observed.state === "running" ? "running" : "installed";
  return out as unknown as DeclaredZoneInputs;
}
