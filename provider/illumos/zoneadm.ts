// zoneadm: the zone states, `list -p` parsing, and the lifecycle commands (install, boot, halt, ...) as typed calls.

import { ZmgrError } from "../errors";
import type { Host, RunResult } from "../transport/host";
import { commandError, failedWith, type ErrorRule } from "./command-error";
import { assertValid, checkZoneName } from "./names";
import { splitParsable } from "./parsable";
import { runWithLines, type OutputStream } from "../transport/streaming";

/** The zone states of illumos (zone_state_str). There is no `unavailable` (that is Solaris 11). */
export const ZONE_STATES = ["configured", "incomplete", "installed", "ready", "mounted", "running", "shutting_down", "down"] as const;

/** A zone's state. */
export type ZoneState = (typeof ZONE_STATES)[number];

/** One zone as `zoneadm list -p` shows it. */
export interface ZoneListEntry {
  /** The kernel zone id while the zone is ready or later; undefined (`-`) otherwise. */
  readonly id?: number;
  /** The zone name. */
  readonly name: string;
  /** The state. */
  readonly state: ZoneState;
  /** The zonepath (unescaped). */
  readonly zonepath: string;
  /** The zone's uuid; undefined while the zone is only configured. */
  readonly uuid?: string;
  /** The brand, e.g. `lipkg`. */
  readonly brand: string;
  /** The IP type (`excl` in the listing means exclusive). */
  readonly ipType: "shared" | "exclusive";
  /** The debug id (8th field); undefined when absent or empty (older releases print 7 fields). */
  readonly debugId?: number;
}

function listError(line: string, why: string): ZmgrError {
  return new ZmgrError("zmgr::zoneadm::parse", `cannot read a \`zoneadm list -p\` line: ${why}: ${JSON.stringify(line)}`, {
    help: "this zoneadm prints a format pulumi-zmgr does not know; please report it with the line",
    details: { line },
  });
}

/** Parses one `zoneadm list -p` line: `zoneid:zonename:state:zonepath:uuid:brand:ip-type[:debugid]`. */
export function parseZoneadmLine(line: string): ZoneListEntry {
  const f = splitParsable(line);
  if (f.length < 7) throw listError(line, `${f.length} fields, expected 8`);
  const [id, name, state, zonepath, uuid, brand, ip, did] = f as [string, string, string, string, string, string, string, string | undefined];
  if (!(ZONE_STATES as readonly string[]).includes(state)) throw listError(line, `unknown state '${state}'`);
  if (id !== "-" && !/^\d+$/.test(id)) throw listError(line, `zone id '${id}' is neither a number nor '-'`);
  if (ip !== "shared" && ip !== "excl" && ip !== "exclusive") throw listError(line, `unknown ip-type '${ip}'`);
  if (did !== undefined && did !== "" && !/^-?\d+$/.test(did)) throw listError(line, `debug id '${did}' is not a number`);
  return {
    ...(id === "-" ? {} : { id: Number(id) }),
    name,
    state: state as ZoneState,
    zonepath,
    ...(uuid === "" ? {} : { uuid }),
    brand,
    ipType: ip === "shared" ? "shared" : "exclusive",
    ...(did === undefined || did === "" ? {} : { debugId: Number(did) }),
  };
}

/** Parses the whole output of `zoneadm list -p` (one zone per line; blank lines ignored). */
export function parseZoneadmList(text: string): ZoneListEntry[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map(parseZoneadmLine);
}

/** Known zoneadm failures (SPEC §2), most specific first. */
export const ZONEADM_ERRORS: readonly ErrorRule[] = [
  { match: /No such zone configured/, code: "zmgr::zone::not-found", help: "the zone is not configured on this host; check the name" },
  { match: /another zoneadm may have an operation in progress/, code: "zmgr::zone::busy", help: "another zoneadm works on this zone; wait for it to finish and run again" },
  { match: /zone is incomplete; uninstall required/, code: "zmgr::zone::incomplete", help: "a previous install failed half-way: uninstall the zone (uninstall -F) and install again" },
  { match: /is already installed/, code: "zmgr::zone::installed", help: "the zone is already installed; nothing to install" },
  { match: /must be installed before/, code: "zmgr::zone::not-installed", help: "install the zone first" },
  { match: /operation is invalid for running zones|operation is invalid for zones in state|cannot manage a zone which is in state/, code: "zmgr::zone::bad-state", help: "the zone is in the wrong state for this step; halt it (or install it) first" },
  { match: /not running/, code: "zmgr::zone::not-running", help: "boot the zone first" },
  { match: /operation is invalid for the global zone|operation is invalid for zones starting with SUNW/, code: "zmgr::input::zone-name", help: "this operation works on non-global zones only" },
  { match: /failed to verify/, code: "zmgr::zone::verify-failed", help: "the zone's configuration does not verify; fix what the messages above name" },
  { match: /^ERROR: /m, code: "zmgr::zone::brand-failed", help: "the brand's install script failed; its message says why (e.g. the zonepath's parent is not a ZFS dataset, or a publisher is unreachable)" },
];

function zoneArg(name: string): string {
  assertValid(checkZoneName(name, "name", { allowGlobal: true }));
  return name;
}

/** The argv of `zoneadm -z NAME ARGS...` (the name checked). */
export function zoneadmArgv(name: string, args: readonly string[]): string[] {
  return ["zoneadm", "-z", zoneArg(name), ...args];
}

/** Throws the mapped error when a zoneadm command (run alone or in a batch) failed. */
export function checkZoneadm(host: Host, argv: readonly string[], result: RunResult): RunResult {
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONEADM_ERRORS);
  return result;
}

