#!/usr/bin/env bash
# Installs this package into DIR/node_modules/pulumi-zmgr the way users get it (built, `npm pack`-ed,
# extracted: a real directory, not a symlink), and links DIR/node_modules/<dep> to this repo's
# node_modules for everything else (@pulumi/pulumi and our dependencies), so no download happens.
# Usage: scripts/pack-install.sh DIR [TARBALL]   (TARBALL: an existing `npm pack` output to reuse)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:?usage: pack-install.sh DIR [TARBALL]}
tarball=${2:-}
if [ -z "$tarball" ]; then
  packs=$(mktemp -d)
  trap 'rm -rf "$packs"' EXIT
  (cd "$here" && npm pack --silent --pack-destination "$packs" >/dev/null)
  tarball=$(ls "$packs"/pulumi-zmgr-*.tgz)
fi
mkdir -p "$dir/node_modules"
rm -rf "$dir/node_modules/pulumi-zmgr"
mkdir "$dir/node_modules/pulumi-zmgr"
tar -xzf "$tarball" -C "$dir/node_modules/pulumi-zmgr" --strip-components=1
for entry in "$here"/node_modules/* "$here"/node_modules/.bin; do
  name=$(basename "$entry")
  [ "$name" = pulumi-zmgr ] && continue
  ln -sfn "$entry" "$dir/node_modules/$name"
done
