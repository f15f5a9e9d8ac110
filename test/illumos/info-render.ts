// Test-only: renders a ZoneConfig as `zonecfg -z Z info` prints it (SPEC §1.5), to property-test the parser.

import { bytesToInfoUnits } from "../../provider/illumos/units";
import { CPU_CAP_RCTL, GLOBAL_RCTL_ALIASES, MEMORY_RCTL_ALIASES, type RctlResource, type ZoneConfig } from "../../provider/illumos/zone-config";

const q = (v: string) => (v.includes(" ") ? `"${v}"` : v); // quoteit(): only values holding a space
const prop = (name: string, v: unknown) => (v === undefined || v === "" ? `\t${name} not specified` : `\t${name}: ${q(String(v))}`);
const props = (list: readonly { name: string; value: string }[] | undefined) => (list ?? []).map((p) => `\tproperty: (name=${p.name},value="${p.value}")`);

/** The `info` text of `c`, rctl blocks for the aliases included (alias rctls first, in alias order). */
export function renderInfo(c: ZoneConfig): string {
  const rec = c as unknown as Record<string, unknown>;
  const out: string[] = [`zonename: ${c.zonename}`];
  out.push(c.zonepath ? `zonepath: ${c.zonepath}` : "zonepath not specified");
  out.push(`brand: ${c.brand ?? "lipkg"}`, `autoboot: ${c.autoboot ?? false}`, `bootargs: ${c.bootargs ?? ""}`, `pool: ${c.pool ?? ""}`);
  out.push(`limitpriv: ${c.limitpriv ?? ""}`, `scheduling-class: ${c.schedulingClass ?? ""}`, `ip-type: ${c.ipType ?? "exclusive"}`);
  out.push(`hostid: ${c.hostid ?? ""}`, `fs-allowed: ${c.fsAllowed ?? ""}`);
  const rctls: RctlResource[] = [];
  for (const a of GLOBAL_RCTL_ALIASES) {
    const v = rec[a.field] as number | undefined;
    if (v === undefined) continue;
    out.push(`[${a.property}: ${a.bytes ? bytesToInfoUnits(v) : v}]`);
    rctls.push({ name: a.rctl, values: [{ priv: "privileged", limit: v, action: a.action }] });
  }
  for (const f of c.fs ?? []) {
    out.push("fs:", prop("dir", f.dir), prop("special", f.special), prop("raw", f.raw), prop("type", f.type));
    out.push(`\toptions: [${(f.options ?? []).map((o) => (o.includes("=") ? `"${o}"` : o)).join(",")}]`);
  }
  for (const n of c.net ?? []) {
    out.push("net:", prop("address", n.address), prop("allowed-address", n.allowedAddress), prop("defrouter", n.defrouter), prop("global-nic", n.globalNic));
    out.push(prop("mac-addr", n.macAddr), prop("physical", n.physical), prop("vlan-id", n.vlanId), ...props(n.properties));
  }
  for (const d of c.device ?? []) out.push("device:", prop("match", d.match), ...props(d.properties));
  if (c.dedicatedCpu) {
    out.push("dedicated-cpu:", `\tncpus: ${c.dedicatedCpu.ncpus}`);
    if (c.dedicatedCpu.importance !== undefined) out.push(`\timportance: ${c.dedicatedCpu.importance}`);
  }
  if (c.cappedCpu) {
    out.push("capped-cpu:", `\t[ncpus: ${c.cappedCpu.ncpus.toFixed(2)}]`);
    rctls.push({ name: CPU_CAP_RCTL, values: [{ priv: "privileged", limit: Math.round(c.cappedCpu.ncpus * 100), action: "deny" }] });
  }
  if (c.cappedMemory) {
    out.push("capped-memory:");
    for (const a of MEMORY_RCTL_ALIASES) {
      const v = (c.cappedMemory as unknown as Record<string, number | undefined>)[a.field];
      if (v === undefined) continue;
      out.push(`\t[${a.property}: ${bytesToInfoUnits(v)}]`);
      rctls.push({ name: a.rctl, values: [{ priv: "privileged", limit: v, action: a.action }] });
    }
  }
  for (const a of c.attr ?? []) out.push("attr:", prop("name", a.name), prop("type", a.type), prop("value", a.value));
  for (const d of c.dataset ?? []) out.push("dataset:", prop("name", d.name));
  for (const a of c.admin ?? []) out.push("admin:", prop("user", a.user), prop("auths", a.auths));
  for (const r of [...rctls, ...(c.rctl ?? [])]) {
    out.push("rctl:", prop("name", r.name), ...r.values.map((v) => `\tvalue: (priv=${v.priv},limit=${v.limit},action=${v.action})`));
  }
  if (c.securityFlags) {
    out.push("security-flags:");
    for (const k of ["lower", "default", "upper"] as const) if (c.securityFlags[k]) out.push(`\t${k}: ${c.securityFlags[k]}`);
  }
  return out.join("\n") + "\n";
}
