// The inputs and outputs of a Zone resource as the provider receives and stores them (plain values).

import type { HostSpec } from "./host-spec";
import type { TemplateSpec } from "./template-inputs";

/** Desired run state of a zone. */
export type DesiredZoneState = "running" | "installed";

/** A file system mounted into the zone (zonecfg `fs`). */
export interface ZoneFsInput {
  /** Mount point inside the zone, absolute. */
  readonly dir: string;
  /** What is mounted: a global-zone path for lofs, a dataset for zfs. */
  readonly special: string;
  /** File system type, default `lofs`. */
  readonly type?: string;
  /** Mount options such as `ro`, `nodevices`. */
  readonly options?: readonly string[];
  /** Raw device, rarely needed. */
  readonly raw?: string;
}

/** Memory caps, each a size with a unit: `512M`, `2G`. */
export interface ZoneMemoryCaps {
  /** Resident memory cap. */
  readonly physical?: string;
  /** Swap (virtual memory) cap, at least 50M. */
  readonly swap?: string;
  /** Locked memory cap, at most `physical`. */
  readonly locked?: string;
}

/** Timeouts of the long steps, in seconds. */
export interface ZoneTimeouts {
  /** `zoneadm install` (default 3600). */
  readonly install?: number;
  /** `zoneadm boot` (default 300). */
  readonly boot?: number;
  /** `zoneadm halt` and `shutdown` (default 300). */
  readonly halt?: number;
}

/** A Zone's inputs. See docs/zone.md for each field. */
export interface ZoneInputs {
  /** Zone name on the host. */
  readonly name: string;
  /** Where the zone lives; default: stack config. */
  readonly host?: HostSpec;
  /** Registry template name. */
  readonly template: string;
  /** The template's settings, when the program passed a Template resource (lets diff see template changes). */
  readonly templateSpec?: TemplateSpec;
  /** Pool to take the address from (default: the template's). */
  readonly pool?: string;
  /** Static address in the pool, `10.0.0.50` or `10.0.0.50/24` (default: the lowest free one). */
  readonly address?: string;
  /** VNIC name (default `<name>0`, adjusted to the link name rules). */
  readonly vnic?: string;
  /** Boot with the host (default: the template's, else false). */
  readonly autoboot?: boolean;
  /** Brand (default: the template's). bhyve is refused. */
  readonly brand?: string;
  /** Zone path (default `<template zonepath-prefix>/<name>`). */
  readonly zonepath?: string;
  /** `running` (default) or `installed`. */
  readonly state?: DesiredZoneState;
  /** Memory caps: one size (the physical cap) or each cap. */
  readonly cappedMemory?: string | ZoneMemoryCaps;
  /** CPU cap in CPUs (1.5 = one and a half). */
  readonly cappedCpu?: number;
  /** FSS CPU shares. */
  readonly cpuShares?: number;
  /** Extra zonecfg attrs: string, integer or boolean values. */
  readonly attrs?: Readonly<Record<string, string | number | boolean>>;
  /** File systems to mount. */
  readonly fs?: readonly ZoneFsInput[];
  /** ZFS datasets delegated to the zone. */
  readonly datasets?: readonly string[];
  /** DNS servers (zonecfg attr `resolvers`). */
  readonly resolvers?: readonly string[];
  /** DNS domain (zonecfg attr `dns-domain`). */
  readonly dnsDomain?: string;
  /** Reboot a running zone when a change needs it (default false: report `pendingReboot`). */
  readonly rebootOnChange?: boolean;
  /** Take over an existing zone instead of creating one; create fails listing differences if it does not match. */
  readonly adopt?: boolean;
  /** Step timeouts. */
  readonly timeouts?: ZoneTimeouts;
}

/** What a Zone resource records: its inputs plus what the host decided and reports. */
export interface ZoneOutputs extends Omit<ZoneInputs, "state" | "address" | "vnic" | "zonepath" | "brand" | "autoboot" | "pool"> {
  /** The zone's address with prefix, `10.0.0.10/24`. */
  readonly address: string;
  /** The zone's VNIC. */
  readonly vnic: string;
  /** Zone path. */
  readonly zonepath: string;
  /** Brand. */
  readonly brand: string;
  /** Boots with the host. */
  readonly autoboot: boolean;
  /** The pool the address comes from. */
  readonly pool: string;
  /** IP type (`exclusive`). */
  readonly ipType: string;
  /** Zone state on the host (`running`, `installed`, `configured`, ...). */
  readonly state: string;
  /** The zone's UUID (set once installed). */
  readonly uuid: string;
  /** The template settings the zone was made from. */
  readonly resolvedTemplate: TemplateSpec;
  /** Identity of the host (see hostIdentity). */
  readonly hostId: string;
  /** A change was applied that takes effect at the next reboot. */
  readonly pendingReboot: boolean;
  /** The zone's registry file exists and holds its address. */
  readonly registered: boolean;
  /** The zone was adopted (existed before this resource). */
  readonly adopted: boolean;
  /** The inputs as the program declared them (without `host`): tells declared settings from defaults. */
  readonly declared: DeclaredZoneInputs;
}

/** A Zone's inputs without `host` (which holds credentials). */
export type DeclaredZoneInputs = Omit<ZoneInputs, "host">;

/** The declared inputs of `inputs`: everything but `host` and engine-internal keys. */
export function declaredOf(inputs: ZoneInputs): DeclaredZoneInputs {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) if (k !== "host" && !k.startsWith("__") && v !== undefined) out[k] = v;
  return out as unknown as DeclaredZoneInputs;
}
