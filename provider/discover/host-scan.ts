// Reads every zone of a host in one round trip (`zoneadm list -cp`, `zonecfg -z Z info` for each, the datalinks) and its whole registry in another.

import { randomBytes } from "node:crypto";
import { ZmgrError } from "../errors";
import { parseDladmParsable } from "../illumos/dladm";
import { parseZoneadmLine, type ZoneListEntry } from "../illumos/zoneadm";
import { parseZonecfgInfo } from "../illumos/zonecfg-parse";
import type { ZoneConfig } from "../illumos/zone-config";
import { ALL, readRegistry, type RegistrySnapshot } from "../registry/store";
import { commandFailed } from "../transport/checked";
import type { HostHandle } from "../operations/host-spec";

/** One zone as the host reports it. */
export interface ScannedZone {
  /** Its `zoneadm list -cp` line. */
  readonly entry: ZoneListEntry;
  /** Its configuration; undefined when `info` failed or could not be parsed (see `error`). */
  readonly config: ZoneConfig | undefined;
  /** Why there is no configuration: the zone vanished between the two commands, or its `info` did not parse. */
  readonly error: ZmgrError | undefined;
}

/** A datalink: its class (`vnic`, `phys`, `etherstub`, ...) and, for a VNIC, the link it is over. */
export interface ScannedLink {
  /** The class. */
  readonly class: string;
  /** What it is over (empty for physical links and etherstubs). */
  readonly over: string;
}

/** Everything discovery reads from a host. */
export interface HostScan {
  /** The non-global zones in zoneadm's order. */
  readonly zones: readonly ScannedZone[];
  /** The datalinks by name; undefined when `dladm show-link` failed (links are then not checked). */
  readonly links?: ReadonlyMap<string, ScannedLink>;
  /** The whole registry (config, pools, templates, zones, publishers, broken files). */
  readonly registry: RegistrySnapshot;
}

/**
 * POSIX sh, arguments: a marker. Prints `zoneadm list -cp` (with its exit code), the datalinks
 * (`dladm show-link -p -o link,class,over`), then for every zone but the global one a section
 * `<m> info <zone>` with `zonecfg -z Z info` (stdout and stderr together) and `<m> rc <status>`.
 * Zone names cannot hold `:` or blanks, so `cut` finds them safely.
 */
const SCAN_SCRIPT = `m=$1
list=$(zoneadm list -cp 2>&1); rc=$?
printf '%s list\\n%s\\n%s rc %s\\n' "$m" "$list" "$m" "$rc"
[ "$rc" -eq 0 ] || exit 0
printf '%s links\\n' "$m"; dladm show-link -p -o link,class,over 2>&1; printf '\\n%s rc %s\\n' "$m" "$?"
for z in $(printf '%s\\n' "$list" | cut -d: -f2); do
  [ "$z" = global ] && continue
  printf '%s info %s\\n' "$m" "$z"; zonecfg -z "$z" info 2>&1; printf '\\n%s rc %s\\n' "$m" "$?"
done
`;

/** Scans the host: its zones in one round trip and its registry in another, both at once. */
export async function scanHost(handle: HostHandle): Promise<HostScan> {
  const [{ zones, links }, registry] = await Promise.all([scanZones(handle), readRegistry(handle.host, handle.root, ALL)]);
  return { zones, registry, ...(links ? { links } : {}) };
}

/** Lists every non-global zone with its configuration, and the datalinks, in one round trip. */
export async function scanZones(handle: HostHandle): Promise<{ zones: ScannedZone[]; links: Map<string, ScannedLink> | undefined }> {
  const marker = `@@zmgr-${randomBytes(8).toString("hex")}`;
  const argv = ["/bin/sh", "-c", SCAN_SCRIPT, "sh", marker];
  const result = await handle.host.run(argv);
  const failed = (stderr: string, exitCode: number) =>
    new ZmgrError("zmgr::discover::scan", `listing the zones of ${handle.host.label} failed`, {
      cause: commandFailed(handle.host, ["zoneadm", "list", "-cp"], { stdout: "", stderr, exitCode }),
      help: "check that the host is an illumos global zone and that the login may run zoneadm and zonecfg (as root, or with --privilege pfexec|sudo)",
    });
  if (result.exitCode !== 0) throw failed(result.stderr || result.stdout, result.exitCode);
  const list = new RegExp(`^${marker} list\\n([\\s\\S]*?)\\n${marker} rc (\\S+)\\n`).exec(result.stdout);
  if (!list) throw failed(result.stderr || result.stdout, 1);
  if (list[2] !== "0") throw failed(list[1]!, Number(list[2]) || 1);
  const infos = new Map<string, { text: string; rc: string }>();
  const re = new RegExp(`${marker} info (\\S+)\\n([\\s\\S]*?)\\n${marker} rc (\\S+)\\n`, "g");
  for (const m of result.stdout.matchAll(re)) infos.set(m[1]!, { text: m[2]!, rc: m[3]! });
  const out: ScannedZone[] = [];
  for (const line of list[1]!.split("\n")) {
    if (line.trim() === "") continue;
    const entry = parseZoneadmLine(line);
    if (entry.name === "global") continue;
    out.push({ entry, ...configOf(handle, entry.name, infos.get(entry.name)) });
  }
  const linkSection = new RegExp(`${marker} links\\n([\\s\\S]*?)\\n${marker} rc (\\S+)\\n`).exec(result.stdout);
  const links = linkSection?.[2] === "0" ? new Map(parseDladmParsable(linkSection[1]!, ["link", "class", "over"] as const).map((l) => [l.link, { class: l.class, over: l.over }])) : undefined;
  return { zones: out, links };
}

function configOf(handle: HostHandle, name: string, info: { text: string; rc: string } | undefined): { config: ZoneConfig | undefined; error: ZmgrError | undefined } {
  if (!info || info.rc !== "0") {
    const text = info?.text.trim() ?? "no output";
    return {
      config: undefined,
      error: /No such zone configured/.test(text)
        ? new ZmgrError("zmgr::discover::vanished", `zone ${name} was deleted while the host was scanned`, { help: "run discover again" })
        : commandFailed(handle.host, ["zonecfg", "-z", name, "info"], { stdout: "", stderr: text, exitCode: Number(info?.rc) || 1 }),
    };
  }
  try {
    return { config: parseZonecfgInfo(info.text.endsWith("\n") ? info.text : info.text + "\n"), error: undefined };
  } catch (err) {
    if (!ZmgrError.isInstance(err)) throw err;
    return { config: undefined, error: err };
  }
}
