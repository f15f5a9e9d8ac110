// zoneadm(8): list, and the zone state machine (install, boot, halt, ready, reboot, shutdown,
// uninstall, verify, clone, move, detach, attach, mark, mount/unmount) with sanity_check()'s
// messages, a per-zone lock and the install transcript.

import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { getopt } from "../core/getopt.ts";
import { runTool, fireFault, type ToolContext } from "../core/run.ts";
import { Exit, flushIo, type Io } from "../core/io.ts";
import { acquireLock, releaseLock, withLock } from "../core/lock.ts";
import { installDelayMs, readKnobs, type Knobs } from "../core/knobs.ts";
import { sleepSync } from "../core/fsutil.ts";
import { safePath } from "../core/safe-path.ts";
import { HostState } from "../zones/host-state.ts";
import { IPKG_BRANDS, KNOWN_BRANDS, type ZoneConfig } from "../zones/config.ts";
import { inKernel, rank, type ZoneState } from "../zones/states.ts";
import { readPublishers } from "../pkg/image.ts";
import { brandOf } from "../zonecfg/render.ts";
import { subUsage, SUBCOMMANDS, usageText } from "./usage.ts";
import { formatEntry, listZones, VERBOSE_HEADER, zoneEntry } from "./list.ts";
import { bringDownNet, bringUpNet, createZoneDatasets, DETACHED_FILE, destroyZoneDatasets, moveZonepath, seedImage } from "./effects.ts";

/** The context of one zoneadm run. */
interface Z {
  io: Io;
  ctx: ToolContext;
  host: HostState;
  knobs: Knobs;
  /** The -z zone (or the zone found by -u). */
  zone: string | undefined;
}

function zerror(z: Z, msg: string): void {
  z.io.eprint(`zoneadm: ${z.zone !== undefined ? `zone '${z.zone}': ` : ""}${msg}\n`);
}

/** A message relayed from zoneadmd (libzonecfg's zerror: no program name). */
function zoneadmdMsg(z: Z, msg: string): void {
  z.io.eprint(`zone '${z.zone}': ${msg}\n`);
}

function locked<T>(z: Z, fn: () => T): T {
  return withLock(z.ctx.paths.hostLock, fn);
}

/** Handles getopt errors like the C subcommands: `-?` prints usage and succeeds, others fail. */
function optsOrUsage(z: Z, name: string, argv: readonly string[], spec: string): { opts: Map<string, string>; rest: string[] } {
  const { opts, optind } = getopt(argv, spec);
  const map = new Map<string, string>();
  for (const o of opts) {
    if (o.error || o.c === "?") {
      z.io.eprint(subUsage(name));
      throw new Exit(o.c === "?" ? 0 : 2); // -? (in every spec, as in zoneadm.c) asks for the usage
    }
    map.set(o.c, o.arg ?? "");
  }
  return { opts: map, rest: argv.slice(optind) };
}

function noExtraArgs(z: Z, name: string, rest: string[]): void {
  if (rest.length > 0) {
    z.io.eprint(subUsage(name));
    throw new Exit(2);
  }
}

/** sanity_check(): global/SUNW zones, running checks and the state checks of each command. */
function sanity(z: Z, cmd: string, running: boolean, unsafeWhenRunning: boolean, force: boolean): boolean {
  const zone = z.zone;
  if (zone === undefined) {
    zerror(z, "no zone specified");
    return false;
  }
  if (zone === "global") {
    zerror(z, `${cmd} operation is invalid for the global zone.`);
    return false;
  }
  if (zone.startsWith("SUNW")) {
    zerror(z, `${cmd} operation is invalid for zones starting with SUNW.`);
    return false;
  }
  const k = z.host.kernel().zones.find((x) => x.name === zone);
  if (running && !force) {
    if (!k) {
      zerror(z, "not running");
      return false;
    }
    return true;
  }
  if (unsafeWhenRunning && k) {
    zerror(z, `${cmd} operation is invalid for ${k.state} zones.`);
    return false;
  }
  const state = z.host.state(zone)!;
  const fail = (msg: string) => {
    zerror(z, msg);
    return false;
  };
  switch (cmd) {
    case "uninstall":
      if (state === "configured") return fail("is already in state 'configured'.");
      break;
    case "attach":
      if (state === "installed") return fail("is already installed.");
      if (state === "incomplete" && !force) return fail("zone is incomplete; uninstall required.");
      break;
    case "clone":
    case "install":
      if (state === "installed") return fail("is already installed.");
      if (state === "incomplete") return fail("zone is incomplete; uninstall required.");
      break;
    case "detach":
    case "move":
    case "ready":
    case "boot":
    case "mount":
    case "mark": {
      const min: ZoneState = (cmd === "boot" || cmd === "mount") && force ? "incomplete" : cmd === "mark" ? "configured" : "installed";
      if (rank(state) < rank(min)) return fail(`must be ${min} before ${cmd}.`);
      break;
    }
    case "verify":
      if (state === "incomplete") return fail("zone is incomplete; uninstall required.");
      break;
    case "unmount":
      if (state !== "mounted") return fail(`must be mounted before ${cmd}.`);
      break;
  }
  return true;
}

