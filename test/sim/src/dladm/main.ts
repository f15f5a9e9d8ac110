// dladm(8): VNICs, etherstubs, show-link and show-phys over the simulated datalinks.

import { getopt } from "../core/getopt.ts";
import { runTool } from "../core/run.ts";
import { Exit, type Io } from "../core/io.ts";
import { withLock } from "../core/lock.ts";
import type { SimPaths } from "../core/paths.ts";
import { HostState } from "../zones/host-state.ts";
import { MAXLINKNAMELEN, validLinkName } from "../zones/names.ts";
import { LinkStore, normaliseMac, type Link } from "./store.ts";
import { formatRows, selectFields, type Field } from "./ofmt.ts";

const USAGES: Record<string, string> = {
  "create-vnic":
    "    create-vnic      [-t] -l <link> [-m <value> | auto |\n\t\t     {factory [-n <slot-id>]} | {random [-r <prefix>]} |\n\t\t     {vrrp -V <vrid> -A {inet | inet6}} [-v <vid> [-f]]\n\t\t     [-p <prop>=<value>[,...]] <vnic-link>",
  "delete-vnic": "    delete-vnic      [-t] <vnic-link>",
  "show-vnic": "    show-vnic        [-pP] [-l <link>] [-s [-i <interval>]] [<link>]",
  "create-etherstub": "    create-etherstub [-t] <link>",
  "delete-etherstub": "    delete-etherstub [-t] <link>",
  "show-etherstub": "    show-etherstub   [-t] [<link>]",
  "show-link": "    show-link        [-pP] [-o <field>,..] [-s [-i <interval>]] [<link>]",
  "show-phys": "    show-phys        [-m | -H | -P] [[-p] [-o <field>[,...]] [<link>]",
};

function die(io: Io, msg: string): never {
  io.eprint(`dladm: ${msg}\n`);
  throw new Exit(1);
}

function usage(io: Io): never {
  io.eprint("usage:  dladm <subcommand> <args> ...\n" + Object.values(USAGES).map((u) => u + "\n").join(""));
  throw new Exit(1);
}

/** getopt with dladm's die_opterr() messages. */
function getopts(io: Io, sub: string, argv: string[], spec: string): { opts: [string, string][]; rest: string[] } {
  const { opts, optind } = getopt(argv, spec);
  for (const o of opts) {
    if (o.error === "unknown") die(io, `unrecognized option '-${o.c}'\nusage: ${USAGES[sub]}`);
    if (o.error) die(io, `option '-${o.c}' requires a value\nusage: ${USAGES[sub]}`);
  }
  return { opts: opts.map((o) => [o.c, o.error ? "" : (o.arg ?? "")]), rest: argv.slice(optind) };
}

function opt(opts: [string, string][], c: string): string | undefined {
  const hit = opts.filter((o) => o[0] === c);
  return hit.length ? hit[hit.length - 1]![1] : undefined;
}

function checkNewName(io: Io, name: string): void {
  if (name.length >= MAXLINKNAMELEN) die(io, `link name too long '${name}'`);
  if (!validLinkName(name)) die(io, `invalid link name '${name}'`);
}

/** VNICs used by zones that exist in the kernel (assigned to a ready/running zone). */
function busyLinks(paths: SimPaths): Set<string> {
  const host = new HostState(paths);
  const busy = new Set<string>();
  for (const k of host.kernel().zones) {
    const cfg = host.config(k.name);
    if (cfg?.ipType === "exclusive") for (const n of cfg.net) busy.add(n.physical);
  }
  return busy;
}

