// Validates a Zone's inputs without touching any host: one failure per bad property.

import { parseUnits } from "../illumos/units";
import {
  checkAbsolutePath,
  checkAttr,
  checkCidr,
  checkDatasetName,
  checkFsOption,
  checkInteger,
  checkIpAddress,
  checkLinkName,
  checkPattern,
  checkZonecfgText,
  checkZoneName,
  type InputFailure,
} from "../illumos/names";
import { checkHostSpec } from "./host-spec";
import { checkRegistryName, fail } from "./input-failures";
import { checkBrand } from "./brand";
import { checkTemplateSpec } from "./template-check";
import type { ZoneInputs } from "./zone-inputs";

const ZONE_KEYS = new Set([
  "name", "host", "template", "templateSpec", "pool", "address", "vnic", "autoboot", "brand", "zonepath", "state",
  "cappedMemory", "cappedCpu", "cpuShares", "attrs", "fs", "datasets", "resolvers", "dnsDomain", "rebootOnChange", "adopt", "timeouts",
]);

/** Attr names the Zone sets itself from other inputs. */
const RESERVED_ATTRS = new Set(["resolvers", "dns-domain"]);

/** Every problem with a Zone's inputs. */
export function checkZoneInputs(inputs: ZoneInputs): InputFailure[] {
  const out: InputFailure[] = [];
  for (const key of Object.keys(inputs)) {
    if (!ZONE_KEYS.has(key) && !key.startsWith("__")) out.push(...fail(key, "unknown", `is not a Zone input`, `remove it; Zone inputs are ${[...ZONE_KEYS].join(", ")}`));
  }
  out.push(...checkZoneName(inputs.name, "name"));
  out.push(...checkHostSpec(inputs.host));
  if (inputs.template === undefined) out.push(...fail("template", "required", "is required", "name the registry template the zone is made from (a Template resource's name)"));
  else out.push(...checkRegistryName(inputs.template, "template"));
  if (inputs.templateSpec !== undefined) out.push(...checkTemplateSpec(inputs.templateSpec, "templateSpec"));
  if (inputs.pool !== undefined) out.push(...checkRegistryName(inputs.pool, "pool"));
  if (inputs.address !== undefined) out.push(...checkCidr(inputs.address, "address"));
  if (inputs.vnic !== undefined) out.push(...checkLinkName(inputs.vnic, "vnic"));
  else if (typeof inputs.name === "string") out.push(...checkLinkName(defaultVnicName(inputs.name), "vnic").map((f) => ({ ...f, reason: `the default VNIC name: ${f.reason}`, help: "give `vnic` explicitly" })));
  if (inputs.autoboot !== undefined && typeof inputs.autoboot !== "boolean") out.push(...fail("autoboot", "type", "must be true or false", "give a boolean"));
  if (inputs.brand !== undefined) out.push(...checkBrand(inputs.brand, "brand"));
  if (inputs.zonepath !== undefined) out.push(...exportSafe(checkAbsolutePath(inputs.zonepath, "zonepath"), inputs.zonepath, "zonepath"));
  if (inputs.state !== undefined && inputs.state !== "running" && inputs.state !== "installed") {
    out.push(...fail("state", "state", `must be "running" or "installed", got ${JSON.stringify(inputs.state)}`, 'use "running" to boot the zone, "installed" to leave it halted'));
  }
  out.push(...checkMemory(inputs.cappedMemory));
  if (inputs.cappedCpu !== undefined && !(typeof inputs.cappedCpu === "number" && inputs.cappedCpu > 0 && inputs.cappedCpu <= 4096 && Math.round(inputs.cappedCpu * 100) === inputs.cappedCpu * 100)) {
    out.push(...fail("cappedCpu", "number", `must be a number of CPUs above 0 with at most two decimals, got ${JSON.stringify(inputs.cappedCpu)}`, "give e.g. 1 or 1.5"));
  }
  if (inputs.cpuShares !== undefined) out.push(...checkInteger(inputs.cpuShares, "cpuShares", 0, 65535));
  if (inputs.attrs !== undefined) out.push(...checkAttrs(inputs.attrs));
  (inputs.fs ?? []).forEach((fs, i) => out.push(...checkFs(fs, `fs[${i}]`)));
  if (inputs.fs !== undefined && !Array.isArray(inputs.fs)) out.push(...fail("fs", "type", "must be a list", "give a list of { dir, special, type, options }"));
  out.push(...unique((inputs.fs ?? []).map((f) => f?.dir), "fs", "dir"));
  (inputs.datasets ?? []).forEach((d, i) => out.push(...checkDatasetName(d, `datasets[${i}]`)));
  out.push(...unique(inputs.datasets ?? [], "datasets", "dataset"));
  (inputs.resolvers ?? []).forEach((r, i) => out.push(...checkIpAddress(r, `resolvers[${i}]`)));
  if (inputs.dnsDomain !== undefined) out.push(...checkPattern(inputs.dnsDomain, "dnsDomain", /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/, "a DNS domain such as example.org"));
  for (const key of ["rebootOnChange", "adopt"] as const) {
    if (inputs[key] !== undefined && typeof inputs[key] !== "boolean") out.push(...fail(key, "type", "must be true or false", "give a boolean"));
  }
  for (const [k, v] of Object.entries(inputs.timeouts ?? {})) {
    if (!["install", "boot", "halt"].includes(k)) out.push(...fail(`timeouts.${k}`, "unknown", "is not a timeout", "use install, boot or halt"));
    else out.push(...checkInteger(v, `timeouts.${k}`, 1, 7 * 24 * 3600));
  }
  return out;
}

