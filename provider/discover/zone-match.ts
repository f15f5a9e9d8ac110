// Matches one discovered zone to the registry (template, pool, zone file) and turns its configuration into the Zone inputs that adopt it unchanged.

import { ZmgrError } from "../errors";
import type { AttrResource, ZoneConfig } from "../illumos/zone-config";
import { bytesToZonecfg } from "../illumos/units";
import { checkRequested } from "../ipam/allocate";
import { assertNoBrokenHolder, holdingsOf } from "../ipam/holdings";
import type { PoolPlan } from "../ipam/pool-plan";
import { VM_BRANDS } from "../operations/brand";
import { normalTemplateSpec } from "../operations/template-inputs";
import { checkZoneInputs } from "../operations/zone-check";
import type { ZoneFsInput, ZoneInputs, ZoneMemoryCaps } from "../operations/zone-inputs";
import { attrInput } from "../operations/zone-shape";
import type { Template } from "../registry/models";
import type { RegistrySnapshot } from "../registry/store";
import type { ScannedLink, ScannedZone } from "./host-scan";
import { matchNet } from "./net-match";
import type { AdoptInputs, DiscoveredZone, RegistryStatus } from "./report";

/** The registry as matching needs it: the snapshot and every readable pool, compiled. */
export interface MatchContext {
  /** The registry snapshot. */
  readonly registry: RegistrySnapshot;
  /** Every pool that could be compiled. */
  readonly pools: readonly PoolPlan[];
  /** The host's datalinks, when they could be listed. */
  readonly links?: ReadonlyMap<string, ScannedLink>;
}

/** Zone states a Zone resource can hold a zone in. */
const ADOPTABLE_STATES = new Set(["running", "installed"]);

/** Attrs a Zone sets from other inputs. */
const DNS_ATTRS = new Set(["resolvers", "dns-domain"]);

/** Matches one scanned zone (pure: no host access). */
export function matchZone(zone: ScannedZone, ctx: MatchContext): DiscoveredZone {
  const { entry, config } = zone;
  const base = { name: entry.name, brand: entry.brand, state: entry.state, zonepath: entry.zonepath };
  const fileBroken = ctx.registry.broken.find((b) => b.kind === "zone" && b.name === entry.name);
  const file = ctx.registry.zones.get(entry.name);
  const none = { registry: (fileBroken ? "broken" : file ? "registered" : "none") as RegistryStatus, reasons: [] as string[], unmanaged: [] as string[], notes: [] as string[] };
  if (VM_BRANDS.has(entry.brand)) {
    return { ...base, ...none, status: "vm", reasons: [`${entry.brand} virtual machine: left to vm-manager, never touched`] };
  }
  if (!config) {
    return { ...base, ...none, status: "not-adoptable", reasons: [`its configuration could not be read: ${zone.error?.message ?? "unknown error"}`] };
  }
  const reasons: string[] = [];
  const notes: string[] = [];
  if (!ADOPTABLE_STATES.has(entry.state)) {
    reasons.push(`it is ${entry.state}; a Zone resource keeps a zone running or installed (install or boot it first, or wait until it settles)`);
  }
  if (fileBroken) reasons.push(`its registry file ${fileBroken.path} cannot be read (${fileBroken.error.message}); fix or remove it`);

  const net = matchNet(config, ctx.pools);
  reasons.push(...net.reasons);
  const address = net.match?.net.allowedAddress;
  const pool = net.match?.pool;
  let registry: RegistryStatus = fileBroken ? "broken" : file ? "registered" : "none";
  if (net.match && pool) {
    try {
      checkRequested(pool, address!, holdingsOf(ctx.registry.zones.values(), entry.name), entry.name);
      assertNoBrokenHolder(pool, ctx.registry.broken.filter((b) => !(b.kind === "zone" && b.name === entry.name)));
    } catch (err) {
      if (!ZmgrError.isInstance(err)) throw err;
      reasons.push(`${err.message}; ${err.help ?? "fix the registry"}`);
    }
    if (file && !(file.model.addresses ?? []).includes(address!)) {
      registry = "stale";
      notes.push(`its registry file ${file.path} holds ${(file.model.addresses ?? []).join(", ") || "no address"}, not ${address}: adopting sets ${address} in it`);
    }
    if (file?.model.pool !== undefined && file.model.pool !== pool.name) notes.push(`its registry file names pool ${file.model.pool}, but its address is in pool ${pool.name}`);
    const vnic = net.match.net.physical;
    const stub = ctx.registry.pools.get(pool.name)?.model.stub;
    const link = ctx.links?.get(vnic);
    if (ctx.links && !link) notes.push(`VNIC ${vnic} does not exist now; the next update creates it over ${stub}`);
    else if (link && link.class !== "vnic") reasons.push(`its net uses ${vnic}, a ${link.class} link, not a VNIC; a Zone resource owns its VNIC and deletes it with the zone`);
    else if (link && stub !== undefined && link.over !== stub) notes.push(`VNIC ${vnic} is over ${link.over}, not over pool ${pool.name}'s stub ${stub}; it is kept as it is (a rebuilt zone gets its VNIC over ${stub})`);
  }

  const template = chooseTemplate(config, entry.brand, entry.zonepath, pool?.name, file?.model.template, ctx.registry);
  reasons.push(...template.reasons);

  const unmanaged = [...net.unmanaged, ...unmanagedGlobals(config)];
  const inputs: AdoptInputs = prune({
    name: entry.name,
    template: template.name ?? "",
    pool: pool?.name ?? "",
    address: address ?? "",
    vnic: net.match?.net.physical,
    brand: entry.brand,
    zonepath: config.zonepath ?? entry.zonepath,
    autoboot: config.autoboot ?? false,
    state: entry.state === "installed" ? "installed" : "running",
    cpuShares: config.cpuShares,
    cappedCpu: config.cappedCpu?.ncpus,
    cappedMemory: memoryInput(config),
    ...managedLists(config, entry.name, unmanaged),
    adopt: true,
  }) as AdoptInputs;
  if (reasons.length === 0) {
    for (const f of checkZoneInputs(inputs as ZoneInputs)) reasons.push(`its ${f.property} cannot be a Zone input: ${f.reason} (${f.help})`);
  }
  const matched = { template: template.name, pool: pool?.name, address: address ?? firstAddress(config) };
  if (reasons.length) return { ...base, ...prune(matched), status: "not-adoptable", registry, reasons, unmanaged, notes };
  return { ...base, ...prune(matched), status: "adoptable", registry, inputs, reasons, unmanaged, notes };
}

