// The Pool resource: an address pool in the host's zmgr registry, from which zones take their addresses.

import * as pulumi from "@pulumi/pulumi";
import { poolStub } from "../provider/dynamic/stubs";
import type { HostArgs } from "./host-args";
import { secretHost, withSecretHost } from "./secret-host";

/** One address family of a pool (the IPv6 half of a dual-stack pool). */
export interface PoolFamilyArgs {
  /** The network in CIDR form, aligned (`10.0.0.0/24`, `fd00:1::/64`). */
  readonly network: pulumi.Input<string>;
  /** The default router zones get; never handed out. */
  readonly gateway?: pulumi.Input<string>;
  /** First address handed out (with `rangeEnd`); default: the whole network. */
  readonly rangeStart?: pulumi.Input<string>;
  /** Last address handed out, inclusive. */
  readonly rangeEnd?: pulumi.Input<string>;
}

/** Arguments of a {@link Pool}. */
export interface PoolArgs extends PoolFamilyArgs {
  /** Pool name on the host; default: the resource name. Changing it replaces the pool. */
  readonly name?: pulumi.Input<string>;
  /** The host; default: the stack config. A different host replaces the pool. */
  readonly host?: pulumi.Input<HostArgs>;
  /** The etherstub or physical link the zones' VNICs are created over, e.g. `zstub0`. */
  readonly stub: pulumi.Input<string>;
  /** Create the etherstub when it does not exist (and delete it with the pool). Default false. */
  readonly createStub?: pulumi.Input<boolean>;
  /** Addresses never handed out: `10.0.0.7`, `10.0.0.64/28` or `10.0.0.20-10.0.0.29`. */
  readonly exclude?: pulumi.Input<pulumi.Input<string>[]>;
  /** An IPv6 network, for a dual-stack pool. */
  readonly ipv6?: pulumi.Input<PoolFamilyArgs>;
  /** Take over an existing pool file instead of creating one; it must match. */
  readonly adopt?: pulumi.Input<boolean>;
}

/**
 * An address pool in the host's registry (`pools/NAME.kdl`): a network, its gateway, the link
 * zones' VNICs go over, and the range addresses are handed out from. The zone files are the
 * ledger: deleting the pool, or shrinking it so a zone's address would fall outside, is refused
 * with the list of zones.
 */
export class Pool extends pulumi.dynamic.Resource {
  /** The pool name. */
  declare readonly name: pulumi.Output<string>;
  /** The network. */
  declare readonly network: pulumi.Output<string>;
  /** The gateway. */
  declare readonly gateway: pulumi.Output<string | undefined>;
  /** The VNICs' link. */
  declare readonly stub: pulumi.Output<string>;
  /** How many addresses the pool can hand out (decimal). */
  declare readonly size: pulumi.Output<string>;
  /** This resource created the etherstub. */
  declare readonly stubCreated: pulumi.Output<boolean>;
  /** Identity of the host. */
  declare readonly hostId: pulumi.Output<string>;

  constructor(name: string, args: PoolArgs, opts?: pulumi.CustomResourceOptions) {
    super(poolStub, name, { ...args, name: args.name ?? name, host: secretHost(args.host), gateway: args.gateway, size: undefined, stubCreated: undefined, hostId: undefined }, withSecretHost(opts), "zmgr", "Pool");
  }
}
