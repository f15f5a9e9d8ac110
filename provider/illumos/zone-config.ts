// The typed model of one zone's zonecfg configuration, its canonical form and equality.

/** `shared`: the zone uses the global zone's IP stack; `exclusive`: it has its own. */
export type IpType = "shared" | "exclusive";

/**
 * A whole zone configuration as zonecfg holds it. Property names are camelCase forms of the
 * zonecfg names (given in each doc). Optional fields that are absent mean "not set"; an empty
 * string means the same and is dropped by {@link canonicalZoneConfig}. Parsers always fill
 * `brand`, `autoboot` and `ipType` (zonecfg always reports them).
 */
export interface ZoneConfig {
  /** `zonename`: the zone's name (see `checkZoneName`). */
  readonly zonename: string;
  /** `zonepath`: absolute path of the zone's root directory parent, e.g. `/zones/web`. Required to commit. */
  readonly zonepath?: string;
  /** `brand`: `lipkg`, `ipkg`, `sparse`, `pkgsrc`, ... (set by the template when absent). */
  readonly brand?: string;
  /** `autoboot`: boot the zone when the global zone boots. */
  readonly autoboot?: boolean;
  /** `bootargs`: arguments given to the zone's init at boot, e.g. `-m verbose`. */
  readonly bootargs?: string;
  /** `pool`: the resource pool (poolcfg) the zone is bound to. */
  readonly pool?: string;
  /** `limitpriv`: the privilege limit set, e.g. `default,dtrace_proc`. */
  readonly limitpriv?: string;
  /** `scheduling-class`: the default scheduler, e.g. `FSS`. */
  readonly schedulingClass?: string;
  /** `ip-type`: shared or exclusive IP stack. */
  readonly ipType?: IpType;
  /** `hostid`: the zone's emulated hostid, hex. */
  readonly hostid?: string;
  /** `fs-allowed`: extra file system types the zone may mount, comma-separated, e.g. `ufs,pcfs`. */
  readonly fsAllowed?: string;
  /** `cpu-shares` (rctl zone.cpu-shares, action none): FSS shares. */
  readonly cpuShares?: number;
  /** `max-lwps` (rctl zone.max-lwps, deny): at least 100. */
  readonly maxLwps?: number;
  /** `max-processes` (rctl zone.max-processes, deny): at least 100. */
  readonly maxProcesses?: number;
  /** `max-shm-memory` (rctl zone.max-shm-memory, deny): bytes. */
  readonly maxShmMemory?: number;
  /** `max-shm-ids` (rctl zone.max-shm-ids, deny). */
  readonly maxShmIds?: number;
  /** `max-msg-ids` (rctl zone.max-msg-ids, deny). */
  readonly maxMsgIds?: number;
  /** `max-sem-ids` (rctl zone.max-sem-ids, deny). */
  readonly maxSemIds?: number;
  /** `zfs-io-priority` (rctl zone.zfs-io-priority, action none): 1 to 1024. */
  readonly zfsIoPriority?: number;
  /** `fs` resources: file systems mounted into the zone. */
  readonly fs?: readonly FsResource[];
  /** `net` resources: network interfaces. */
  readonly net?: readonly NetResource[];
  /** `device` resources: device nodes made visible in the zone. */
  readonly device?: readonly DeviceResource[];
  /** `dataset` resources: ZFS datasets delegated to the zone. */
  readonly dataset?: readonly DatasetResource[];
  /** `attr` resources: generic name/type/value attributes (e.g. `resolvers`, `dns-domain` on OmniOS). */
  readonly attr?: readonly AttrResource[];
  /** `capped-memory`: memory caps in bytes (stored as rctls zone.max-physical-memory, zone.max-swap, zone.max-locked-memory). */
  readonly cappedMemory?: CappedMemory;
  /** `capped-cpu`: a CPU cap (stored as rctl zone.cpu-cap = ncpus * 100). */
  readonly cappedCpu?: CappedCpu;
  /** `dedicated-cpu`: CPUs reserved for the zone through a temporary pool. */
  readonly dedicatedCpu?: DedicatedCpu;
  /**
   * `rctl` resources other than the aliased ones: an rctl whose name belongs to an alias
   * (`zone.cpu-shares`, `zone.max-physical-memory`, ...) appears here only when its values do not
   * fit the alias (more than one value, another priv or action); otherwise it is the alias field.
   */
  readonly rctl?: readonly RctlResource[];
  /** `admin` resources: users allowed to administer the zone. */
  readonly admin?: readonly AdminResource[];
  /** `security-flags`: process security flags (ASLR, FORBIDNULLMAP, NOEXECSTACK). */
  readonly securityFlags?: SecurityFlags;
}