/** verify_details(): zonepath overlap with other installed zones and a known brand. */
function verifyDetails(z: Z, cfg: ZoneConfig): boolean {
  let ok = true;
  if (!KNOWN_BRANDS.includes(brandOf(cfg))) {
    zerror(z, "missing or invalid brand");
    return false;
  }
  const mine = cfg.zonepath + "/";
  for (const e of z.host.index()) {
    if (e.name === "global" || e.name === cfg.name || rank(e.state) < rank("installed")) continue;
    const other = e.zonepath + "/";
    if (mine.startsWith(other) || other.startsWith(mine)) {
      z.io.eprint(`${cfg.name} zonepath (${cfg.zonepath}) and ${e.name} zonepath (${e.zonepath}) overlap.\n`);
      z.io.eprint(`could not verify zonepath ${cfg.zonepath} because of the above errors.\n`);
      ok = false;
      break;
    }
  }
  if (!ok) z.io.eprint(`zoneadm: zone ${cfg.name} failed to verify\n`);
  return ok;
}

function zoneLockPath(z: Z): string {
  return join(z.ctx.paths.zoneLocks, `${z.zone}.zoneadm.lock`);
}

/** Takes the per-zone lock for the rest of the command, or fails like grab_lock_file(). */
function grabZoneLock(z: Z): void {
  if (!acquireLock(zoneLockPath(z), false)) {
    zerror(z, "another zoneadm may have an operation in progress.");
    throw new Exit(1);
  }
  process.once("exit", () => releaseLock(zoneLockPath(z)));
}

/** Handles a `--when during` fault at an operation's midpoint. */
function duringFault(z: Z): void {
  const f = z.ctx.duringFault();
  if (f) throw new Exit(fireFault(z.io, z.ctx.paths, z.ctx.tool, z.ctx.args, f));
}

function config(z: Z): ZoneConfig {
  return z.host.config(z.zone!)!;
}

function kernelSet(z: Z, state: ZoneState | undefined, newId: boolean): void {
  const k = z.host.kernel();
  const kz = k.zones.find((x) => x.name === z.zone);
  if (state === undefined) k.zones = k.zones.filter((x) => x.name !== z.zone);
  else if (kz && !newId) kz.state = state;
  else {
    k.zones = k.zones.filter((x) => x.name !== z.zone);
    k.zones.push({ name: z.zone!, id: k.nextId++, state });
  }
  z.host.saveKernel(k);
}

function runningConfigs(z: Z): ZoneConfig[] {
  return z.host
    .kernel()
    .zones.map((k) => z.host.config(k.name))
    .filter((c): c is ZoneConfig => c !== undefined);
}

/** Brings the zone into the kernel with its network (boot, ready, reboot); false after an error. */
function bringUp(z: Z, state: ZoneState, newId: boolean): boolean {
  const cfg = config(z);
  const r = bringUpNet(z.ctx.paths, cfg, runningConfigs(z));
  if ("error" in r) {
    zoneadmdMsg(z, r.error);
    return false;
  }
  if (r.configChanged) z.host.saveConfig(cfg);
  kernelSet(z, state, newId);
  return true;
}

function bringDown(z: Z): void {
  bringDownNet(z.ctx.paths, z.zone!);
  kernelSet(z, undefined, false);
}

// ---- subcommands ---------------------------------------------------------------------------

