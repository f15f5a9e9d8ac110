// IPS publishers with pkg: set-publisher / unset-publisher on an image (a zone's root), and `publisher -H -F tsv` parsing.

import { ZmgrError } from "../errors";
import type { Host, RunResult } from "../transport/host";
import { commandError, type ErrorRule } from "./command-error";
import { assertValid, checkAbsolutePath, checkOriginUri, checkPublisherName, type InputFailure } from "./names";

/** One publisher of an image as `pkg publisher -H -F tsv` lists it. */
export interface PkgPublisher {
  /** The publisher name, e.g. `omnios`. */
  readonly name: string;
  /** Sticky: packages stay with this publisher. */
  readonly sticky: boolean;
  /** Comes from the system repository (a linked image's parent). */
  readonly syspub: boolean;
  /** Enabled. */
  readonly enabled: boolean;
  /** Origin URIs, in listing order (pkg writes them with a trailing `/`). */
  readonly origins: readonly string[];
  /** Mirror URIs, in listing order. */
  readonly mirrors: readonly string[];
}

/** Known pkg failures (SPEC §5; exit 1 error, 2 bad arguments). */
export const PKG_ERRORS: readonly ErrorRule[] = [
  { match: /[Uu]nknown publisher|no publisher/, code: "zmgr::pkg::publisher-not-found", help: "the image has no publisher of that name" },
  { match: /[Cc]ould not refresh|[Uu]nable to contact|[Ff]ramework error|[Tt]ransport error/, code: "zmgr::pkg::unreachable", help: "the repository could not be reached: check the origin URL and the host's network (or pass noRefresh)" },
  { match: /[Pp]ermission denied|[Ii]nsufficient privileges/, code: "zmgr::host::permission", help: "pkg needs root (use pfexec or sudo) to change an image" },
  { match: /image.*not found|[Nn]o image (rooted|found)/, code: "zmgr::pkg::no-image", help: "the root given is not an IPS image; is the zone installed?" },
];

function parseError(line: string, why: string): ZmgrError {
  return new ZmgrError("zmgr::pkg::parse", `cannot read a \`pkg publisher -F tsv\` row: ${why}: ${JSON.stringify(line)}`, {
    help: "this pkg prints a format pulumi-zmgr does not know; please report it with the row",
    details: { line },
  });
}

const bool = (s: string, line: string): boolean => {
  if (s !== "true" && s !== "false") throw parseError(line, `'${s}' is neither true nor false`);
  return s === "true";
};

/**
 * Parses `pkg publisher -H -F tsv` (columns PUBLISHER STICKY SYSPUB ENABLED TYPE STATUS URI PROXY,
 * one row per origin or mirror, a row with empty TYPE/URI for a publisher with neither) into one
 * entry per publisher, in listing order. A header row (without -H) is skipped.
 */
export function parsePublisherTsv(text: string): PkgPublisher[] {
  const byName = new Map<string, { name: string; sticky: boolean; syspub: boolean; enabled: boolean; origins: string[]; mirrors: string[] }>();
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("PUBLISHER\t")) continue;
    const f = line.split("\t");
    if (f.length < 7) throw parseError(line, `${f.length} columns, expected 8`);
    const [name, sticky, syspub, enabled, type, , uri] = f as [string, string, string, string, string, string, string];
    let p = byName.get(name);
    if (!p) byName.set(name, (p = { name, sticky: bool(sticky, line), syspub: bool(syspub, line), enabled: bool(enabled, line), origins: [], mirrors: [] }));
    if (type === "origin") p.origins.push(uri);
    else if (type === "mirror") p.mirrors.push(uri);
    else if (type !== "") throw parseError(line, `unknown TYPE '${type}'`);
  }
  return [...byName.values()];
}

