#!/usr/bin/env bash
# Prints a directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`.
# Uses the ones on PATH when all three are there; else builds the CLI (Go module
# github.com/pulumi/pulumi/pkg/v3 at the version of our @pulumi/pulumi) and the Node.js language
# host from tools/pulumi with Go, once, into a cache outside the work tree. Progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

on_path() { command -v pulumi && command -v pulumi-language-nodejs && command -v pulumi-resource-pulumi-nodejs; }
if [ -z "${ZMGR_PULUMI_BUILD:-}" ] && on_path >/dev/null 2>&1; then
  dirname "$(command -v pulumi)"
  exit 0
fi

sdk_pkg="$here/node_modules/@pulumi/pulumi/package.json"
[ -f "$sdk_pkg" ] || { echo "pulumi-bin: $sdk_pkg is missing: run npm ci first" >&2; exit 1; }
version="v$(node -p "require('$sdk_pkg').version")"
tools="$here/tools/pulumi"
grep -q "github.com/pulumi/pulumi/pkg/v3 $version\$" "$tools/go.mod" || {
  echo "pulumi-bin: tools/pulumi/go.mod does not pin github.com/pulumi/pulumi/pkg/v3 $version (the @pulumi/pulumi version); update both together" >&2
  exit 1
}
stamp=$(cat "$tools/go.mod" "$tools/go.sum" "$tools/langhost/main.go" "$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" | sha256sum | cut -c1-12)
cache="${ZMGR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-zmgr}"
out="$cache/pulumi-$version-$stamp/bin"
if [ ! -x "$out/pulumi" ] || [ ! -x "$out/pulumi-language-nodejs" ] || [ ! -x "$out/pulumi-resource-pulumi-nodejs" ]; then
  command -v go >/dev/null || { echo "pulumi-bin: Go is needed to build the Pulumi CLI (https://go.dev/dl or apt-get install golang)" >&2; exit 1; }
  echo "pulumi-bin: building the Pulumi CLI $version and the Node.js language host (first run only; several minutes on 2 cores)" >&2
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  start=$(date +%s)
  ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
  (cd "$tools" && GOTOOLCHAIN=auto GOFLAGS=-mod=readonly go build -trimpath -o "$tmp/bin/pulumi" -ldflags "$ldflags" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
  (cd "$tools" && GOTOOLCHAIN=auto GOFLAGS=-mod=readonly go build -trimpath -o "$tmp/bin/pulumi-language-nodejs" -ldflags "-X main.version=$version" ./langhost) >&2
  install -m 0755 "$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$tmp/bin/pulumi-resource-pulumi-nodejs"
  mkdir -p "$(dirname "$out")"
  # Another build may have finished first: keep whichever landed, never a half-written directory.
  mv -T "$tmp/bin" "$out" 2>/dev/null || true
  echo "pulumi-bin: built in $(( $(date +%s) - start )) s: $out" >&2
fi
echo "$out"
