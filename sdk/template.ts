// The Template resource: zone defaults (brand, pool, zonepath prefix, publishers) in the host's zmgr registry.

import * as pulumi from "@pulumi/pulumi";
import { templateStub } from "../provider/dynamic/stubs";
import type { HostArgs } from "./host-args";
import { secretHost, withSecretHost } from "./secret-host";

/** Arguments of a {@link Template}. */
export interface TemplateArgs {
  /** Template name on the host; default: the resource name. Changing it replaces the template. */
  readonly name?: pulumi.Input<string>;
  /** The host; default: the stack config. A different host replaces the template. */
  readonly host?: pulumi.Input<HostArgs>;
  /** Zone brand: `ipkg`, `lipkg`, `sparse`, `pkgsrc`, `lx` ... (bhyve VMs belong to vm-manager). */
  readonly brand: pulumi.Input<string>;
  /** Boot zones when the host boots. Default false. */
  readonly autoboot?: pulumi.Input<boolean>;
  /** The pool zone addresses come from. */
  readonly pool?: pulumi.Input<string>;
  /** `exclusive` (the default and only supported value: each zone has its own VNIC). */
  readonly ipType?: pulumi.Input<string>;
  /** Zones live at `<prefix>/<zone name>`. Default `/zones`. */
  readonly zonepathPrefix?: pulumi.Input<string>;
  /** Publishers (names) set in each zone's image, in order. */
  readonly publishers?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing template file instead of creating one; it must match. */
  readonly adopt?: pulumi.Input<boolean>;
}

/** The settings a zone takes from its template. */
export interface TemplateSpecOutput {
  /** Brand. */
  readonly brand: string;
  /** Autoboot. */
  readonly autoboot?: boolean;
  /** Pool. */
  readonly pool?: string;
  /** IP type. */
  readonly ipType?: string;
  /** Zone path prefix. */
  readonly zonepathPrefix?: string;
  /** Publishers. */
  readonly publishers?: string[];
}

/**
 * Zone defaults in the host's registry (`templates/NAME.kdl`). Pass the Template object itself as
 * a Zone's `template` so that a change here (a new brand, a new pool) reaches the zone's plan.
 * Deleting a template is refused while zones use it.
 */
export class Template extends pulumi.dynamic.Resource {
  /** The template name. */
  declare readonly name: pulumi.Output<string>;
  /** Brand. */
  declare readonly brand: pulumi.Output<string>;
  /** The settings zones take from this template, defaults applied. */
  declare readonly spec: pulumi.Output<TemplateSpecOutput>;
  /** Identity of the host. */
  declare readonly hostId: pulumi.Output<string>;

  constructor(name: string, args: TemplateArgs, opts?: pulumi.CustomResourceOptions) {
    super(templateStub, name, { ...args, name: args.name ?? name, host: secretHost(args.host), spec: undefined, hostId: undefined }, withSecretHost(opts), "zmgr", "Template");
  }
}
