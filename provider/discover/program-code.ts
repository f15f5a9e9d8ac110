// Writes a program plan as TypeScript, ready to paste into a Pulumi program.

import { Ref, type ArgValue, type PlannedKind, type ProgramPlan } from "./program-plan";

/** The SDK class of each kind. */
const CLASSES: Readonly<Record<PlannedKind, string>> = { publisher: "Publisher", pool: "Pool", template: "Template", zone: "Zone" };

/** The TypeScript text of a plan: the import, then one `const` per resource. */
export function renderProgram(plan: ProgramPlan): string {
  const lines: string[] = ['import * as zmgr from "pulumi-zmgr";', ""];
  const registry = plan.resources.filter((r) => r.kind !== "zone");
  const zones = plan.resources.filter((r) => r.kind === "zone");
  for (const note of plan.notes) lines.push(`// Note: ${note}`);
  if (registry.length) {
    lines.push("// Registry entries the zones use, adopted as they are: `up` checks each file matches and rewrites nothing.");
    for (const r of registry) lines.push(`const ${r.variable} = new zmgr.${CLASSES[r.kind]}(${JSON.stringify(r.name)}, ${value(r.args, 0)});`);
    lines.push("");
  }
  if (zones.length === 0) {
    lines.push("// No zone on this host can be adopted (see the reasons above).");
  } else {
    lines.push("// Zones, adopted as they are: `up` checks each zone matches these inputs (else it fails, listing the", "// differences, and changes nothing), writes its registry file if missing, and takes it over without touching it.");
    const opts = plan.retainOnDelete ? ", { retainOnDelete: true }" : "";
    for (const r of zones) lines.push(`const ${r.variable} = new zmgr.${CLASSES[r.kind]}(${JSON.stringify(r.name)}, ${value(r.args, 0)}${opts});`);
  }
  return lines.join("\n") + "\n";
}

/** A value as TypeScript: short flat lists and objects on one line, others one entry per line. */
function value(v: ArgValue, indent: number): string {
  if (v instanceof Ref) return v.field ? `${v.variable}.${v.field}` : v.variable;
  if (typeof v !== "object") return JSON.stringify(v);
  const pad = "    ".repeat(indent + 1);
  const end = "    ".repeat(indent);
  const entries = Array.isArray(v) ? (v as ArgValue[]).map((x) => value(x, indent + 1)) : Object.entries(v).map(([k, x]) => `${key(k)}: ${value(x as ArgValue, indent + 1)}`);
  const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{ ", " }"];
  const flat = entries.every((e) => !e.includes("\n"));
  const oneLine = Array.isArray(v) ? `[${entries.join(", ")}]` : entries.length ? `${open}${entries.join(", ")}${close}` : "{}";
  if (indent > 0 && flat && oneLine.length <= 100) return oneLine;
  if (entries.length === 0) return Array.isArray(v) ? "[]" : "{}";
  return `${open.trim()}\n${entries.map((e) => `${pad}${e},`).join("\n")}\n${end}${close.trim()}`;
}

function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k);
}
