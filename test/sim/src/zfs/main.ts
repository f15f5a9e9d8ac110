// zfs(8): list, get, set, create, snapshot and destroy over the simulated datasets.

import { mkdirSync } from "node:fs";
import { getopt } from "../core/getopt.ts";
import { runTool } from "../core/run.ts";
import { Exit, type Io } from "../core/io.ts";
import { withLock } from "../core/lock.ts";
import type { SimPaths } from "../core/paths.ts";
import { safePath } from "../core/safe-path.ts";
import { HostState } from "../zones/host-state.ts";
import { DatasetStore, type Dataset } from "./store.ts";

const NUMERIC = new Set(["used", "available", "referenced", "quota", "reservation", "refquota", "refreservation", "usedbysnapshots", "usedbydataset", "usedbychildren", "usedbyrefreservation", "written", "logicalused", "logicalreferenced", "recordsize", "volsize"]);
const ALIASES: Record<string, string> = { avail: "available", refer: "referenced", lused: "logicalused", lrefer: "logicalreferenced", compress: "compression", rdonly: "readonly", recsize: "recordsize", reserv: "reservation", refreserv: "refreservation", usedsnap: "usedbysnapshots", usedds: "usedbydataset", usedchild: "usedbychildren", usedrefreserv: "usedbyrefreservation" };
const READONLY = new Set(["type", "creation", "used", "available", "referenced", "compressratio", "mounted", "origin", "usedbysnapshots", "usedbydataset", "usedbychildren", "usedbyrefreservation", "refcompressratio", "written", "logicalused", "logicalreferenced", "version"]);
const DEFAULTS: Record<string, string> = {
  quota: "none",
  reservation: "none",
  recordsize: "131072",
  sharenfs: "off",
  checksum: "on",
  compression: "off",
  atime: "on",
  devices: "on",
  exec: "on",
  setuid: "on",
  readonly: "off",
  snapdir: "hidden",
  aclmode: "discard",
  aclinherit: "restricted",
  canmount: "on",
  xattr: "on",
  copies: "1",
  version: "5",
  utf8only: "off",
  normalization: "none",
  casesensitivity: "sensitive",
  vscan: "off",
  nbmand: "off",
  sharesmb: "off",
  refquota: "none",
  refreservation: "none",
  primarycache: "all",
  secondarycache: "all",
  logbias: "latency",
  dedup: "off",
  mlslabel: "none",
  sync: "standard",
  redundant_metadata: "all",
};
const ALL_PROPS = [
  "type", "creation", "used", "available", "referenced", "compressratio", "mounted", "quota", "reservation", "recordsize",
  "mountpoint", "sharenfs", "checksum", "compression", "atime", "devices", "exec", "setuid", "readonly", "zoned", "snapdir",
  "aclmode", "aclinherit", "canmount", "xattr", "copies", "version", "utf8only", "normalization", "casesensitivity", "vscan",
  "nbmand", "sharesmb", "refquota", "refreservation", "primarycache", "secondarycache", "usedbysnapshots", "usedbydataset",
  "usedbychildren", "usedbyrefreservation", "logbias", "dedup", "mlslabel", "sync", "refcompressratio", "written",
  "logicalused", "logicalreferenced", "redundant_metadata",
];

function validProp(p: string): boolean {
  return p === "name" || ALL_PROPS.includes(p) || p === "origin" || p.includes(":");
}

/** zfs_nicenum(): 1024-based, at most 5 characters. */
function nicenum(n: number): string {
  if (n < 1024) return String(n);
  const units = "KMGTPE";
  let index = 0;
  let v = n;
  while (v >= 1024 && index < units.length) {
    v /= 1024;
    index++;
  }
  const u = units[index - 1]!;
  if (n % 1024 ** index === 0) return `${n / 1024 ** index}${u}`;
  for (const digits of [2, 1, 0]) {
    const s = `${v.toFixed(digits)}${u}`;
    if (s.length <= 5) return s;
  }
  return `${Math.round(v)}${u}`;
}

