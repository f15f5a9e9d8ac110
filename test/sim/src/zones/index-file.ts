// /etc/zones/index: `name:state:zonepath:uuid` lines (getzoneent.c format).

import type { ZoneState } from "./states.ts";

/** One line of the index. */
export interface IndexEntry {
  name: string;
  /** configured, incomplete or installed (kernel states are not stored here). */
  state: ZoneState;
  zonepath: string;
  /** Empty while the zone is below installed. */
  uuid: string;
}

/** Parses the index text (comments and blank lines ignored; a quoted zonepath may hold ':'). */
export function parseIndex(text: string): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const first = line.indexOf(":");
    const second = line.indexOf(":", first + 1);
    const name = line.slice(0, first);
    const state = line.slice(first + 1, second) as ZoneState;
    let rest = line.slice(second + 1);
    let zonepath: string;
    if (rest.startsWith('"')) {
      const close = rest.indexOf('"', 1);
      zonepath = rest.slice(1, close);
      rest = rest.slice(close + 1);
      rest = rest.startsWith(":") ? rest.slice(1) : rest;
    } else {
      const colon = rest.indexOf(":");
      zonepath = colon < 0 ? rest : rest.slice(0, colon);
      rest = colon < 0 ? "" : rest.slice(colon + 1);
    }
    out.push({ name, state, zonepath, uuid: rest });
  }
  return out;
}

/** Formats the index: the global zone line first, as `global:installed:/`. */
export function formatIndex(entries: readonly IndexEntry[]): string {
  const lines = entries.map((e) => {
    if (e.name === "global") return "global:installed:/";
    const path = e.zonepath.includes(":") ? `"${e.zonepath}"` : e.zonepath;
    return `${e.name}:${e.state}:${path}:${e.uuid}`;
  });
  return lines.join("\n") + "\n";
}
