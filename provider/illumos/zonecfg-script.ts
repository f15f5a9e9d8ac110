// Builds zonecfg command scripts (for `zonecfg -z NAME -f -`): a full creation script, and a minimal update script.

import { assertValid, type InputFailure } from "./names";
import { bytesToZonecfg } from "./units";
import { contentKey, GLOBAL_RCTL_ALIASES, type ZoneConfig } from "./zone-config";
import { validateZoneConfig } from "./zone-config-check";
import { GLOBAL_PROPERTIES, identityKey, identityOf, RESOURCE_TYPES, type ResourceType, type ScalarProperty } from "./zonecfg-resources";
import { bareToken, complexValue, quoteValue } from "./zonecfg-syntax";

type Rec = Readonly<Record<string, unknown>>;

/** Options of {@link buildCreateScript}. */
export interface CreateScriptOptions {
  /** Use `create -F -b` to overwrite an existing configured zone (default false: zonecfg refuses). */
  readonly force?: boolean;
}

/**
 * The complete zonecfg script that configures `config` from a blank template: `create -b`, the
 * global properties, the aliased rctls, every resource. One command per line, every free-text
 * value double-quoted. Throws `zmgr::input::*` (before building any text) when the configuration
 * does not validate (see validateZoneConfig).
 *
 * There is deliberately no `commit`: zonecfg reading a script from stdin goes on after an error,
 * so an explicit `commit` at the end would save whatever part of the script did work. Without
 * it, zonecfg commits at exit only when no error was seen (SPEC §1.1): all or nothing.
 */
export function buildCreateScript(config: ZoneConfig, options: CreateScriptOptions = {}): string {
  assertValid(validateZoneConfig(config));
  const lines: string[] = [options.force ? "create -F -b" : "create -b"];
  const rec = config as unknown as Rec;
  for (const g of globalOrder()) {
    if (g.field === "zonename") continue;
    const v = rec[g.field];
    if (v !== undefined && v !== "") lines.push(`set ${g.property}=${globalValue(g, v)}`);
  }
  for (const a of GLOBAL_RCTL_ALIASES) {
    const v = rec[a.field];
    if (v !== undefined) lines.push(`set ${a.property}=${a.bytes ? bytesToZonecfg(v as number) : bareToken(String(v))}`);
  }
  for (const rt of RESOURCE_TYPES) {
    for (const r of instances(rt, config)) lines.push(...addBlock(rt, r));
  }
  return lines.join("\n") + "\n";
}

/**
 * The zonecfg script that turns configuration `current` (as read from the host) into `target`,
 * or null when they are equal. Only what differs is touched, in this order: removed resources
 * (`remove <type> <identity>`), global properties (`set`, or `clear` when the target leaves them
 * unset; zonepath, brand, autoboot and ip-type are kept when the target leaves them out, since
 * zonecfg cannot clear them), changed resources (`select <type> <identity>`, `set`/`clear`, list
 * items removed and added, `end`; a changed security-flags, which zonecfg cannot select, is removed
 * and added), added resources. Removing first lets an rctl be replaced by its alias (and back)
 * without zonecfg's "incompatible rctl" error. Like the creation script it has no `commit`:
 * zonecfg commits at exit only when no command failed, so a failed update changes nothing.
 *
 * `target` is validated (throws `zmgr::input::*`), except for failures `current` has too (same
 * property, same value): an adopted zone may hold values stricter rules refuse, and keeping them
 * must not block other changes. Every value written is still checked when quoted.
 */
export function buildUpdateScript(current: ZoneConfig, target: ZoneConfig): string | null {
  const inherited = new Set(validateZoneConfig(current, { requireZonepath: false }).map(failureKey));
  assertValid(validateZoneConfig(target, { requireZonepath: false }).filter((f) => !inherited.has(failureKey(f))));
  const cur = current as unknown as Rec;
  const tgt = target as unknown as Rec;
  const removes: string[] = [];
  const globals: string[] = [];
  const selects: string[] = [];
  const adds: string[] = [];

  const keep = new Set(["zonepath", "brand", "autoboot", "ipType"]);
  if (target.zonename !== current.zonename) globals.push(`set zonename=${bareToken(target.zonename)}`);
  for (const g of globalOrder()) {
    if (g.field === "zonename") continue;
    const [a, b] = [blank(cur[g.field]), blank(tgt[g.field])];
    if (a === b) continue;
    if (b !== undefined) globals.push(`set ${g.property}=${globalValue(g, b)}`);
    else if (!keep.has(g.field)) globals.push(`clear ${g.property}`);
  }
  for (const a of GLOBAL_RCTL_ALIASES) {
    const [x, y] = [cur[a.field], tgt[a.field]];
    if (x === y) continue;
    if (y === undefined) globals.push(`clear ${a.property}`);
    else globals.push(`set ${a.property}=${a.bytes ? bytesToZonecfg(y as number) : bareToken(String(y))}`);
  }

  for (const rt of RESOURCE_TYPES) {
    const before = instances(rt, current);
    const after = instances(rt, target);
    if (!rt.many) {
      const [x, y] = [before[0], after[0]];
      if (x && !y) removes.push(`remove ${rt.type}`);
      else if (!x && y) adds.push(...addBlock(rt, y));
      else if (x && y && contentKey(x) !== contentKey(y)) {
        // zonecfg's grammar has `select` without qualifiers for the cpu and memory caps only.
        if (SELECTABLE_SINGLETONS.has(rt.type)) selects.push(`select ${rt.type}`, ...changeLines(rt, x, y), "end");
        else removes.push(`remove ${rt.type}`), adds.push(...addBlock(rt, y));
      }
      continue;
    }
    const afterByKey = new Map(after.map((r) => [identityKey(rt, r), r]));
    const beforeByKey = new Map(before.map((r) => [identityKey(rt, r), r]));
    for (const [key, x] of beforeByKey) {
      const y = afterByKey.get(key);
      if (!y) removes.push(`remove ${rt.type}${qualifiers(rt, x)}`);
      else if (contentKey(x) !== contentKey(y)) selects.push(`select ${rt.type}${qualifiers(rt, x)}`, ...changeLines(rt, x, y), "end");
    }
    for (const [key, y] of afterByKey) if (!beforeByKey.has(key)) adds.push(...addBlock(rt, y));
  }
  const body = [...removes, ...globals, ...selects, ...adds];
  return body.length ? body.join("\n") + "\n" : null;
}

