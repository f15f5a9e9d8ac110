// rctl aliases (libzonecfg aliases[]): cpu-shares, max-lwps, capped-memory caps... stored as rctls.

import type { RctlRes, ZoneConfig } from "./config.ts";

/** One alias: short name, rctl name, the single value's priv and action, and the lower limit. */
export interface Alias {
  short: string;
  real: string;
  priv: string;
  action: string;
  low: bigint;
}

/** The alias table, in libzonecfg order. */
export const ALIASES: readonly Alias[] = [
  { short: "max-lwps", real: "zone.max-lwps", priv: "privileged", action: "deny", low: 100n },
  { short: "max-shm-memory", real: "zone.max-shm-memory", priv: "privileged", action: "deny", low: 0n },
  { short: "max-shm-ids", real: "zone.max-shm-ids", priv: "privileged", action: "deny", low: 0n },
  { short: "max-msg-ids", real: "zone.max-msg-ids", priv: "privileged", action: "deny", low: 0n },
  { short: "max-sem-ids", real: "zone.max-sem-ids", priv: "privileged", action: "deny", low: 0n },
  { short: "locked", real: "zone.max-locked-memory", priv: "privileged", action: "deny", low: 0n },
  { short: "swap", real: "zone.max-swap", priv: "privileged", action: "deny", low: 0n },
  { short: "physical", real: "zone.max-physical-memory", priv: "privileged", action: "deny", low: 1048576n },
  { short: "cpu-shares", real: "zone.cpu-shares", priv: "privileged", action: "none", low: 0n },
  { short: "cpu-cap", real: "zone.cpu-cap", priv: "privileged", action: "deny", low: 0n },
  { short: "max-processes", real: "zone.max-processes", priv: "privileged", action: "deny", low: 100n },
  { short: "zfs-io-priority", real: "zone.zfs-io-priority", priv: "privileged", action: "none", low: 1n },
];

/** Looks up an alias by short name. */
export function alias(short: string): Alias {
  const a = ALIASES.find((x) => x.short === short);
  if (!a) throw new Error(`unknown rctl alias ${short}`);
  return a;
}

/** zonecfg_get_aliased_rctl(): the value, "noentry", or "disallow" (several rctls/values or other priv/action). */
export function getAliased(cfg: ZoneConfig, short: string): bigint | "noentry" | "disallow" {
  const a = alias(short);
  const found = cfg.rctl.filter((r) => r.name === a.real);
  if (found.length === 0) return "noentry";
  if (found.length > 1) return "disallow";
  const vals = found[0]!.values;
  if (vals.length !== 1) return "disallow";
  const v = vals[0]!;
  if (v.priv !== a.priv || v.action !== a.action) return "disallow";
  return BigInt(/^\d+/.exec(v.limit)?.[0] ?? "0");
}

/** zonecfg_rm_aliased_rctl(): removes the alias's rctl when it is a valid alias (else no-op). */
export function removeAliased(cfg: ZoneConfig, short: string): void {
  if (typeof getAliased(cfg, short) !== "bigint") return;
  const real = alias(short).real;
  const i = cfg.rctl.findIndex((r) => r.name === real);
  if (i >= 0) cfg.rctl.splice(i, 1);
}

/** zonecfg_set_aliased_rctl(): replaces the alias's rctl (appended at the end); false if disallowed. */
export function setAliased(cfg: ZoneConfig, short: string, value: bigint): boolean {
  if (getAliased(cfg, short) === "disallow") return false;
  removeAliased(cfg, short);
  const a = alias(short);
  const r: RctlRes = { name: a.real, values: [{ priv: a.priv, limit: value.toString(), action: a.action }] };
  cfg.rctl.push(r);
  return true;
}
