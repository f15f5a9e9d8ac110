// The Publisher provider stub, written exactly as sdk/publisher.ts writes it, so that its serialized text is the SDK class's, byte for byte.

import type * as pulumi from "@pulumi/pulumi";
import * as impl from "../../dynamic/publisher-provider";

// The serialized provider requires the implementation by package path; nothing else is captured.
const provider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => impl.publisherProvider.configure!(req),
  check: (olds, news) => impl.publisherProvider.check!(olds, news),
  diff: (id, olds, news) => impl.publisherProvider.diff!(id, olds, news),
  create: (inputs) => impl.publisherProvider.create(inputs),
  read: (id, props) => impl.publisherProvider.read!(id, props),
  update: (id, olds, news) => impl.publisherProvider.update!(id, olds, news),
  delete: (id, props) => impl.publisherProvider.delete!(id, props),
};

/** `__provider` as `pulumi.dynamic.Resource` serializes it: `serializeFunction(() => provider, { allowSecrets: true })`. */
export async function serializePublisherProvider(runtime: typeof pulumi.runtime): Promise<string> {
  return (await runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}
