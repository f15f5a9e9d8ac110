// simctl: test knobs of the illumos simulator (not an illumos command): init, fault, config, log, state.

import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { runTool } from "../core/run.ts";
import type { Io } from "../core/io.ts";
import type { SimPaths } from "../core/paths.ts";
import { withLock } from "../core/lock.ts";
import { readKnobs, writeKnobs } from "../core/knobs.ts";
import { readFaults, writeFaults, type Fault, type FaultWhen } from "../core/faults.ts";
import { atomicWrite } from "../core/fsutil.ts";
import { formatIndex } from "../zones/index-file.ts";
import { HostState } from "../zones/host-state.ts";
import { STATE_ORDER, inKernel, type ZoneState } from "../zones/states.ts";
import { LinkStore } from "../dladm/store.ts";
import { DatasetStore } from "../zfs/store.ts";
import { normaliseUri, writePublishers, type Publisher } from "../pkg/image.ts";

const USAGE = `usage: simctl init [--phys igb0,igb1] [--etherstub zstub0] [--zones-dataset rpool/zones]
                   [--zones-mountpoint DIR] [--publisher NAME=URL]...
       simctl fault add --cmd 'zoneadm install' [--zone NAME] [--nth N] [--repeat]
                   [--stderr TEXT] [--stdout TEXT] [--exit CODE] [--hang] [--when before|during|after]
       simctl fault clear | simctl fault list
       simctl config [--install-delay-ms N] [--uninstall-delay-ms N]
                   [--zonecfg-commit-on-error true|false] [--global-brand NAME]
       simctl log [--json]
       simctl state ZONE STATE        (force a zone into a state, e.g. mounted, down)
`;

class UsageError extends Error {}

/** Parses `--name value` options; repeated options collect into arrays. */
function parseOpts(args: readonly string[], flags: string[], valued: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf("=");
    const name = a.startsWith("--") ? (eq > 0 ? a.slice(2, eq) : a.slice(2)) : "";
    if (flags.includes(name) && eq < 0) out.set(name, ["true"]);
    else if (valued.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`simctl: option --${name} needs a value`);
      out.set(name, [...(out.get(name) ?? []), v]);
    } else throw new UsageError(`simctl: unknown argument ${a}`);
  }
  return out;
}

function one(opts: Map<string, string[]>, name: string): string | undefined {
  const v = opts.get(name);
  return v ? v[v.length - 1] : undefined;
}

function init(paths: SimPaths, args: readonly string[], io: Io): number {
  const o = parseOpts(args, [], ["phys", "etherstub", "zones-dataset", "zones-mountpoint", "publisher"]);
  for (const d of ["etc", "sim", "var", "log"]) rmSync(join(paths.root, d), { recursive: true, force: true });
  mkdirSync(paths.etcZones, { recursive: true });
  mkdirSync(join(paths.root, "sim"), { recursive: true });
  mkdirSync(join(paths.root, "log"), { recursive: true });
  atomicWrite(paths.index, formatIndex([{ name: "global", state: "installed", zonepath: "/", uuid: "" }]), 0o644);
  atomicWrite(paths.didFile, "0\n");
  const links = new LinkStore(paths);
  for (const name of (one(o, "phys") ?? "igb0,igb1").split(",").filter((x) => x !== "")) {
    links.links.push({ name, class: "phys", over: "", mtu: 1500, state: "up", speed: 1000, mac: links.newMac(name, [0, 0x1b, 0x21]), macType: "fixed", vid: 0, temporary: false });
  }
  const stub = one(o, "etherstub") ?? "zstub0";
  if (stub !== "") links.links.push({ name: stub, class: "etherstub", over: "", mtu: 9000, state: "unknown", speed: 0, mac: "", macType: "", vid: 0, temporary: false });
  links.save();
  const ds = new DatasetStore(paths);
  const zonesDs = one(o, "zones-dataset") ?? "rpool/zones";
  const zonesMp = resolve(one(o, "zones-mountpoint") ?? join(paths.root, "zones"));
  const pool = zonesDs.split("/")[0]!;
  ds.create(pool, "filesystem", { mountpoint: join(paths.root, pool) });
  ds.create(`${pool}/ROOT`, "filesystem", { mountpoint: "legacy" });
  ds.create(`${pool}/ROOT/omnios`, "filesystem", { mountpoint: "/", canmount: "noauto", "org.opensolaris.libbe:uuid": "9b3a1f2e-5c47-4d0e-8f6a-2d1c3b4a5e6f" }, 2147483648);
  const parts = zonesDs.split("/");
  for (let i = 2; i < parts.length; i++) {
    const n = parts.slice(0, i).join("/");
    if (!ds.find(n)) ds.create(n, "filesystem");
  }
  if (zonesDs !== pool) ds.create(zonesDs, "filesystem", { mountpoint: zonesMp });
  ds.save();
  mkdirSync(join(paths.root, pool), { recursive: true });
  mkdirSync(zonesMp, { recursive: true });
  const pubSpecs = o.get("publisher") ?? ["omnios=https://pkg.omnios.org/bloody/core/", "extra.omnios=https://pkg.omnios.org/bloody/extra/"];
  const pubs: Publisher[] = pubSpecs.map((spec) => {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new UsageError(`simctl: --publisher wants NAME=URL, got ${spec}`);
    return { name: spec.slice(0, eq), origins: [normaliseUri(spec.slice(eq + 1))], mirrors: [], sticky: true, enabled: true, syspub: false, proxy: "" };
  });
  writePublishers(paths.root, pubs);
  writeKnobs(paths, {});
  writeFaults(paths, []);
  io.print(`simulated host ready at ${paths.root}\n`);
  return 0;
}

