// The Template provider stub, written exactly as sdk/template.ts writes it, so that its serialized text is the SDK class's, byte for byte.

import type * as pulumi from "@pulumi/pulumi";
import * as impl from "../../dynamic/template-provider";

// The serialized provider requires the implementation by package path; nothing else is captured.
const provider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => impl.templateProvider.configure!(req),
  check: (olds, news) => impl.templateProvider.check!(olds, news),
  diff: (id, olds, news) => impl.templateProvider.diff!(id, olds, news),
  create: (inputs) => impl.templateProvider.create(inputs),
  read: (id, props) => impl.templateProvider.read!(id, props),
  update: (id, olds, news) => impl.templateProvider.update!(id, olds, news),
  delete: (id, props) => impl.templateProvider.delete!(id, props),
};

/** `__provider` as `pulumi.dynamic.Resource` serializes it: `serializeFunction(() => provider, { allowSecrets: true })`. */
export async function serializeTemplateProvider(runtime: typeof pulumi.runtime): Promise<string> {
  return (await runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}
