// Decides what a change of a Zone's inputs does: nothing, an in-place update, or a replacement. No host access.

import { resolveHost } from "./default-host";
import { hasUnknowns, withKnown } from "./unknowns";
import { hostIdentity } from "./host-spec";
import { declaredOf, type ZoneInputs, type ZoneOutputs } from "./zone-inputs";
import { desiredShape, shapeDifferences, stable, type ZoneShape } from "./zone-shape";

/** What diff tells the engine. */
export interface ZoneDiff {
  /** Anything to do at all (always set: left undefined, the engine would diff the inputs itself). */
  readonly changes: boolean;
  /** Input names whose change rebuilds the zone. */
  readonly replaces: string[];
  /** A zone's name, VNIC and registry file are fixed on the host: the old one must go first. */
  readonly deleteBeforeReplace: boolean;
  /** The shape fields that differ (for messages and tests). */
  readonly differences: string[];
}

/** Shape fields whose change rebuilds the zone, and the input each is reported under. */
const REPLACING: Partial<Record<keyof ZoneShape, string>> = {
  brand: "brand",
  zonepath: "zonepath",
  ipType: "templateSpec",
  vnic: "vnic",
  pool: "pool",
};

/** Compares the stored outputs with new inputs. */
export function diffZone(id: string, olds: ZoneOutputs, given: ZoneInputs): ZoneDiff {
  // In a preview, inputs from resources not yet updated may be unknown: judge by the old values (the
  // real update diffs again once they are known), and report a change.
  const unknown = hasUnknowns(given);
  const news = unknown ? withKnown(given, { ...olds.declared, host: olds.host, templateSpec: olds.resolvedTemplate }) : given;
  const replaces = new Set<string>();
  if (news.name !== id) replaces.add("name");
  if (hostIdentity(resolveHost(news.host)) !== olds.hostId) replaces.add("host");
  const template = news.templateSpec ?? olds.resolvedTemplate;
  const desired = desiredShape(news, template);
  const differences: string[] = shapeDifferences(desired, observedFromOutputs(olds));
  for (const d of differences) {
    const input = REPLACING[d as keyof ZoneShape];
    if (input) replaces.add(input);
  }
  if (news.address !== undefined && !sameAddress(news.address, olds.address)) differences.push("address");
  if (!olds.registered) differences.push("registered");
  const declaredChanged = stable(declaredOf(news)) !== stable(olds.declared) || stable(news.host) !== stable(olds.host);
  return {
    changes: unknown || replaces.size > 0 || differences.length > 0 || declaredChanged,
    replaces: [...replaces],
    deleteBeforeReplace: true,
    differences,
  };
}

/** The shape recorded in a zone's outputs. */
export function observedFromOutputs(o: ZoneOutputs): ZoneShape {
  const shape: Record<string, unknown> = {
    brand: o.brand,
    zonepath: o.zonepath,
    autoboot: o.autoboot,
    ipType: o.ipType,
    vnic: o.vnic,
    pool: o.pool,
    state: o.state,
    cappedMemory: o.cappedMemory,
    cappedCpu: o.cappedCpu,
    cpuShares: o.cpuShares,
    attrs: o.attrs ?? {},
    fs: o.fs ?? [],
    datasets: o.datasets ?? [],
    resolvers: o.resolvers ?? [],
    dnsDomain: o.dnsDomain,
  };
  for (const k of Object.keys(shape)) if (shape[k] === undefined) delete shape[k];
  return shape as unknown as ZoneShape;
}

/** True when a requested address (`10.0.0.5` or `10.0.0.5/24`) names the held one (`10.0.0.5/24`). */
export function sameAddress(requested: string, held: string): boolean {
  const [ip, prefix] = requested.split("/");
  const [hip, hprefix] = held.split("/");
  return ip === hip && (prefix === undefined || prefix === hprefix);
}
