// `info` and `export` output of zonecfg (output_*/info_* and export_func of zonecfg.c).

import type { AdminRes, AttrRes, DatasetRes, DevRes, FsRes, NetRes, PsetRes, RctlRes, SecflagsRes, ZoneConfig } from "../zones/config.ts";
import { getAliased } from "../zones/rctl.ts";
import { bytesToUnits, cFixed } from "../zones/units.ts";

/** The brand used when a configuration has none (SUNWdefault's brand on OmniOS). */
export const DEFAULT_BRAND = "lipkg";

function quoteit(v: string): string {
  return v.includes(" ") ? `"${v}"` : v;
}

function prop(name: string, value: string, notspec = true): string {
  if (value !== "") return name === "swap" || name === "locked" ? `\t[${name}: ${quoteit(value)}]\n` : `\t${name}: ${quoteit(value)}\n`;
  return notspec ? `\t${name} not specified\n` : "";
}

/** output_fs() */
export function outputFs(f: FsRes): string {
  const opts = f.options.map((o) => (o.includes("=") ? `"${o}"` : o)).join(",");
  return "fs:\n" + prop("dir", f.dir) + prop("special", f.special) + prop("raw", f.raw) + prop("type", f.type) + `\toptions: [${opts}]\n`;
}

/** output_net() */
export function outputNet(n: NetRes): string {
  let s = "net:\n" + prop("address", n.address) + prop("allowed-address", n.allowedAddress) + prop("defrouter", n.defrouter);
  s += prop("global-nic", n.gnic) + prop("mac-addr", n.mac) + prop("physical", n.physical) + prop("vlan-id", n.vlanId);
  for (const p of n.props) s += `\tproperty: (name=${p.name},value="${p.value}")\n`;
  return s;
}

/** output_dev() */
export function outputDev(d: DevRes): string {
  let s = "device:\n" + prop("match", d.match);
  for (const p of d.props) s += `\tproperty: (name=${p.name},value="${p.value}")\n`;
  return s;
}

/** output_rctl() */
export function outputRctl(r: RctlRes): string {
  let s = "rctl:\n" + prop("name", r.name);
  for (const v of r.values) s += `\tvalue: (priv=${v.priv},limit=${v.limit},action=${v.action})\n`;
  return s;
}

/** output_attr() */
export function outputAttr(a: AttrRes): string {
  return "attr:\n" + prop("name", a.name) + prop("type", a.type) + prop("value", a.value);
}

/** output_ds() */
export function outputDs(d: DatasetRes): string {
  return "dataset:\n" + prop("name", d.name);
}

/** output_pset() */
export function outputPset(p: PsetRes): string {
  let s = "dedicated-cpu:\n";
  s += p.ncpuMin === p.ncpuMax ? `\tncpus: ${p.ncpuMax}\n` : `\tncpus: ${p.ncpuMin}-${p.ncpuMax}\n`;
  if (p.importance !== "") s += `\timportance: ${p.importance}\n`;
  return s;
}

/** output_pcap(): nothing unless the cpu-cap alias is set. */
export function outputPcap(cfg: ZoneConfig): string {
  const cap = getAliased(cfg, "cpu-cap");
  if (typeof cap !== "bigint") return "";
  return `capped-cpu:\n\t[ncpus: ${cFixed(Math.fround(Math.fround(Number(cap)) / 100), 2)}]\n`;
}

/** output_mcap() for whichever caps are set (the header is printed unconditionally). */
export function outputMcap(cfg: ZoneConfig): string {
  let s = "capped-memory:\n";
  const phys = getAliased(cfg, "physical");
  const swap = getAliased(cfg, "swap");
  const locked = getAliased(cfg, "locked");
  if (typeof phys === "bigint") s += `\t[physical: ${bytesToUnits(phys)}]\n`;
  if (typeof swap === "bigint") s += prop("swap", bytesToUnits(swap));
  if (typeof locked === "bigint") s += prop("locked", bytesToUnits(locked));
  return s;
}

/** info_mcap(): the capped-memory block only when a cap is set. */
export function infoMcap(cfg: ZoneConfig): string {
  return ["physical", "swap", "locked"].some((a) => typeof getAliased(cfg, a) === "bigint") ? outputMcap(cfg) : "";
}

