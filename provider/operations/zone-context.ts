// Everything a zone operation needs from the host's registry, read in one round trip: template, pool, publishers, the zone's own file.

import { ZmgrError } from "../errors";
import { formatIp, parseInterface } from "../ipam/address";
import { planPool, type PoolPlan } from "../ipam/pool-plan";
import type { Pool, Publisher, Zone } from "../registry/models";
import { absolutePath, relativePath } from "../registry/paths";
import { readStep, type RegistryEntry, type RegistrySnapshot } from "../registry/store";
import { runBatch, type BatchStep } from "../transport/batch";
import type { RunResult } from "../transport/host";
import type { HostHandle } from "./host-spec";
import { normalTemplateSpec, type TemplateSpec } from "./template-inputs";
import type { NetPlan } from "./zone-shape";

/** The registry facts one zone operation works from. */
export interface ZoneRegistryView {
  /** The zone's template settings (from the inputs' templateSpec, else the template file). */
  readonly template: TemplateSpec;
  /** The pool, when the zone has one. */
  readonly pool: RegistryEntry<Pool> | undefined;
  /** The template's publishers, in order. */
  readonly publishers: readonly Publisher[];
  /** The zone's own registry file, if it exists. */
  readonly ownFile: RegistryEntry<Zone> | undefined;
  /** The whole snapshot (for error reporting). */
  readonly snapshot: RegistrySnapshot;
}

/** What to read. */
export interface ZoneRegistryRequest {
  /** Zone name. */
  readonly zone: string;
  /** Template name. */
  readonly template: string;
  /** Template settings known without reading (a Template resource passed by the program). */
  readonly templateSpec?: TemplateSpec;
  /** The pool override of the zone's inputs. */
  readonly pool?: string;
}

/**
 * Reads the template, every pool and publisher, and the zone's own file in one round trip, and
 * checks that what the zone needs is there and readable. Throws `zmgr::registry::not-found` (with
 * the file path and what to create) or the broken file's own parse/schema error.
 */
export async function readZoneRegistry(handle: HostHandle, request: ZoneRegistryRequest): Promise<ZoneRegistryView> {
  const read = zoneRegistryStep(handle, request);
  return read.view(await runBatch(handle.host, [read.step]).then((r) => r[0]));
}

/**
 * The registry read of {@link readZoneRegistry} as one step of a batch, and how to turn its result into the view;
 * with `allZones`, every zone file is read too (what an address claim decides from: the view's `snapshot`).
 */
export function zoneRegistryStep(handle: HostHandle, request: ZoneRegistryRequest, allZones = false): { step: BatchStep; view(result: RunResult | undefined): ZoneRegistryView } {
  const read = readStep(handle.root, { templates: [request.template], pools: true, publishers: true, zones: allZones || [request.zone] });
  return { step: read.step, view: (result) => zoneRegistryView(read.decode(result), handle.root, request) };
}

/** The view of a snapshot: checks that what the zone needs is there and readable. */
export function zoneRegistryView(snapshot: RegistrySnapshot, root: string, request: ZoneRegistryRequest): ZoneRegistryView {
  const broken = (kind: string, name: string | undefined) => snapshot.broken.find((b) => b.kind === kind && b.name === name);
  const fileTemplate = snapshot.templates.get(request.template)?.model;
  if (!request.templateSpec && !fileTemplate) {
    throw broken("template", request.template)?.error ?? missing(root, "template", request.template, "create the template first (a Template resource), or fix the zone's `template`");
  }
  const template = normalTemplateSpec(request.templateSpec ?? { ...fileTemplate!, ipType: fileTemplate!.ipType });
  const poolName = request.pool ?? template.pool;
  let pool: RegistryEntry<Pool> | undefined;
  if (poolName !== undefined) {
    pool = snapshot.pools.get(poolName);
    if (!pool) throw broken("pool", poolName)?.error ?? missing(root, "pool", poolName, "create the pool first (a Pool resource), or fix the zone's or template's `pool`");
  }
  const publishers = (template.publishers ?? []).map((name) => {
    const p = snapshot.publishers.get(name);
    if (!p) throw broken("publisher", name)?.error ?? missing(root, "publisher", name, "create the publisher first (a Publisher resource), or remove it from the template");
    return p.model;
  });
  const ownBroken = broken("zone", request.zone);
  if (ownBroken) throw ownBroken.error;
  return { template, pool, publishers, ownFile: snapshot.zones.get(request.zone), snapshot };
}

function missing(root: string, kind: "template" | "pool" | "publisher", name: string, help: string): ZmgrError {
  return new ZmgrError("zmgr::registry::not-found", `${kind} ${JSON.stringify(name)} not found: ${absolutePath(root, relativePath(kind, name))} does not exist`, {
    help,
    details: { kind, name },
  });
}

/** The net plan for claimed addresses: each address with its family's gateway from the pool. */
export function netPlan(pool: Pool, addresses: readonly string[]): NetPlan {
  const plan: PoolPlan = planPool(pool);
  return {
    addresses,
    gateways: addresses.map((a) => {
      const family = parseInterface(a).family;
      const fp = plan.families.find((f) => f.family === family);
      return fp?.gateway === undefined ? undefined : formatIp(family, fp.gateway);
    }),
  };
}
