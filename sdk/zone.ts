// The Zone resource: an illumos zone with its VNIC, its address from a pool, and its registry file.

import * as pulumi from "@pulumi/pulumi";
import { zoneStub } from "../provider/dynamic/stubs";
import type { HostArgs } from "./host-args";
import { secretHost, withSecretHost } from "./secret-host";
import { Template } from "./template";

/** A file system mounted into the zone. */
export interface ZoneFsArgs {
  /** Mount point inside the zone, absolute. */
  readonly dir: pulumi.Input<string>;
  /** What is mounted: a global-zone directory for lofs, a dataset for zfs. */
  readonly special: pulumi.Input<string>;
  /** File system type. Default `lofs`. */
  readonly type?: pulumi.Input<string>;
  /** Mount options, e.g. `["ro", "nodevices"]`. */
  readonly options?: pulumi.Input<pulumi.Input<string>[]>;
  /** Raw device, rarely needed. */
  readonly raw?: pulumi.Input<string>;
}

/** Memory caps, each a size with a unit (`512M`, `2G`). */
export interface ZoneMemoryCapsArgs {
  /** Resident memory cap. */
  readonly physical?: pulumi.Input<string>;
  /** Swap cap, at least 50M. */
  readonly swap?: pulumi.Input<string>;
  /** Locked memory cap, at most `physical`. */
  readonly locked?: pulumi.Input<string>;
}

/** Timeouts of the long steps, in seconds (Pulumi's customTimeouts do not reach dynamic providers). */
export interface ZoneTimeoutsArgs {
  /** `zoneadm install`. Default 3600. */
  readonly install?: pulumi.Input<number>;
  /** `zoneadm boot` / `reboot`. Default 300. */
  readonly boot?: pulumi.Input<number>;
  /** `zoneadm halt`. Default 300. */
  readonly halt?: pulumi.Input<number>;
}

/** Arguments of a {@link Zone}. */
export interface ZoneArgs {
  /** Zone name on the host; default: the resource name. Changing it replaces the zone. */
  readonly name?: pulumi.Input<string>;
  /** The host; default: the stack config. A different host replaces the zone. */
  readonly host?: pulumi.Input<HostArgs>;
  /** The template: a Template resource (its changes then reach the zone) or a template name in the registry. */
  readonly template: Template | pulumi.Input<string>;
  /** Pool override (default: the template's). Changing it replaces the zone. */
  readonly pool?: pulumi.Input<string>;
  /** A static address in the pool (`10.0.0.50` or `10.0.0.50/24`); default: the lowest free one. Changing it moves the zone (needs a reboot). */
  readonly address?: pulumi.Input<string>;
  /** VNIC name; default `<name>0`. Changing it replaces the zone. */
  readonly vnic?: pulumi.Input<string>;
  /** Boot with the host; default: the template's. */
  readonly autoboot?: pulumi.Input<boolean>;
  /** Brand override; default: the template's. Changing it replaces the zone. */
  readonly brand?: pulumi.Input<string>;
  /** Zone path; default `<template zonepathPrefix>/<name>`. Changing it replaces the zone. */
  readonly zonepath?: pulumi.Input<string>;
  /** `running` (default) or `installed` (halted). */
  readonly state?: pulumi.Input<"running" | "installed">;
  /** Memory caps: one size (the physical cap) or each cap. */
  readonly cappedMemory?: pulumi.Input<string | ZoneMemoryCapsArgs>;
  /** CPU cap in CPUs (1.5 = one and a half). */
  readonly cappedCpu?: pulumi.Input<number>;
  /** FSS CPU shares. */
  readonly cpuShares?: pulumi.Input<number>;
  /** Extra zonecfg attrs: booleans become `boolean` attrs, integers `int`, the rest `string`. */
  readonly attrs?: pulumi.Input<Record<string, pulumi.Input<string | number | boolean>>>;
  /** File systems to mount. */
  readonly fs?: pulumi.Input<pulumi.Input<ZoneFsArgs>[]>;
  /** ZFS datasets delegated to the zone. */
  readonly datasets?: pulumi.Input<pulumi.Input<string>[]>;
  /** DNS servers (zonecfg attr `resolvers`). */
  readonly resolvers?: pulumi.Input<pulumi.Input<string>[]>;
  /** DNS domain (zonecfg attr `dns-domain`). */
  readonly dnsDomain?: pulumi.Input<string>;
  /** Reboot a running zone when a change needs it. Default false: the change waits, `pendingReboot` says so. */
  readonly rebootOnChange?: pulumi.Input<boolean>;
  /** Take over an existing zone instead of creating it: it must match these inputs (else nothing changes and the differences are listed). */
  readonly adopt?: pulumi.Input<boolean>;
  /** Step timeouts. */
  readonly timeouts?: pulumi.Input<ZoneTimeoutsArgs>;
}

