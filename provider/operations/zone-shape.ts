// The canonical shape of a zone's managed settings: built from inputs (desired) or from the host (observed), compared by diff.

import { bytesToZonecfg, parseUnits } from "../illumos/units";
import type { AttrResource, CappedMemory, FsResource, NetResource, ZoneConfig } from "../illumos/zone-config";
import { normalTemplateSpec, type TemplateSpec } from "./template-inputs";
import { attrValue, defaultVnicName } from "./zone-check";
import type { DesiredZoneState, ZoneFsInput, ZoneInputs, ZoneMemoryCaps } from "./zone-inputs";

/** A zone's managed settings in one canonical form (defaults applied, sizes in canonical units, lists sorted). */
export interface ZoneShape {
  /** Brand. */
  readonly brand: string;
  /** Zone path. */
  readonly zonepath: string;
  /** Boot with the host. */
  readonly autoboot: boolean;
  /** IP type. */
  readonly ipType: string;
  /** VNIC name. */
  readonly vnic: string;
  /** Pool name. */
  readonly pool: string;
  /** Desired (or observed) run state. */
  readonly state: string;
  /** Memory caps, canonical sizes (`2G`), only the caps that are set. */
  readonly cappedMemory?: ZoneMemoryCaps;
  /** CPU cap. */
  readonly cappedCpu?: number;
  /** CPU shares. */
  readonly cpuShares?: number;
  /** User attrs by name. */
  readonly attrs: Readonly<Record<string, string | number | boolean>>;
  /** File systems, sorted by dir, type defaulted to lofs, options sorted. */
  readonly fs: readonly ZoneFsInput[];
  /** Delegated datasets, sorted. */
  readonly datasets: readonly string[];
  /** DNS servers, in order. */
  readonly resolvers: readonly string[];
  /** DNS domain. */
  readonly dnsDomain?: string;
}

/** The settings a zone takes from its template, its inputs winning. */
export function effectiveTemplate(inputs: ZoneInputs, fromHost?: TemplateSpec): TemplateSpec {
  const t = inputs.templateSpec ?? fromHost;
  if (!t) throw new Error(`template ${inputs.template} not resolved`); // callers resolve it first
  return normalTemplateSpec(t);
}

/** The zone path of a zone: the input, else `<template zonepath-prefix>/<name>`. */
export function zonepathOf(inputs: ZoneInputs, template: TemplateSpec): string {
  return inputs.zonepath ?? `${normalTemplateSpec(template).zonepathPrefix}/${inputs.name}`;
}

/** The desired shape of a zone from its inputs and its template. `pool` may be "" when neither names one. */
export function desiredShape(inputs: ZoneInputs, template: TemplateSpec): ZoneShape {
  const t = normalTemplateSpec(template);
  return prune({
    brand: inputs.brand ?? t.brand,
    zonepath: zonepathOf(inputs, t),
    autoboot: inputs.autoboot ?? t.autoboot ?? false,
    ipType: t.ipType ?? "exclusive",
    vnic: inputs.vnic ?? defaultVnicName(inputs.name),
    pool: inputs.pool ?? t.pool ?? "",
    state: (inputs.state ?? "running") satisfies DesiredZoneState,
    cappedMemory: canonicalMemory(inputs.cappedMemory),
    cappedCpu: inputs.cappedCpu,
    cpuShares: inputs.cpuShares,
    attrs: { ...(inputs.attrs ?? {}) },
    fs: canonicalFs(inputs.fs ?? []),
    datasets: [...(inputs.datasets ?? [])].sort(),
    resolvers: [...(inputs.resolvers ?? [])],
    dnsDomain: inputs.dnsDomain,
  }) as ZoneShape;
}

