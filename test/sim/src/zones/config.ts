// The zone configuration model (what illumos keeps in /etc/zones/<zone>.xml), stored as JSON.

/** An `fs` resource. */
export interface FsRes { dir: string; special: string; raw: string; type: string; options: string[] }
/** A `property (name=..,value=..)` of a net or device resource. */
export interface ResProp { name: string; value: string }
/** A `net` resource (OmniOS adds global-nic, mac-addr, vlan-id and properties). */
export interface NetRes {
  address: string;
  allowedAddress: string;
  physical: string;
  defrouter: string;
  mac: string;
  vlanId: string;
  gnic: string;
  props: ResProp[];
}
/** A `device` resource. */
export interface DevRes { match: string; props: ResProp[] }
/** One rctl value `(priv=..,limit=..,action=..)`. */
export interface RctlVal { priv: string; limit: string; action: string }
/** An `rctl` resource. */
export interface RctlRes { name: string; values: RctlVal[] }
/** An `attr` resource. */
export interface AttrRes { name: string; type: string; value: string }
/** A `dataset` resource (name only on illumos). */
export interface DatasetRes { name: string }
/** The `dedicated-cpu` resource (pset + tmp_pool importance). */
export interface PsetRes { ncpuMin: string; ncpuMax: string; importance: string }
/** An `admin` resource. */
export interface AdminRes { user: string; auths: string }
/** The `security-flags` resource. */
export interface SecflagsRes { default: string; lower: string; upper: string }

/** IP type of a zone. */
export type IpType = "shared" | "exclusive";

/** A whole zone configuration. Resource arrays keep document order per resource type. */
export interface ZoneConfig {
  name: string;
  zonepath: string;
  brand: string;
  autoboot: boolean;
  ipType: IpType;
  bootargs: string;
  pool: string;
  limitpriv: string;
  schedulingClass: string;
  hostid: string;
  fsAllowed: string;
  /** The debug id (`did`), assigned at the first commit; null until then. */
  debugid: number | null;
  fs: FsRes[];
  net: NetRes[];
  device: DevRes[];
  rctl: RctlRes[];
  attr: AttrRes[];
  dataset: DatasetRes[];
  pset: PsetRes | null;
  admin: AdminRes[];
  secflags: SecflagsRes | null;
}

/** A configuration with every property empty. */
export function blankConfig(name: string, brand: string, ipType: IpType): ZoneConfig {
  return {
    name,
    zonepath: "",
    brand,
    autoboot: false,
    ipType,
    bootargs: "",
    pool: "",
    limitpriv: "",
    schedulingClass: "",
    hostid: "",
    fsAllowed: "",
    debugid: null,
    fs: [],
    net: [],
    device: [],
    rctl: [],
    attr: [],
    dataset: [],
    pset: null,
    admin: [],
    secflags: null,
  };
}

/** A deep copy of a configuration. */
export function cloneConfig(c: ZoneConfig): ZoneConfig {
  return structuredClone(c);
}

/** An empty net resource. */
export function emptyNet(): NetRes {
  return { address: "", allowedAddress: "", physical: "", defrouter: "", mac: "", vlanId: "", gnic: "", props: [] };
}

/** Brands installed on the simulated host (zonecfg accepts any string; verify needs one of these). */
export const KNOWN_BRANDS: readonly string[] = ["ipkg", "lipkg", "sparse", "pkgsrc", "bhyve", "kvm", "lx", "illumos", "emu"];

/** Brands whose install is the IPS transcript of SPEC 2.5. */
export const IPKG_BRANDS: readonly string[] = ["ipkg", "lipkg", "sparse", "pkgsrc"];

/**
 * Configuration templates in /etc/zones (OmniOS): SUNWdefault and SUNWblank are lipkg,
 * exclusive-IP, autoboot false; `create -t <x>` uses OMNI<x> (one per brand, same defaults).
 * The value is the template document, whose `name` attribute differs from the file name.
 */
export function templateConfig(template: string): ZoneConfig | undefined {
  if (template === "SUNWdefault") return blankConfig("default", "lipkg", "exclusive");
  if (template === "SUNWblank") return blankConfig("blank", "lipkg", "exclusive");
  if (template.startsWith("OMNI")) {
    const brand = template.slice(4);
    if (KNOWN_BRANDS.includes(brand)) return blankConfig(brand, brand, "exclusive");
  }
  return undefined;
}