/**
 * An illumos zone. Create claims the next free address of the pool (writing the zone's registry
 * file, the ledger), creates its VNIC, configures it with one zonecfg script, installs it, sets
 * the template's publishers in its image and boots it; a failure undoes everything the attempt
 * did. Delete halts, uninstalls, deletes the configuration, the VNIC and the registry file.
 */
export class Zone extends pulumi.dynamic.Resource {
  /** The zone name. */
  declare readonly name: pulumi.Output<string>;
  /** The zone's address with prefix, `10.0.0.10/24`. */
  declare readonly address: pulumi.Output<string>;
  /** The zone's VNIC. */
  declare readonly vnic: pulumi.Output<string>;
  /** The zone path. */
  declare readonly zonepath: pulumi.Output<string>;
  /** The zone's UUID. */
  declare readonly uuid: pulumi.Output<string>;
  /** The brand. */
  declare readonly brand: pulumi.Output<string>;
  /** The zone state on the host (`running`, `installed`, ...). */
  declare readonly state: pulumi.Output<string>;
  /** Boots with the host. */
  declare readonly autoboot: pulumi.Output<boolean>;
  /** The pool the address comes from. */
  declare readonly pool: pulumi.Output<string>;
  /** A change waits for the next reboot. */
  declare readonly pendingReboot: pulumi.Output<boolean>;
  /** The zone's registry file holds its address. */
  declare readonly registered: pulumi.Output<boolean>;
  /** The zone existed before and was adopted. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** Identity of the host. */
  declare readonly hostId: pulumi.Output<string>;

  /**
   * A read-only reference to an existing zone `id` (its name on the host) that this stack does not
   * manage: the engine reads it (address, state, brand, ...) at every update and never changes or
   * deletes it. `args.host` defaults to the stack's host. To manage an existing zone, use `adopt`.
   */
  static get(name: string, id: pulumi.Input<string>, args: { readonly host?: pulumi.Input<HostArgs> } = {}, opts?: pulumi.CustomResourceOptions): Zone {
    return new Zone(name, { name: id, template: "", host: args.host }, { ...opts, id });
  }

  constructor(name: string, args: ZoneArgs, opts?: pulumi.CustomResourceOptions) {
    const template = args.template instanceof Template ? args.template : undefined;
    super(
      zoneStub,
      name,
      {
        ...args,
        name: args.name ?? name,
        host: secretHost(args.host),
        template: template ? template.name : args.template,
        templateSpec: template?.spec,
        // Every output must be a key of the props to appear on the resource, given or not.
        address: args.address,
        vnic: args.vnic,
        zonepath: args.zonepath,
        brand: args.brand,
        state: args.state,
        autoboot: args.autoboot,
        pool: args.pool,
        uuid: undefined,
        ipType: undefined,
        pendingReboot: undefined,
        registered: undefined,
        adopted: undefined,
        hostId: undefined,
        resolvedTemplate: undefined,
        declared: undefined,
      },
      withSecretHost(opts),
      "zmgr",
      "Zone",
    );
  }
}