/** An `fs` resource. Its identity in zonecfg is `dir`. */
export interface FsResource {
  /** `dir`: the mount point inside the zone, absolute. */
  readonly dir: string;
  /** `special`: what is mounted (a global-zone path for lofs, a device, a dataset). */
  readonly special: string;
  /** `raw`: the raw device fsck uses, if any (absolute). */
  readonly raw?: string;
  /** `type`: the file system type, e.g. `lofs`, `zfs`, `tmpfs`. */
  readonly type: string;
  /** `options`: mount options, e.g. `["ro", "nodevices"]`. Compared as a set. */
  readonly options?: readonly string[];
}

/** A `name`/`value` pair of a net or device resource (`property (name=..,value="..")`). */
export interface ResourceProperty {
  /** The property name, e.g. `mtu`. */
  readonly name: string;
  /** The property value. */
  readonly value: string;
}

/** A `net` resource. Its identity in zonecfg is `physical` plus `address`/`allowed-address`. */
export interface NetResource {
  /** `address`: shared-IP only: the zone's address, `ip[/prefix]` or a host name. */
  readonly address?: string;
  /** `allowed-address`: exclusive-IP only: the address the zone may use, `ip/prefix`. */
  readonly allowedAddress?: string;
  /** `defrouter`: the default router. */
  readonly defrouter?: string;
  /** `global-nic` (OmniOS): the global link the VNIC is created over at boot, or `auto`. */
  readonly globalNic?: string;
  /** `mac-addr` (OmniOS): the VNIC's MAC address. */
  readonly macAddr?: string;
  /** `physical`: the link (a VNIC for exclusive IP, a global-zone link for shared IP). */
  readonly physical: string;
  /** `vlan-id` (OmniOS): the VLAN of an on-demand VNIC, 1 to 4094. */
  readonly vlanId?: number;
  /** `property`: link properties (OmniOS). Compared as a set. */
  readonly properties?: readonly ResourceProperty[];
}

/** A `device` resource. Its identity is `match`. */
export interface DeviceResource {
  /** `match`: a device path pattern, e.g. `/dev/zvol/rdsk/rpool/vol1`. */
  readonly match: string;
  /** `property`: device properties. Compared as a set. */
  readonly properties?: readonly ResourceProperty[];
}

/** A `dataset` resource: a ZFS dataset delegated to the zone. Its identity is `name`. */
export interface DatasetResource {
  /** `name`: the dataset, e.g. `rpool/zones/web/data`. */
  readonly name: string;
}

/** The type of an `attr` value. */
export type AttrType = "boolean" | "int" | "string" | "uint";

/** An `attr` resource. Its identity is `name`. */
export interface AttrResource {
  /** `name`: letters, digits, `-` and `.`, starting with a letter or digit. */
  readonly name: string;
  /** `type`: how `value` is interpreted. */
  readonly type: AttrType;
  /** `value`: `true`/`false` for boolean, decimal for int/uint, free text for string. */
  readonly value: string;
}

/** `capped-memory`: at least one field. Bytes. */
export interface CappedMemory {
  /** `physical`: resident memory cap (at least 1 MiB). */
  readonly physical?: number;
  /** `swap`: swap (virtual memory) cap (at least 50 MiB). */
  readonly swap?: number;
  /** `locked`: locked memory cap (at most `physical`). */
  readonly locked?: number;
}

/** `capped-cpu`. */
export interface CappedCpu {
  /** `ncpus`: CPUs' worth of time, in hundredths (1.5 = one and a half CPUs). */
  readonly ncpus: number;
}

/** `dedicated-cpu`. */
export interface DedicatedCpu {
  /** `ncpus`: a count `N` or a range `N-M`. */
  readonly ncpus: string;
  /** `importance`: the pool importance. */
  readonly importance?: number;
}

/** One value of an rctl: `(priv=..,limit=..,action=..)`. */
export interface RctlValue {
  /** `priv`: always `privileged` (zonecfg refuses `basic` and `system` for zone rctls). */
  readonly priv: string;
  /** `limit`: the threshold. */
  readonly limit: number;
  /** `action`: `deny` or `none` (a parsed configuration may hold another action such as `signal=SIGTERM`). */
  readonly action: string;
}

/** An `rctl` resource. Its identity is `name`. */
export interface RctlResource {
  /** `name`: a zone rctl, `zone.<name>`, e.g. `zone.max-lofi`. */
  readonly name: string;
  /** `value`s, at least one. Compared as a set. */
  readonly values: readonly RctlValue[];
}

/** An `admin` resource. Its identity is `user`. */
export interface AdminResource {
  /** `user`: a global-zone user name. */
  readonly user: string;
  /** `auths`: comma-separated: login, manage, clonefrom. */
  readonly auths: string;
}

