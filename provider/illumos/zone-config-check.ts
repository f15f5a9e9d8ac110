// Validation of a whole ZoneConfig: every value that will reach a zonecfg script, plus zonecfg's own rules.

import {
  checkAbsolutePath,
  checkAttr,
  checkCidr,
  checkDatasetName,
  checkFsOption,
  checkInteger,
  checkIpAddress,
  checkLinkName,
  checkMacAddress,
  checkNetAddress,
  checkPattern,
  checkVlanId,
  checkZonecfgText,
  checkZoneName,
  type InputFailure,
} from "./names";
import {
  aliasLimit,
  ALIASED_RCTLS,
  CPU_CAP_RCTL,
  GLOBAL_RCTL_ALIASES,
  MEMORY_RCTL_ALIASES,
  type ResourceProperty,
  type ZoneConfig,
} from "./zone-config";
import { netKey } from "./zonecfg-resources";

const NAME_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SECFLAGS = ["aslr", "forbidnullmap", "noexecstack"];
const FLAGS = /^(aslr|forbidnullmap|noexecstack|all|none)(,(aslr|forbidnullmap|noexecstack|all|none))*$/i;

/** The flags a security-flags list assigns (libc secflags_parse: all, none, names; no +/- deltas). */
function secflagSet(list: string): Set<string> {
  const set = new Set<string>();
  for (const item of list.toLowerCase().split(",")) {
    if (item === "all") SECFLAGS.forEach((f) => set.add(f));
    else if (item === "none") set.clear();
    else set.add(item);
  }
  return set;
}