function ctime(sec: number): string {
  const d = new Date(sec * 1000);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (x: number) => String(x).padStart(2, "0");
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${String(d.getHours()).padStart(2)}:${pad(d.getMinutes())} ${d.getFullYear()}`;
}

/** A property's value (raw with -p) and source. */
function propValue(store: DatasetStore, host: HostState, d: Dataset, prop: string, raw: boolean): { value: string; source: string } {
  const num = (n: number) => ({ value: raw ? String(n) : nicenum(n), source: "-" });
  switch (prop) {
    case "name":
      return { value: d.name, source: "-" };
    case "type":
      return { value: d.type, source: "-" };
    case "creation":
      return { value: raw ? String(d.creation) : ctime(d.creation), source: "-" };
    case "used":
      return num(store.used(d));
    case "available":
      return d.type === "snapshot" ? { value: "-", source: "-" } : num(store.available());
    case "referenced":
      return num(d.refer);
    case "usedbydataset":
      return num(d.type === "snapshot" ? 0 : d.refer);
    case "usedbychildren":
      return num(store.used(d) - d.refer);
    case "usedbysnapshots":
    case "usedbyrefreservation":
    case "written":
      return num(0);
    case "logicalused":
      return num(store.used(d));
    case "logicalreferenced":
      return num(d.refer);
    case "compressratio":
    case "refcompressratio":
      return { value: "1.00x", source: "-" };
    case "origin":
      return { value: d.props["origin"] ?? "-", source: "-" };
    case "mounted": {
      if (d.type === "snapshot") return { value: "-", source: "-" };
      const mp = store.effective(d, "mountpoint").value;
      const canmount = d.props["canmount"] ?? "on";
      let mounted = mp !== "legacy" && mp !== "none" && canmount === "on";
      if (store.effective(d, "zoned").value === "on") mounted = false;
      const running = host.kernel().zones.map((k) => host.config(k.name)?.zonepath);
      if (d.props["org.opensolaris.libbe:active"] === "on" && running.some((p) => p !== undefined && d.name.includes("/ROOT/"))) mounted = true;
      return { value: mounted ? "yes" : "no", source: "-" };
    }
    case "mountpoint":
    case "zoned":
      return store.effective(d, prop);
  }
  if (d.props[prop] !== undefined) return { value: d.props[prop], source: "local" };
  if (prop.includes(":")) {
    for (let p = DatasetStore.parentName(d.name); p !== ""; p = DatasetStore.parentName(p)) {
      const anc = store.find(p);
      if (anc?.props[prop] !== undefined) return { value: anc.props[prop], source: `inherited from ${anc.name}` };
    }
    return { value: "-", source: "-" };
  }
  if (DEFAULTS[prop] !== undefined) {
    if (NUMERIC.has(prop) && !raw && /^\d+$/.test(DEFAULTS[prop])) return { value: nicenum(Number(DEFAULTS[prop])), source: "default" };
    if (raw && DEFAULTS[prop] === "none" && ["quota", "reservation", "refquota", "refreservation"].includes(prop)) return { value: "0", source: "default" };
    return { value: DEFAULTS[prop], source: "default" };
  }
  return { value: "-", source: "-" };
}

function fail(io: Io, msg: string, code = 1): never {
  io.eprint(msg + "\n");
  throw new Exit(code);
}

/** getopt; unknown options end with `invalid option 'x'` and the usage (exit 2). */
function getopts(io: Io, argv: string[], spec: string, usage: string): { opts: [string, string][]; rest: string[] } {
  const { opts, optind } = getopt(argv, spec);
  for (const o of opts) {
    if (o.error === "unknown") fail(io, `invalid option '${o.c}'\nusage:\n${usage}\n`, 2);
    if (o.error) fail(io, `missing argument for '${o.c}' option\nusage:\n${usage}\n`, 2);
  }
  return { opts: opts.map((o) => [o.c, o.error ? "" : (o.arg ?? "")]), rest: argv.slice(optind) };
}

function sortByName(a: Dataset, b: Dataset): number {
  const [an, as] = a.name.split("@") as [string, string | undefined];
  const [bn, bs] = b.name.split("@") as [string, string | undefined];
  if (an !== bn) {
    const ac = an.split("/");
    const bc = bn.split("/");
    for (let i = 0; i < Math.min(ac.length, bc.length); i++) if (ac[i] !== bc[i]) return ac[i]! < bc[i]! ? -1 : 1;
    return ac.length - bc.length;
  }
  if (as === undefined) return -1;
  if (bs === undefined) return 1;
  return a.seq - b.seq;
}

function depthBelow(root: string, name: string): number {
  const rel = name.slice(root.length);
  return (rel.match(/[/@]/g) ?? []).length;
}

/** Selects datasets for list/get: names (or all), recursion, depth and types. */
function select(io: Io, store: DatasetStore, names: string[], recurse: boolean, depth: number | undefined, types: string[] | undefined): { list: Dataset[]; failed: boolean } {
  let failed = false;
  const out: Dataset[] = [];
  const want = (d: Dataset, explicit: boolean) => (types ? types.includes(d.type) || types.includes("all") : explicit || d.type !== "snapshot");
  if (names.length === 0) {
    for (const d of store.all) if (want(d, false) && (depth === undefined || depthBelow(d.name.split("/")[0]!.split("@")[0]!, d.name) <= depth)) out.push(d);
  } else {
    for (const n of names) {
      const d = store.find(n);
      if (!d) {
        io.eprint(`cannot open '${n}': dataset does not exist\n`);
        failed = true;
        continue;
      }
      if (want(d, true) && !out.includes(d)) out.push(d);
      if (recurse || depth !== undefined) {
        for (const c of store.descendants(n)) if (want(c, false) && (depth === undefined || depthBelow(n, c.name) <= depth) && !out.includes(c)) out.push(c);
      }
    }
  }
  return { list: out, failed };
}

function table(headers: string[], rows: string[][], scripted: boolean, right: boolean[]): string {
  if (scripted) return rows.map((r) => r.join("\t") + "\n").join("");
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ") + "\n";
  return line(headers) + rows.map(line).join("");
}

function list(io: Io, store: DatasetStore, host: HostState, argv: string[]): number {
  const u = "\tlist [-Hp] [-r|-d max] [-o property[,...]] [-s property]...\n\t    [-S property]... [-t type[,...]] [filesystem|volume|snapshot] ...";
  const { opts, rest } = getopts(io, argv, "rHpd:o:s:S:t:", u);
  const has = (c: string) => opts.some((o) => o[0] === c);
  const fields = (opts.filter((o) => o[0] === "o").pop()?.[1] ?? "name,used,avail,refer,mountpoint").split(",").map((f) => ALIASES[f] ?? f);
  for (const f of fields) if (!validProp(f)) fail(io, `invalid property '${f}'\nusage:\n${u}\n`, 2);
  const d = opts.filter((o) => o[0] === "d").pop()?.[1];
  const typeSpec = opts.filter((o) => o[0] === "t").pop()?.[1];
  const types = typeSpec?.split(",").map((t) => (t === "snap" ? "snapshot" : t === "fs" ? "filesystem" : t === "vol" ? "volume" : t));
  const sel = select(io, store, rest, has("r"), d === undefined ? undefined : Number(d), types);
  let items = [...sel.list].sort(sortByName);
  for (const [c, prop] of opts.filter((o) => o[0] === "s" || o[0] === "S").reverse()) {
    const p = ALIASES[prop] ?? prop;
    const key = (x: Dataset) => (p === "creation" ? x.seq : p === "name" ? x.name : propValue(store, host, x, p, true).value);
    items = [...items].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const cmp = typeof ka === "number" && typeof kb === "number" ? ka - kb : NUMERIC.has(p) ? Number(ka) - Number(kb) : String(ka) < String(kb) ? -1 : String(ka) > String(kb) ? 1 : 0;
      return c === "s" ? cmp : -cmp;
    });
  }
  if (items.length === 0 && !sel.failed) {
    io.eprint("no datasets available\n");
    return 0;
  }
  if (items.length > 0) {
    const rows = items.map((x) => fields.map((f) => propValue(store, host, x, f, has("p")).value));
    const headers = fields.map((f) => ({ available: "AVAIL", referenced: "REFER" })[f as "available"] ?? f.toUpperCase());
    io.print(table(headers, rows, has("H"), fields.map((f) => NUMERIC.has(f))));
  }
  return sel.failed ? 1 : 0;
}

function get(io: Io, store: DatasetStore, host: HostState, argv: string[]): number {
  const u = "\tget [-rHp] [-d max] [-o \"all\" | field[,...]]\n\t    [-t type[,...]] [-s source[,...]]\n\t    <\"all\" | property[,...]> [filesystem|volume|snapshot] ...";
  const { opts, rest } = getopts(io, argv, "rHpd:o:t:s:", u);
  const has = (c: string) => opts.some((o) => o[0] === c);
  if (rest.length === 0) fail(io, `missing property argument\nusage:\n${u}\n`, 2);
  const propArg = rest[0]!;
  const props = propArg === "all" ? undefined : propArg.split(",").map((p) => ALIASES[p] ?? p);
  for (const p of props ?? []) if (!validProp(p)) fail(io, `bad property list: invalid property '${p}'\nusage:\n${u}\n`, 2);
  const fieldSpec = opts.filter((o) => o[0] === "o").pop()?.[1] ?? "name,property,value,source";
  const fields = fieldSpec === "all" ? ["name", "property", "value", "received", "source"] : fieldSpec.split(",");
  const sources = opts.filter((o) => o[0] === "s").pop()?.[1]?.split(",");
  const d = opts.filter((o) => o[0] === "d").pop()?.[1];
  const sel = select(io, store, rest.slice(1), has("r"), d === undefined ? undefined : Number(d), undefined);
  const rows: string[][] = [];
  for (const ds of sel.list) {
    const plist = props ?? [...ALL_PROPS.filter((p) => !(ds.type === "snapshot" && ["mountpoint", "quota", "reservation", "available"].includes(p))), ...Object.keys(ds.props).filter((k) => k.includes(":"))];
    for (const p of plist) {
      const v = propValue(store, host, ds, p, has("p"));
      const srcKind = v.source.startsWith("inherited") ? "inherited" : v.source === "-" ? "none" : v.source;
      if (sources && !sources.includes(srcKind)) continue;
      rows.push(fields.map((f) => (f === "name" ? ds.name : f === "property" ? p : f === "value" ? v.value : f === "received" ? "-" : v.source)));
    }
  }
  if (rows.length > 0) io.print(table(fields.map((f) => f.toUpperCase()), rows, has("H"), fields.map(() => false)));
  return sel.failed ? 1 : 0;
}

function nameProblem(name: string): string | undefined {
  const bad = /[^A-Za-z0-9_.:\-/]/.exec(name);
  if (bad) return `invalid character '${bad[0]}' in name`;
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) return "empty component in name";
  return undefined;
}

function makeMountpoint(paths: SimPaths, store: DatasetStore, d: Dataset): void {
  const mp = store.effective(d, "mountpoint").value;
  const canmount = d.props["canmount"] ?? "on";
  if (mp.startsWith("/") && canmount === "on" && store.effective(d, "zoned").value !== "on" && safePath(paths.root, mp)) mkdirSync(mp, { recursive: true });
}

function create(io: Io, paths: SimPaths, store: DatasetStore, argv: string[]): number {
  const u = "\tcreate [-p] [-o property=value] ... <filesystem>\n\tcreate [-ps] [-b blocksize] [-o property=value] ... -V <size> <volume>";
  const { opts, rest } = getopts(io, argv, "po:V:sb:", u);
  if (rest.length !== 1) fail(io, `${rest.length === 0 ? "missing" : "too many"} filesystem argument${rest.length === 0 ? "" : "s"}\nusage:\n${u}\n`, 2);
  const name = rest[0]!;
  const props: Record<string, string> = {};
  for (const [c, v] of opts) {
    if (c !== "o") continue;
    const eq = v.indexOf("=");
    if (eq <= 0) fail(io, `missing '=' for -o option\nusage:\n${u}\n`, 2);
    const p = ALIASES[v.slice(0, eq)] ?? v.slice(0, eq);
    if (!validProp(p) || READONLY.has(p)) fail(io, `cannot create '${name}': invalid property '${p}'`);
    props[p] = v.slice(eq + 1);
  }
  const problem = name.includes("@") ? "snapshot delimiter '@' in filesystem name" : nameProblem(name);
  if (problem) fail(io, `cannot create '${name}': ${problem}`);
  if (store.find(name)) fail(io, `cannot create '${name}': dataset already exists`);
  const pool = name.split("/")[0]!;
  if (!store.find(pool)) fail(io, `cannot create '${name}': no such pool '${pool}'`);
  const parent = DatasetStore.parentName(name);
  if (!store.find(parent)) {
    if (!opts.some((o) => o[0] === "p")) fail(io, `cannot create '${name}': parent does not exist`);
    const parts = name.split("/");
    for (let i = 2; i < parts.length; i++) {
      const n = parts.slice(0, i).join("/");
      if (!store.find(n)) makeMountpoint(paths, store, store.create(n, "filesystem"));
    }
  }
  const vol = opts.find((o) => o[0] === "V");
  const d = store.create(name, vol ? "volume" : "filesystem", vol ? { ...props, volsize: vol[1] } : props);
  makeMountpoint(paths, store, d);
  store.save();
  return 0;
}

function snapshot(io: Io, store: DatasetStore, argv: string[]): number {
  const u = "\tsnapshot [-r] [-o property=value] ... <filesystem|volume>@<snap> ...";
  const { opts, rest } = getopts(io, argv, "ro:", u);
  if (rest.length === 0) fail(io, `missing snapshot argument\nusage:\n${u}\n`, 2);
  for (const snap of rest) {
    const at = snap.indexOf("@");
    if (at <= 0 || at === snap.length - 1) fail(io, `cannot create snapshot '${snap}': empty component or misplaced '@' or '#' delimiter in name`);
    const fs = snap.slice(0, at);
    const sname = snap.slice(at + 1);
    if (!store.find(fs)) fail(io, `cannot open '${fs}': dataset does not exist`);
    const targets = [fs, ...(opts.some((o) => o[0] === "r") ? store.descendants(fs).filter((d) => d.type !== "snapshot").map((d) => d.name) : [])];
    for (const t of targets) if (store.find(`${t}@${sname}`)) fail(io, `cannot create snapshot '${t}@${sname}': dataset already exists`);
    for (const t of targets) store.create(`${t}@${sname}`, "snapshot", {}, 0);
  }
  store.save();
  return 0;
}

function destroy(io: Io, store: DatasetStore, host: HostState, argv: string[]): number {
  const u = "\tdestroy [-fnpRrv] <filesystem|volume>\n\tdestroy [-dnpRrv] <filesystem|volume>@<snap>[%<snap>][,...]";
  const { opts, rest } = getopts(io, argv, "fnpRrvd", u);
  if (rest.length !== 1) fail(io, `${rest.length === 0 ? "missing" : "too many"} dataset argument${rest.length === 0 ? "" : "s"}\nusage:\n${u}\n`, 2);
  const name = rest[0]!;
  const d = store.find(name);
  if (!d) fail(io, `cannot open '${name}': dataset does not exist`);
  const recurse = opts.some((o) => o[0] === "r" || o[0] === "R");
  const kids = store.descendants(name);
  if (kids.length > 0 && !recurse) {
    fail(io, `cannot destroy '${name}': filesystem has children\nuse '-r' to destroy the following datasets:\n${kids.map((k) => k.name).join("\n")}`);
  }
  const doomed = [d, ...kids];
  for (const k of host.kernel().zones) {
    const cfg = host.config(k.name);
    if (!cfg) continue;
    for (const x of doomed) {
      const mp = store.effective(x, "mountpoint").value;
      if (x.type === "filesystem" && (mp === cfg.zonepath || cfg.dataset.some((ds) => ds.name === x.name))) fail(io, `cannot unmount '${mp}': Device busy`);
    }
  }
  if (opts.some((o) => o[0] === "n")) return 0;
  for (const x of doomed) store.remove(x.name);
  store.save();
  return 0;
}

function set(io: Io, store: DatasetStore, argv: string[]): number {
  const u = "\tset <property=value> ... <filesystem|volume|snapshot> ...";
  if (argv.length < 2) fail(io, `missing ${argv.length === 0 ? "property=value" : "dataset name"} argument\nusage:\n${u}\n`, 2);
  const targets = argv.filter((a) => !a.includes("="));
  const assigns = argv.filter((a) => a.includes("="));
  for (const t of targets) {
    const d = store.find(t);
    if (!d) fail(io, `cannot open '${t}': dataset does not exist`);
    for (const a of assigns) {
      const eq = a.indexOf("=");
      const p = ALIASES[a.slice(0, eq)] ?? a.slice(0, eq);
      if (!validProp(p)) fail(io, `cannot set property for '${t}': invalid property '${p}'`);
      if (READONLY.has(p)) fail(io, `cannot set property for '${t}': '${p}' is readonly`);
      d.props[p] = a.slice(eq + 1);
    }
  }
  store.save();
  return 0;
}

function zfs(io: Io, paths: SimPaths, args: string[]): number {
  const sub = args[0];
  const rest = args.slice(1);
  const usage = "usage: zfs command args ...\nwhere 'command' is one of the following:\n\n\tcreate, destroy, snapshot, list, get, set\n";
  if (sub === undefined) fail(io, usage, 2);
  return withLock(paths.hostLock, () => {
    const store = new DatasetStore(paths);
    const host = new HostState(paths);
    switch (sub) {
      case "list":
        return list(io, store, host, rest);
      case "get":
        return get(io, store, host, rest);
      case "create":
        return create(io, paths, store, rest);
      case "snapshot":
      case "snap":
        return snapshot(io, store, rest);
      case "destroy":
        return destroy(io, store, host, rest);
      case "set":
        return set(io, store, rest);
      default:
        return fail(io, `unrecognized command '${sub}'\n${usage}`, 2);
    }
  });
}

/** Runs zfs. */
export function main(args: string[]): never {
  return runTool("zfs", args, (io, ctx) => zfs(io, ctx.paths, args));
}