/** `security-flags`: each a comma-separated flag list, e.g. `ASLR,FORBIDNULLMAP`. */
export interface SecurityFlags {
  /** `default`: flags processes start with. */
  readonly default?: string;
  /** `lower`: flags that can never be turned off. */
  readonly lower?: string;
  /** `upper`: flags that may ever be turned on. */
  readonly upper?: string;
}

/** One alias of a zone-wide rctl (libzonecfg `aliases[]`). */
export interface RctlAlias {
  /** The model field of {@link ZoneConfig} or {@link CappedMemory}. */
  readonly field: string;
  /** The zonecfg property name (`cpu-shares`, `physical`, ...). */
  readonly property: string;
  /** The rctl it is stored as. */
  readonly rctl: string;
  /** The action of its single value (priv is always `privileged`). */
  readonly action: "deny" | "none";
  /** The smallest value zonecfg accepts. */
  readonly min: number;
  /** True when the value is bytes (shown with K/M/G/T units). */
  readonly bytes: boolean;
}

/** The global aliased rctls, in `info` order. */
export const GLOBAL_RCTL_ALIASES: readonly RctlAlias[] = [
  { field: "maxLwps", property: "max-lwps", rctl: "zone.max-lwps", action: "deny", min: 100, bytes: false },
  { field: "maxProcesses", property: "max-processes", rctl: "zone.max-processes", action: "deny", min: 100, bytes: false },
  { field: "maxShmMemory", property: "max-shm-memory", rctl: "zone.max-shm-memory", action: "deny", min: 0, bytes: true },
  { field: "maxShmIds", property: "max-shm-ids", rctl: "zone.max-shm-ids", action: "deny", min: 0, bytes: false },
  { field: "maxMsgIds", property: "max-msg-ids", rctl: "zone.max-msg-ids", action: "deny", min: 0, bytes: false },
  { field: "maxSemIds", property: "max-sem-ids", rctl: "zone.max-sem-ids", action: "deny", min: 0, bytes: false },
  { field: "cpuShares", property: "cpu-shares", rctl: "zone.cpu-shares", action: "none", min: 0, bytes: false },
  { field: "zfsIoPriority", property: "zfs-io-priority", rctl: "zone.zfs-io-priority", action: "none", min: 1, bytes: false },
];

/** The capped-memory properties and their rctls. */
export const MEMORY_RCTL_ALIASES: readonly RctlAlias[] = [
  { field: "physical", property: "physical", rctl: "zone.max-physical-memory", action: "deny", min: 1024 * 1024, bytes: true },
  { field: "swap", property: "swap", rctl: "zone.max-swap", action: "deny", min: 50 * 1024 * 1024, bytes: true },
  { field: "locked", property: "locked", rctl: "zone.max-locked-memory", action: "deny", min: 0, bytes: true },
];

/** The rctl behind capped-cpu (limit = ncpus * 100). */
export const CPU_CAP_RCTL = "zone.cpu-cap";

/** Every rctl name that has an alias in zonecfg. */
export const ALIASED_RCTLS: ReadonlySet<string> = new Set([...GLOBAL_RCTL_ALIASES, ...MEMORY_RCTL_ALIASES].map((a) => a.rctl).concat(CPU_CAP_RCTL));

/** The alias form of an rctl's values: one value, priv=privileged, the alias's action; its limit, else undefined. */
export function aliasLimit(rctl: RctlResource): number | undefined {
  const action = rctl.name === CPU_CAP_RCTL ? "deny" : [...GLOBAL_RCTL_ALIASES, ...MEMORY_RCTL_ALIASES].find((a) => a.rctl === rctl.name)?.action;
  if (action === undefined || rctl.values.length !== 1) return undefined;
  const v = rctl.values[0]!;
  return v.priv === "privileged" && v.action === action ? v.limit : undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The canonical form of a configuration: empty strings, empty lists, empty objects and undefined
 * fields dropped; nothing reordered. Two configurations that zonecfg would store the same way
 * have equal canonical forms up to resource order (see {@link zoneConfigsEqual}).
 */
export function canonicalZoneConfig(config: ZoneConfig): ZoneConfig {
  const out = prune(config) as Mutable<ZoneConfig>;
  out.zonename = config.zonename;
  return out;
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (value === "" || value === null) return undefined;
  return value;
}

/**
 * A stable text key of a value with set-like lists sorted: two resources with the same
 * content (options, properties and rctl values in any order) get the same key.
 */
export function contentKey(value: unknown): string {
  return JSON.stringify(sortDeep(prune(value)));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep).map((v) => JSON.stringify(v)).sort().map((s) => JSON.parse(s) as unknown);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortDeep((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** True when both configurations hold the same settings (resource order and list order ignored). */
export function zoneConfigsEqual(a: ZoneConfig, b: ZoneConfig): boolean {
  return contentKey(a) === contentKey(b);
}