/** Memory caps in canonical units; a single size means the physical cap. */
export function canonicalMemory(m: string | ZoneMemoryCaps | undefined): ZoneMemoryCaps | undefined {
  if (m === undefined) return undefined;
  const caps = typeof m === "string" ? { physical: m } : m;
  const out: Record<string, string> = {};
  for (const k of ["physical", "swap", "locked"] as const) {
    const v = caps[k];
    if (v !== undefined) out[k] = bytesToZonecfg(parseUnits(v) ?? 0);
  }
  return out;
}

function canonicalFs(list: readonly ZoneFsInput[]): ZoneFsInput[] {
  return list
    .map((f) => prune({ dir: f.dir, special: f.special, type: f.type ?? "lofs", options: f.options?.length ? [...f.options].sort() : undefined, raw: f.raw }) as unknown as ZoneFsInput)
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/** What the host's configuration says about the managed settings (attrs, fs and datasets limited to the names in `owned`). */
export function observedShape(config: ZoneConfig, state: string, pool: string, owned: Ownership, vnic?: string): ZoneShape {
  const net = config.net?.find((n) => n.physical === vnic) ?? config.net?.[0];
  const attrs: Record<string, string | number | boolean> = {};
  let resolvers: string[] = [];
  let dnsDomain: string | undefined;
  for (const a of config.attr ?? []) {
    if (a.name === "resolvers") resolvers = a.value.split(",").filter(Boolean);
    else if (a.name === "dns-domain") dnsDomain = a.value;
    else if (owned.attrs.includes(a.name)) attrs[a.name] = attrInput(a);
  }
  const mem = config.cappedMemory;
  return prune({
    brand: config.brand ?? "",
    zonepath: config.zonepath ?? "",
    autoboot: config.autoboot ?? false,
    ipType: config.ipType ?? "shared",
    vnic: net?.physical ?? "",
    pool,
    state,
    cappedMemory: mem && owned.cappedMemory ? memoryInput(mem) : undefined,
    cappedCpu: owned.cappedCpu ? config.cappedCpu?.ncpus : undefined,
    cpuShares: owned.cpuShares ? config.cpuShares : undefined,
    attrs,
    fs: canonicalFs((config.fs ?? []).filter((f) => owned.fs.includes(f.dir)).map(fsInput)),
    datasets: (config.dataset ?? []).map((d) => d.name).filter((n) => owned.datasets.includes(n)).sort(),
    resolvers,
    dnsDomain,
  }) as ZoneShape;
}

/** Which unnamed or list settings a resource manages: those its inputs named now or before (others on the host are left alone). */
export interface Ownership {
  /** Attr names. */
  readonly attrs: readonly string[];
  /** fs dirs. */
  readonly fs: readonly string[];
  /** Dataset names. */
  readonly datasets: readonly string[];
  /** capped-memory is managed. */
  readonly cappedMemory: boolean;
  /** capped-cpu is managed. */
  readonly cappedCpu: boolean;
  /** cpu-shares is managed. */
  readonly cpuShares: boolean;
}

/** What the given inputs manage. */
export function ownershipOf(...inputs: readonly (Partial<ZoneInputs> | undefined)[]): Ownership {
  const all = inputs.filter((i): i is Partial<ZoneInputs> => i !== undefined);
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    attrs: uniq(all.flatMap((i) => Object.keys(i.attrs ?? {}))),
    fs: uniq(all.flatMap((i) => (i.fs ?? []).map((f) => f.dir))),
    datasets: uniq(all.flatMap((i) => [...(i.datasets ?? [])])),
    cappedMemory: all.some((i) => i.cappedMemory !== undefined),
    cappedCpu: all.some((i) => i.cappedCpu !== undefined),
    cpuShares: all.some((i) => i.cpuShares !== undefined),
  };
}

/** The gateway of each address family, for the net resources' defrouter. */
export interface NetPlan {
  /** Addresses with prefix, one per family. */
  readonly addresses: readonly string[];
  /** Default router of the address at the same index, if any. */
  readonly gateways: readonly (string | undefined)[];
}

/**
 * The host configuration for `shape`: `current` (as read, or a blank one for a new zone) with every
 * managed setting replaced by the desired one. Settings the resource does not manage are kept.
 */
