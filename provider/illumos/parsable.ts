// Splitting the colon-separated "parsable" lines of zoneadm and dladm, with their backslash escapes.

/** Splits a parsable line at unescaped `:`, turning `\:` into `:` and `\\` into `\`. */
export function splitParsable(line: string): string[] {
  const fields: string[] = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) cur += line[++i];
    else if (c === ":") {
      fields.push(cur);
      cur = "";
    } else cur += c;
  }
  fields.push(cur);
  return fields;
}

