// Parses `zonecfg info` output and `zonecfg export` / command scripts into the ZoneConfig model.

import { ZmgrError } from "../errors";
import { parseUnits } from "./units";
import {
  aliasLimit,
  CPU_CAP_RCTL,
  GLOBAL_RCTL_ALIASES,
  MEMORY_RCTL_ALIASES,
  type RctlResource,
  type ZoneConfig,
} from "./zone-config";
import { GLOBAL_PROPERTIES, resourceType, type ResourceType, type ScalarProperty } from "./zonecfg-resources";
import { parseComplex, parseList, unquote } from "./zonecfg-syntax";

/** One resource block as read, before conversion: zonecfg property names to text values. */
interface RawResource {
  readonly rt: ResourceType;
  /** Property name → [value, line number]. */
  readonly scalars: Map<string, [string, number]>;
  readonly list: (string | Record<string, string>)[];
  readonly line: number;
}

/** What a parser collected: global properties (aliases included) and resource blocks, in order. */
interface RawConfig {
  /** Property name → [value, line number]. */
  readonly globals: Map<string, [string, number]>;
  readonly resources: RawResource[];
}

function parseError(source: string, line: number, text: string, why: string): ZmgrError {
  return new ZmgrError("zmgr::zonecfg::parse", `cannot read zonecfg ${source} output, line ${line}: ${why}: ${JSON.stringify(text)}`, {
    help: "the zone configuration holds something pulumi-zmgr does not know; please report this with the output of the command",
    details: { source, line, text },
  });
}

/**
 * Parses the output of `zonecfg -z Z info` (SPEC §1.5): `key: value` globals, `[alias: value]`
 * rctl aliases, resource blocks with tab-indented properties, `not specified` lines, quoted values,
 * `[a,b]` option lists, `(k=v,..)` complex values, K/M/G/T units. Aliased rctls (cpu-shares,
 * capped-memory, capped-cpu, ...) become their alias fields with the exact limits of their rctl
 * blocks; other rctls stay in `rctl`. Throws `zmgr::zonecfg::parse` on lines it cannot place.
 */
export function parseZonecfgInfo(text: string): ZoneConfig {
  const raw: RawConfig = { globals: new Map(), resources: [] };
  let current: RawResource | undefined;
  text.split("\n").forEach((line, index) => {
    const n = index + 1;
    if (line.trim() === "") return;
    if (line.startsWith("\t")) {
      if (!current) throw parseError("info", n, line, "an indented property outside a resource");
      const body = line.slice(1);
      if (/^[a-z-]+ not specified$/.test(body)) return;
      const m = /^\[([a-z-]+): (.*)\]$/.exec(body) ?? /^([a-z-]+):(?: (.*))?$/.exec(body);
      if (!m) throw parseError("info", n, line, "not a property line");
      addResourceProperty(current, m[1]!, m[2] ?? "", "info", n, line, false);
      return;
    }
    current = undefined;
    const alias = /^\[([a-z-]+): (.*)\]$/.exec(line);
    if (alias) {
      raw.globals.set(alias[1]!, [alias[2]!, n]);
      return;
    }
    const header = /^([a-z-]+):$/.exec(line);
    const rt = header ? resourceType(header[1]!) : undefined;
    if (rt) {
      current = { rt, scalars: new Map(), list: [], line: n };
      raw.resources.push(current);
      return;
    }
    if (/^[a-z-]+ not specified$/.test(line)) return;
    const m = /^([a-z-]+):(?: (.*))?$/.exec(line);
    if (!m) throw parseError("info", n, line, "not a property or resource line");
    raw.globals.set(m[1]!, [unquote(m[2] ?? ""), n]);
  });
  return toModel(raw, "info");
}

/**
 * Parses `zonecfg -z Z export` output (SPEC §1.6), and more generally any zonecfg command script
 * with one command per line: `create`, `set`, `add`, `end`, `clear` (global), `commit`, comments.
 * A `set` takes the rest of its line as the value (export writes global values unquoted, so a
 * zonepath may hold spaces, `;` or `#`); quoted values, `[a,b]` lists, `add options` and complex
 * values all work. The zone name is not part of an export: give it as `zonename` (a `set zonename=` wins).
 */
export function parseZonecfgExport(text: string, zonename: string): ZoneConfig {
  const raw: RawConfig = { globals: new Map([["zonename", [zonename, 0]]]), resources: [] };
  let current: RawResource | undefined;
  text.split("\n").forEach((physical, index) => {
    const n = index + 1;
    const line = physical.trim();
    if (line === "" || line.startsWith("#")) return;
    const word = line.split(/\s+/, 1)[0]!;
    const rest = line.slice(word.length).trim();
    switch (word) {
      case "create":
      case "commit":
      case "verify":
      case "exit":
        if (current) throw parseError("export", n, line, `${word} inside a resource`);
        break;
      case "end":
        if (!current) throw parseError("export", n, line, "end outside a resource");
        current = undefined;
        break;
      case "set": {
        const eq = rest.indexOf("=");
        if (eq <= 0) throw parseError("export", n, line, "set without '='");
        const name = rest.slice(0, eq).trim();
        const value = rest.slice(eq + 1).trim();
        if (current) addResourceProperty(current, name, value, "export", n, line, true);
        else raw.globals.set(name, [unquote(value), n]);
        break;
      }
      case "clear":
        if (current) current.scalars.delete(rest);
        else raw.globals.delete(rest);
        break;
      case "add": {
        if (!current) {
          const rt = resourceType(rest);
          if (!rt) throw parseError("export", n, line, "unknown resource type");
          current = { rt, scalars: new Map(), list: [], line: n };
          raw.resources.push(current);
          break;
        }
        const sp = rest.search(/\s/);
        if (sp <= 0) throw parseError("export", n, line, "add without a value");
        addResourceProperty(current, rest.slice(0, sp), rest.slice(sp + 1).trim(), "export", n, line, false);
        break;
      }
      default:
        throw parseError("export", n, line, `unexpected command '${word}'`);
    }
  });
  if (current) throw parseError("export", current.line, current.rt.type, "resource without end");
  return toModel(raw, "export");
}