function list(z: Z, argv: readonly string[]): number {
  const globalBrand = z.knobs.globalBrand ?? "ipkg";
  let verbose = false;
  let parsable = false;
  if (z.zone === undefined) {
    let min: ZoneState = "running";
    let omitGlobal = false;
    const { opts } = optsOrUsage(z, "list", argv, "?cinpv");
    if (opts.has("c")) min = "configured";
    if (opts.has("i") && rank(min) > rank("installed")) min = "installed";
    omitGlobal = opts.has("n");
    parsable = opts.has("p");
    verbose = opts.has("v");
    if (parsable && verbose) {
      zerror(z, "list -p and -v are mutually exclusive.");
      return 1;
    }
    const rows = locked(z, () => listZones(z.host, min, globalBrand, omitGlobal));
    if (verbose) z.io.print(VERBOSE_HEADER);
    for (const r of rows) z.io.print(formatEntry(r, verbose, parsable));
    return 0;
  }
  const { opts, rest } = optsOrUsage(z, "list", argv, "?pv");
  parsable = opts.has("p");
  verbose = opts.has("v");
  if (parsable && verbose) {
    zerror(z, "list -p and -v are mutually exclusive.");
    return 1;
  }
  noExtraArgs(z, "list", rest);
  const row = locked(z, () => zoneEntry(z.host, z.zone!, globalBrand));
  if (!row) return 1;
  if (verbose) z.io.print(VERBOSE_HEADER);
  z.io.print(formatEntry(row, verbose, parsable));
  return 0;
}

function install(z: Z, argv: readonly string[]): number {
  optsOrUsage(z, "install", argv, "?");
  const cfg = locked(z, () => {
    if (!sanity(z, "install", false, true, false)) throw new Exit(1);
    const c = config(z);
    if (!verifyDetails(z, c)) throw new Exit(1);
    return c;
  });
  grabZoneLock(z);
  const start = performance.now();
  const created = locked(z, () => {
    if (!sanity(z, "install", false, true, false)) throw new Exit(1);
    z.host.setIndexState(z.zone!, "incomplete");
    const r = createZoneDatasets(z.ctx.paths, cfg);
    if ("error" in r) {
      z.host.setIndexState(z.zone!, "configured");
      z.io.eprint(r.error + "\n");
      throw new Exit(1);
    }
    seedImage(z.ctx.paths, cfg, z.ctx.paths.root);
    return r.created;
  });
  const brand = brandOf(cfg);
  if (created) z.io.print("A ZFS file system has been created for this zone.\n");
  if (IPKG_BRANDS.includes(brand)) {
    z.io.print(`\n       Image: Preparing at ${cfg.zonepath}/root.\n`);
    z.io.print("Sanity Check: Looking for 'entire' incorporation.\n");
    for (const p of readPublishers(z.ctx.paths.root)) {
      if (p.enabled && p.origins.length > 0) z.io.print(`   Publisher: Using ${p.name} (${p.origins[0]}).\n`);
    }
    z.io.print("       Cache: Using /var/pkg/publisher.\n");
    z.io.print("  Installing: Packages (output follows)\n");
    z.io.print("Packages to install: 197\nMediators to change:   3\n Services to change:   5\n\n");
    z.io.print("DOWNLOAD                                PKGS         FILES    XFER (MB)   SPEED\n");
    z.io.print("Completed                            197/197     1292/1292      4.5/4.5      --\n\n");
    z.io.print("PHASE                                          ITEMS\n");
    z.io.print("Installing new actions                     5638/5638\n");
    z.io.print("Updating package state database                 Done\n");
    z.io.print("Updating package cache                           0/0\n");
    z.io.print("Updating image state                            Done\n");
    z.io.print("Creating fast lookup database                   Done\n");
  }
  duringFault(z);
  flushIo(z.io); // like zoneadm, print as it goes: the transcript so far comes out before the install's delay
  sleepSync(installDelayMs(z.knobs));
  if (IPKG_BRANDS.includes(brand)) {
    z.io.print(" Postinstall: Copying SMF seed repository ... done.\n");
    if (brand === "pkgsrc") z.io.print("Installing pkgsrc bootstrap...\n");
    z.io.print(`        Done: Installation completed in ${((performance.now() - start) / 1000).toFixed(3)} seconds.\n`);
  }
  locked(z, () => z.host.setIndexState(z.zone!, "installed"));
  return 0;
}

function uninstall(z: Z, argv: readonly string[]): number {
  const { opts } = optsOrUsage(z, "uninstall", argv, "?F");
  const force = opts.has("F");
  locked(z, () => {
    if (!sanity(z, "uninstall", false, true, false)) throw new Exit(1);
  });
  if (!force) {
    zerror(z, "Input not from terminal and -F not specified: uninstall not done.");
    return 1;
  }
  grabZoneLock(z);
  const cfg = locked(z, () => {
    if (!sanity(z, "uninstall", false, true, false)) throw new Exit(1);
    z.host.setIndexState(z.zone!, "incomplete");
    return config(z);
  });
  duringFault(z);
  sleepSync(z.knobs.uninstallDelayMs ?? 0);
  const warning = locked(z, () => {
    const w = destroyZoneDatasets(z.ctx.paths, cfg);
    z.host.setIndexState(z.zone!, "configured");
    return w;
  });
  z.io.print(warning);
  return 0;
}

