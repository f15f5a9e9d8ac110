// zonecfg's value syntax both ways: quoting values into commands, reading quoted values, [lists] and (complex=values).

import { ZmgrError } from "../errors";

/** Characters that can never appear in a zonecfg value, quoted or not: `"` and every control character. */
const NEVER = /["\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Characters that end a bare zonecfg token (zonecfg_lex.l): whitespace, `"`, `;`, `=`, brackets, parentheses, and `,` inside lists. */
const BARE = /^[A-Za-z0-9_.:/+@%-]+$/;

function unsafe(value: string, why: string): ZmgrError {
  return new ZmgrError("zmgr::input::zonecfg-unsafe", `refusing to put ${JSON.stringify(value)} into a zonecfg command: ${why}`, {
    help: "this value should have been rejected by validation; check the input and report this as a bug",
    details: { value },
  });
}

/**
 * A value as a double-quoted zonecfg string. zonecfg has no escape characters, so a value holding
 * `"` or a control character (newline ends a command) cannot be quoted: that throws. Inside the
 * quotes, `;`, `=`, `#`, spaces, brackets and parentheses are plain characters.
 */
export function quoteValue(value: string): string {
  if (typeof value !== "string" || value === "") throw unsafe(String(value), "empty or not a string");
  if (NEVER.test(value)) throw unsafe(value, "it contains a double quote or a control character");
  return `"${value}"`;
}

/** A value written bare (a number, `true`, a property name): must be one lexer token with no special characters, else throws. */
export function bareToken(value: string): string {
  if (typeof value !== "string" || !BARE.test(value)) throw unsafe(String(value), "it is not a plain token");
  return value;
}

/** A complex value `(k1=v1,k2="v2")`: keys bare, values quoted when `quote` says so (else bare tokens). */
export function complexValue(pairs: readonly (readonly [key: string, value: string, quote: boolean])[]): string {
  return "(" + pairs.map(([k, v, q]) => `${bareToken(k)}=${q ? quoteValue(v) : bareToken(v)}`).join(",") + ")";
}

/** A value as printed by `info` or `export`: surrounding double quotes removed. */
export function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/**
 * Splits `text` at `sep` where it is outside double quotes, brackets and parentheses.
 * `a,"b,c",(d,e)` → `a`, `"b,c"`, `(d,e)`.
 */
export function splitOutside(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth = Math.max(0, depth - 1);
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Parses a list value `[a,"b=c"]` (or a single bare value) into its items; `[]` is empty. Undefined when malformed. */
export function parseList(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith("[")) return [unquote(t)];
  if (!t.endsWith("]")) return undefined;
  const inner = t.slice(1, -1).trim();
  if (inner === "") return [];
  return splitOutside(inner, ",").map((s) => unquote(s.trim()));
}

/** Parses a complex value `(name=x,value="y")` into a record. Undefined when malformed. */
export function parseComplex(text: string): Record<string, string> | undefined {
  const t = text.trim();
  if (!t.startsWith("(") || !t.endsWith(")")) return undefined;
  const out: Record<string, string> = {};
  for (const part of splitOutside(t.slice(1, -1), ",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return undefined;
    out[part.slice(0, eq).trim()] = unquote(part.slice(eq + 1).trim());
  }
  return out;
}
