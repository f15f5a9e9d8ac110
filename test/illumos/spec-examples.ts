// The exact example texts of SPEC.md §1.5 (info) and §1.6 (export), and the model they describe.

import type { ZoneConfig } from "../../provider/illumos/zone-config";
import { tabs } from "./fake-host";

/** SPEC §1.5 example, verbatim (tabs written as \t in the spec). */
export const SPEC_INFO = tabs(`zonename: web
zonepath: /zones/web
brand: lipkg
autoboot: true
bootargs: 
pool: 
limitpriv: default
scheduling-class: 
ip-type: exclusive
hostid: 
fs-allowed: 
[cpu-shares: 10]
fs:
\\tdir: /data
\\tspecial: /tank/data
\\traw not specified
\\ttype: lofs
\\toptions: [ro,nodevices]
net:
\\taddress not specified
\\tallowed-address: 10.0.0.10/24
\\tdefrouter: 10.0.0.1
\\tglobal-nic: igb0
\\tmac-addr not specified
\\tphysical: web0
\\tvlan-id not specified
capped-memory:
\\t[physical: 1G]
attr:
\\tname: resolvers
\\ttype: string
\\tvalue: 1.1.1.1,9.9.9.9
dataset:
\\tname: rpool/zones/web/data
rctl:
\\tname: zone.cpu-shares
\\tvalue: (priv=privileged,limit=10,action=none)
rctl:
\\tname: zone.max-physical-memory
\\tvalue: (priv=privileged,limit=1073741824,action=deny)
`);

/** SPEC §1.6 example, verbatim. */
export const SPEC_EXPORT = `create -b
set zonepath=/zones/web
set brand=lipkg
set autoboot=true
set limitpriv=default
set ip-type=exclusive
add fs
set dir="/data"
set special="/tank/data"
set type="lofs"
add options ro
add options nodevices
end
add net
set allowed-address="10.0.0.10/24"
set physical="web0"
set global-nic="igb0"
set defrouter="10.0.0.1"
end
add rctl
set name="zone.cpu-shares"
add value (priv=privileged,limit=10,action=none)
end
add attr
set name="resolvers"
set type="string"
set value="1.1.1.1,9.9.9.9"
end
add dataset
set name="rpool/zones/web/data"
end
`;

/** The model of the SPEC examples' zone (the export example has no capped-memory). */
export const SPEC_WEB: ZoneConfig = {
  zonename: "web",
  zonepath: "/zones/web",
  brand: "lipkg",
  autoboot: true,
  limitpriv: "default",
  ipType: "exclusive",
  cpuShares: 10,
  fs: [{ dir: "/data", special: "/tank/data", type: "lofs", options: ["ro", "nodevices"] }],
  net: [{ allowedAddress: "10.0.0.10/24", defrouter: "10.0.0.1", globalNic: "igb0", physical: "web0" }],
  attr: [{ name: "resolvers", type: "string", value: "1.1.1.1,9.9.9.9" }],
  dataset: [{ name: "rpool/zones/web/data" }],
  cappedMemory: { physical: 1073741824 },
};