function boot(z: Z, argv: readonly string[]): number {
  const { opts } = optsOrUsage(z, "boot", argv, "?fsX");
  const force = opts.has("f");
  locked(z, () => {
    if (!sanity(z, "boot", false, false, force)) throw new Exit(1);
  });
  grabZoneLock(z);
  return locked(z, () => {
    const st = z.host.state(z.zone!)!;
    if (st === "running") {
      zoneadmdMsg(z, "zone is already booted");
      return 0;
    }
    if (inKernel(st) && st !== "ready") {
      zoneadmdMsg(z, `boot operation is invalid for zones in state '${st}'`);
      zerror(z, "call to zoneadmd failed");
      return 1;
    }
    if (!bringUp(z, "running", st !== "ready")) {
      zerror(z, "call to zoneadmd failed");
      return 1;
    }
    return 0;
  });
}

function halt(z: Z, argv: readonly string[]): number {
  const { rest } = optsOrUsage(z, "halt", argv, "?X");
  noExtraArgs(z, "halt", rest);
  locked(z, () => {
    if (!sanity(z, "halt", false, false, false)) throw new Exit(1);
    const st = z.host.state(z.zone!)!;
    if (st === "configured") {
      z.io.eprint(`cannot manage a zone which is in state '${st}'\n`);
      zoneadmdMsg(z, "could not start zoneadmd");
      throw new Exit(1);
    }
  });
  grabZoneLock(z);
  return locked(z, () => {
    const st = z.host.state(z.zone!)!;
    if (!inKernel(st)) {
      zoneadmdMsg(z, "zone is already halted");
      return 0;
    }
    bringDown(z);
    return 0;
  });
}

function ready(z: Z, argv: readonly string[]): number {
  const { rest } = optsOrUsage(z, "ready", argv, "?X");
  noExtraArgs(z, "ready", rest);
  locked(z, () => {
    if (!sanity(z, "ready", false, false, false)) throw new Exit(1);
  });
  grabZoneLock(z);
  return locked(z, () => {
    const st = z.host.state(z.zone!)!;
    if (st === "ready") {
      zoneadmdMsg(z, "zone is already ready");
      return 0;
    }
    if (inKernel(st)) bringDown(z);
    if (!bringUp(z, "ready", true)) {
      zerror(z, "call to zoneadmd failed");
      return 1;
    }
    return 0;
  });
}

function reboot(z: Z, argv: readonly string[]): number {
  optsOrUsage(z, "reboot", argv, "?X");
  locked(z, () => {
    if (!sanity(z, "reboot", true, false, false)) throw new Exit(1);
  });
  grabZoneLock(z);
  return locked(z, () => {
    const st = z.host.state(z.zone!)!;
    if (st !== "running" && st !== "ready") {
      zoneadmdMsg(z, `reboot operation is invalid for zones in state '${st}'`);
      return 1;
    }
    bringDown(z);
    return bringUp(z, "running", true) ? 0 : 1;
  });
}

function shutdown(z: Z, argv: readonly string[]): number {
  const { opts } = optsOrUsage(z, "shutdown", argv, "?r");
  locked(z, () => {
    if (!sanity(z, "shutdown", true, false, false)) throw new Exit(1);
  });
  grabZoneLock(z);
  return locked(z, () => {
    const st = z.host.state(z.zone!)!;
    if (st !== "running") {
      zoneadmdMsg(z, `shutdown operation is invalid for zones in state '${st}'`);
      return 1;
    }
    bringDown(z);
    if (opts.has("r") && !bringUp(z, "running", true)) return 1;
    return 0;
  });
}

function verify(z: Z, argv: readonly string[]): number {
  const { rest } = optsOrUsage(z, "verify", argv, "?");
  noExtraArgs(z, "verify", rest);
  return locked(z, () => (sanity(z, "verify", false, false, false) && verifyDetails(z, config(z)) ? 0 : 1));
}