function createVnic(io: Io, paths: SimPaths, argv: string[]): number {
  const { opts, rest } = getopts(io, "create-vnic", argv, "tfl:m:n:p:r:v:V:A:");
  const over = opt(opts, "l");
  const m = opt(opts, "m");
  let vid = 0;
  const v = opt(opts, "v");
  if (v !== undefined) {
    vid = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(vid >= 1 && vid <= 4094)) die(io, `invalid VLAN identifier '${v}'`);
  }
  let mac: string | undefined;
  let macType = "random";
  if (m !== undefined) {
    if (m === "auto" || m === "random") macType = "random";
    else if (m === "factory") macType = `factory, slot ${opt(opts, "n") ?? "1"}`;
    else if (m === "vrrp") macType = "vrrp";
    else {
      mac = normaliseMac(m);
      if (mac === undefined) die(io, "invalid MAC address");
      macType = "fixed";
    }
  }
  if (rest.length !== 1 || over === undefined) usage(io);
  const name = rest[0]!;
  checkNewName(io, name);
  const links = new LinkStore(paths);
  const o = links.find(over);
  if (!o) die(io, `invalid link name '${over}'`);
  if (links.find(name)) die(io, `vnic creation over ${over} failed: object already exists`);
  if (o.class === "vnic") die(io, `vnic creation over ${over} failed: invalid argument`);
  if (mac !== undefined && links.links.some((l) => l.mac === mac)) die(io, `vnic creation over ${over} failed: MAC address is already in use`);
  if (mac === undefined) {
    const prefix = opt(opts, "r");
    mac = links.newMac(name, prefix ? prefix.split(":").map((x) => Number.parseInt(x, 16)) : undefined);
  }
  links.links.push({ name, class: "vnic", over, mtu: o.mtu, state: "up", speed: o.speed, mac, macType, vid, temporary: opts.some((x) => x[0] === "t") });
  links.save();
  return 0;
}

function deleteLink(io: Io, paths: SimPaths, argv: string[], kind: "vnic" | "etherstub"): number {
  const sub = `delete-${kind}`;
  const { rest } = getopts(io, sub, argv, "tR:");
  if (rest.length !== 1) usage(io);
  const name = rest[0]!;
  const links = new LinkStore(paths);
  const l = links.find(name);
  if (!l) die(io, `invalid link name '${name}'`);
  if (l.class !== kind) die(io, `'${name}' is not a${kind === "vnic" ? "" : "n"} ${kind}`);
  if (kind === "vnic" && busyLinks(paths).has(name)) die(io, "vnic deletion failed: link busy");
  if (kind === "etherstub" && links.links.some((x) => x.over === name)) die(io, "etherstub deletion failed: link busy");
  links.remove(name);
  links.save();
  return 0;
}

function createEtherstub(io: Io, paths: SimPaths, argv: string[]): number {
  const { opts, rest } = getopts(io, "create-etherstub", argv, "tR:");
  if (rest.length !== 1) usage(io);
  const name = rest[0]!;
  checkNewName(io, name);
  const links = new LinkStore(paths);
  if (links.find(name)) die(io, "etherstub creation failed: object already exists");
  links.links.push({ name, class: "etherstub", over: "", mtu: 9000, state: "unknown", speed: 0, mac: "", macType: "", vid: 0, temporary: opts.some((x) => x[0] === "t") });
  links.save();
  return 0;
}

function show(io: Io, fields: Field[], spec: string | undefined, parsable: boolean, rows: Record<string, string>[], defaults?: Field[]): number {
  const sel = selectFields(fields, spec, parsable, defaults);
  if ("error" in sel) die(io, sel.error);
  if (sel.warning) io.eprint(`dladm: ${sel.warning}\n`);
  io.print(formatRows(sel.fields, rows, parsable));
  return 0;
}

const VNIC_FIELDS: Field[] = [
  { name: "LINK", width: 13 },
  { name: "OVER", width: 13 },
  { name: "SPEED", width: 7 },
  { name: "MACADDRESS", width: 18 },
  { name: "MACADDRTYPE", width: 20 },
  { name: "VID", width: 7 },
];

function showVnic(io: Io, paths: SimPaths, argv: string[]): number {
  const { opts, rest } = getopts(io, "show-vnic", argv, "pPl:si:o:");
  const links = new LinkStore(paths);
  let vnics = links.links.filter((l) => l.class === "vnic");
  const over = opt(opts, "l");
  if (over !== undefined) {
    if (!links.find(over)) die(io, `invalid link name '${over}': object not found`);
    vnics = vnics.filter((l) => l.over === over);
  }
  if (rest.length > 1) usage(io);
  if (rest.length === 1) {
    vnics = vnics.filter((l) => l.name === rest[0]);
    if (vnics.length === 0) die(io, `invalid vnic name '${rest[0]}': object not found`);
  }
  const rows = vnics.map((l) => ({ LINK: l.name, OVER: l.over, SPEED: String(l.speed), MACADDRESS: l.mac, MACADDRTYPE: l.macType, VID: String(l.vid) }));
  return show(io, VNIC_FIELDS, opt(opts, "o"), opts.some((o) => o[0] === "p"), rows);
}

