// The Pool provider stub, written exactly as sdk/pool.ts writes it, so that its serialized text is the SDK class's, byte for byte.

import type * as pulumi from "@pulumi/pulumi";
import * as impl from "../../dynamic/pool-provider";

// The serialized provider requires the implementation by package path; nothing else is captured.
const provider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => impl.poolProvider.configure!(req),
  check: (olds, news) => impl.poolProvider.check!(olds, news),
  diff: (id, olds, news) => impl.poolProvider.diff!(id, olds, news),
  create: (inputs) => impl.poolProvider.create(inputs),
  read: (id, props) => impl.poolProvider.read!(id, props),
  update: (id, olds, news) => impl.poolProvider.update!(id, olds, news),
  delete: (id, props) => impl.poolProvider.delete!(id, props),
};

/** `__provider` as `pulumi.dynamic.Resource` serializes it: `serializeFunction(() => provider, { allowSecrets: true })`. */
export async function serializePoolProvider(runtime: typeof pulumi.runtime): Promise<string> {
  return (await runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}