/** What {@link setPublisher} sets. */
export interface PublisherSpec {
  /** The publisher name. */
  readonly name: string;
  /** Origin URIs to add (`-g`), at least one. */
  readonly origins: readonly string[];
  /** Mirror URIs to add (`-m`). */
  readonly mirrors?: readonly string[];
  /** Replace: remove every existing origin and mirror first (`-G '*' -M '*'`), so the result is exactly these. */
  readonly replace?: boolean;
  /** Make it the first publisher in search order (`--search-first`). */
  readonly searchFirst?: boolean;
  /** `--sticky` (true) or `--non-sticky` (false); unchanged when absent. */
  readonly sticky?: boolean;
  /** `--no-refresh`: do not contact the repository now. */
  readonly noRefresh?: boolean;
}

/** Input failures of a {@link PublisherSpec} and image root. */
export function validatePublisherSpec(spec: PublisherSpec, root?: string): InputFailure[] {
  const out = [...checkPublisherName(spec.name, "name")];
  if (!Array.isArray(spec.origins) || spec.origins.length === 0) {
    out.push({ property: "origins", reason: "at least one origin is required", code: "zmgr::input::required", help: "give the repository URL, e.g. https://pkg.omnios.org/r151046/core/" });
  } else spec.origins.forEach((o, i) => out.push(...checkOriginUri(o, `origins[${i}]`)));
  (spec.mirrors ?? []).forEach((m, i) => out.push(...checkOriginUri(m, `mirrors[${i}]`)));
  if (root !== undefined) out.push(...checkAbsolutePath(root, "root", { allowRoot: true }));
  return out;
}

function rootArgs(root: string | undefined): string[] {
  if (root === undefined) return [];
  assertValid(checkAbsolutePath(root, "root", { allowRoot: true }));
  return ["-R", root];
}

async function pkg(host: Host, argv: string[]): Promise<RunResult> {
  return checkPkg(host, argv, await host.run(argv));
}

/** Throws the mapped error when a pkg command (run alone or in a batch) failed; exit 4 (nothing to do) is success. */
export function checkPkg(host: Host, argv: readonly string[], result: RunResult): RunResult {
  if (result.exitCode !== 0 && result.exitCode !== 4) throw commandError(host, argv, result, PKG_ERRORS);
  return result;
}

/** The argv of {@link setPublisher} (exported for tests and dry runs). */
export function setPublisherArgv(spec: PublisherSpec, root?: string): string[] {
  assertValid(validatePublisherSpec(spec, root));
  const argv = ["pkg", ...rootArgs(root), "set-publisher"];
  if (spec.replace) argv.push("-G", "*", "-M", "*");
  for (const o of spec.origins) argv.push("-g", o);
  for (const m of spec.mirrors ?? []) argv.push("-m", m);
  if (spec.searchFirst) argv.push("--search-first");
  if (spec.sticky !== undefined) argv.push(spec.sticky ? "--sticky" : "--non-sticky");
  if (spec.noRefresh) argv.push("--no-refresh");
  argv.push(spec.name);
  return argv;
}

/** `pkg [-R ROOT] set-publisher [-G '*' -M '*'] -g ORIGIN... [-m MIRROR...] NAME`: adds or updates a publisher of the image at `root` (default: the host's own image). */
export async function setPublisher(host: Host, spec: PublisherSpec, root?: string): Promise<void> {
  await pkg(host, setPublisherArgv(spec, root));
}

/** `pkg [-R ROOT] unset-publisher NAME`. Resolves false when the image had no such publisher. */
export async function unsetPublisher(host: Host, name: string, root?: string): Promise<boolean> {
  assertValid(checkPublisherName(name, "name"));
  const argv = ["pkg", ...rootArgs(root), "unset-publisher", name];
  const result = await host.run(argv);
  if (result.exitCode !== 0 && /[Uu]nknown publisher|no publisher/.test(result.stderr)) return false;
  if (result.exitCode !== 0) throw commandError(host, argv, result, PKG_ERRORS);
  return true;
}

/** The publishers of the image at `root` (`pkg [-R ROOT] publisher -H -F tsv`). */
export async function listPublishers(host: Host, root?: string): Promise<PkgPublisher[]> {
  const result = await pkg(host, ["pkg", ...rootArgs(root), "publisher", "-H", "-F", "tsv"]);
  return parsePublisherTsv(result.stdout);
}
