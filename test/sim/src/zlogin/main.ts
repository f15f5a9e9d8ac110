// zlogin(1): runs a command "in" a running zone (here: /bin/sh -c on this machine, with the
// zone's image root as cwd and ILLUMOS_SIM_ZONE/ILLUMOS_SIM_IMAGE_ROOT set), or refuses.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { constants } from "node:os";
import { getopt } from "../core/getopt.ts";
import { runTool } from "../core/run.ts";
import { flushIo, type Io } from "../core/io.ts";
import { withLock } from "../core/lock.ts";
import type { SimPaths } from "../core/paths.ts";
import { HostState } from "../zones/host-state.ts";

const USAGE = "usage: zlogin [ -dnQCEINS ] [ -e cmdchar ] [-l user] zonename [command [argument ...] ]\n";

function zlogin(io: Io, paths: SimPaths, args: string[]): number {
  const { opts, optind: i } = getopt(args, "dnQCEINSe:l:");
  const bad = opts.find((o) => o.error);
  if (bad?.error === "unknown") {
    io.eprint(`zlogin: illegal option -- ${bad.c}\n${USAGE}`);
    return 2;
  }
  if (bad) {
    io.eprint(USAGE);
    return 2;
  }
  const zone = args[i];
  if (zone === undefined) {
    io.eprint(USAGE);
    return 2;
  }
  const command = args.slice(i + 1);
  if (zone === "global") {
    io.eprint("zlogin: 'zlogin' not applicable to the global zone\n");
    return 1;
  }
  const found = withLock(paths.hostLock, () => {
    const host = new HostState(paths);
    return { state: host.state(zone), cfg: host.config(zone) };
  });
  if (found.state === undefined || !found.cfg) {
    io.eprint(`zlogin: zone '${zone}' unknown\n`);
    return 1;
  }
  if (found.state === "configured" || found.state === "incomplete") {
    io.eprint(`zlogin: cannot login to a zone which is '${found.state}'\n`);
    return 1;
  }
  if (found.state !== "running") {
    io.eprint(`zlogin: login allowed only to running zones (${zone} is '${found.state}').\n`);
    return 1;
  }
  const imageRoot = join(found.cfg.zonepath, "root");
  flushIo(io);
  const r = spawnSync("/bin/sh", command.length ? ["-c", command.join(" ")] : [], {
    stdio: "inherit",
    cwd: existsSync(imageRoot) ? imageRoot : undefined,
    env: { ...process.env, ILLUMOS_SIM_ZONE: zone, ILLUMOS_SIM_IMAGE_ROOT: imageRoot },
  });
  if (r.signal) return 128 + (constants.signals[r.signal] ?? 0);
  return r.status ?? 1;
}

/** Runs zlogin. */
export function main(args: string[]): never {
  return runTool("zlogin", args, (io, ctx) => zlogin(io, ctx.paths, args));
}
