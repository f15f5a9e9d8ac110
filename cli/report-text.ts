// Renders a discovery report for people: a table of the zones and their match, the reasons, and the registry's loose ends, as `//` comment lines.

import type { DiscoveredZone, DiscoveryReport } from "../provider/discover/report";
import type { Registration } from "../provider/discover/register";
import { configCommands, type StackConfigEntry } from "../provider/discover/stack-config";

/** The outcome column of a zone. */
function outcome(z: DiscoveredZone): string {
  if (z.status === "vm") return "skipped (vm-manager)";
  if (z.status === "not-adoptable") return "not adoptable";
  return "adopt";
}

/** The table and the details under it. */
export function reportLines(report: DiscoveryReport, registrations: readonly Registration[] = []): string[] {
  const header = ["ZONE", "BRAND", "STATE", "ADDRESS", "POOL", "TEMPLATE", "ZONE FILE", "RESULT"];
  const rows = report.zones.map((z) => [z.name, z.brand, z.state, z.address ?? "-", z.pool ?? "-", z.template ?? "-", z.status === "vm" ? "-" : z.registry, outcome(z)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  const out = [`Zones on ${report.host} (registry ${report.registryRoot}):`, "", line(header)];
  if (report.zones.length === 0) out.push("(no zones besides the global zone)");
  for (const [i, z] of report.zones.entries()) {
    out.push(line(rows[i]!));
    for (const r of z.reasons) out.push(`    - ${r}`);
    if (z.status === "adoptable" && z.unmanaged.length) out.push(`    left as they are (not managed): ${z.unmanaged.join("; ")}`);
    for (const n of z.notes) out.push(`    note: ${n}`);
  }
  const counts = (s: DiscoveredZone["status"]) => report.zones.filter((z) => z.status === s).length;
  out.push("", `${counts("adoptable")} adoptable, ${counts("not-adoptable")} not adoptable, ${counts("vm")} left to vm-manager.`);
  if (report.orphans.length) {
    out.push("", "Zone files whose zone is gone (their addresses stay held until the file is removed):");
    for (const o of report.orphans) out.push(`    ${o.path}${o.addresses.length ? ` holds ${o.addresses.join(", ")}` : ""}`);
  }
  if (report.broken.length) {
    out.push("", "Registry files that cannot be read:");
    for (const b of report.broken) out.push(`    ${b.path}: ${b.problem}`);
  }
  if (registrations.length) {
    out.push("", "Zone files written:");
    for (const r of registrations) out.push(r.error ? `    ${r.zone}: FAILED: ${r.error.message} [${r.error.code}]` : `    ${r.file} (${r.address})`);
  }
  return out;
}

/** How the program gets this host: the stack config lines. */
export function hostConfigLines(entries: readonly StackConfigEntry[]): string[] {
  return [
    "The resources below have no `host`: they use the stack's default host. Set it to this host:",
    ...configCommands(entries).map((c) => `    ${c}`),
    "(A different address or port for the same host makes every resource move: keep these values.)",
  ];
}

/** Lines as `//` comments. */
export function commented(lines: readonly string[]): string {
  return lines.map((l) => (l === "" ? "//" : `// ${l}`)).join("\n") + "\n";
}
