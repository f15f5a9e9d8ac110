// The zonecfg resource types as data: model field, property names, identity, for scripts and parsers alike.

import type { NetResource, ZoneConfig } from "./zone-config";

/** How a scalar property is held in the model. */
export type ScalarKind = "text" | "number" | "bytes" | "decimal";

/** One scalar property of a resource: model field and zonecfg name. */
export interface ScalarProperty {
  /** The model field. */
  readonly field: string;
  /** The zonecfg property name. */
  readonly property: string;
  /** text: a string; number: an integer; bytes: an integer shown with units; decimal: capped-cpu ncpus. */
  readonly kind: ScalarKind;
}

/** A resource type. */
export interface ResourceType {
  /** The zonecfg resource type, e.g. `net`. */
  readonly type: string;
  /** The ZoneConfig field holding it. */
  readonly field: keyof ZoneConfig;
  /** True for list resources (fs, net, ...), false for the single ones (capped-memory, ...). */
  readonly many: boolean;
  /** Scalar properties in the order scripts set them. */
  readonly scalars: readonly ScalarProperty[];
  /** The list property, if any: fs `options` (simple values), net/device `property` and rctl `value` (complex values). */
  readonly list?: { readonly field: string; readonly property: string; readonly complex: boolean };
  /** The zonecfg properties that identify one instance (for select and remove). */
  readonly identity: readonly string[];
}

const t = (field: string, property = field, kind: ScalarKind = "text"): ScalarProperty => ({ field, property, kind });

/** Every resource type, in the order scripts add them. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    type: "fs",
    field: "fs",
    many: true,
    scalars: [t("dir"), t("special"), t("raw"), t("type")],
    list: { field: "options", property: "options", complex: false },
    identity: ["dir"],
  },
  {
    type: "net",
    field: "net",
    many: true,
    scalars: [
      t("address"),
      t("allowedAddress", "allowed-address"),
      t("defrouter"),
      t("globalNic", "global-nic"),
      t("macAddr", "mac-addr"),
      t("physical"),
      t("vlanId", "vlan-id", "number"),
    ],
    list: { field: "properties", property: "property", complex: true },
    identity: ["physical", "address", "allowed-address"],
  },
  { type: "device", field: "device", many: true, scalars: [t("match")], list: { field: "properties", property: "property", complex: true }, identity: ["match"] },
  { type: "dataset", field: "dataset", many: true, scalars: [t("name")], identity: ["name"] },
  { type: "attr", field: "attr", many: true, scalars: [t("name"), t("type"), t("value")], identity: ["name"] },
  {
    type: "capped-memory",
    field: "cappedMemory",
    many: false,
    scalars: [t("physical", "physical", "bytes"), t("swap", "swap", "bytes"), t("locked", "locked", "bytes")],
    identity: [],
  },
  { type: "capped-cpu", field: "cappedCpu", many: false, scalars: [t("ncpus", "ncpus", "decimal")], identity: [] },
  { type: "dedicated-cpu", field: "dedicatedCpu", many: false, scalars: [t("ncpus"), t("importance", "importance", "number")], identity: [] },
  { type: "rctl", field: "rctl", many: true, scalars: [t("name")], list: { field: "values", property: "value", complex: true }, identity: ["name"] },
  { type: "admin", field: "admin", many: true, scalars: [t("user"), t("auths")], identity: ["user"] },
  { type: "security-flags", field: "securityFlags", many: false, scalars: [t("default"), t("lower"), t("upper")], identity: [] },
];

/** The resource type named `type`, or undefined. */
export function resourceType(type: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.type === type);
}

/** The global (zone-level) text properties: model field and zonecfg name, in `info` order. */
export const GLOBAL_PROPERTIES: readonly ScalarProperty[] = [
  t("zonename"),
  t("zonepath"),
  t("brand"),
  t("autoboot"),
  t("bootargs"),
  t("pool"),
  t("limitpriv"),
  t("schedulingClass", "scheduling-class"),
  t("ipType", "ip-type"),
  t("hostid"),
  t("fsAllowed", "fs-allowed"),
];

/** The identity of one instance of a list resource, as `[zonecfg property, value]` pairs (unset ones left out). */
export function identityOf(rt: ResourceType, resource: Readonly<Record<string, unknown>>): [string, string][] {
  const out: [string, string][] = [];
  for (const prop of rt.identity) {
    const s = rt.scalars.find((x) => x.property === prop)!;
    const v = resource[s.field];
    if (v !== undefined && v !== "") out.push([prop, String(v)]);
  }
  return out;
}

/** The identity key of a resource: equal keys mean zonecfg sees the same instance. */
export function identityKey(rt: ResourceType, resource: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(rt.identity.map((prop) => resource[rt.scalars.find((x) => x.property === prop)!.field] ?? ""));
}

/** The identity key of a net resource (physical, address, allowed-address). */
export function netKey(net: NetResource): string {
  return identityKey(resourceType("net")!, net as unknown as Record<string, unknown>);
}