/** The VNIC name a zone gets when none is given: its name made a valid link name, plus `0`. */
export function defaultVnicName(zone: string): string {
  let base = zone.replace(/[^A-Za-z0-9_]/g, "_");
  if (/^[0-9]/.test(base)) base = `z${base}`;
  return `${base.slice(0, 30)}0`;
}

function checkMemory(value: ZoneInputs["cappedMemory"]): InputFailure[] {
  if (value === undefined) return [];
  const one = (v: unknown, prop: string, min: number): InputFailure[] => {
    const bytes = typeof v === "string" ? parseUnits(v) : undefined;
    if (bytes === undefined) return fail(prop, "size", `must be a size with a unit such as 512M or 2G, got ${JSON.stringify(v)}`, "write the size with K, M, G or T");
    if (bytes < min) return fail(prop, "size", `${v} is below the minimum of ${min / 1024 / 1024}M`, "give a larger size");
    return [];
  };
  if (typeof value === "string") return one(value, "cappedMemory", 1024 * 1024);
  if (value === null || typeof value !== "object") return fail("cappedMemory", "type", "must be a size (2G) or { physical, swap, locked }", "give e.g. \"2G\"");
  const out: InputFailure[] = [];
  for (const k of Object.keys(value)) if (!["physical", "swap", "locked"].includes(k)) out.push(...fail(`cappedMemory.${k}`, "unknown", "is not a memory cap", "use physical, swap or locked"));
  if (value.physical !== undefined) out.push(...one(value.physical, "cappedMemory.physical", 1024 * 1024));
  if (value.swap !== undefined) out.push(...one(value.swap, "cappedMemory.swap", 50 * 1024 * 1024));
  if (value.locked !== undefined) out.push(...one(value.locked, "cappedMemory.locked", 0));
  if (value.physical === undefined && value.swap === undefined && value.locked === undefined) out.push(...fail("cappedMemory", "empty", "sets no cap", "give physical, swap or locked, or leave cappedMemory out"));
  if (out.length === 0 && value.locked !== undefined && value.physical !== undefined && parseUnits(value.locked)! > parseUnits(value.physical)!) {
    out.push(...fail("cappedMemory.locked", "size", "must not exceed cappedMemory.physical", "lower the locked cap"));
  }
  return out;
}