function failureKey(f: InputFailure): string {
  return `${f.property}\u0000${f.reason}`;
}

/** The single resources zonecfg can `select` (security-flags is replaced instead). */
const SELECTABLE_SINGLETONS = new Set(["capped-memory", "capped-cpu", "dedicated-cpu"]);

/** Global properties in script order: brand and ip-type first, so later checks see them. */
function globalOrder(): ScalarProperty[] {
  const first = ["brand", "ipType", "zonepath", "autoboot"];
  return [...first.map((f) => GLOBAL_PROPERTIES.find((g) => g.field === f)!), ...GLOBAL_PROPERTIES.filter((g) => !first.includes(g.field))];
}

function globalValue(g: ScalarProperty, v: unknown): string {
  if (g.field === "autoboot") return v ? "true" : "false";
  if (g.field === "ipType") return bareToken(String(v));
  return quoteValue(String(v));
}

function blank(v: unknown): unknown {
  return v === "" ? undefined : v;
}

function instances(rt: ResourceType, config: ZoneConfig): Rec[] {
  const v = (config as unknown as Rec)[rt.field];
  if (v === undefined || v === null) return [];
  return (rt.many ? (v as Rec[]) : [v as Rec]).filter((r) => contentKey(r) !== undefined); // an all-empty object is no resource
}

function scalarValue(s: ScalarProperty, v: unknown): string {
  switch (s.kind) {
    case "bytes":
      return bytesToZonecfg(v as number);
    case "number":
    case "decimal":
      return bareToken(String(v));
    case "text":
      return quoteValue(String(v));
  }
}

function listItem(rt: ResourceType, item: unknown): string {
  if (!rt.list!.complex) return quoteValue(String(item));
  const r = item as Rec;
  if (rt.type === "rctl") return complexValue([["priv", String(r.priv), false], ["limit", String(r.limit), false], ["action", String(r.action), false]]);
  return complexValue([["name", String(r.name), false], ["value", String(r.value), true]]);
}

function listOf(rt: ResourceType, r: Rec): unknown[] {
  return rt.list ? ((r[rt.list.field] as unknown[] | undefined) ?? []) : [];
}

function addBlock(rt: ResourceType, r: Rec): string[] {
  const lines = [`add ${rt.type}`];
  for (const s of rt.scalars) {
    const v = r[s.field];
    if (v !== undefined && v !== "") lines.push(`set ${s.property}=${scalarValue(s, v)}`);
  }
  for (const item of listOf(rt, r)) lines.push(`add ${rt.list!.property} ${listItem(rt, item)}`);
  lines.push("end");
  return lines;
}

function qualifiers(rt: ResourceType, r: Rec): string {
  return identityOf(rt, r)
    .map(([prop, value]) => ` ${prop}=${quoteValue(value)}`)
    .join("");
}

/** Lines inside `select ... end` that turn resource `x` into `y`. */
function changeLines(rt: ResourceType, x: Rec, y: Rec): string[] {
  const lines: string[] = [];
  for (const s of rt.scalars) {
    const [a, b] = [blank(x[s.field]), blank(y[s.field])];
    if (a === b) continue;
    lines.push(b === undefined ? `clear ${s.property}` : `set ${s.property}=${scalarValue(s, b)}`);
  }
  if (rt.list) {
    const key = (item: unknown) => contentKey(item);
    const before = listOf(rt, x);
    const after = listOf(rt, y);
    const afterKeys = new Set(after.map(key));
    const beforeKeys = new Set(before.map(key));
    for (const item of before) if (!afterKeys.has(key(item))) lines.push(`remove ${rt.list.property} ${listItem(rt, item)}`);
    for (const item of after) if (!beforeKeys.has(key(item))) lines.push(`add ${rt.list.property} ${listItem(rt, item)}`);
  }
  return lines;
}
