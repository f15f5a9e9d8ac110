#!/usr/bin/env bash
# The quickstart demo: `pulumi up` of examples/quickstart (the root Pulumi.yaml) with the real Pulumi CLI, against a
# simulated illumos host (test/sim) reached over a real OpenSSH sshd on loopback; then a no-change preview and destroy.
# Everything lives under .demo/ (state, Pulumi home, the simulated host) and is removed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

. scripts/env.sh
[ -x /usr/sbin/sshd ] || { echo "demo: /usr/sbin/sshd is missing: install openssh-server (apt-get install openssh-server)" >&2; exit 1; }
[ -d node_modules/@pulumi/pulumi ] || npm ci --no-fund --no-audit
bin=$(bash scripts/pulumi-bin.sh)
export PATH="$bin:$PATH"

demo="$root/.demo"
rm -rf "$demo" && mkdir -p "$demo/state" "$demo/home" "$demo/host"
host_pid=
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  rm -rf "$demo" "$root/node_modules/pulumi-zmgr" "$root/Pulumi.demo.yaml"
}
trap cleanup EXIT

echo "==> building and installing pulumi-zmgr as a user gets it (npm pack into node_modules/pulumi-zmgr)"
npm run --silent build
pack=$(cd "$demo" && npm pack --silent --ignore-scripts "$root" | tail -1)
rm -rf node_modules/pulumi-zmgr && mkdir -p node_modules/pulumi-zmgr
tar -xzf "$demo/$pack" -C node_modules/pulumi-zmgr --strip-components=1

echo "==> starting a simulated illumos host behind sshd on 127.0.0.1"
npx --no-install tsc --outDir "$demo/tools" --rootDir . --module nodenext --moduleResolution nodenext --target ES2022 \
  --strict --esModuleInterop --skipLibCheck --types node scripts/demo-host.ts
node "$demo/tools/scripts/demo-host.js" "$demo/host" &
host_pid=$!
for _ in $(seq 1 100); do [ -f "$demo/host/ready" ] && break; sleep 0.1; done
[ -f "$demo/host/ready" ] || { echo "demo: the simulated host did not start" >&2; exit 1; }
h() { node -p "require('$demo/host/host.json').$1"; }

export PULUMI_BACKEND_URL="file://$demo/state" PULUMI_HOME="$demo/home" PULUMI_CONFIG_PASSPHRASE="demo"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
pulumi stack init demo --non-interactive >/dev/null
pulumi config set zmgr:host "$(h host)" --non-interactive
pulumi config set zmgr:port "$(h port)" --non-interactive
pulumi config set zmgr:user "$(h user)" --non-interactive
pulumi config set zmgr:hostKey "$(h hostKey)" --non-interactive
pulumi config set --secret zmgr:privateKey --non-interactive < "$(h keyPath)"
pulumi config set zmgr:registryRoot "$(h registryRoot)" --non-interactive
pulumi config set zonesDir "$(h zonesDir)" --non-interactive

sim() { ILLUMOS_SIM_ROOT="$(h simRoot)" ILLUMOS_SIM_NODE="$(command -v node)" "$root/test/sim/bin/$@"; }

echo "==> pulumi up"
pulumi up --yes --non-interactive
echo
echo "==> the host now:"
sim zoneadm list -cv
echo
sim dladm show-vnic
echo
echo "--- $(h registryRoot)/zones/web.kdl"
cat "$(h registryRoot)/zones/web.kdl"
echo
echo "==> pulumi preview --expect-no-changes"
pulumi preview --expect-no-changes --non-interactive >/dev/null && echo "no changes"
echo
echo "==> pulumi destroy"
pulumi destroy --yes --non-interactive
echo
echo "==> the host after destroy:"
sim zoneadm list -cv
echo
echo "demo: done. The same program runs against a real OmniOS/OpenIndiana host: see README.md (Use it on a real host)."
