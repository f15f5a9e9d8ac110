#!/usr/bin/env bash
# Prints a directory holding `pulumi-resource-command` (the @pulumi/command provider plugin the benchmark baseline
# needs), at the version of our @pulumi/command dev dependency. Looks, in order: on PATH; in the cache
# ($ZMGR_CACHE/pulumi-resource-command-vX/bin, see PROVENANCE.md there); then builds it from the Go module proxy
# (module github.com/pulumi/pulumi-command/provider, which has no semver tags of its own: the pseudo-version of
# the release commit), or installs it with `pulumi plugin install` (GitHub). Exits 1, saying what failed, when
# none works. Progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ -z "${ZMGR_COMMAND_PLUGIN_BUILD:-}" ] && command -v pulumi-resource-command >/dev/null 2>&1; then
  dirname "$(command -v pulumi-resource-command)"
  exit 0
fi
pkg="$here/node_modules/@pulumi/command/package.json"
[ -f "$pkg" ] || { echo "bench-command-plugin: $pkg is missing: run npm ci first" >&2; exit 1; }
version=v$(node -p "require('$pkg').version")
cache="${ZMGR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-zmgr}"
out="$cache/pulumi-resource-command-$version/bin"
if [ -x "$out/pulumi-resource-command" ]; then
  echo "$out"
  exit 0
fi

tried=()
# 1. The Go module proxy. The release tag's commit, for the pseudo-version, comes from the proxy's .info of the
#    sdk module (tagged sdk/vX at the same commit).
if command -v go >/dev/null; then
  echo "bench-command-plugin: building pulumi-resource-command $version from the Go module proxy" >&2
  proxy=${GOPROXY:-https://proxy.golang.org}; proxy=${proxy%%,*}
  info=$(curl -fsS -m 30 "$proxy/github.com/pulumi/pulumi-command/sdk/@v/$version.info" 2>/dev/null || true)
  hash=$(printf '%s' "$info" | sed -n 's/.*"Hash":"\([0-9a-f]\{12\}\).*/\1/p')
  stamp=$(printf '%s' "$info" | sed -n 's/.*"Time":"\([0-9-]*\)T\([0-9:]*\)Z".*/\1\2/p' | tr -d ':-')
  if [ -n "$hash" ] && [ -n "$stamp" ]; then
    pseudo="v0.0.0-$stamp-$hash"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (
      cd "$tmp"
      printf 'module zmgr.local/command-plugin\n\ngo 1.25\n' >go.mod
      GOTOOLCHAIN=auto GOFLAGS=-mod=mod go get "github.com/pulumi/pulumi-command/provider@$pseudo" &&
        GOTOOLCHAIN=auto GOFLAGS=-mod=mod go build -trimpath -o "$tmp/bin/pulumi-resource-command" \
          -ldflags "-X github.com/pulumi/pulumi-command/provider/pkg/version.Version=$version" \
          github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command
    ) >&2 2>"$tmp/log" || true
    if [ -x "$tmp/bin/pulumi-resource-command" ]; then
      mkdir -p "$(dirname "$out")"
      echo "built from the Go module proxy: github.com/pulumi/pulumi-command/provider@$pseudo" >"$tmp/PROVENANCE.md"
      mv -T "$tmp/bin" "$out" 2>/dev/null || true
      cp "$tmp/PROVENANCE.md" "$(dirname "$out")/PROVENANCE.md"
      echo "$out"
      exit 0
    fi
    tried+=("go module proxy: github.com/pulumi/pulumi-command/provider@$pseudo: $(grep -m1 -E 'not available|404|403|error' "$tmp/log" || tail -1 "$tmp/log")")
  else
    tried+=("go module proxy: no release commit for $version (github.com/pulumi/pulumi-command/sdk/@v/$version.info)")
  fi
else
  tried+=("go module proxy: Go is not installed")
fi
# 2. The official plugin download (GitHub releases).
bin=$(bash "$here/scripts/pulumi-bin.sh")
home=$(mktemp -d)
if PULUMI_HOME="$home" "$bin/pulumi" plugin install resource command "$version" >&2 2>"$home/log"; then
  src=$(find "$home/plugins" -name pulumi-resource-command -type f | head -1)
  mkdir -p "$out" && install -m 0755 "$src" "$out/pulumi-resource-command"
  echo "downloaded by pulumi plugin install resource command $version" >"$(dirname "$out")/PROVENANCE.md"
  rm -rf "$home"
  echo "$out"
  exit 0
fi
tried+=("pulumi plugin install resource command $version: $(tail -1 "$home/log")")
rm -rf "$home"
echo "bench-command-plugin: no pulumi-resource-command $version:" >&2
printf '  - %s\n' "${tried[@]}" >&2
echo "  Put one on PATH, or into $out/, to run the remote.Command baseline." >&2
exit 1