function clone(z: Z, argv: readonly string[]): number {
  const { rest } = optsOrUsage(z, "clone", argv, "?m:s:");
  if (rest.length !== 1) {
    z.io.eprint(subUsage("clone"));
    return 2;
  }
  const src = rest[0]!;
  const cfg = locked(z, () => {
    if (!sanity(z, "clone", false, true, false)) throw new Exit(1);
    const srcState = z.host.state(src);
    if (srcState === undefined) {
      z.io.eprint(`zoneadm: ${z.zone}: could not get state: No such zone configured\n`);
      throw new Exit(1);
    }
    if (inKernel(srcState)) {
      zerror(z, "clone operation is invalid for running zones.");
      throw new Exit(1);
    }
    if (srcState !== "installed") {
      z.io.eprint(`zoneadm: zone ${src} is ${srcState}; installed is required.\n`);
      throw new Exit(1);
    }
    const c = config(z);
    if (brandOf(z.host.config(src)!) !== brandOf(c)) {
      z.io.eprint(`zoneadm: Zones '${src}' and '${z.zone}' have different brand types.\n`);
      throw new Exit(1);
    }
    if (!verifyDetails(z, c)) throw new Exit(1);
    return c;
  });
  grabZoneLock(z);
  const created = locked(z, () => {
    z.host.setIndexState(z.zone!, "incomplete");
    const r = createZoneDatasets(z.ctx.paths, cfg);
    if ("error" in r) {
      z.host.setIndexState(z.zone!, "configured");
      z.io.eprint(r.error + "\n");
      throw new Exit(1);
    }
    seedImage(z.ctx.paths, cfg, join(z.host.config(src)!.zonepath, "root"));
    return r.created;
  });
  if (created) z.io.print("A ZFS file system has been created for this zone.\n");
  duringFault(z);
  sleepSync(installDelayMs(z.knobs));
  locked(z, () => z.host.setIndexState(z.zone!, "installed"));
  return 0;
}

function move(z: Z, argv: readonly string[]): number {
  const { rest } = optsOrUsage(z, "move", argv, "?");
  if (rest.length !== 1) {
    z.io.eprint(subUsage("move"));
    return 2;
  }
  const newPath = rest[0]!.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
  locked(z, () => {
    if (!sanity(z, "move", false, true, false)) throw new Exit(1);
  });
  if (!newPath.startsWith("/")) {
    z.io.eprint(`${newPath} is not an absolute path.\n`);
    return 1;
  }
  grabZoneLock(z);
  return locked(z, () => {
    const cfg = config(z);
    if (safePath(z.ctx.paths.root, newPath) && existsSync(newPath)) {
      zerror(z, `cannot move to ${newPath}: it already exists.`);
      return 1;
    }
    moveZonepath(z.ctx.paths, cfg, newPath);
    cfg.zonepath = newPath;
    z.host.saveConfig(cfg);
    const entries = z.host.index();
    const e = entries.find((x) => x.name === z.zone)!;
    e.zonepath = newPath;
    z.host.saveIndex(entries);
    return 0;
  });
}

function detach(z: Z, argv: readonly string[]): number {
  const { opts } = optsOrUsage(z, "detach", argv, "?n");
  const cfg = locked(z, () => {
    if (!sanity(z, "detach", false, true, false)) throw new Exit(1);
    return config(z);
  });
  if (opts.has("n")) {
    z.io.print(JSON.stringify(cfg, null, 2) + "\n");
    return 0;
  }
  grabZoneLock(z);
  return locked(z, () => {
    if (safePath(z.ctx.paths.root, cfg.zonepath)) writeFileSync(join(cfg.zonepath, DETACHED_FILE), JSON.stringify(cfg, null, 2) + "\n");
    z.host.setIndexState(z.zone!, "configured");
    return 0;
  });
}

function attach(z: Z, argv: readonly string[]): number {
  const { opts } = optsOrUsage(z, "attach", argv, "?Fn:");
  const force = opts.has("F");
  if (force && opts.has("n")) {
    zerror(z, "-F and -n flags are mutually exclusive");
    return 1;
  }
  const cfg = locked(z, () => {
    if (!sanity(z, "attach", false, true, force)) throw new Exit(1);
    return config(z);
  });
  if (opts.has("n")) {
    const p = opts.get("n")!;
    if (p !== "-" && !existsSync(p)) {
      zerror(z, `${p}: No such file or directory`);
      return 1;
    }
    return 0;
  }
  grabZoneLock(z);
  return locked(z, () => {
    if (!existsSync(join(cfg.zonepath, "root"))) {
      z.io.eprint(`ERROR: ${cfg.zonepath}/root does not exist.\n`);
      return 1;
    }
    if (safePath(z.ctx.paths.root, cfg.zonepath)) rmSync(join(cfg.zonepath, DETACHED_FILE), { force: true });
    z.host.setIndexState(z.zone!, "installed");
    return 0;
  });
}

