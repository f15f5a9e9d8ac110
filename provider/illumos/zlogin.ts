// zlogin: runs a command inside a running zone; zlogin's own failures become ZmgrErrors, the command's are results.

import type { Host, RunOptions, RunResult } from "../transport/host";
import { commandLine } from "../transport/quote";
import { commandError, type ErrorRule } from "./command-error";
import { assertValid, checkZoneName } from "./names";

/** zlogin's own failures (SPEC §5); they exit 1 with a `zlogin: ` message. */
export const ZLOGIN_ERRORS: readonly ErrorRule[] = [
  { match: /^zlogin: zone '.*' unknown/m, code: "zmgr::zone::not-found", help: "the zone is not configured on this host; check the name" },
  { match: /^zlogin: (cannot login to a zone which is|login allowed only to running zones)/m, code: "zmgr::zone::not-running", help: "boot the zone first (zoneadm boot), then run the command again" },
  { match: /^zlogin: 'zlogin' not applicable to the global zone/m, code: "zmgr::input::zone-name", help: "run the command on the host directly instead of through zlogin" },
];

/**
 * The argv that runs `command` in `zone`: `zlogin -Q ZONE '<command line>'`. zlogin joins its
 * arguments with spaces and hands them to the zone's shell, so the command is given as one
 * argument quoted with quote.ts: every word reaches the zone's program unchanged.
 */
export function zloginArgv(zone: string, command: readonly string[]): string[] {
  assertValid(checkZoneName(zone, "zone"));
  return ["zlogin", "-Q", zone, commandLine(command)];
}

/**
 * Runs `command` (an argv) inside running zone `zone` and resolves with its result, whatever its
 * exit code; rejects when zlogin itself failed (no such zone, zone not running).
 */
export async function zloginRun(host: Host, zone: string, command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const argv = zloginArgv(zone, command);
  const result = await host.run(argv, options);
  if (result.exitCode === 1 && ZLOGIN_ERRORS.some((r) => r.match.test(result.stderr))) throw commandError(host, argv, result, ZLOGIN_ERRORS);
  return result;
}

/** Like {@link zloginRun}, and also rejects (`zmgr::host::command-failed`) when the command exits non-zero. */
export async function zloginChecked(host: Host, zone: string, command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await zloginRun(host, zone, command, options);
  if (result.exitCode !== 0) throw commandError(host, zloginArgv(zone, command), result, []);
  return result;
}
