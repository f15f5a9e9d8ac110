// What discovery found on a host: each zone with its match (template, pool, address) or the reasons it cannot be adopted.

import type { ZoneInputs } from "../operations/zone-inputs";
import type { RegistrySnapshot } from "../registry/store";

/** How a zone can be taken over. */
export type ZoneStatus =
  /** A Zone resource with `adopt: true` and the inputs in `inputs` takes it over unchanged. */
  | "adoptable"
  /** A bhyve or kvm virtual machine: vm-manager's, never touched. */
  | "vm"
  /** Something in the zone cannot be expressed by a Zone resource, or nothing on the host matches it (see `reasons`). */
  | "not-adoptable";

/** The zone's registry file, as found. */
export type RegistryStatus =
  /** No zone file: adopting (or `--register`) writes one, which claims the address in the pool. */
  | "none"
  /** A zone file holding the zone's address: left as it is. */
  | "registered"
  /** A zone file that does not hold the zone's address: adopting sets the address in it. */
  | "stale"
  /** A zone file that cannot be read: the zone cannot be adopted until it is fixed or removed. */
  | "broken";

/** The inputs of a Zone resource that adopts an existing zone (no `host`: the stack's host is used). */
export type AdoptInputs = Omit<ZoneInputs, "host" | "templateSpec" | "rebootOnChange" | "timeouts"> & {
  /** Always set by discovery: every field below is what the zone has. */
  readonly pool: string;
  /** The zone's address with prefix. */
  readonly address: string;
  /** Always true. */
  readonly adopt: true;
};

/** One zone found on the host. */
export interface DiscoveredZone {
  /** Zone name. */
  readonly name: string;
  /** Brand. */
  readonly brand: string;
  /** State (`running`, `installed`, `configured`, ...). */
  readonly state: string;
  /** Zone path. */
  readonly zonepath: string;
  /** Whether and how it can be adopted. */
  readonly status: ZoneStatus;
  /** Its registry file. */
  readonly registry: RegistryStatus;
  /** The matched template, when one was found. */
  readonly template?: string;
  /** The pool holding its address, when one was found. */
  readonly pool?: string;
  /** Its address (`10.0.0.50/24`), when it has one. */
  readonly address?: string;
  /** The Zone inputs that adopt it (adoptable zones only). */
  readonly inputs?: AdoptInputs;
  /** Why it cannot be adopted (empty when adoptable), each a sentence with what to do. */
  readonly reasons: readonly string[];
  /** Settings of the zone a Zone resource would leave alone (kept as they are by every update). */
  readonly unmanaged: readonly string[];
  /** Other facts worth knowing (a stale registry file, ...). */
  readonly notes: readonly string[];
}

/** A zone file whose zone does not exist on the host. */
export interface OrphanFile {
  /** The zone name the file names. */
  readonly name: string;
  /** Its path. */
  readonly path: string;
  /** The addresses it still holds in the pools. */
  readonly addresses: readonly string[];
}

/** A registry file that could not be read. */
export interface BrokenRegistryFile {
  /** Its path. */
  readonly path: string;
  /** Why (message and code). */
  readonly problem: string;
}

/** Everything discovery found. */
export interface DiscoveryReport {
  /** The host as the transport names it (`root@gz1:22`, `local`). */
  readonly host: string;
  /** The registry root. */
  readonly registryRoot: string;
  /** Every non-global zone, in zoneadm's order. */
  readonly zones: readonly DiscoveredZone[];
  /** Zone files without a zone. */
  readonly orphans: readonly OrphanFile[];
  /** Registry files that could not be read. */
  readonly broken: readonly BrokenRegistryFile[];
  /** The registry as read (the code generator takes pools, templates and publishers from it). */
  readonly registrySnapshot: RegistrySnapshot;
}
