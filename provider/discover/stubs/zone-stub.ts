// The Zone provider stub, written exactly as sdk/zone.ts writes it, so that its serialized text is the SDK class's, byte for byte.

import type * as pulumi from "@pulumi/pulumi";
import * as impl from "../../dynamic/zone-provider";

// The serialized provider requires the implementation by package path; nothing else is captured.
const provider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => impl.zoneProvider.configure!(req),
  check: (olds, news) => impl.zoneProvider.check!(olds, news),
  diff: (id, olds, news) => impl.zoneProvider.diff!(id, olds, news),
  create: (inputs) => impl.zoneProvider.create(inputs),
  read: (id, props) => impl.zoneProvider.read!(id, props),
  update: (id, olds, news) => impl.zoneProvider.update!(id, olds, news),
  delete: (id, props) => impl.zoneProvider.delete!(id, props),
};

/** `__provider` as `pulumi.dynamic.Resource` serializes it: `serializeFunction(() => provider, { allowSecrets: true })`. */
export async function serializeZoneProvider(runtime: typeof pulumi.runtime): Promise<string> {
  return (await runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}