async function zoneadm(host: Host, name: string, args: readonly string[], timeoutMs?: number): Promise<RunResult> {
  const argv = zoneadmArgv(name, args);
  return checkZoneadm(host, argv, await host.run(argv, timeoutMs === undefined ? {} : { timeoutMs }));
}

/** Options of {@link listZones}. */
export interface ListZonesOptions {
  /** Keep the global zone in the result (default false). */
  readonly includeGlobal?: boolean;
}

/** Every zone on the host, whatever its state (`zoneadm list -cp`), in zoneadm's order. */
export async function listZones(host: Host, options: ListZonesOptions = {}): Promise<ZoneListEntry[]> {
  const argv = ["zoneadm", "list", "-cp"];
  const result = await host.run(argv);
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONEADM_ERRORS);
  const zones = parseZoneadmList(result.stdout);
  return options.includeGlobal ? zones : zones.filter((z) => z.name !== "global");
}

/** One zone (`zoneadm -z NAME list -p`), or null when no such zone is configured. */
export async function getZone(host: Host, name: string): Promise<ZoneListEntry | null> {
  const argv = zoneadmArgv(name, ["list", "-p"]);
  return zoneFromList(host, argv, name, await host.run(argv));
}

/** The zone in a `zoneadm -z NAME list -p` result (run alone or in a batch), null when not configured. */
export function zoneFromList(host: Host, argv: readonly string[], name: string, result: RunResult): ZoneListEntry | null {
  if (failedWith(result, /No such zone configured/)) return null;
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONEADM_ERRORS);
  const zones = parseZoneadmList(result.stdout);
  if (zones.length !== 1 || zones[0]!.name !== name) throw listError(result.stdout, `expected exactly zone ${name}`);
  return zones[0]!;
}

/** Options of {@link installZone}. */
export interface InstallOptions {
  /** Brand-specific install arguments, e.g. `["-e", "extra-pkg"]` (argv words, not shell text). */
  readonly brandArgs?: readonly string[];
  /** Kill the install after this long (default one hour). */
  readonly timeoutMs?: number;
  /** Called with each output line: as it comes when the host can stream, else all at the end. */
  readonly onOutput?: (line: string, stream: OutputStream) => void;
}

/** The default install timeout: one hour. */
export const INSTALL_TIMEOUT_MS = 60 * 60 * 1000;

/** `zoneadm -z NAME install [brand args]`: configured → installed. Resolves with the full output. */
export async function installZone(host: Host, name: string, options: InstallOptions = {}): Promise<RunResult> {
  const argv = ["zoneadm", "-z", zoneArg(name), "install", ...(options.brandArgs ?? [])];
  const result = await runWithLines(host, argv, { timeoutMs: options.timeoutMs ?? INSTALL_TIMEOUT_MS }, options.onOutput);
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONEADM_ERRORS);
  return result;
}

/** `zoneadm -z NAME uninstall -F`: installed or incomplete → configured. Resolves false when it was already only configured. */
export async function uninstallZone(host: Host, name: string, options: { timeoutMs?: number } = {}): Promise<boolean> {
  const argv = ["zoneadm", "-z", zoneArg(name), "uninstall", "-F"];
  const result = await host.run(argv, { timeoutMs: options.timeoutMs ?? INSTALL_TIMEOUT_MS });
  if (failedWith(result, /is already in state 'configured'/)) return false;
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONEADM_ERRORS);
  return true;
}

/** `zoneadm -z NAME boot [-- args]`: installed or ready → running (a running zone stays running). */
export async function bootZone(host: Host, name: string, options: { bootArgs?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
  const extra = options.bootArgs?.length ? ["--", ...options.bootArgs] : [];
  await zoneadm(host, name, ["boot", ...extra], options.timeoutMs);
}

/** `zoneadm -z NAME halt`: any kernel state → installed, at once (an installed zone stays installed). */
export async function haltZone(host: Host, name: string, options: { timeoutMs?: number } = {}): Promise<void> {
  await zoneadm(host, name, ["halt"], options.timeoutMs);
}

/**
 * `zoneadm -z NAME halt` where it is unknown whether the zone ever booted (a round trip that died while installing or
 * booting it): a zone still configured or incomplete, which zoneadmd refuses to manage, has nothing to halt.
 */
export async function haltIfBooted(host: Host, name: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const argv = zoneadmArgv(name, ["halt"]);
  const result = await host.run(argv, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  if (failedWith(result, /cannot manage a zone which is in state '(configured|incomplete)'/)) return;
  checkZoneadm(host, argv, result);
}

/** `zoneadm -z NAME shutdown [-r]`: a graceful stop of a running zone (or a reboot with `reboot`). */
export async function shutdownZone(host: Host, name: string, options: { reboot?: boolean; timeoutMs?: number } = {}): Promise<void> {
  await zoneadm(host, name, options.reboot ? ["shutdown", "-r"] : ["shutdown"], options.timeoutMs);
}

/** `zoneadm -z NAME reboot`: running → running. */
export async function rebootZone(host: Host, name: string, options: { timeoutMs?: number } = {}): Promise<void> {
  await zoneadm(host, name, ["reboot"], options.timeoutMs);
}

/** `zoneadm -z NAME ready`: installed → ready. */
export async function readyZone(host: Host, name: string, options: { timeoutMs?: number } = {}): Promise<void> {
  await zoneadm(host, name, ["ready"], options.timeoutMs);
}

/** `zoneadm -z NAME verify`: checks the configuration against the host; throws `zmgr::zone::verify-failed` with the messages. */
export async function verifyZone(host: Host, name: string): Promise<void> {
  await zoneadm(host, name, ["verify"]);
}
