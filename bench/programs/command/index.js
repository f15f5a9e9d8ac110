// Benchmark baseline: what a careful user writes without pulumi-zmgr. One remote.Command sets up the address pool
// (a directory of claimed addresses), one per zone creates it (address, VNIC, zonecfg, install, boot; undone on
// failure) and deletes it. Same pool, template settings and zone names as the zmgr program. Plain JavaScript.
"use strict";
const pulumi = require("@pulumi/pulumi");
const command = require("@pulumi/command");

const config = new pulumi.Config();
const count = config.requireNumber("zones");
const zonesDir = config.require("zonesDir");
const poolDir = config.require("poolDir");
const connection = {
  host: config.require("host"),
  port: config.requireNumber("port"),
  user: config.require("user"),
  privateKey: config.requireSecret("privateKey"),
};

// The pool: 10.0.0.0/16, gateway 10.0.0.1, addresses from 10.0.1.0 on. A claimed address is a file named after it,
// created with noclobber (atomic), holding the zone name; `by-zone/<zone>` holds the zone's address for delete.
const pool = new command.remote.Command("lan", {
  connection,
  create: `set -eu; mkdir -p '${poolDir}/by-zone'`,
  delete: `rmdir '${poolDir}/by-zone' '${poolDir}'`,
});

const create = `set -eu
z=$1 vnic=$2 pool=$3 zonepath=$4
if zoneadm -z "$z" list >/dev/null 2>&1; then echo "zone $z already exists" >&2; exit 1; fi
ip= vnic_made= cfg_made= installed=
undo() {
  [ -z "$installed" ] || zoneadm -z "$z" uninstall -F
  [ -z "$cfg_made" ] || zonecfg -z "$z" delete -F
  [ -z "$vnic_made" ] || dladm delete-vnic "$vnic"
  [ -z "$ip" ] || rm -f "$pool/$ip" "$pool/by-zone/$z"
}
trap 'rc=$?; if [ $rc -ne 0 ]; then undo >/dev/null 2>&1 || true; fi; exit $rc' EXIT
set -C
i=256
while [ $i -lt 65535 ]; do
  a="10.0.$((i / 256)).$((i % 256))"
  if { echo "$z" > "$pool/$a"; } 2>/dev/null; then ip=$a; break; fi
  i=$((i + 1))
done
set +C
[ -n "$ip" ] || { echo "pool exhausted" >&2; exit 1; }
echo "$ip" > "$pool/by-zone/$z"
dladm create-vnic -l zstub0 "$vnic"; vnic_made=1
zonecfg -z "$z" -f - <<CFG
create -b
set zonepath=$zonepath
set brand=lipkg
set autoboot=true
set ip-type=exclusive
add net
set physical=$vnic
set allowed-address=$ip/16
set defrouter=10.0.0.1
end
verify
commit
CFG
cfg_made=1
installed=1; zoneadm -z "$z" install
zoneadm -z "$z" boot
echo "$ip"
`;

const destroy = `set -u
z=$1 vnic=$2 pool=$3
state=$(zoneadm -z "$z" list -p 2>/dev/null | cut -d: -f3)
case $state in running|ready) zoneadm -z "$z" halt || exit 1 ;; esac
case $state in ""|configured) ;; *) zoneadm -z "$z" uninstall -F || exit 1 ;; esac
[ -z "$state" ] || zonecfg -z "$z" delete -F || exit 1
dladm delete-vnic "$vnic" 2>/dev/null
if read -r ip < "$pool/by-zone/$z"; then rm -f "$pool/$ip" "$pool/by-zone/$z"; fi
exit 0
`;

/** The script with its arguments, as one command line for the remote login shell. */
const run = (script, ...args) => `sh -c '${script.replace(/'/g, `'\\''`)}' sh ${args.map((a) => `'${a}'`).join(" ")}`;

const zones = Array.from({ length: count }, (_, i) => {
  const name = `web${i}`;
  const vnic = `${name}0`;
  return new command.remote.Command(
    name,
    { connection, create: run(create, name, vnic, poolDir, `${zonesDir}/${name}`), delete: run(destroy, name, vnic, poolDir) },
    { dependsOn: [pool] },
  );
});

exports.addresses = zones.map((z) => z.stdout);