/** Fixed-syntax global properties: [field, pattern, what]. */
const GLOBAL_TEXT: readonly [keyof ZoneConfig, RegExp, string][] = [
  ["brand", NAME_TOKEN, "a brand name such as lipkg, ipkg, sparse, pkgsrc"],
  ["pool", /^(?!SUNW)[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a resource pool name (not starting with SUNW)"],
  ["limitpriv", /^[A-Za-z0-9_,!.-]+$/, "a comma-separated privilege list such as default,dtrace_proc"],
  ["schedulingClass", /^[A-Za-z0-9]+$/, "a scheduling class such as FSS"],
  ["hostid", /^(0x)?[0-9A-Fa-f]{1,8}$/, "a hex host id of up to 8 digits"],
  ["fsAllowed", /^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/, "a comma-separated list of file system types such as ufs,pcfs"],
];

/**
 * Every failure in `config`, with properties named by the model path (`net[0].physical`) after
 * `prefix`. An empty list means every value is safe to place in a zonecfg script and the
 * configuration obeys zonecfg's per-resource rules (required properties, unique resources,
 * minimums). `requireZonepath` (default true) demands a zonepath, which commit needs.
 */
export function validateZoneConfig(config: ZoneConfig, options: { prefix?: string; requireZonepath?: boolean } = {}): InputFailure[] {
  const p = (name: string) => (options.prefix ? `${options.prefix}.${name}` : name);
  const out: InputFailure[] = [];
  if (config === null || typeof config !== "object") {
    return [{ property: p("config"), reason: "must be an object", code: "zmgr::input::type", help: "give a zone configuration object" }];
  }
  out.push(...checkZoneName(config.zonename, p("zonename")));
  if (config.zonepath !== undefined && config.zonepath !== "") out.push(...checkAbsolutePath(config.zonepath, p("zonepath")));
  else if (options.requireZonepath !== false)
    out.push({ property: p("zonepath"), reason: "a zonepath is required", code: "zmgr::input::required", help: "set zonepath, e.g. /zones/<name>" });
  for (const [field, re, what] of GLOBAL_TEXT) {
    const v = config[field];
    if (v !== undefined && v !== "") out.push(...checkPattern(v, p(field), re, what));
  }
  if (typeof config.hostid === "string" && /^(0x)?[0-9A-Fa-f]{1,8}$/.test(config.hostid) && parseInt(config.hostid.replace(/^0x/, ""), 16) === 0xffffffff)
    out.push(bad(p("hostid"), config.hostid, "a hex host id below 0xffffffff"));
  if (config.bootargs !== undefined && config.bootargs !== "") out.push(...checkZonecfgText(config.bootargs, p("bootargs"), 255));
  if (config.autoboot !== undefined && typeof config.autoboot !== "boolean") out.push(bad(p("autoboot"), config.autoboot, "true or false"));
  if (config.ipType !== undefined && config.ipType !== "shared" && config.ipType !== "exclusive") out.push(bad(p("ipType"), config.ipType, "shared or exclusive"));

  for (const a of GLOBAL_RCTL_ALIASES) {
    const v = (config as unknown as Record<string, unknown>)[a.field];
    if (v === undefined) continue;
    const max = a.field === "cpuShares" ? 65535 : a.field === "zfsIoPriority" ? 1024 : undefined;
    out.push(...checkInteger(v, p(a.field), a.min, max));
  }

  objects(config.fs, p("fs"), out).forEach((fs, i) => {
    const q = p(`fs[${i}]`);
    out.push(...checkAbsolutePath(fs.dir, `${q}.dir`));
    out.push(...checkZonecfgText(fs.special, `${q}.special`));
    if (fs.raw !== undefined && fs.raw !== "") out.push(...checkAbsolutePath(fs.raw, `${q}.raw`));
    out.push(...checkPattern(fs.type, `${q}.type`, /^[a-z0-9_-]+$/, "a file system type such as lofs, zfs, tmpfs"));
    if (typeof fs.type === "string" && /^(proc|mntfs|autofs|nfs.*)$/.test(fs.type)) out.push(bad(`${q}.type`, fs.type, "a type zonecfg allows (not proc, mntfs, autofs or nfs)"));
    listOf(fs.options, `${q}.options`, out).forEach((o, j) => out.push(...checkFsOption(o, `${q}.options[${j}]`)));
  });
  duplicates(config.fs, (f) => f.dir, p("fs"), "dir", out);

  objects(config.net, p("net"), out).forEach((net, i) => {
    const q = p(`net[${i}]`);
    out.push(...checkLinkName(net.physical, `${q}.physical`));
    if (net.address !== undefined) out.push(...checkNetAddress(net.address, `${q}.address`));
    if (net.allowedAddress !== undefined) out.push(...checkCidr(net.allowedAddress, `${q}.allowedAddress`));
    if (net.defrouter !== undefined) out.push(...checkIpAddress(net.defrouter, `${q}.defrouter`));
    if (net.globalNic !== undefined && net.globalNic !== "auto") out.push(...checkLinkName(net.globalNic, `${q}.globalNic`));
    if (net.globalNic === "auto" && net.allowedAddress === undefined) out.push(bad(`${q}.globalNic`, "auto", "a link name; 'auto' needs allowedAddress"));
    if (net.macAddr !== undefined) out.push(...checkMacAddress(net.macAddr, `${q}.macAddr`));
    if (net.vlanId !== undefined) out.push(...checkVlanId(net.vlanId, `${q}.vlanId`));
    checkProperties(net.properties, `${q}.properties`, out);
    if (config.ipType === "exclusive" && net.address !== undefined) out.push(bad(`${q}.address`, net.address, "unset for an exclusive-IP zone (use allowedAddress)"));
    if (config.ipType === "shared" && net.allowedAddress !== undefined) out.push(bad(`${q}.allowedAddress`, net.allowedAddress, "unset for a shared-IP zone (use address)"));
    if (config.ipType === "exclusive" && net.defrouter !== undefined && net.allowedAddress === undefined)
      out.push({ property: `${q}.defrouter`, reason: "an exclusive-IP net's defrouter needs an allowed-address on the same net", code: "zmgr::input::required", help: "set allowedAddress too, or leave defrouter out and configure routing inside the zone" });
    if (config.ipType === "shared" && (net.address === undefined || net.address === "")) out.push({ property: `${q}.address`, reason: "a shared-IP net needs an address", code: "zmgr::input::required", help: "give the zone's address on this link, e.g. 192.168.1.5/24" });
  });
  duplicates(config.net, netKey, p("net"), "physical and address", out);

  objects(config.device, p("device"), out).forEach((d, i) => {
    out.push(...checkAbsolutePath(d.match, p(`device[${i}].match`)));
    checkProperties(d.properties, p(`device[${i}].properties`), out);
  });
  duplicates(config.device, (d) => d.match, p("device"), "match", out);

  objects(config.dataset, p("dataset"), out).forEach((d, i) => out.push(...checkDatasetName(d.name, p(`dataset[${i}].name`))));
  duplicates(config.dataset, (d) => d.name, p("dataset"), "name", out);

  objects(config.attr, p("attr"), out).forEach((a, i) => out.push(...checkAttr(a, p(`attr[${i}]`))));
  duplicates(config.attr, (a) => a.name, p("attr"), "name", out);

  if (config.cappedMemory !== undefined) {
    const cm = config.cappedMemory as unknown as Record<string, unknown>;
    const set = MEMORY_RCTL_ALIASES.filter((a) => cm[a.field] !== undefined);
    if (set.length === 0) out.push(bad(p("cappedMemory"), cm, "an object with physical, swap or locked"));
    for (const a of set) out.push(...checkInteger(cm[a.field], p(`cappedMemory.${a.field}`), a.min));
    const { physical, locked } = config.cappedMemory;
    if (typeof physical === "number" && typeof locked === "number" && locked > physical) out.push(bad(p("cappedMemory.locked"), locked, "at most the physical cap"));
  }
  if (config.cappedCpu !== undefined) {
    const n = config.cappedCpu.ncpus;
    if (typeof n !== "number" || !(n > 0) || !Number.isSafeInteger(Math.round(n * 100)) || Math.abs(Math.round(n * 100) - n * 100) > 1e-9)
      out.push(bad(p("cappedCpu.ncpus"), n, "a positive number with at most two decimals, e.g. 1.5"));
  }
  if (config.dedicatedCpu !== undefined) {
    const d = config.dedicatedCpu;
    const m = typeof d.ncpus === "string" ? /^([1-9]\d{0,4})(?:-([1-9]\d{0,4}))?$/.exec(d.ncpus) : null;
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) out.push(bad(p("dedicatedCpu.ncpus"), d.ncpus, "a CPU count N or a range N-M"));
    if (d.importance !== undefined) out.push(...checkInteger(d.importance, p("dedicatedCpu.importance"), 0));
    if (config.cappedCpu !== undefined) out.push(conflict(p("dedicatedCpu"), "dedicated-cpu and capped-cpu exclude each other", "keep one of dedicatedCpu and cappedCpu"));
    if (config.pool !== undefined && config.pool !== "") out.push(conflict(p("dedicatedCpu"), "dedicated-cpu makes its own pool, so it cannot be combined with pool", "keep one of dedicatedCpu and pool"));
  }

  objects(config.rctl, p("rctl"), out).forEach((r, i) => {
    const q = p(`rctl[${i}]`);
    out.push(...checkPattern(r.name, `${q}.name`, /^zone\.[A-Za-z-]+$/, "a zone rctl name such as zone.max-locked-memory"));
    const values = listOf(r.values, `${q}.values`, out);
    if (values.length === 0) out.push(bad(`${q}.values`, r.values, "at least one value"));
    objects(values, `${q}.values`, out).forEach((v, j) => {
      if (v?.priv !== "privileged") out.push(bad(`${q}.values[${j}].priv`, v?.priv, "privileged (zonecfg takes no other priv for zone rctls)"));
      out.push(...checkInteger(v?.limit, `${q}.values[${j}].limit`, 0));
      if (v?.action !== "none" && v?.action !== "deny") out.push(bad(`${q}.values[${j}].action`, v?.action, "none or deny"));
    });
    if (ALIASED_RCTLS.has(r.name)) {
      const alias = aliasOwner(r.name);
      const help = `set ${alias} instead, or give this rctl values that an alias cannot express`;
      if (aliasLimit(r) !== undefined) out.push({ property: `${q}.name`, reason: `rctl ${r.name} with one privileged ${r.values[0]!.action} value is what ${alias} sets: use ${alias} instead`, code: "zmgr::input::rctl-alias", help });
      else if (aliasFieldSet(config, r.name)) out.push({ property: `${q}.name`, reason: `rctl ${r.name} is also set through ${alias}`, code: "zmgr::input::rctl-alias", help });
    }
  });
  duplicates(config.rctl, (r) => r.name, p("rctl"), "name", out);

  const rctlNames = new Set((Array.isArray(config.rctl) ? config.rctl : []).map((r) => r?.name));
  const shares = config.cpuShares !== undefined || rctlNames.has("zone.cpu-shares");
  if (shares && config.dedicatedCpu !== undefined) out.push(conflict(p("cpuShares"), "cpu-shares and dedicated-cpu are incompatible", "keep one of cpuShares and dedicatedCpu"));
  if (shares && config.schedulingClass !== undefined && config.schedulingClass !== "" && config.schedulingClass !== "FSS")
    out.push(conflict(p("cpuShares"), `cpu-shares needs the FSS scheduling class, not ${config.schedulingClass}`, "set schedulingClass to FSS (or leave it unset), or drop cpuShares"));
  if (rctlNames.has("zone.cpu-cap") && config.dedicatedCpu !== undefined) out.push(conflict(p("dedicatedCpu"), "zone.cpu-cap and dedicated-cpu are incompatible", "drop the zone.cpu-cap rctl or dedicatedCpu"));

  objects(config.admin, p("admin"), out).forEach((a, i) => {
    out.push(...checkPattern(a.user, p(`admin[${i}].user`), /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "a user name"));
    out.push(...checkPattern(a.auths, p(`admin[${i}].auths`), /^(login|manage|clonefrom)(,(login|manage|clonefrom))*$/, "a comma-separated list of login, manage, clonefrom"));
  });
  duplicates(config.admin, (a) => a.user, p("admin"), "user", out);

  if (config.securityFlags !== undefined) {
    const sf = config.securityFlags;
    const given = (["default", "lower", "upper"] as const).filter((k) => sf[k] !== undefined && sf[k] !== "");
    if (given.length === 0) out.push(bad(p("securityFlags"), sf, "an object with default, lower or upper"));
    const sets: Partial<Record<"default" | "lower" | "upper", Set<string>>> = {};
    for (const k of given) {
      const f = checkPattern(sf[k], p(`securityFlags.${k}`), FLAGS, "a comma-separated list of ASLR, FORBIDNULLMAP, NOEXECSTACK, all or none");
      out.push(...f);
      if (f.length === 0) sets[k] = secflagSet(sf[k]!);
    }
    const [def, lower, upper] = [sets.default ?? new Set<string>(), sets.lower ?? new Set<string>(), sets.upper ?? new Set(SECFLAGS)];
    const within = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
    if (!within(def, upper)) out.push(conflict(p("securityFlags.default"), "default flags must be within the upper limit", "add the flags to upper, or drop them from default"));
    if (!within(lower, def)) out.push(conflict(p("securityFlags.lower"), "lower flags must all be in default", "add the flags to default, or drop them from lower"));
    else if (!within(lower, upper)) out.push(conflict(p("securityFlags.lower"), "lower flags must be within the upper limit", "add the flags to upper, or drop them from lower"));
  }
  return out;
}

function conflict(property: string, reason: string, help: string): InputFailure {
  return { property, reason, code: "zmgr::input::conflict", help };
}

function bad(property: string, value: unknown, expected: string): InputFailure {
  return { property, reason: `expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`, code: "zmgr::input::invalid", help: `use ${expected}` };
}

function listOf<T>(value: readonly T[] | undefined, property: string, out: InputFailure[]): readonly T[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  out.push(bad(property, value, "a list"));
  return [];
}

function objects<T>(value: readonly T[] | undefined, property: string, out: InputFailure[]): readonly T[] {
  const list = listOf(value, property, out);
  const bads = list.flatMap((item, i) => (item !== null && typeof item === "object" ? [] : [bad(`${property}[${i}]`, item, "an object")]));
  out.push(...bads);
  return bads.length ? [] : list;
}

function checkProperties(props: readonly ResourceProperty[] | undefined, property: string, out: InputFailure[]): void {
  objects(props, property, out).forEach((pr, j) => {
    out.push(...checkPattern(pr?.name, `${property}[${j}].name`, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a property name such as mtu"));
    out.push(...checkZonecfgText(pr?.value, `${property}[${j}].value`));
  });
}

function duplicates<T>(items: readonly T[] | undefined, key: (t: T) => string, property: string, what: string, out: InputFailure[]): void {
  const seen = new Set<string>();
  (Array.isArray(items) ? items : []).forEach((item, i) => {
    if (item === null || typeof item !== "object") return;
    const k = key(item);
    if (seen.has(k)) out.push({ property: `${property}[${i}]`, reason: `another ${property.replace(/^.*\./, "")} resource has the same ${what}`, code: "zmgr::input::duplicate", help: `give each resource a distinct ${what}` });
    seen.add(k);
  });
}

function aliasOwner(rctl: string): string {
  if (rctl === CPU_CAP_RCTL) return "cappedCpu";
  const g = GLOBAL_RCTL_ALIASES.find((a) => a.rctl === rctl);
  if (g) return g.field;
  return `cappedMemory.${MEMORY_RCTL_ALIASES.find((a) => a.rctl === rctl)!.field}`;
}

function aliasFieldSet(config: ZoneConfig, rctl: string): boolean {
  if (rctl === CPU_CAP_RCTL) return config.cappedCpu !== undefined;
  const g = GLOBAL_RCTL_ALIASES.find((a) => a.rctl === rctl);
  if (g) return (config as unknown as Record<string, unknown>)[g.field] !== undefined;
  const m = MEMORY_RCTL_ALIASES.find((a) => a.rctl === rctl)!;
  return (config.cappedMemory as unknown as Record<string, unknown> | undefined)?.[m.field] !== undefined;
}
