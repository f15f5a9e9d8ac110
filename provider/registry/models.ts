// The typed models of the five registry file kinds (see docs/registry.md for the KDL form of each field).

import type { PoolExclusionDefinition, PoolRangeDefinition } from "../ipam/pool-plan";
import type { KdlPrimitive } from "./kdl-edit";

/**
 * Simple nodes the schema does not know (a node that appears once, with arguments only):
 * `cpu-cap 2` is `{ "cpu-cap": [2] }`. Read: every such node of the file. Write: a patch; a
 * listed key is set (inserted or changed), `null` removes it, unlisted unknown nodes are left
 * alone. Unknown nodes with children, properties or repeats are never exposed and always kept.
 */
export type ExtraNodes = Readonly<Record<string, readonly KdlPrimitive[] | null>>;

/** `config.kdl`: host-wide settings. */
export interface Config {
  /** `default-template "ipkg"`: the template zones use when they name none. */
  readonly defaultTemplate?: string;
  /** Other top-level simple nodes (see {@link ExtraNodes}). */
  readonly extra?: ExtraNodes;
}

/** `pools/NAME.kdl`: an address pool, `pool "lan" { ... }`. */
export interface Pool {
  /** The pool's name (the node's argument and the file name). */
  readonly name: string;
  /** `network "10.0.0.0/24"`, repeated for dual-stack: at most one network per family, aligned. Required. */
  readonly networks: readonly string[];
  /** `gateway "10.0.0.1"`: the default router of each family (inside its network, never handed out). */
  readonly gateways?: readonly string[];
  /** `stub "zstub0"`: the etherstub or physical link the zones' VNICs are created over. Required. */
  readonly stub: string;
  /** `range "10.0.0.10" "10.0.0.200"`: inclusive allocation ranges; a family without one allocates from its whole network. */
  readonly ranges?: readonly PoolRangeDefinition[];
  /** `exclude "10.0.0.7"`, `exclude "10.0.0.64/28"`, `exclude "10.0.0.20" "10.0.0.29"`: never handed out. */
  readonly excludes?: readonly PoolExclusionDefinition[];
  /** Other simple nodes (see {@link ExtraNodes}). */
  readonly extra?: ExtraNodes;
}

/** `templates/NAME.kdl`: defaults for new zones, `template "ipkg" { ... }`. */
export interface Template {
  /** The template's name. */
  readonly name: string;
  /** `brand "ipkg"`: the zone brand (ipkg, lipkg, sparse, pkgsrc, lx, ...; bhyve belongs to vm-manager). Required. */
  readonly brand: string;
  /** `autoboot #true`: boot the zone with the host. */
  readonly autoboot?: boolean;
  /** `pool "lan"`: the pool the zone's address comes from. */
  readonly pool?: string;
  /** `ip-type "exclusive"`: `exclusive` (own IP stack on a VNIC) or `shared`. */
  readonly ipType?: string;
  /** `zonepath-prefix "/zones"`: the zone's path is PREFIX/NAME. */
  readonly zonepathPrefix?: string;
  /** `publisher "openindiana.org"`, repeated: IPS publishers (by registry name) configured in the zone image, in order. */
  readonly publishers?: readonly string[];
  /** Other zone defaults as simple nodes (see {@link ExtraNodes}). */
  readonly extra?: ExtraNodes;
}

/** `zones/NAME.kdl`: one zone, and the IP address ledger entry for it, `zone "web" { ... }`. */
export interface Zone {
  /** The zone name (the node's argument and the file name). */
  readonly name: string;
  /** `template "ipkg"`: the template it was made from. */
  readonly template?: string;
  /** `brand "ipkg"`. */
  readonly brand?: string;
  /** `zonepath "/zones/web"`. */
  readonly zonepath?: string;
  /** `pool "lan"`: the pool its addresses come from. */
  readonly pool?: string;
  /** `address "10.0.0.10/24"`, repeated for dual-stack: the addresses this zone holds, with prefix. */
  readonly addresses?: readonly string[];
  /** `vnic "web0"`: the zone's VNIC. */
  readonly vnic?: string;
  /** Other simple nodes (see {@link ExtraNodes}). */
  readonly extra?: ExtraNodes;
}

/** `publishers/NAME.kdl`: an IPS publisher, `publisher "openindiana.org" { ... }`. */
export interface Publisher {
  /** The publisher's name as pkg knows it. */
  readonly name: string;
  /** `origin "https://pkg.openindiana.org/hipster/"`, repeated: origin URIs, in order. At least one. */
  readonly origins: readonly string[];
  /** `mirror "https://..."`, repeated: mirror URIs. */
  readonly mirrors?: readonly string[];
  /** Other simple nodes (see {@link ExtraNodes}). */
  readonly extra?: ExtraNodes;
}

/** The model type of each kind. */
export interface KindModels {
  /** `config.kdl`. */
  config: Config;
  /** `pools/*.kdl`. */
  pool: Pool;
  /** `templates/*.kdl`. */
  template: Template;
  /** `zones/*.kdl`. */
  zone: Zone;
  /** `publishers/*.kdl`. */
  publisher: Publisher;
}
