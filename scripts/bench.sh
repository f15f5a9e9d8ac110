#!/usr/bin/env bash
# `npm run bench`: compiles bench/ into .tmp/bench and runs bench/run.ts (see bench/README.md for what it measures).
# Needs /usr/sbin/sshd, the Pulumi CLI (scripts/pulumi-bin.sh builds it once) and, for the remote.Command baseline,
# pulumi-resource-command (scripts/bench-command-plugin.sh; without it the baseline is skipped and reported missing).
# Knobs: BENCH_SIZES=10,50,200  BENCH_SIDES=zmgr,command  BENCH_OVERHEAD_ZONES=30  BENCH_MICRO=0  BENCH_OUT=DIR
#        BENCH_STRACE=0 (no strace: tool time estimated)  (all of them: bench/README.md)
set -eo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/env.sh # before `set -u`: env.sh is not written for it
set -u
[ -x /usr/sbin/sshd ] || { echo "bench: /usr/sbin/sshd is missing: install openssh-server" >&2; exit 1; }
[ -d node_modules/@pulumi/pulumi ] || npm ci --no-fund --no-audit
bash scripts/pulumi-bin.sh >/dev/null

if plugin=$(bash scripts/bench-command-plugin.sh); then
  export ZMGR_COMMAND_PLUGIN_DIR="$plugin"
else
  export ZMGR_COMMAND_PLUGIN_NOTE="pulumi-resource-command could not be found or built (scripts/bench-command-plugin.sh says why)"
fi

out=.tmp/bench
rm -rf "$out"
npx --no-install tsc --outDir "$out" --rootDir . --module nodenext --moduleResolution nodenext --target ES2022 \
  --strict --esModuleInterop --skipLibCheck --types node \
  bench/run.ts bench/ipam.bench.ts bench/registry.bench.ts bench/transport.bench.ts
# Under strace (exec and exit only, with a seccomp filter: no cost elsewhere), every simulated tool's process lifetime is
# known exactly, so tool time is subtracted from provider time without estimating the simulator's start-up.
if command -v strace >/dev/null && [ "${BENCH_STRACE:-1}" != 0 ]; then
  export BENCH_STRACE_FILE="$(mktemp "${TMPDIR:-/tmp}/zmgr-bench-strace.XXXXXX")"
  exec strace -f -q -ttt --seccomp-bpf -e trace=execve,exit_group -e signal=none -o "$BENCH_STRACE_FILE" node "$out/bench/run.js"
fi
exec node "$out/bench/run.js"
