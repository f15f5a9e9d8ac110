// The serialized `__provider` of each resource kind, for `pulumi import --file` entries: the SDK classes' own stubs.

import type * as pulumi from "@pulumi/pulumi";
import type { PlannedKind } from "./program-plan";
import { poolStub, publisherStub, serializeStub, templateStub, zoneStub } from "../dynamic/stubs";

const STUBS: Readonly<Record<PlannedKind, pulumi.dynamic.ResourceProvider>> = { zone: zoneStub, pool: poolStub, template: templateStub, publisher: publisherStub };

/**
 * The serialized provider of a kind, as `pulumi.dynamic.Resource` stores it in `__provider`.
 * Needs `@pulumi/pulumi` (a peer dependency: run the tool from the Pulumi project). From an
 * installed package the text requires this package's modules by path (`pulumi-zmgr/dist/...`),
 * the same text the SDK class produces.
 */
export async function serializedProvider(kind: PlannedKind): Promise<string> {
  return serializeStub(loadPulumiRuntime(), STUBS[kind]);
}

function loadPulumiRuntime(): typeof pulumi.runtime {
  // Loaded on demand: @pulumi/pulumi is slow to load and only `--import-file` needs it.
  return (require("@pulumi/pulumi") as typeof pulumi).runtime;
}
