// Reads what a host knows about some zones in one round trip: zoneadm state, zonecfg info and the zone's registry file.

import { randomBytes } from "node:crypto";
import { ZmgrError } from "../errors";
import { checkZoneName, assertValid } from "../illumos/names";
import { parseZoneadmLine, type ZoneListEntry } from "../illumos/zoneadm";
import { parseZonecfgInfo } from "../illumos/zonecfg-parse";
import type { ZoneConfig } from "../illumos/zone-config";
import type { Zone } from "../registry/models";
import { relativePath } from "../registry/paths";
import { DEFAULT_MAX_FILE_BYTES } from "../registry/scan";
import { decodeScan, type BrokenFile, type RegistryEntry } from "../registry/store";
import { commandFailed } from "../transport/checked";
import type { HostHandle } from "./host-spec";

/** What the host says about one zone. */
export interface ZoneProbe {
  /** The zone name. */
  readonly name: string;
  /** Its `zoneadm list -p` entry; undefined when the zone is not configured. */
  readonly entry: ZoneListEntry | undefined;
  /** Its configuration; undefined when not configured. */
  readonly config: ZoneConfig | undefined;
  /** Its registry file, when present and readable. */
  readonly file: RegistryEntry<Zone> | undefined;
  /** Its registry file, when present but broken. */
  readonly brokenFile: BrokenFile | undefined;
}

/**
 * POSIX sh. Arguments: marker, size limit, registry root, zone names. For each zone prints three
 * sections `<m> <kind> <zone>` ... `\n<m> rc <status>`: zoneadm -z Z list -p and zonecfg -z Z info
 * (stdout and stderr together, with the exit code; info is `skipped` when list failed, which saves a
 * zonecfg run per create) and the registry file (rc 0 with its text, `missing`, `oversize` or `unreadable`).
 */
const PROBE_SCRIPT = `m=$1; max=$2; root=$3; shift 3
for z in "$@"; do
  printf '%s list %s\\n' "$m" "$z"; zoneadm -z "$z" list -p 2>&1; rc=$?; printf '\\n%s rc %s\\n' "$m" "$rc"
  printf '%s info %s\\n' "$m" "$z"
  if [ "$rc" -eq 0 ]; then zonecfg -z "$z" info 2>&1; printf '\\n%s rc %s\\n' "$m" "$?"; else printf '\\n%s rc skipped\\n' "$m"; fi
  f="$root/zones/$z.kdl"
  printf '%s file %s\\n' "$m" "$z"
  if [ ! -f "$f" ]; then printf '\\n%s rc missing\\n' "$m"
  elif [ ! -r "$f" ]; then printf '\\n%s rc unreadable\\n' "$m"
  elif [ "$(wc -c < "$f")" -gt "$max" ]; then printf '\\n%s rc oversize\\n' "$m"
  else cat "$f"; printf '\\n%s rc 0\\n' "$m"; fi
done
`;

/** Probes `names` on the host in one round trip. */
export async function probeZones(handle: HostHandle, names: readonly string[]): Promise<Map<string, ZoneProbe>> {
  for (const n of names) assertValid(checkZoneName(n, "name"));
  const out = new Map<string, ZoneProbe>();
  if (names.length === 0) return out;
  const marker = `@@zmgr-${randomBytes(8).toString("hex")}`;
  const argv = ["/bin/sh", "-c", PROBE_SCRIPT, "sh", marker, String(DEFAULT_MAX_FILE_BYTES), handle.root, ...names];
  const result = await handle.host.run(argv);
  const sections = parseSections(result.stdout, marker);
  if (result.exitCode !== 0 || sections.length !== names.length * 3) {
    throw new ZmgrError("zmgr::zone::probe", `reading the state of ${names.join(", ")} failed on ${handle.host.label}`, {
      cause: commandFailed(handle.host, ["/bin/sh", "-c", "<zone probe>"], result),
      help: "check that the host is an illumos global zone and that the login may run zoneadm and zonecfg",
    });
  }
  names.forEach((name, i) => {
    const [list, info, file] = [sections[i * 3]!, sections[i * 3 + 1]!, sections[i * 3 + 2]!];
    out.set(name, decodeProbe(handle, name, list, info, file));
  });
  return out;
}

interface Section {
  readonly kind: string;
  readonly zone: string;
  readonly text: string;
  readonly rc: string;
}

