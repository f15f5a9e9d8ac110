// The schema of each registry file kind: which KDL node holds which model field, and the checks on values.

import { ZmgrError } from "../errors";
import { parseInterface } from "../ipam/address";
import { planPool, type PoolDefinition } from "../ipam/pool-plan";
import type { FieldSpec, KindSpec } from "./codec";
import type { KdlPrimitive } from "./kdl-edit";
import type { RegistryKind } from "./paths";

/** One string argument, at most once: `brand "ipkg"`. */
function text(key: string, node: string, required = false): FieldSpec {
  return {
    key,
    node,
    repeat: false,
    required,
    arity: [1, 1],
    type: "string",
    form: `${node} "VALUE"`,
    toArgs: (v) => (v === undefined ? [] : [[v as KdlPrimitive]]),
    fromArgs: (lists) => lists[0]?.[0],
  };
}

/** One boolean argument, at most once: `autoboot #true`. */
function flag(key: string, node: string): FieldSpec {
  return {
    key,
    node,
    repeat: false,
    required: false,
    arity: [1, 1],
    type: "boolean",
    form: `${node} #true`,
    toArgs: (v) => (v === undefined ? [] : [[v as KdlPrimitive]]),
    fromArgs: (lists) => lists[0]?.[0],
  };
}

function list(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A repeated node with one string argument each: `publisher "a"`, `publisher "b"`. */
function texts(key: string, node: string, required = false): FieldSpec {
  return {
    key,
    node,
    repeat: true,
    required,
    arity: [1, 1],
    type: "string",
    form: `${node} "VALUE" (one node per value)`,
    toArgs: (v) => list(v).map((x) => [x as KdlPrimitive]),
    fromArgs: (lists) => lists.map((l) => l[0]),
  };
}

const RANGE: FieldSpec = {
  key: "ranges",
  node: "range",
  repeat: true,
  required: false,
  arity: [2, 2],
  type: "string",
  form: 'range "START" "END"',
  toArgs: (v) => list(v).map((r) => [(r as { start?: unknown })?.start as KdlPrimitive, (r as { end?: unknown })?.end as KdlPrimitive]),
  fromArgs: (lists) => lists.map((l) => ({ start: l[0], end: l[1] })),
};

const EXCLUDE: FieldSpec = {
  key: "excludes",
  node: "exclude",
  repeat: true,
  required: false,
  arity: [1, 2],
  type: "string",
  form: 'exclude "ADDRESS", exclude "NETWORK/PREFIX" or exclude "START" "END"',
  toArgs: (v) =>
    list(v).map((x) => {
      const e = x as { from?: unknown; to?: unknown };
      return (e?.to === undefined ? [e?.from] : [e.from, e.to]) as KdlPrimitive[];
    }),
  fromArgs: (lists) => lists.map((l) => (l.length === 2 ? { from: l[0], to: l[1] } : { from: l[0] })),
};

/** config.kdl: top-level `default-template`. */
const CONFIG: KindSpec = { kind: "config", top: undefined, fields: [text("defaultTemplate", "default-template")] };

/** pools/NAME.kdl. */
const POOL: KindSpec = {
  kind: "pool",
  top: "pool",
  fields: [texts("networks", "network", true), texts("gateways", "gateway"), text("stub", "stub", true), RANGE, EXCLUDE],
  check: (m) => void planPool(m as unknown as PoolDefinition),
};

const IP_TYPES = ["exclusive", "shared"];

/** templates/NAME.kdl. */
const TEMPLATE: KindSpec = {
  kind: "template",
  top: "template",
  fields: [
    text("brand", "brand", true),
    flag("autoboot", "autoboot"),
    text("pool", "pool"),
    text("ipType", "ip-type"),
    text("zonepathPrefix", "zonepath-prefix"),
    texts("publishers", "publisher"),
  ],
  check: (m) => {
    if (m.ipType !== undefined && !IP_TYPES.includes(m.ipType as string)) {
      throw new ZmgrError("zmgr::registry::schema", `ip-type must be "exclusive" or "shared", not ${JSON.stringify(m.ipType)}`, {
        help: 'write ip-type "exclusive" (a VNIC per zone) or ip-type "shared"',
        details: { field: "ip-type", index: 0 },
      });
    }
  },
};

/** zones/NAME.kdl. */
const ZONE: KindSpec = {
  kind: "zone",
  top: "zone",
  fields: [text("template", "template"), text("brand", "brand"), text("zonepath", "zonepath"), text("pool", "pool"), texts("addresses", "address"), text("vnic", "vnic")],
  check: (m) => {
    ((m.addresses as string[] | undefined) ?? []).forEach((a, index) => {
      try {
        parseInterface(a, "address");
      } catch (err) {
        if (!ZmgrError.isInstance(err)) throw err;
        throw new ZmgrError(err.code, err.message, { help: err.help, details: { ...err.details, field: "address", index } });
      }
    });
  },
};

/** publishers/NAME.kdl. */
const PUBLISHER: KindSpec = {
  kind: "publisher",
  top: "publisher",
  fields: [texts("origins", "origin", true), texts("mirrors", "mirror")],
};

/** The schema of every kind. */
export const SCHEMAS: Readonly<Record<RegistryKind, KindSpec>> = { config: CONFIG, pool: POOL, template: TEMPLATE, zone: ZONE, publisher: PUBLISHER };
