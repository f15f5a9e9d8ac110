// The Publisher resource: an IPS publisher in the host's zmgr registry, for templates to list.

import * as pulumi from "@pulumi/pulumi";
import { publisherStub } from "../provider/dynamic/stubs";
import type { HostArgs } from "./host-args";
import { secretHost, withSecretHost } from "./secret-host";

/** Arguments of a {@link Publisher}. */
export interface PublisherArgs {
  /** The publisher name as pkg knows it (`omnios`, `openindiana.org`); default: the resource name. Changing it replaces the resource. */
  readonly name?: pulumi.Input<string>;
  /** The host; default: the stack config (`zmgr:host` ...). A different host replaces the resource. */
  readonly host?: pulumi.Input<HostArgs>;
  /** Origin repository URIs, in order (at least one). */
  readonly origins: pulumi.Input<pulumi.Input<string>[]>;
  /** Mirror URIs. */
  readonly mirrors?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing publisher file instead of creating one; it must match. */
  readonly adopt?: pulumi.Input<boolean>;
}

/**
 * An IPS publisher in the host's registry (`publishers/NAME.kdl`). Templates list publishers by
 * name; zones made from those templates get them set in their image at install.
 */
export class Publisher extends pulumi.dynamic.Resource {
  /** The publisher name. */
  declare readonly name: pulumi.Output<string>;
  /** Origin URIs. */
  declare readonly origins: pulumi.Output<string[]>;
  /** Mirror URIs. */
  declare readonly mirrors: pulumi.Output<string[] | undefined>;
  /** Identity of the host it lives on. */
  declare readonly hostId: pulumi.Output<string>;

  constructor(name: string, args: PublisherArgs, opts?: pulumi.CustomResourceOptions) {
    super(publisherStub, name, { ...args, name: args.name ?? name, host: secretHost(args.host), mirrors: args.mirrors, hostId: undefined }, withSecretHost(opts), "zmgr", "Publisher");
  }
}