function parseSections(stdout: string, marker: string): Section[] {
  const out: Section[] = [];
  const re = new RegExp(`${marker} (list|info|file) (\\S+)\\n([\\s\\S]*?)\\n${marker} rc (\\S+)\\n`, "g");
  for (const m of stdout.matchAll(re)) out.push({ kind: m[1]!, zone: m[2]!, text: m[3]!, rc: m[4]! });
  return out;
}

function decodeProbe(handle: HostHandle, name: string, list: Section, info: Section, file: Section): ZoneProbe {
  const notFound = /No such zone configured/;
  let entry: ZoneListEntry | undefined;
  let config: ZoneConfig | undefined;
  if (list.rc === "0") entry = parseZoneadmLine(list.text.trim().split("\n")[0]!);
  else if (!notFound.test(list.text)) throw probeError(handle, ["zoneadm", "-z", name, "list", "-p"], list);
  if (info.rc === "0") config = parseZonecfgInfo(info.text.endsWith("\n") ? info.text : info.text + "\n");
  else if (info.rc !== "skipped" && !notFound.test(info.text)) throw probeError(handle, ["zonecfg", "-z", name, "info"], info);
  const rel = relativePath("zone", name);
  const status = file.rc === "0" ? "ok" : (file.rc as "missing" | "oversize" | "unreadable");
  const snapshot = decodeScan(handle.root, [{ rel, status, text: status === "ok" ? file.text : undefined }]);
  return { name, entry, config, file: snapshot.zones.get(name), brokenFile: snapshot.broken[0] };
}

function probeError(handle: HostHandle, argv: string[], section: Section): ZmgrError {
  return commandFailed(handle.host, argv, { stdout: "", stderr: section.text, exitCode: Number(section.rc) || 1 });
}

/** Reads of zones on one host waiting to share a round trip. */
interface PendingProbe {
  readonly handle: HostHandle;
  readonly waiters: Map<string, { resolve(p: ZoneProbe): void; reject(e: unknown): void }[]>;
}

/** One host's probes: the batch still taking reads, the batches waiting for a slot, how many are running. */
interface HostProbes {
  next: PendingProbe | undefined;
  readonly waiting: PendingProbe[];
  running: number;
}

const hosts = new WeakMap<HostHandle["host"], HostProbes>();

/** How long a read waits for others to the same host before its round trip goes (ms). */
const PROBE_BATCH_WINDOW_MS = 5;

/** Probe round trips running at once per host; reads arriving meanwhile gather into the next one. */
const PROBE_MAX_RUNNING = 2;

/**
 * Probes one zone, sharing the round trip with every other zone of the same host asked for within
 * a few milliseconds, or while the host already runs {@link PROBE_MAX_RUNNING} probes: a refresh,
 * which reads all zones, costs one round trip per burst instead of one per zone, and the bursts
 * grow with the number of zones instead of their count.
 */
export function probeZone(handle: HostHandle, name: string): Promise<ZoneProbe> {
  return new Promise((resolve, reject) => {
    let state = hosts.get(handle.host);
    if (!state) hosts.set(handle.host, (state = { next: undefined, waiting: [], running: 0 }));
    let batch = state.next;
    if (!batch || batch.handle.root !== handle.root) {
      const fresh: PendingProbe = { handle, waiters: new Map() };
      batch = state.next = fresh;
      const host = state;
      setTimeout(() => (host.running < PROBE_MAX_RUNNING ? send(host, fresh) : host.waiting.push(fresh)), PROBE_BATCH_WINDOW_MS);
    }
    const list = batch.waiters.get(name) ?? [];
    list.push({ resolve, reject });
    batch.waiters.set(name, list);
  });
}

/** Sends a batch (it takes no more reads), then the oldest waiting one when it is done. */
function send(state: HostProbes, batch: PendingProbe): void {
  if (state.next === batch) state.next = undefined;
  state.running++;
  probeZones(batch.handle, [...batch.waiters.keys()])
    .then(
      (probes) => batch.waiters.forEach((ws, n) => ws.forEach((w) => w.resolve(probes.get(n)!))),
      (error: unknown) => batch.waiters.forEach((ws) => ws.forEach((w) => w.reject(error))),
    )
    .finally(() => {
      state.running--;
      const waiting = state.waiting.shift();
      if (waiting) send(state, waiting);
    });
}