/** Adds `prop: value` to a resource; `viaSet` means a list was given whole (`set options=[a,b]`). */
function addResourceProperty(r: RawResource, prop: string, value: string, source: string, n: number, line: string, viaSet: boolean): void {
  const list = r.rt.list;
  if (list && list.property === prop) {
    if (list.complex) {
      const c = parseComplex(value);
      if (!c) throw parseError(source, n, line, `malformed ${prop} value`);
      r.list.push(c);
    } else {
      const items = value.startsWith("[") || viaSet ? parseList(value) : [unquote(value)];
      if (!items) throw parseError(source, n, line, `malformed ${prop} list`);
      if (value.startsWith("[") || viaSet) r.list.length = 0;
      r.list.push(...items);
    }
    return;
  }
  if (!r.rt.scalars.some((s) => s.property === prop)) throw parseError(source, n, line, `unknown ${r.rt.type} property '${prop}'`);
  r.scalars.set(prop, [unquote(value), n]);
}

function toModel(raw: RawConfig, source: string): ZoneConfig {
  const out: Record<string, unknown> = {};
  for (const [prop, [value, line]] of raw.globals) {
    const g = GLOBAL_PROPERTIES.find((x) => x.property === prop);
    const a = GLOBAL_RCTL_ALIASES.find((x) => x.property === prop);
    if (g) {
      if (value !== "") out[g.field] = globalValue(g, value, source, line);
    } else if (a) {
      out[a.field] = number(value, a.bytes ? "bytes" : "number", source, prop, line);
    } else {
      throw parseError(source, line, `${prop}: ${value}`, `unknown global property '${prop}'`);
    }
  }
  const rctls: RctlResource[] = [];
  for (const r of raw.resources) {
    const obj: Record<string, unknown> = {};
    for (const [prop, [value, line]] of r.scalars) {
      const s = r.rt.scalars.find((x) => x.property === prop)!;
      if (value !== "") obj[s.field] = s.kind === "text" ? value : number(value, s.kind, source, prop, line);
    }
    if (r.rt.list && r.list.length) {
      obj[r.rt.list.field] = r.rt.type === "rctl" ? r.list.map((v) => rctlValue(v as Record<string, string>, source, r.line)) : r.list.map((v) => (typeof v === "string" ? v : { name: v.name ?? "", value: v.value ?? "" }));
    }
    if (r.rt.type === "rctl") {
      rctls.push({ name: String(obj.name ?? ""), values: (obj.values as RctlResource["values"]) ?? [] });
    } else if (r.rt.many) {
      ((out[r.rt.field] ??= []) as unknown[]).push(obj);
    } else {
      if (out[r.rt.field] !== undefined) throw parseError(source, r.line, r.rt.type, `a second ${r.rt.type} resource`);
      out[r.rt.field] = obj;
    }
  }
  // Aliased rctls: their exact limits go to the alias fields; the rest stay rctls.
  const rest: RctlResource[] = [];
  for (const rctl of rctls) {
    const limit = aliasLimit(rctl);
    const g = GLOBAL_RCTL_ALIASES.find((a) => a.rctl === rctl.name);
    const m = MEMORY_RCTL_ALIASES.find((a) => a.rctl === rctl.name);
    if (limit === undefined) rest.push(rctl);
    else if (g) out[g.field] = limit;
    else if (m) out.cappedMemory = { ...(out.cappedMemory as object | undefined), [m.field]: limit };
    else if (rctl.name === CPU_CAP_RCTL) out.cappedCpu = { ncpus: limit / 100 };
  }
  if (rest.length) out.rctl = rest;
  // Keep the model's field order stable (globals, aliases, resources) for readable diffs.
  return order(out) as unknown as ZoneConfig;
}

const FIELD_ORDER = [
  ...GLOBAL_PROPERTIES.map((g) => g.field),
  ...GLOBAL_RCTL_ALIASES.map((a) => a.field),
  "fs", "net", "device", "dataset", "attr", "cappedMemory", "cappedCpu", "dedicatedCpu", "rctl", "admin", "securityFlags",
];

function order(out: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if (out[k] !== undefined) sorted[k] = out[k];
  return sorted;
}

function globalValue(g: ScalarProperty, value: string, source: string, line: number): unknown {
  if (g.field === "autoboot") {
    if (value !== "true" && value !== "false") throw parseError(source, line, value, "autoboot is neither true nor false");
    return value === "true";
  }
  if (g.field === "ipType") {
    if (value === "excl") return "exclusive";
    if (value !== "shared" && value !== "exclusive") throw parseError(source, line, value, "ip-type is neither shared nor exclusive");
  }
  return value;
}

function number(value: string, kind: string, source: string, prop: string, line: number): number {
  let n: number | undefined;
  if (kind === "bytes") n = parseUnits(value);
  else if (kind === "decimal") n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  else n = /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
  if (n === undefined) throw parseError(source, line, value, `${prop} is not a number`);
  return n;
}

function rctlValue(v: Record<string, string>, source: string, line: number): RctlResource["values"][number] {
  const limit = number(v.limit ?? "", "number", source, "limit", line);
  return { priv: v.priv ?? "", limit, action: v.action ?? "" };
}
