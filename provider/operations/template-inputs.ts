// The inputs and outputs of a Template resource, and the settings a zone takes from a template.

import type { HostSpec } from "./host-spec";

/** The zone defaults a template holds (the registry template file minus its name). */
export interface TemplateSpec {
  /** Zone brand: ipkg, lipkg, sparse, pkgsrc, ... (not bhyve). */
  readonly brand: string;
  /** Boot zones with the host (default false). */
  readonly autoboot?: boolean;
  /** Pool zone addresses come from. */
  readonly pool?: string;
  /** `exclusive` (default) or `shared`. */
  readonly ipType?: string;
  /** Zone paths are `<prefix>/<zone name>` (default `/zones`). */
  readonly zonepathPrefix?: string;
  /** IPS publishers (registry names) set in each zone image, in order. */
  readonly publishers?: readonly string[];
}

/** A Template's inputs. */
export interface TemplateInputs extends TemplateSpec {
  /** Template name on the host. */
  readonly name: string;
  /** Where it lives; default: stack config. */
  readonly host?: HostSpec;
  /** Take over an existing template file instead of creating one (it must match). */
  readonly adopt?: boolean;
}

/** What a Template resource records. */
export interface TemplateOutputs extends TemplateInputs {
  /** Identity of the host. */
  readonly hostId: string;
  /** The settings zones take from this template (its inputs, normalised). */
  readonly spec: TemplateSpec;
}

/** Default zone path prefix. */
export const DEFAULT_ZONEPATH_PREFIX = "/zones";

/** Normalises a template spec: defaults applied, undefined fields dropped. */
export function normalTemplateSpec(t: TemplateSpec): TemplateSpec {
  const out: Record<string, unknown> = {
    brand: t.brand,
    autoboot: t.autoboot ?? false,
    pool: t.pool,
    ipType: t.ipType ?? "exclusive",
    zonepathPrefix: t.zonepathPrefix ?? DEFAULT_ZONEPATH_PREFIX,
    publishers: t.publishers ?? [],
  };
  if (out.pool === undefined) delete out.pool;
  return out as unknown as TemplateSpec;
}