/**
 * The template for a zone: the one its zone file names when that one fits, else the best of the
 * templates with its brand (exclusive IP, every publisher present): same pool, then zonepath
 * prefix, then autoboot, then name.
 */
function chooseTemplate(config: ZoneConfig, brand: string, zonepath: string, pool: string | undefined, fileTemplate: string | undefined, registry: RegistrySnapshot): { name?: string; reasons: string[] } {
  const all = [...registry.templates.values()].map((e) => e.model).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sameBrand = all.filter((t) => t.brand === brand);
  if (sameBrand.length === 0) {
    const have = all.map((t) => `${t.name} (${t.brand})`).join(", ") || "none";
    return { reasons: [`no template has brand ${brand} (templates: ${have}); create one (a Template resource or \`zmgr template create\`), then run discover again`] };
  }
  const usable: Template[] = [];
  const why: string[] = [];
  for (const t of sameBrand) {
    const spec = normalTemplateSpec({ ...t, ipType: t.ipType });
    const missing = (spec.publishers ?? []).filter((p) => !registry.publishers.has(p));
    if (spec.ipType !== "exclusive") why.push(`template ${t.name} has ip-type ${spec.ipType}`);
    else if (missing.length) why.push(`template ${t.name} names publisher${missing.length > 1 ? "s" : ""} ${missing.join(", ")} with no registry file`);
    else usable.push(t);
  }
  if (usable.length === 0) return { reasons: [`no usable template has brand ${brand}: ${why.join("; ")}`] };
  const named = usable.find((t) => t.name === fileTemplate);
  if (named) return { name: named.name, reasons: [] };
  const parent = zonepath.slice(0, zonepath.lastIndexOf("/")) || "/";
  const score = (t: Template) => {
    const s = normalTemplateSpec({ ...t, ipType: t.ipType });
    return (s.pool === pool ? 4 : 0) + (s.zonepathPrefix === parent ? 2 : 0) + (s.autoboot === (config.autoboot ?? false) ? 1 : 0);
  };
  const best = usable.reduce((a, b) => (score(b) > score(a) ? b : a));
  return { name: best.name, reasons: [] };
}

