// pkg(1): publisher, set-publisher and unset-publisher on an image (-R root, the zone image
// inside zlogin, else the global image kept under the simulated host's root).

import { randomUUID } from "node:crypto";
import { runTool } from "../core/run.ts";
import { Exit, type Io } from "../core/io.ts";
import { withLock } from "../core/lock.ts";
import type { SimPaths } from "../core/paths.ts";
import { imageExists, normaliseUri, readPublishers, writePublishers, type Publisher } from "./image.ts";

const UNSIMULATED = ["install", "uninstall", "update", "list", "info", "contents", "search", "refresh", "verify", "fix", "history", "freeze", "unfreeze", "mediator", "set-mediator", "unset-mediator", "avoid", "unavoid", "variant", "change-variant", "facet", "change-facet", "property", "set-property", "add-property-value", "remove-property-value", "unset-property", "image-create", "rebuild-index", "purge-history", "exact-install", "dehydrate", "rehydrate", "version", "help"];

function fail(io: Io, sub: string, msg: string, code = 1): never {
  io.eprint(`pkg ${sub}: ${msg}\n`);
  throw new Exit(code);
}

function validUri(u: string): boolean {
  return /^(https?|file):\/\/[^\s]+$/.test(u);
}

/** Parses long and short options; `valued` take an argument. */
function parseOpts(io: Io, sub: string, argv: string[], flags: string[], valued: string[]): { opts: [string, string][]; rest: string[] } {
  const opts: [string, string][] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (flags.includes(name)) opts.push([name, ""]);
      else if (valued.includes(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) fail(io, sub, `option '${name}' requires an argument`, 2);
        opts.push([name, v]);
      } else fail(io, sub, `illegal option -- ${name.slice(2)}`, 2);
    } else if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const o = `-${a[j]}`;
        if (flags.includes(o)) opts.push([o, ""]);
        else if (valued.includes(o)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (v === undefined) fail(io, sub, `option '${o}' requires an argument`, 2);
          opts.push([o, v]);
          break;
        } else fail(io, sub, `illegal option -- ${a[j]}`, 2);
      }
    } else rest.push(a);
  }
  return { opts, rest };
}

function setPublisher(io: Io, root: string, argv: string[]): number {
  const sub = "set-publisher";
  const { opts, rest } = parseOpts(io, sub, argv, ["--search-first", "-P", "--sticky", "--non-sticky", "--no-refresh", "--enable", "-e", "--disable", "-d", "--reset-uuid", "--refresh", "-R"], ["-g", "--add-origin", "-G", "--remove-origin", "-O", "--origin-uri", "-m", "--add-mirror", "-M", "--remove-mirror", "-c", "-k", "--proxy", "--search-before", "--search-after", "--add-property-value", "--set-property", "--unset-property", "--remove-property-value", "-p"]);
  if (rest.length !== 1) fail(io, sub, rest.length === 0 ? "requires a publisher name" : "only one publisher name may be specified", 2);
  const name = rest[0]!;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) fail(io, sub, `'${name}' is not a valid publisher name.`);
  const pubs = readPublishers(root);
  let pub = pubs.find((p) => p.name === name);
  const isNew = pub === undefined;
  pub ??= { name, origins: [], mirrors: [], sticky: true, enabled: true, syspub: false, proxy: "" };
  for (const [o, v] of opts) {
    if (["-g", "--add-origin", "-O", "--origin-uri", "-m", "--add-mirror"].includes(o) && !validUri(v)) fail(io, sub, `Invalid repository URI: ${v}`);
    switch (o) {
      case "-g":
      case "--add-origin": {
        const u = normaliseUri(v);
        if (!pub.origins.includes(u)) pub.origins.push(u);
        break;
      }
      case "-G":
      case "--remove-origin":
        if (v === "*") pub.origins = [];
        else {
          const u = normaliseUri(v);
          if (!pub.origins.includes(u)) fail(io, sub, `The origin URI '${u}' is not configured for publisher '${name}'.`);
          pub.origins = pub.origins.filter((x) => x !== u);
        }
        break;
      case "-O":
      case "--origin-uri":
        pub.origins = [normaliseUri(v)];
        break;
      case "-m":
      case "--add-mirror": {
        const u = normaliseUri(v);
        if (!pub.mirrors.includes(u)) pub.mirrors.push(u);
        break;
      }
      case "-M":
      case "--remove-mirror":
        pub.mirrors = v === "*" ? [] : pub.mirrors.filter((x) => x !== normaliseUri(v));
        break;
      case "--sticky":
        pub.sticky = true;
        break;
      case "--non-sticky":
        pub.sticky = false;
        break;
      case "-e":
      case "--enable":
        pub.enabled = true;
        break;
      case "-d":
      case "--disable":
        pub.enabled = false;
        break;
      case "--proxy":
        pub.proxy = v;
        break;
    }
  }
  if (isNew && pub.origins.length === 0 && pub.mirrors.length === 0) fail(io, sub, `At least one origin or mirror must be specified when adding a new publisher.`);
  const list = isNew ? [...pubs, pub] : pubs;
  const first = opts.some(([o]) => o === "--search-first" || o === "-P");
  const ordered = first ? [pub, ...list.filter((p) => p !== pub)] : list;
  writePublishers(root, ordered);
  return 0;
}

