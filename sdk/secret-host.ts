// Marks the whole `host` input secret, so credentials never reach the state in clear whatever the caller passed.

import * as pulumi from "@pulumi/pulumi";
import type { HostArgs } from "./host-args";

/** The `host` input as stored: secret when given, absent (stack config supplies it) when not. */
export function secretHost(host: pulumi.Input<HostArgs> | undefined): pulumi.Output<HostArgs> | undefined {
  return host === undefined ? undefined : pulumi.secret(host);
}

/** Resource options with `host` added to the outputs that must stay secret. */
export function withSecretHost(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "host"] };
}
