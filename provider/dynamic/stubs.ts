// The provider objects the SDK classes hand to pulumi.dynamic.Resource: thin stubs whose serialized text (`__provider`
// in the state) only requires this package's provider modules by path. The SDK and `discover --import-file` both use
// these, so the text is one and the same.

import type * as pulumi from "@pulumi/pulumi";
import * as pool from "./pool-provider";
import * as publisher from "./publisher-provider";
import * as template from "./template-provider";
import * as zone from "./zone-provider";

type ProviderModule<K extends string> = { readonly [key in K]: pulumi.dynamic.ResourceProvider };

/**
 * A stub forwarding every method to `impl[key]`. It captures the module object itself (which the
 * serializer writes as `require("pulumi-zmgr/dist/provider/dynamic/<kind>-provider.js")`) and the
 * export's name, never the provider object (which it would copy by value, with all its code).
 * The parameter must not be called `module`: the serialized text declares each captured variable
 * with `const`, and `module` is already declared by the CommonJS wrapper it is loaded in.
 */
function stubOf<K extends string>(impl: ProviderModule<K>, key: K): pulumi.dynamic.ResourceProvider {
  return {
    configure: (req) => impl[key].configure!(req),
    check: (olds, news) => impl[key].check!(olds, news),
    diff: (id, olds, news) => impl[key].diff!(id, olds, news),
    create: (inputs) => impl[key].create(inputs),
    read: (id, props) => impl[key].read!(id, props),
    update: (id, olds, news) => impl[key].update!(id, olds, news),
    delete: (id, props) => impl[key].delete!(id, props),
  };
}

/** The stub of every Zone resource. */
export const zoneStub = stubOf(zone, "zoneProvider");
/** The stub of every Pool resource. */
export const poolStub = stubOf(pool, "poolProvider");
/** The stub of every Template resource. */
export const templateStub = stubOf(template, "templateProvider");
/** The stub of every Publisher resource. */
export const publisherStub = stubOf(publisher, "publisherProvider");

/**
 * `__provider` as `pulumi.dynamic.Resource` writes it for `provider`: `serializeFunction(() => provider, { allowSecrets: true })`.
 * The parameter's name is part of the text (`with({ provider: __provider ... })`): it must stay `provider`, as in the SDK.
 */
export async function serializeStub(runtime: typeof pulumi.runtime, provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  return (await runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}