export function targetConfig(name: string, shape: ZoneShape, net: NetPlan, current: ZoneConfig | undefined, owned: Ownership): ZoneConfig {
  const base: ZoneConfig = current ?? { zonename: name };
  const keepAttrs = (base.attr ?? []).filter((a) => !owned.attrs.includes(a.name) && a.name !== "resolvers" && a.name !== "dns-domain");
  const attrs: AttrResource[] = [...keepAttrs, ...Object.entries(shape.attrs).map(([n, v]) => attrValue(n, v))];
  if (shape.resolvers.length) attrs.push({ name: "resolvers", type: "string", value: shape.resolvers.join(",") });
  if (shape.dnsDomain) attrs.push({ name: "dns-domain", type: "string", value: shape.dnsDomain });
  const nets: NetResource[] = net.addresses.map((a, i) => prune({ physical: shape.vnic, allowedAddress: a, defrouter: net.gateways[i] }) as unknown as NetResource);
  const keepNets = (base.net ?? []).filter((n) => n.physical !== shape.vnic);
  const fs: FsResource[] = [
    ...(base.fs ?? []).filter((f) => !owned.fs.includes(f.dir)),
    ...shape.fs.map((f) => prune({ dir: f.dir, special: f.special, type: f.type ?? "lofs", options: f.options, raw: f.raw }) as unknown as FsResource),
  ];
  const datasets = [...(base.dataset ?? []).filter((d) => !owned.datasets.includes(d.name)), ...shape.datasets.map((name) => ({ name }))];
  const memory = owned.cappedMemory ? memoryConfig(shape.cappedMemory) : base.cappedMemory;
  return prune({
    ...base,
    zonename: name,
    zonepath: shape.zonepath,
    brand: shape.brand,
    autoboot: shape.autoboot,
    ipType: shape.ipType as ZoneConfig["ipType"],
    net: [...keepNets, ...nets],
    attr: attrs,
    fs,
    dataset: datasets,
    cappedMemory: memory,
    cappedCpu: owned.cappedCpu ? (shape.cappedCpu === undefined ? undefined : { ncpus: shape.cappedCpu }) : base.cappedCpu,
    cpuShares: owned.cpuShares ? shape.cpuShares : base.cpuShares,
  }) as unknown as ZoneConfig;
}

function memoryConfig(m: ZoneMemoryCaps | undefined): CappedMemory | undefined {
  if (!m) return undefined;
  const out: Record<string, number> = {};
  for (const k of ["physical", "swap", "locked"] as const) if (m[k] !== undefined) out[k] = parseUnits(m[k]!)!;
  return Object.keys(out).length ? out : undefined;
}

function memoryInput(m: CappedMemory): ZoneMemoryCaps {
  const out: Record<string, string> = {};
  for (const k of ["physical", "swap", "locked"] as const) if (m[k] !== undefined) out[k] = bytesToZonecfg(m[k]!);
  return out;
}

function fsInput(f: FsResource): ZoneFsInput {
  return prune({ dir: f.dir, special: f.special, type: f.type, options: f.options, raw: f.raw }) as unknown as ZoneFsInput;
}

/** The `attrs` value of a zonecfg attr (inverse of attrValue). */
export function attrInput(a: AttrResource): string | number | boolean {
  if (a.type === "boolean") return a.value === "true";
  if (a.type === "int" && /^-?\d+$/.test(a.value) && Number.isSafeInteger(Number(a.value))) return Number(a.value);
  return a.value;
}

/** The names of the fields that differ between two shapes. */
export function shapeDifferences(desired: ZoneShape, observed: ZoneShape): (keyof ZoneShape)[] {
  const keys = new Set([...Object.keys(desired), ...Object.keys(observed)]) as Set<keyof ZoneShape>;
  return [...keys].filter((k) => stable(desired[k]) !== stable(observed[k]));
}

/** JSON with object keys sorted: equal for equal content. */
export function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

function prune<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