function checkAttrs(attrs: Readonly<Record<string, unknown>>): InputFailure[] {
  if (attrs === null || typeof attrs !== "object" || Array.isArray(attrs)) return fail("attrs", "type", "must be a map of name to value", 'give e.g. { owner: "ops" }');
  const out: InputFailure[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    if (RESERVED_ATTRS.has(name)) {
      out.push(...fail(`attrs.${name}`, "reserved", `is set from the ${name === "resolvers" ? "resolvers" : "dnsDomain"} input`, `use the ${name === "resolvers" ? "resolvers" : "dnsDomain"} input instead`));
      continue;
    }
    const attr = attrValue(name, value as string | number | boolean);
    const failures = checkAttr(attr, `attrs.${name}`);
    out.push(...(failures.length ? failures : exportSafe([], attr.value, `attrs.${name}.value`)));
  }
  return out;
}

/** The zonecfg attr of one `attrs` entry: booleans are `boolean`, integers `int`, everything else `string`. */
export function attrValue(name: string, value: string | number | boolean): { name: string; type: "boolean" | "int" | "string"; value: string } {
  if (typeof value === "boolean") return { name, type: "boolean", value: String(value) };
  if (typeof value === "number" && Number.isSafeInteger(value)) return { name, type: "int", value: String(value) };
  return { name, type: "string", value: typeof value === "string" ? value : String(value) };
}

function checkFs(fs: unknown, prop: string): InputFailure[] {
  if (fs === null || typeof fs !== "object") return fail(prop, "type", "must be { dir, special, type?, options? }", "give an object");
  const f = fs as { dir?: unknown; special?: unknown; type?: unknown; options?: unknown; raw?: unknown };
  // lofs (the default type) mounts a global-zone directory: a normalised absolute path, like dir.
  const special = (f.type ?? "lofs") === "lofs" ? checkAbsolutePath(f.special, `${prop}.special`, { allowRoot: true }) : checkZonecfgText(f.special, `${prop}.special`);
  const out = [...exportSafe(checkAbsolutePath(f.dir, `${prop}.dir`), f.dir, `${prop}.dir`), ...exportSafe(special, f.special, `${prop}.special`)];
  if (f.type !== undefined) {
    out.push(...checkPattern(f.type, `${prop}.type`, /^[a-z][a-z0-9]*$/, "a file system type such as lofs, zfs or tmpfs", 32));
    if (typeof f.type === "string" && /^(proc|mntfs|autofs|nfs.*)$/.test(f.type)) out.push(...fail(`${prop}.type`, "fs-type", `${f.type} cannot be mounted through zonecfg`, "use lofs, zfs, tmpfs, ufs or pcfs"));
  }
  if (f.raw !== undefined) out.push(...exportSafe(checkAbsolutePath(f.raw, `${prop}.raw`), f.raw, `${prop}.raw`));
  if (f.options !== undefined) {
    if (!Array.isArray(f.options)) out.push(...fail(`${prop}.options`, "type", "must be a list of options", 'give e.g. ["ro", "nodevices"]'));
    else f.options.forEach((o, i) => out.push(...checkFsOption(o, `${prop}.options[${i}]`)));
  }
  return out;
}

/**
 * `failures`, or when there are none, a failure for a `;` in `value`. zonecfg quotes the values it writes only
 * when they hold a space (illumos `export`; OmniOS quotes resource properties but never global ones such as
 * zonepath), so a `;` would split the exported command and run the rest as zonecfg commands when that export is
 * imported again (`zonecfg -f`, the usual way to copy or move a zone).
 */
function exportSafe(failures: InputFailure[], value: unknown, property: string): InputFailure[] {
  if (failures.length || typeof value !== "string" || !value.includes(";")) return failures;
  return fail(property, "zonecfg-unsafe", `${JSON.stringify(value)} contains ';', which would split the command when \`zonecfg export\` output is imported again`, "remove the ';'");
}

function unique(values: readonly unknown[], prop: string, what: string): InputFailure[] {
  const seen = new Set<unknown>();
  for (const v of values) {
    if (seen.has(v)) return fail(prop, "duplicate", `lists the ${what} ${JSON.stringify(v)} twice`, "list each once");
    seen.add(v);
  }
  return [];
}
