// zonecfg on a host: read a zone's configuration, apply scripts on stdin, delete; its errors as ZmgrErrors.

import type { Host, RunResult } from "../transport/host";
import { commandError, failedWith, type ErrorRule } from "./command-error";
import { assertValid, checkZoneName } from "./names";
import type { ZoneConfig } from "./zone-config";
import { parseZonecfgExport, parseZonecfgInfo } from "./zonecfg-parse";
import { buildCreateScript, buildUpdateScript, type CreateScriptOptions } from "./zonecfg-script";

/** stderr lines of a successful zonecfg run that are only advice. */
const BENIGN = /^(On line \d+( of .*)?:|Warning: prefix length in .* is not required|WARNING: Setting a global zone)/;

/** Known zonecfg failures (SPEC §1), most specific first. */
export const ZONECFG_ERRORS: readonly ErrorRule[] = [
  { match: /No such zone configured/, code: "zmgr::zone::not-found", help: "the zone is not configured on this host; create it first, or check the name" },
  { match: /Bogus zone name|zones beginning with SUNW are read-only/, code: "zmgr::input::zone-name", help: "use a zone name of letters, digits, '_', '.', '-' (not 'global', not 'SUNW...')" },
  { match: /already installed; (create|set zonepath) not allowed/, code: "zmgr::zone::installed", help: "this change needs an uninstalled zone: uninstall it first, or keep the current value" },
  { match: /Zone exists, input not from terminal/, code: "zmgr::zone::exists", help: "the zone is already configured; update it instead, or delete its configuration first" },
  { match: /not in configured state; delete not allowed|Zone state is invalid for the requested operation/, code: "zmgr::zone::bad-state", help: "halt and uninstall the zone before this step" },
  { match: /incompatible rctl already exists/, code: "zmgr::zonecfg::rctl-conflict", help: "an rctl with the alias's name but other values exists; remove that rctl first" },
  { match: /are incompatible|Incompatible settings/, code: "zmgr::zonecfg::conflict", help: "two settings exclude each other (cpu-shares needs FSS and no dedicated-cpu; cpu caps exclude dedicated-cpu); keep one" },
  { match: /syntax error|No such property type|only makes sense in the/, code: "zmgr::zonecfg::syntax", help: "pulumi-zmgr built a script zonecfg does not accept; this is a bug, please report it with the details" },
  { match: /failed to verify|not specified|cannot be specified|cannot be empty/, code: "zmgr::zonecfg::verify", help: "the configuration is incomplete or inconsistent; fix the named property" },
  { match: /resource already exists|already exists\.  A persistent pool|A persistent pool is incompatible/, code: "zmgr::zonecfg::conflict", help: "two settings exclude each other (e.g. dedicated-cpu with capped-cpu or pool); keep one" },
  { match: /must be 'true' or 'false'|invalid privilege|invalid hostid|hostid string is too large|invalid fs-allowed|must be 'shared' or 'exclusive'|is not an absolute path|is not allowed as a zonepath|prefix-length|prefix lengths|bogus host name|invalid physical interface name|is not a valid type|scale suffix|is too small|out of range|already exists|Invalid attr|invalid attr|must be less than or equal/, code: "zmgr::zonecfg::invalid-value", help: "zonecfg refused a value; fix the property it names" },
];

function zoneArg(name: string): string {
  assertValid(checkZoneName(name, "name", { allowGlobal: true }));
  return name;
}

/**
 * The first error of a script run: zonecfg reading stdin goes on after an error, so later
 * commands add follow-on errors (`set` outside a resource...). Each error starts with `On line N:`
 * (`On line N of FILE:` for a file).
 */
export function firstZonecfgError(output: string): string {
  const blocks = output.split(/^(?=On line \d+)/m);
  return blocks.find((b) => /^On line \d+/.test(b)) ?? output;
}