function showEtherstub(io: Io, paths: SimPaths, argv: string[]): number {
  const { rest } = getopts(io, "show-etherstub", argv, "tR:");
  const links = new LinkStore(paths);
  let stubs = links.links.filter((l) => l.class === "etherstub");
  if (rest.length > 1) usage(io);
  if (rest.length === 1) {
    stubs = stubs.filter((l) => l.name === rest[0]);
    if (stubs.length === 0) die(io, `invalid link name '${rest[0]}'`);
  }
  return show(io, [{ name: "LINK", width: 14 }], undefined, false, stubs.map((l) => ({ LINK: l.name })));
}

const LINK_FIELDS: Field[] = [
  { name: "LINK", width: 12 },
  { name: "CLASS", width: 10 },
  { name: "MTU", width: 7 },
  { name: "STATE", width: 9 },
  { name: "BRIDGE", width: 11 },
  { name: "OVER", width: 30 },
];

function showLink(io: Io, paths: SimPaths, argv: string[]): number {
  const { opts, rest } = getopts(io, "show-link", argv, "pPsSi:o:");
  const parsable = opts.some((o) => o[0] === "p");
  const persistent = opts.some((o) => o[0] === "P");
  const spec = opt(opts, "o");
  if (parsable && spec === undefined) die(io, "-p requires -o");
  if (parsable && spec?.toLowerCase() === "all") die(io, '"-o all" is invalid with -p');
  const links = new LinkStore(paths);
  let list: Link[] = links.links;
  if (rest.length > 1) usage(io);
  if (rest.length === 1) {
    list = list.filter((l) => l.name === rest[0]);
    if (list.length === 0) die(io, `link ${rest[0]} is not valid: object not found`);
  }
  const fields = persistent ? LINK_FIELDS.filter((f) => ["LINK", "CLASS", "BRIDGE", "OVER"].includes(f.name)) : LINK_FIELDS;
  const rows = list.map((l) => ({ LINK: l.name, CLASS: l.class, MTU: String(l.mtu), STATE: l.state, BRIDGE: "", OVER: l.over }));
  return show(io, fields, spec, parsable, rows);
}

const PHYS_FIELDS: Field[] = [
  { name: "LINK", width: 13 },
  { name: "MEDIA", width: 21 },
  { name: "STATE", width: 11 },
  { name: "SPEED", width: 7 },
  { name: "DUPLEX", width: 10 },
  { name: "DEVICE", width: 12 },
  { name: "FLAGS", width: 7 },
];

function showPhys(io: Io, paths: SimPaths, argv: string[]): number {
  const { opts, rest } = getopts(io, "show-phys", argv, "pPHmo:");
  const links = new LinkStore(paths);
  let list = links.links.filter((l) => l.class === "phys");
  if (rest.length > 1) usage(io);
  if (rest.length === 1) {
    list = list.filter((l) => l.name === rest[0]);
    if (list.length === 0) die(io, `invalid link name '${rest[0]}'`);
  }
  const rows = list.map((l) => ({ LINK: l.name, MEDIA: "Ethernet", STATE: l.state, SPEED: String(l.speed), DUPLEX: "full", DEVICE: l.name, FLAGS: "" }));
  return show(io, PHYS_FIELDS, opt(opts, "o"), opts.some((o) => o[0] === "p"), rows, PHYS_FIELDS.slice(0, 6));
}

function dladm(io: Io, paths: SimPaths, args: string[]): number {
  const sub = args[0];
  if (sub === undefined) usage(io);
  const rest = args.slice(1);
  const run = (): number => {
    switch (sub) {
      case "create-vnic":
        return createVnic(io, paths, rest);
      case "delete-vnic":
        return deleteLink(io, paths, rest, "vnic");
      case "show-vnic":
        return showVnic(io, paths, rest);
      case "create-etherstub":
        return createEtherstub(io, paths, rest);
      case "delete-etherstub":
        return deleteLink(io, paths, rest, "etherstub");
      case "show-etherstub":
        return showEtherstub(io, paths, rest);
      case "show-link":
        return showLink(io, paths, rest);
      case "show-phys":
        return showPhys(io, paths, rest);
      default:
        io.eprint(`dladm: unknown subcommand '${sub}'\n`);
        return usage(io);
    }
  };
  return withLock(paths.hostLock, run);
}

/** Runs dladm. */
export function main(args: string[]): never {
  return runTool("dladm", args, (io, ctx) => dladm(io, ctx.paths, args));
}
