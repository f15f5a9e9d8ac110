// The resources a Pulumi program needs to adopt the discovered zones: publishers, pools and templates from the registry, then the zones.

import { poolModel, type PoolInputs } from "../operations/pool-ops";
import { stable } from "../operations/zone-shape";
import type { Pool, Publisher, Template } from "../registry/models";
import type { DiscoveryReport } from "./report";

/** A reference to another planned resource: the resource itself, or its `name` output. */
export class Ref {
  /**
   * @param variable the referenced resource's variable
   * @param field `name` for `variable.name`; undefined for the resource object
   */
  constructor(
    readonly variable: string,
    readonly field?: "name",
  ) {}
}

/** An argument value: plain JSON or a reference. */
export type ArgValue = string | number | boolean | Ref | readonly ArgValue[] | { readonly [key: string]: ArgValue };

/** The kinds of resources a program declares. */
export type PlannedKind = "publisher" | "pool" | "template" | "zone";

/** One resource to declare. */
export interface PlannedResource {
  /** Its kind. */
  readonly kind: PlannedKind;
  /** Its name on the host, also its Pulumi resource name. */
  readonly name: string;
  /** The TypeScript variable that holds it. */
  readonly variable: string;
  /** The SDK arguments, in the order they are written (undefined values left out). */
  readonly args: Readonly<Record<string, ArgValue>>;
}

/** Options of {@link planProgram}. */
export interface PlanOptions {
  /** Registry names (pools, templates, publishers) the program declares already, or `all`: those are referenced by name, not declared. */
  readonly declared?: "all" | ReadonlySet<string>;
  /** Give each zone `retainOnDelete: true` (destroy then only stops managing it). */
  readonly retainOnDelete?: boolean;
}

/** What to declare, in dependency order (publishers, pools, templates, zones). */
export interface ProgramPlan {
  /** The resources. */
  readonly resources: readonly PlannedResource[];
  /** Set on every zone: `retainOnDelete: true`. */
  readonly retainOnDelete: boolean;
  /** Things the reader should know (a registry entry referenced by name, and why). */
  readonly notes: readonly string[];
}

/** Plans the program for the adoptable zones of a report (pure). */
export function planProgram(report: DiscoveryReport, options: PlanOptions = {}): ProgramPlan {
  const reg = report.registrySnapshot;
  const zones = report.zones.filter((z) => z.status === "adoptable" && z.inputs).map((z) => z.inputs!);
  const skip = (name: string) => options.declared === "all" || (options.declared?.has(name) ?? false);
  const notes: string[] = [];
  const names = new Names();
  const resources: PlannedResource[] = [];
  const vars = { pool: new Map<string, string>(), template: new Map<string, string>(), publisher: new Map<string, string>() };

  const templates = unique(zones.map((z) => z.template)).filter((t) => !skip(t)).map((t) => reg.templates.get(t)!.model);
  const pools = unique(zones.map((z) => z.pool)).filter((p) => !skip(p)).map((p) => reg.pools.get(p)!.model);
  const publishers = unique(templates.flatMap((t) => [...(t.publishers ?? [])])).filter((p) => !skip(p)).map((p) => reg.publishers.get(p)!.model);

  for (const p of publishers) {
    const variable = names.take(p.name, "Publisher");
    vars.publisher.set(p.name, variable);
    resources.push({ kind: "publisher", name: p.name, variable, args: publisherArgs(p) });
  }
  for (const p of pools) {
    const args = poolArgs(p);
    if (!args) {
      notes.push(`pool ${p.name}: its file lists its networks, gateways or ranges in an order Pool inputs cannot write (IPv4 first, then IPv6); it is referenced by name, not declared`);
      continue;
    }
    const variable = names.take(p.name, "Pool");
    vars.pool.set(p.name, variable);
    resources.push({ kind: "pool", name: p.name, variable, args });
  }
  const poolRef = (name: string) => (vars.pool.has(name) ? new Ref(vars.pool.get(name)!, "name") : name);
  for (const t of templates) {
    const variable = names.take(t.name, "Template");
    vars.template.set(t.name, variable);
    resources.push({ kind: "template", name: t.name, variable, args: templateArgs(t, poolRef, (n) => (vars.publisher.has(n) ? new Ref(vars.publisher.get(n)!, "name") : n)) });
  }
  for (const z of zones) {
    const variable = names.take(z.name, "Zone");
    const args: Record<string, ArgValue> = {
      template: vars.template.has(z.template) ? new Ref(vars.template.get(z.template)!) : z.template,
      pool: poolRef(z.pool),
    };
    for (const [k, v] of Object.entries(z)) if (k !== "name" && k !== "template" && k !== "pool" && v !== undefined) args[k] = v as ArgValue;
    resources.push({ kind: "zone", name: z.name, variable, args });
  }
  return { resources, retainOnDelete: options.retainOnDelete ?? false, notes };
}

function publisherArgs(p: Publisher): Record<string, ArgValue> {
  return prune({ origins: [...p.origins], mirrors: p.mirrors?.length ? [...p.mirrors] : undefined, adopt: true });
}

/** Pool inputs that write exactly this file's model; undefined when the file's order cannot be reproduced. */
function poolArgs(p: Pool): Record<string, ArgValue> | undefined {
  const v6 = (s: string) => s.includes(":");
  const family = (network: string) => {
    const gateway = (p.gateways ?? []).find((g) => v6(g) === v6(network));
    const range = (p.ranges ?? []).find((r) => v6(r.start) === v6(network));
    return prune({ network, gateway, rangeStart: range?.start, rangeEnd: range?.end });
  };
  const [first, second] = p.networks;
  if (first === undefined || (second !== undefined && (v6(first) || !v6(second)))) return undefined; // Pool inputs: IPv4 first, IPv6 in `ipv6`
  const exclude = (p.excludes ?? []).map((e) => (e.to === undefined ? e.from : `${e.from}-${e.to}`));
  const { network, gateway, ...range } = family(first);
  const args = prune({ network, gateway, stub: p.stub, ...range, exclude: exclude.length ? exclude : undefined, ipv6: second === undefined ? undefined : family(second), adopt: true }) as Record<string, ArgValue>;
  const model = poolModel({ name: p.name, ...(args as unknown as Omit<PoolInputs, "name">) });
  const keys = ["networks", "gateways", "stub", "ranges", "excludes"] as const;
  return keys.every((k) => stable(model[k] ?? []) === stable(p[k] ?? [])) ? args : undefined;
}

function templateArgs(t: Template, pool: (name: string) => ArgValue, publisher: (name: string) => ArgValue): Record<string, ArgValue> {
  return prune({
    brand: t.brand,
    autoboot: t.autoboot,
    pool: t.pool === undefined ? undefined : pool(t.pool),
    ipType: t.ipType,
    zonepathPrefix: t.zonepathPrefix,
    publishers: t.publishers?.length ? t.publishers.map(publisher) : undefined,
    adopt: true,
  });
}

/** Hands out unique TypeScript identifiers: `web-1` → `web1Zone`. */
class Names {
  private readonly used = new Set<string>(["zmgr", "pulumi"]);

  take(name: string, suffix: string): string {
    const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
    let base = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join("") + suffix;
    if (/^[0-9]/.test(base)) base = `_${base}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}${n}`;
    this.used.add(id);
    return id;
  }
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}

function prune(o: Record<string, ArgValue | undefined>): Record<string, ArgValue> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o as Record<string, ArgValue>;
}
