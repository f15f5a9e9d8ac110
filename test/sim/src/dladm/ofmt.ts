// libofmt: field selection (-o), human tables with overflow compression, parsable ':' output.

/** One output field: name and human column width. */
export interface Field {
  name: string;
  width: number;
}

/** The result of selecting fields: the fields, or an error message for die(). */
export type Selection = { fields: Field[]; warning?: string } | { error: string };

/**
 * ofmt_open(): selects fields from `-o` (case-insensitive, `all`), defaulting to `defaults`.
 * In parsable mode -o is required and `all` is refused.
 */
export function selectFields(all: Field[], spec: string | undefined, parsable: boolean, defaults = all): Selection {
  if (spec === undefined) {
    if (parsable) return { error: "output fields must be specified in parsable mode" };
    return { fields: defaults };
  }
  if (spec.toLowerCase() === "all") {
    if (parsable) return { error: "output field `all' invalid in parsable mode" };
    return { fields: all };
  }
  const fields: Field[] = [];
  const bad: string[] = [];
  for (const name of spec.split(",")) {
    const f = all.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (f) fields.push(f);
    else bad.push(name);
  }
  if (bad.length > 0) {
    const list = bad.map((b) => ` \`${b}'`).join("");
    if (parsable) return { error: `${bad.length > 1 ? "unknown output fields:" : "unknown output field:"}${list}` };
    if (fields.length === 0) return { error: "no valid output fields" };
    return { fields, warning: `${bad.length > 1 ? "ignoring unknown output fields:" : "ignoring unknown output field:"}${list}` };
  }
  return { fields };
}

function humanLine(fields: Field[], values: string[]): string {
  let out = "";
  let overflow = 0;
  fields.forEach((f, i) => {
    const value = values[i]!;
    if (i === fields.length - 1) {
      out += value;
      overflow = 0;
      return;
    }
    let width = f.width;
    if (value.length + overflow >= width) {
      overflow += value.length - width + 1;
      out += value + " ";
      return;
    }
    if (overflow > 0) {
      const compress = Math.min(overflow, width - value.length);
      overflow -= compress;
      width -= compress;
    }
    out += value.padEnd(width);
  });
  return out + "\n";
}

/** Formats rows: a header and `--` for empty values (human), or ':'-joined values (parsable). */
export function formatRows(fields: Field[], rows: Record<string, string>[], parsable: boolean): string {
  const value = (r: Record<string, string>, f: Field) => r[f.name] ?? "";
  if (parsable) {
    const esc = fields.length > 1;
    return rows.map((r) => fields.map((f) => (esc ? value(r, f).replace(/([:\\])/g, "\\$1") : value(r, f))).join(":") + "\n").join("");
  }
  let s = humanLine(fields, fields.map((f) => f.name));
  for (const r of rows) s += humanLine(fields, fields.map((f) => (value(r, f) === "" ? "--" : value(r, f))));
  return s;
}