function unsetPublisher(io: Io, root: string, argv: string[]): number {
  const sub = "unset-publisher";
  const { rest } = parseOpts(io, sub, argv, [], []);
  if (rest.length === 0) fail(io, sub, "at least one publisher must be specified", 2);
  const pubs = readPublishers(root);
  for (const n of rest) if (!pubs.some((p) => p.name === n)) fail(io, sub, `Unknown publisher '${n}'.`);
  writePublishers(root, pubs.filter((p) => !rest.includes(p.name)));
  return 0;
}

function displayName(p: Publisher): string {
  const attrs = [p.sticky ? "" : "non-sticky", p.enabled ? "" : "disabled"].filter((x) => x !== "");
  return attrs.length ? `${p.name} (${attrs.join(", ")})` : p.name;
}

function publisher(io: Io, root: string, argv: string[]): number {
  const sub = "publisher";
  const { opts, rest } = parseOpts(io, sub, argv, ["-H", "-P", "-n", "-a", "--omit-headers"], ["-F", "--output-format"]);
  const has = (o: string) => opts.some(([x]) => x === o);
  const format = opts.find(([o]) => o === "-F" || o === "--output-format")?.[1] ?? "default";
  if (!["default", "tsv"].includes(format)) fail(io, sub, `Unrecognized format ${format}. Supported formats: default, tsv`, 2);
  let pubs = readPublishers(root);
  for (const n of rest) if (!pubs.some((p) => p.name === n)) fail(io, sub, `Unknown publisher '${n}'.`);
  if (rest.length > 0) pubs = pubs.filter((p) => rest.includes(p.name));
  if (has("-n")) pubs = pubs.filter((p) => p.enabled);
  if (has("-P")) pubs = pubs.slice(0, 1);
  const headers = !has("-H") && !has("--omit-headers");
  if (rest.length > 0 && format === "default") {
    for (const p of pubs) {
      io.print(`\n            Publisher: ${p.name}\n                Alias: \n`);
      for (const o of p.origins) io.print(`           Origin URI: ${o}\n        Origin Status: Online\n              SSL Key: None\n             SSL Cert: None\n`);
      for (const m of p.mirrors) io.print(`           Mirror URI: ${m}\n        Mirror Status: Online\n`);
      io.print(`          Client UUID: ${randomUUID()}\n      Catalog Updated: ${new Date().toUTCString()}\n              Enabled: ${p.enabled ? "Yes" : "No"}\n`);
    }
    return 0;
  }
  if (format === "tsv") {
    if (headers) io.print("PUBLISHER\tSTICKY\tSYSPUB\tENABLED\tTYPE\tSTATUS\tURI\tPROXY\n");
    for (const p of pubs) {
      const base = `${p.name}\t${p.sticky}\t${p.syspub}\t${p.enabled}`;
      const rows = [...p.origins.map((u) => ["origin", u]), ...p.mirrors.map((u) => ["mirror", u])];
      if (rows.length === 0) io.print(`${base}\t\t\t\t\n`);
      for (const [type, uri] of rows) io.print(`${base}\t${type}\tonline\t${uri}\t${p.proxy || "-"}\n`);
    }
    return 0;
  }
  const line = (a: string, b: string, c: string, d: string, e: string) => `${a.padEnd(27)} ${b.padEnd(8)} ${c.padEnd(6)} ${d.padEnd(1)} ${e}\n`;
  if (headers) io.print(line("PUBLISHER", "TYPE", "STATUS", "P", "LOCATION"));
  for (const p of pubs) {
    for (const u of p.origins) io.print(line(displayName(p), "origin", "online", p.proxy ? "T" : "F", u));
    for (const u of p.mirrors) io.print(line(displayName(p), "mirror", "online", p.proxy ? "T" : "F", u));
  }
  return 0;
}

function pkg(io: Io, paths: SimPaths, args: string[]): number {
  let root = process.env["ILLUMOS_SIM_IMAGE_ROOT"] || paths.root;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-R") root = args[++i] ?? "";
    else if (a.startsWith("-R")) root = a.slice(2);
    else if (a === "--no-network-cache" || a === "-D") continue;
    else break;
  }
  const sub = args[i];
  const rest = args.slice(i + 1);
  if (sub === undefined) {
    io.eprint("pkg: no subcommand specified\nUsage:\n        pkg [options] command [cmd_options] [operands]\n");
    return 2;
  }
  if (!root.startsWith("/") || !imageExists(root)) {
    io.eprint(`pkg: No image rooted at '${root}'\n`);
    return 1;
  }
  return withLock(paths.hostLock, () => {
    switch (sub) {
      case "set-publisher":
        return setPublisher(io, root, rest);
      case "unset-publisher":
        return unsetPublisher(io, root, rest);
      case "publisher":
        return publisher(io, root, rest);
      default:
        if (UNSIMULATED.includes(sub)) {
          io.eprint(`pkg ${sub}: not simulated by the illumos simulator\n`);
          return 1;
        }
        io.eprint(`pkg: unknown subcommand '${sub}'\nUsage:\n        pkg [options] command [cmd_options] [operands]\n`);
        return 2;
    }
  });
}

/** Runs pkg. */
export function main(args: string[]): never {
  return runTool("pkg", args, (io, ctx) => pkg(io, ctx.paths, args));
}