/** output_auth() */
export function outputAdmin(a: AdminRes): string {
  return "admin:\n" + prop("user", a.user) + prop("auths", a.auths);
}

/** output_secflags() */
export function outputSecflags(s: SecflagsRes): string {
  return "security-flags:\n" + prop("default", s.default) + prop("lower", s.lower) + prop("upper", s.upper);
}

/** info_aliased_rctl(): `[cpu-shares: 10]`, `[max-shm-memory: 1G]`. */
export function infoAliased(cfg: ZoneConfig, name: string): string {
  const v = getAliased(cfg, name);
  if (typeof v !== "bigint") return "";
  return `[${name}: ${name === "max-shm-memory" ? bytesToUnits(v) : v.toString()}]\n`;
}

/** The effective brand (zonecfg_get_brand: an empty brand means the default brand). */
export function brandOf(cfg: ZoneConfig): string {
  return cfg.brand === "" ? DEFAULT_BRAND : cfg.brand;
}

/** Valid hostid (zonecfg_valid_hostid): up to 8 hex digits, optional 0x, not 0xffffffff. */
export function hostidValid(h: string): "ok" | "toobig" | "invalid" {
  if (h === "" || /\s/.test(h)) return "invalid";
  const body = /^0[xX]/.test(h) ? h.slice(2) : h;
  const m = /^[0-9a-fA-F]*/.exec(body)![0];
  const consumed = h.length - body.length + m.length;
  if (consumed >= 11) return "toobig"; // HW_HOSTID_LEN
  if (m === "" || consumed !== h.length) return "invalid";
  const v = BigInt("0x" + m);
  return v > 0xffffffffn || v === 0xffffffffn ? "invalid" : "ok";
}

/** Valid fs-allowed (zonecfg_valid_fs_allowed): comma-separated [A-Za-z0-9-]+ names. */
export function fsAllowedValid(v: string): boolean {
  return v.length <= 1024 && /^[A-Za-z0-9-]*(,[A-Za-z0-9-]+)*$/.test(v) && !v.startsWith(",");
}

/** Global-property lines of `info` (one of them, by property name). */
export function infoGlobal(cfg: ZoneConfig, name: string): string {
  switch (name) {
    case "zonename":
      return `zonename: ${cfg.name}\n`;
    case "zonepath":
      return cfg.zonepath === "" ? "zonepath not specified\n" : `zonepath: ${cfg.zonepath}\n`;
    case "brand":
      return `brand: ${brandOf(cfg)}\n`;
    case "autoboot":
      return `autoboot: ${cfg.autoboot ? "true" : "false"}\n`;
    case "bootargs":
      return `bootargs: ${cfg.bootargs}\n`;
    case "pool":
      return `pool: ${cfg.pool}\n`;
    case "limitpriv":
      return `limitpriv: ${cfg.limitpriv}\n`;
    case "scheduling-class":
      return `scheduling-class: ${cfg.schedulingClass}\n`;
    case "ip-type":
      return `ip-type: ${cfg.ipType}\n`;
    case "hostid":
      return cfg.hostid !== "" && hostidValid(cfg.hostid) === "ok" ? `hostid: ${cfg.hostid}\n` : "hostid: \n";
    case "fs-allowed":
      return `fs-allowed: ${cfg.fsAllowed}\n`;
    default:
      return infoAliased(cfg, name);
  }
}

const ALIAS_ORDER = ["max-lwps", "max-processes", "max-shm-memory", "max-shm-ids", "max-msg-ids", "max-sem-ids", "cpu-shares", "zfs-io-priority"];

/** `info` with no arguments. */
export function infoAll(cfg: ZoneConfig, globalZone: boolean): string {
  let s = infoGlobal(cfg, "zonename");
  if (!globalZone) s += ["zonepath", "brand", "autoboot", "bootargs"].map((p) => infoGlobal(cfg, p)).join("");
  s += infoGlobal(cfg, "pool");
  if (!globalZone) s += ["limitpriv", "scheduling-class", "ip-type", "hostid", "fs-allowed"].map((p) => infoGlobal(cfg, p)).join("");
  for (const a of ALIAS_ORDER) s += infoAliased(cfg, a);
  if (!globalZone) {
    s += cfg.fs.map(outputFs).join("") + cfg.net.map(outputNet).join("") + cfg.device.map(outputDev).join("");
  }
  if (cfg.pset) s += outputPset(cfg.pset);
  s += outputPcap(cfg) + infoMcap(cfg);
  if (!globalZone) s += cfg.attr.map(outputAttr).join("") + cfg.dataset.map(outputDs).join("") + cfg.admin.map(outputAdmin).join("");
  s += cfg.rctl.map(outputRctl).join("");
  if (cfg.secflags) s += outputSecflags(cfg.secflags);
  return s;
}