function fault(paths: SimPaths, args: readonly string[], io: Io): number {
  const sub = args[0];
  if (sub === "clear") {
    withLock(paths.hostLock, () => writeFaults(paths, []));
    return 0;
  }
  if (sub === "list") {
    for (const f of readFaults(paths)) io.print(JSON.stringify(f) + "\n");
    return 0;
  }
  if (sub !== "add") throw new UsageError("simctl: fault wants add, clear or list");
  const o = parseOpts(args.slice(1), ["hang", "repeat"], ["cmd", "zone", "nth", "stderr", "stdout", "exit", "when"]);
  const cmd = one(o, "cmd");
  if (!cmd) throw new UsageError("simctl: fault add needs --cmd");
  const when = (one(o, "when") ?? "before") as FaultWhen;
  if (!["before", "during", "after"].includes(when)) throw new UsageError("simctl: --when is before, during or after");
  withLock(paths.hostLock, () => {
    const faults = readFaults(paths);
    const f: Fault = {
      id: faults.reduce((m, x) => Math.max(m, x.id), 0) + 1,
      cmd: cmd.split(/\s+/).filter((x) => x !== ""),
      nth: Number(one(o, "nth") ?? "1"),
      repeat: o.has("repeat"),
      stderr: one(o, "stderr") ?? "",
      stdout: one(o, "stdout") ?? "",
      exit: Number(one(o, "exit") ?? "1"),
      hang: o.has("hang"),
      when,
      seen: 0,
      fired: 0,
    };
    const zone = one(o, "zone");
    if (zone !== undefined) f.zone = zone;
    faults.push(f);
    writeFaults(paths, faults);
  });
  return 0;
}

function config(paths: SimPaths, args: readonly string[], io: Io): number {
  const o = parseOpts(args, [], ["install-delay-ms", "uninstall-delay-ms", "zonecfg-commit-on-error", "global-brand"]);
  withLock(paths.hostLock, () => {
    const k = readKnobs(paths);
    const d = one(o, "install-delay-ms");
    if (d !== undefined) k.installDelayMs = Number(d);
    const u = one(o, "uninstall-delay-ms");
    if (u !== undefined) k.uninstallDelayMs = Number(u);
    const c = one(o, "zonecfg-commit-on-error");
    if (c !== undefined) k.zonecfgCommitOnError = c === "true";
    const b = one(o, "global-brand");
    if (b !== undefined) k.globalBrand = b;
    writeKnobs(paths, k);
    if (o.size === 0) io.print(JSON.stringify(k) + "\n");
  });
  return 0;
}

function log(paths: SimPaths, args: readonly string[], io: Io): number {
  let text = "";
  try {
    text = readFileSync(paths.commandLog, "utf8");
  } catch {
    /* empty log */
  }
  if (args.includes("--json")) io.print(text);
  else for (const line of text.split("\n").filter((l) => l !== "")) {
    const e = JSON.parse(line) as { time: string; argv: string[]; exitCode: number | null; ms: number | null };
    io.print(`${e.time} rc=${e.exitCode ?? "hung"} ${e.argv.join(" ")}\n`);
  }
  return 0;
}

function state(paths: SimPaths, args: readonly string[]): number {
  const [zone, st] = args;
  if (!zone || !st || !STATE_ORDER.includes(st as ZoneState)) throw new UsageError("simctl: state wants ZONE STATE");
  withLock(paths.hostLock, () => {
    const host = new HostState(paths);
    if (!host.entry(zone)) throw new UsageError(`simctl: no zone ${zone}`);
    const k = host.kernel();
    const kz = k.zones.find((z) => z.name === zone);
    if (inKernel(st as ZoneState)) {
      if (kz) kz.state = st as ZoneState;
      else k.zones.push({ name: zone, id: k.nextId++, state: st as ZoneState });
      host.setIndexState(zone, "installed");
    } else {
      k.zones = k.zones.filter((z) => z.name !== zone);
      host.setIndexState(zone, st as ZoneState);
    }
    host.saveKernel(k);
  });
  return 0;
}

/** Runs simctl. */
export function main(args: string[]): never {
  return runTool(
    "simctl",
    args,
    (io, ctx) => {
      try {
        const rest = args.slice(1);
        switch (args[0]) {
          case "init":
            return init(ctx.paths, rest, io);
          case "fault":
            return fault(ctx.paths, rest, io);
          case "config":
            return config(ctx.paths, rest, io);
          case "log":
            return log(ctx.paths, rest, io);
          case "state":
            return state(ctx.paths, rest);
          default:
            io.eprint(USAGE);
            return 2;
        }
      } catch (e) {
        if (e instanceof UsageError) {
          io.eprint(e.message + "\n" + USAGE);
          return 2;
        }
        throw e;
      }
    },
    { needsHost: false, log: false },
  );
}