/** attrs, fs, datasets, resolvers and dnsDomain the Zone can manage; the rest goes to `unmanaged`. */
function managedLists(config: ZoneConfig, name: string, unmanaged: string[]): Partial<ZoneInputs> {
  const attrs: Record<string, string | number | boolean> = {};
  let resolvers: string[] | undefined;
  let dnsDomain: string | undefined;
  const seen = new Set<string>();
  for (const a of config.attr ?? []) {
    if (a.name === "resolvers") resolvers = a.value.split(",").filter(Boolean);
    else if (a.name === "dns-domain") dnsDomain = a.value;
    else if (!seen.has(a.name) && representable(a) && fits(name, { attrs: { [a.name]: attrInput(a) } })) attrs[a.name] = attrInput(a);
    else unmanaged.push(`attr ${a.name} (${a.type} ${JSON.stringify(a.value)})`);
    seen.add(a.name);
  }
  const fs: ZoneFsInput[] = [];
  for (const f of config.fs ?? []) {
    const input = prune({ dir: f.dir, special: f.special, type: f.type, options: f.options?.length ? [...f.options] : undefined, raw: f.raw }) as unknown as ZoneFsInput;
    if (fits(name, { fs: [input] })) fs.push(input);
    else unmanaged.push(`fs ${f.dir} (${f.type} ${f.special})`);
  }
  const datasets: string[] = [];
  for (const d of config.dataset ?? []) {
    if (fits(name, { datasets: [d.name] })) datasets.push(d.name);
    else unmanaged.push(`dataset ${d.name}`);
  }
  return prune({
    attrs: Object.keys(attrs).length ? attrs : undefined,
    fs: fs.length ? fs : undefined,
    datasets: datasets.length ? datasets : undefined,
    resolvers: resolvers?.length ? resolvers : undefined,
    dnsDomain,
  }) as Partial<ZoneInputs>;
}

/** True when the attr survives the round trip attrInput → attrValue with its type (uint and odd spellings do not). */
function representable(a: AttrResource): boolean {
  if (DNS_ATTRS.has(a.name)) return false;
  if (a.type === "boolean") return a.value === "true" || a.value === "false";
  if (a.type === "int") return typeof attrInput(a) === "number";
  return a.type === "string";
}

/** True when `extra` passes the Zone's input checks. */
function fits(name: string, extra: Partial<ZoneInputs>): boolean {
  return checkZoneInputs({ name, template: "t", vnic: "v0", ...extra } as ZoneInputs).length === 0;
}

/** capped-memory as the Zone input, every cap in exact units. */
function memoryInput(config: ZoneConfig): string | ZoneMemoryCaps | undefined {
  const m = config.cappedMemory;
  if (!m) return undefined;
  const caps = prune({
    physical: m.physical === undefined ? undefined : bytesToZonecfg(m.physical),
    swap: m.swap === undefined ? undefined : bytesToZonecfg(m.swap),
    locked: m.locked === undefined ? undefined : bytesToZonecfg(m.locked),
  }) as ZoneMemoryCaps;
  const keys = Object.keys(caps);
  if (keys.length === 0) return undefined;
  return keys.length === 1 && caps.physical !== undefined ? caps.physical : caps;
}

/** Global settings a Zone resource does not manage and keeps as they are. */
function unmanagedGlobals(c: ZoneConfig): string[] {
  const out: string[] = [];
  const add = (label: string, value: unknown) => {
    if (value !== undefined && value !== "") out.push(`${label} ${typeof value === "string" ? value : JSON.stringify(value)}`);
  };
  if (c.limitpriv !== "default") add("limitpriv", c.limitpriv);
  add("bootargs", c.bootargs);
  add("pool", c.pool);
  add("scheduling-class", c.schedulingClass);
  add("hostid", c.hostid);
  add("fs-allowed", c.fsAllowed);
  add("max-lwps", c.maxLwps);
  add("max-processes", c.maxProcesses);
  add("max-shm-memory", c.maxShmMemory === undefined ? undefined : bytesToZonecfg(c.maxShmMemory));
  add("max-shm-ids", c.maxShmIds);
  add("max-msg-ids", c.maxMsgIds);
  add("max-sem-ids", c.maxSemIds);
  add("zfs-io-priority", c.zfsIoPriority);
  for (const r of c.rctl ?? []) out.push(`rctl ${r.name}`);
  for (const d of c.device ?? []) out.push(`device ${d.match}`);
  for (const a of c.admin ?? []) out.push(`admin ${a.user}`);
  if (c.dedicatedCpu) add("dedicated-cpu", c.dedicatedCpu.ncpus);
  if (c.securityFlags) add("security-flags", Object.entries(c.securityFlags).map(([k, v]) => `${k}=${v}`).join(" "));
  return out;
}

function firstAddress(config: ZoneConfig): string | undefined {
  return (config.net ?? []).map((n) => n.allowedAddress ?? n.address).find((a) => a !== undefined);
}

function prune<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