function exportProp(name: string, value: string): string {
  return value === "" ? "" : `set ${name}="${value}"\n`;
}

/** `export`: a command file that recreates the configuration (OmniOS quoting). */
export function exportConfig(cfg: ZoneConfig): string {
  let s = "create -b\n";
  if (cfg.zonepath !== "") s += `set zonepath=${cfg.zonepath}\n`;
  const brand = brandOf(cfg);
  if (brand !== "native") s += `set brand=${brand}\n`;
  s += `set autoboot=${cfg.autoboot ? "true" : "false"}\n`;
  if (cfg.bootargs !== "") s += `set bootargs=${cfg.bootargs}\n`;
  if (cfg.pool !== "") s += `set pool=${cfg.pool}\n`;
  if (cfg.limitpriv !== "") s += `set limitpriv=${cfg.limitpriv}\n`;
  if (cfg.schedulingClass !== "") s += `set scheduling-class=${cfg.schedulingClass}\n`;
  s += `set ip-type=${cfg.ipType}\n`;
  if (cfg.hostid !== "" && hostidValid(cfg.hostid) === "ok") s += `set hostid=${cfg.hostid}\n`;
  if (cfg.fsAllowed !== "" && fsAllowedValid(cfg.fsAllowed)) s += `set fs-allowed=${cfg.fsAllowed}\n`;
  for (const f of cfg.fs) {
    s += "add fs\n" + exportProp("dir", f.dir) + exportProp("special", f.special) + exportProp("raw", f.raw) + exportProp("type", f.type);
    for (const o of f.options) s += o.includes("=") ? `add options "${o}"\n` : `add options ${o}\n`;
    s += "end\n";
  }
  for (const n of cfg.net) {
    s += "add net\n" + exportProp("address", n.address) + exportProp("allowed-address", n.allowedAddress) + exportProp("physical", n.physical);
    s += exportProp("mac-addr", n.mac) + exportProp("vlan-id", n.vlanId) + exportProp("global-nic", n.gnic) + exportProp("defrouter", n.defrouter);
    for (const p of n.props) s += `add property (name=${p.name},value="${p.value}")\n`;
    s += "end\n";
  }
  for (const d of cfg.device) {
    s += "add device\n" + exportProp("match", d.match);
    for (const p of d.props) s += `add property (name=${p.name},value="${p.value}")\n`;
    s += "end\n";
  }
  for (const r of cfg.rctl) {
    s += "add rctl\n" + exportProp("name", r.name);
    for (const v of r.values) s += `add value (priv=${v.priv},limit=${v.limit},action=${v.action})\n`;
    s += "end\n";
  }
  for (const a of cfg.attr) s += "add attr\n" + exportProp("name", a.name) + exportProp("type", a.type) + exportProp("value", a.value) + "end\n";
  for (const d of cfg.dataset) s += "add dataset\n" + exportProp("name", d.name) + "end\n";
  if (cfg.pset) {
    const p = cfg.pset;
    s += "add dedicated-cpu\n" + (p.ncpuMin === p.ncpuMax ? `set ncpus=${p.ncpuMax}\n` : `set ncpus=${p.ncpuMin}-${p.ncpuMax}\n`);
    if (p.importance !== "") s += `set importance=${p.importance}\n`;
    s += "end\n";
  }
  for (const a of cfg.admin) s += "add admin\n" + exportProp("user", a.user) + exportProp("auths", a.auths) + "end\n";
  if (cfg.secflags) {
    const f = cfg.secflags;
    s += "add security-flags\n" + exportProp("default", f.default) + exportProp("lower", f.lower) + exportProp("upper", f.upper) + "end\n";
  }
  return s;
}