function mark(z: Z, argv: readonly string[]): number {
  const { opts, rest } = optsOrUsage(z, "mark", argv, "?F");
  if (rest.length !== 1 || rest[0] !== "incomplete") {
    z.io.eprint(subUsage("mark"));
    return 2;
  }
  const force = opts.has("F");
  locked(z, () => {
    if (!sanity(z, "mark", false, true, force)) throw new Exit(1);
    if (!force && z.host.state(z.zone!) !== "installed") {
      zerror(z, "must be installed before mark.");
      throw new Exit(1);
    }
  });
  grabZoneLock(z);
  locked(z, () => z.host.setIndexState(z.zone!, "incomplete"));
  return 0;
}

function mount(z: Z, argv: readonly string[]): number {
  const { opts } = optsOrUsage(z, "mount", argv, "?f");
  locked(z, () => {
    if (!sanity(z, "mount", false, true, opts.has("f"))) throw new Exit(1);
  });
  grabZoneLock(z);
  locked(z, () => kernelSet(z, "mounted", true));
  return 0;
}

function unmount(z: Z, argv: readonly string[]): number {
  optsOrUsage(z, "unmount", argv, "?");
  locked(z, () => {
    if (!sanity(z, "unmount", false, false, false)) throw new Exit(1);
  });
  grabZoneLock(z);
  locked(z, () => kernelSet(z, undefined, false));
  return 0;
}

function help(z: Z, argv: readonly string[]): number {
  if (argv.length === 0) {
    z.io.print(usageText(true));
    return 0;
  }
  const { rest } = optsOrUsage(z, "help", argv, "?");
  for (const name of rest) {
    const c = SUBCOMMANDS.find((x) => x.name === name && x.short !== null);
    z.io.eprint(subUsage(c ? c.name : "help"));
    if (!c) return 2;
  }
  return 0;
}

const HANDLERS: Record<string, (z: Z, argv: readonly string[]) => number> = {
  help,
  boot,
  halt,
  ready,
  shutdown,
  reboot,
  list,
  verify,
  install,
  uninstall,
  mount,
  unmount,
  clone,
  move,
  detach,
  attach,
  mark,
};

function zoneadm(io: Io, ctx: ToolContext, args: readonly string[]): number {
  let zone: string | undefined;
  let uuid: string | undefined;
  const { opts, optind: i } = getopt(args, "u:z:R:");
  for (const o of opts) {
    if (o.error === "unknown" && o.c === "?") {
      io.print(usageText(true));
      return 2;
    }
    if (o.error) {
      io.eprint(o.error === "unknown" ? `zoneadm: illegal option -- ${o.c}\n` : `zoneadm: option requires an argument -- ${o.c}\n`);
      io.eprint(usageText(false));
      return 2;
    }
    if (o.c === "z") zone = o.arg;
    else if (o.c === "u") uuid = o.arg;
  }
  if (i >= args.length) {
    io.eprint(usageText(false));
    return 2;
  }
  const host = new HostState(ctx.paths);
  const z: Z = { io, ctx, host, knobs: readKnobs(ctx.paths), zone };
  if (uuid !== undefined && uuid !== "") {
    const found = withLock(ctx.paths.hostLock, () => host.index().find((e) => e.uuid === uuid));
    if (!found) {
      io.eprint(`zoneadm: ${uuid}: No such zone configured\n`);
      return 1;
    }
    if (zone !== undefined && zone !== found.name) {
      io.eprint(`zoneadm: zone '${zone}': the zone name '${zone}' does not match the zone with uuid ${uuid}\n`);
      return 1;
    }
    z.zone = found.name;
  }
  if (z.zone !== undefined && z.zone !== "global" && !withLock(ctx.paths.hostLock, () => host.entry(z.zone!) !== undefined)) {
    io.eprint(`zoneadm: ${z.zone}: No such zone configured\n`);
    return 1;
  }
  const handler = HANDLERS[args[i]!];
  if (!handler) {
    io.eprint(usageText(false));
    return 2;
  }
  return handler(z, args.slice(i + 1));
}

/** Runs zoneadm. */
export function main(args: string[]): never {
  return runTool("zoneadm", args, (io, ctx) => zoneadm(io, ctx, args));
}