/** The line of the script the first failure refers to (`On line N:`), for error details. */
function scriptLine(result: RunResult, script: string): Record<string, unknown> {
  const m = /On line (\d+)|syntax error on line (\d+)/.exec(result.stderr);
  if (!m) return {};
  const n = Number(m[1] ?? m[2]);
  return { scriptLineNumber: n, scriptLine: script.split("\n")[n - 1] };
}

/** `zonecfg -z NAME info`, parsed; null when the zone is not configured. */
export async function readZoneConfig(host: Host, name: string): Promise<ZoneConfig | null> {
  const argv = ["zonecfg", "-z", zoneArg(name), "info"];
  const result = await host.run(argv);
  if (failedWith(result, /No such zone configured/)) return null;
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONECFG_ERRORS);
  return parseZonecfgInfo(result.stdout);
}

/** `zonecfg -z NAME export`, parsed; null when the zone is not configured. */
export async function exportZoneConfig(host: Host, name: string): Promise<ZoneConfig | null> {
  const argv = ["zonecfg", "-z", zoneArg(name), "export"];
  const result = await host.run(argv);
  if (failedWith(result, /No such zone configured/)) return null;
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONECFG_ERRORS);
  return parseZonecfgExport(result.stdout, name);
}

/**
 * Runs a zonecfg command script for zone `name` as `zonecfg -z NAME -f -` with the script on stdin.
 * Rejects on a non-zero exit (code from the first error, the script line in `details.scriptLine`)
 * and also when zonecfg exited 0 but printed errors (`zmgr::zonecfg::partial`).
 */
export async function applyZonecfgScript(host: Host, name: string, script: string): Promise<RunResult> {
  const argv = zonecfgScriptArgv(name);
  return checkZonecfgScript(host, argv, await host.run(argv, { stdin: script }), script);
}

/** The argv of {@link applyZonecfgScript}: `zonecfg -z NAME -f -` (the script goes on stdin). */
export function zonecfgScriptArgv(name: string): string[] {
  return ["zonecfg", "-z", zoneArg(name), "-f", "-"];
}

/** Throws when a zonecfg script run (alone or in a batch) failed, also when it exited 0 having refused part of the script. */
export function checkZonecfgScript(host: Host, argv: readonly string[], result: RunResult, script: string): RunResult {
  const options = { details: { script, ...scriptLine(result, script) }, focus: firstZonecfgError };
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONECFG_ERRORS, options);
  // Some zonecfg errors (an invalid rctl value, ...) do not count as errors: the command exits 0
  // having saved the rest. Such output is a failure too, loud rather than a silent drift.
  const problems = result.stderr.split("\n").filter((l) => l.trim() !== "" && !BENIGN.test(l));
  if (problems.length > 0) {
    const partial: ErrorRule = { match: /[^]*/, code: "zmgr::zonecfg::partial", help: "zonecfg refused part of the script but saved the rest; read the zone's configuration back and fix the refused setting" };
    throw commandError(host, argv, result, [partial], options);
  }
  return result;
}

/** Configures a new zone from `config` in one zonecfg run (see buildCreateScript). */
export async function createZoneConfig(host: Host, config: ZoneConfig, options: CreateScriptOptions = {}): Promise<void> {
  await applyZonecfgScript(host, config.zonename, buildCreateScript(config, options));
}

/**
 * Changes zone `current.zonename` from `current` (as read) to `target` with a minimal script.
 * Returns the script that ran, or null when nothing differed.
 */
export async function updateZoneConfig(host: Host, current: ZoneConfig, target: ZoneConfig): Promise<string | null> {
  const script = buildUpdateScript(current, target);
  if (script !== null) await applyZonecfgScript(host, current.zonename, script);
  return script;
}

/** `zonecfg -z NAME delete -F`. Resolves false when the zone was not configured (nothing to do). */
export async function deleteZoneConfig(host: Host, name: string): Promise<boolean> {
  const argv = ["zonecfg", "-z", zoneArg(name), "delete", "-F"];
  const result = await host.run(argv);
  if (failedWith(result, /No such zone configured/)) return false;
  if (result.exitCode !== 0) throw commandError(host, argv, result, ZONECFG_ERRORS);
  return true;
}
