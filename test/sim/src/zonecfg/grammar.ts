// zonecfg's grammar (zonecfg_grammar.y), parsed one command at a time. It reproduces what the
// yacc parser reports: the command, one of the grammar's own usage errors (with the token whose
// line number they print), or the token at which a syntax error is detected.

import type { Tok } from "./lexer.ts";

/** One `name=value` piece of a complex value. */
export interface Pair {
  name: string;
  value: string;
}

/** A simple, complex `(a=b,...)` or list `[x,(a=b),...]` property value. */
export type PropValue =
  | { kind: "simple"; value: string }
  | { kind: "complex"; pairs: Pair[] }
  | { kind: "list"; items: ({ kind: "simple"; value: string } | { kind: "complex"; pairs: Pair[] })[] };

/** A parsed command (cmd_t). */
export interface Cmd {
  /** Command name (help for `?`). */
  name: string;
  /** Miscellaneous argument tokens (`-F`, `-b`, file names...). */
  argv: string[];
  /** Resource type or, for info, a global property name. */
  resType?: string;
  /** Property name of set/clear/add-property/remove-property. */
  propName?: string;
  /** The value of set/add/remove property. */
  value?: PropValue;
  /** `name=value` qualifiers of info/remove/select. */
  pairs: { name: string; value: PropValue }[];
}

/** The grammar's own usage errors (rules ending in YYERROR). */
export type UsageKind = "add" | "remove" | "info" | "select" | "select-rt" | "set" | "clear";

/** What one call of the parser produced. */
export type Step =
  | { t: "empty"; next: number }
  | { t: "cmd"; cmd: Cmd; termIdx: number }
  | { t: "usage"; usage: UsageKind; tokIdx: number }
  | { t: "syntax"; at: number }
  | { t: "eof" };

const INFO_PROPS = new Set([
  "zonename", "zonepath", "brand", "autoboot", "ip-type", "pool", "limitpriv", "bootargs", "scheduling-class",
  "cpu-shares", "max-lwps", "max-processes", "max-shm-memory", "max-shm-ids", "max-msg-ids", "max-sem-ids",
  "hostid", "fs-allowed", "zfs-io-priority",
]);

type PvResult = { ok: true; value: PropValue; next: number } | { ok: false; at: number };

function isWord(t: Tok): boolean {
  return t.kind === "TOKEN" || t.kind === "RT" || t.kind === "PN";
}

function parseComplex(toks: Tok[], i: number): { ok: true; pairs: Pair[]; next: number } | { ok: false; at: number } {
  // i points after '('
  const pairs: Pair[] = [];
  let k = i;
  for (;;) {
    if (toks[k]!.kind !== "PN") return { ok: false, at: k };
    if (toks[k + 1]!.kind !== "EQUAL") return { ok: false, at: k + 1 };
    if (!isWord(toks[k + 2]!)) return { ok: false, at: k + 2 };
    pairs.push({ name: toks[k]!.value, value: toks[k + 2]!.value });
    const sep = toks[k + 3]!;
    if (sep.kind === "COMMA") {
      k += 4;
      continue;
    }
    if (sep.kind === "CLOSE_PAREN") return { ok: true, pairs, next: k + 4 };
    return { ok: false, at: k + 3 };
  }
}

function parseValue(toks: Tok[], i: number): PvResult {
  const t = toks[i]!;
  if (isWord(t)) return { ok: true, value: { kind: "simple", value: t.value }, next: i + 1 };
  if (t.kind === "OPEN_PAREN") {
    const c = parseComplex(toks, i + 1);
    return c.ok ? { ok: true, value: { kind: "complex", pairs: c.pairs }, next: c.next } : c;
  }
  if (t.kind === "OPEN_SQ") {
    const items: ({ kind: "simple"; value: string } | { kind: "complex"; pairs: Pair[] })[] = [];
    let k = i + 1;
    for (;;) {
      const it = toks[k]!;
      if (isWord(it)) {
        items.push({ kind: "simple", value: it.value });
        k++;
      } else if (it.kind === "OPEN_PAREN") {
        const c = parseComplex(toks, k + 1);
        if (!c.ok) return c;
        items.push({ kind: "complex", pairs: c.pairs });
        k = c.next;
      } else {
        return { ok: false, at: k };
      }
      const sep = toks[k]!;
      if (sep.kind === "COMMA") {
        k++;
        continue;
      }
      if (sep.kind === "CLOSE_SQ") return { ok: true, value: { kind: "list", items }, next: k + 1 };
      return { ok: false, at: k };
    }
  }
  return { ok: false, at: i };
}

/** Parses `prop=value` qualifiers (at most three); stops at the first non-property token. */
function parsePairs(toks: Tok[], i: number, cmd: Cmd): Step {
  let k = i;
  while (cmd.pairs.length < 3 && toks[k]!.kind === "PN") {
    if (toks[k + 1]!.kind !== "EQUAL") return { t: "syntax", at: k + 1 };
    const v = parseValue(toks, k + 2);
    if (!v.ok) return { t: "syntax", at: v.at };
    cmd.pairs.push({ name: toks[k]!.value, value: v.value });
    k = v.next;
  }
  return { t: "cmd", cmd, termIdx: k };
}

function simpleArgs(toks: Tok[], j: number, cmd: Cmd, max: number): Step {
  let k = j;
  while (cmd.argv.length < max && toks[k]!.kind === "TOKEN") cmd.argv.push(toks[k++]!.value);
  return { t: "cmd", cmd, termIdx: k };
}

/** Parses the command starting at token `i`. */
export function parseStep(toks: Tok[], i: number): Step {
  const first = toks[i]!;
  if (first.kind === "EOF") return { t: "eof" };
  if (first.kind === "TERM") return { t: "empty", next: i + 1 };
  if (first.kind !== "CMD") return { t: "syntax", at: i };
  const cmd: Cmd = { name: first.value, argv: [], pairs: [] };
  const j = i + 1;
  const nt = toks[j]!;
  switch (first.value) {
    case "cancel":
    case "commit":
    case "delete":
    case "end":
    case "exit":
    case "help":
    case "revert":
    case "verify":
      return simpleArgs(toks, j, cmd, 1);
    case "create":
      return simpleArgs(toks, j, cmd, 3);
    case "export":
      return simpleArgs(toks, j, cmd, 2);
    case "add":
      if (nt.kind === "TOKEN") {
        cmd.argv.push(nt.value);
        return { t: "cmd", cmd, termIdx: j + 1 };
      }
      if (nt.kind === "RT") {
        cmd.resType = nt.value;
        return { t: "cmd", cmd, termIdx: j + 1 };
      }
      if (nt.kind === "PN") {
        const v = parseValue(toks, j + 1);
        if (!v.ok) return { t: "syntax", at: v.at };
        cmd.propName = nt.value;
        cmd.value = v.value;
        return { t: "cmd", cmd, termIdx: v.next };
      }
      return { t: "usage", usage: "add", tokIdx: j };
    case "info":
      if (nt.kind === "TOKEN") return { t: "usage", usage: "info", tokIdx: j };
      if (nt.kind === "RT") {
        cmd.resType = nt.value;
        return parsePairs(toks, j + 1, cmd);
      }
      if (nt.kind === "PN" && INFO_PROPS.has(nt.value)) {
        cmd.resType = nt.value;
        return { t: "cmd", cmd, termIdx: j + 1 };
      }
      return { t: "cmd", cmd, termIdx: j };
    case "remove":
      if (nt.kind === "TOKEN") {
        if (toks[j + 1]!.kind === "RT") {
          cmd.argv.push(nt.value);
          cmd.resType = toks[j + 1]!.value;
          return { t: "cmd", cmd, termIdx: j + 2 };
        }
        return { t: "usage", usage: "remove", tokIdx: j + 1 };
      }
      if (nt.kind === "RT") {
        cmd.resType = nt.value;
        return parsePairs(toks, j + 1, cmd);
      }
      if (nt.kind === "PN") {
        const v = parseValue(toks, j + 1);
        if (!v.ok) return { t: "syntax", at: v.at };
        cmd.propName = nt.value;
        cmd.value = v.value;
        return { t: "cmd", cmd, termIdx: v.next };
      }
      return { t: "usage", usage: "remove", tokIdx: j };
    case "select":
      if (nt.kind === "RT") {
        cmd.resType = nt.value;
        if (toks[j + 1]!.kind === "PN") return parsePairs(toks, j + 1, cmd);
        if (["dedicated-cpu", "capped-cpu", "capped-memory"].includes(nt.value)) return { t: "cmd", cmd, termIdx: j + 1 };
        return { t: "usage", usage: "select-rt", tokIdx: j + 1 };
      }
      return { t: "usage", usage: "select", tokIdx: j };
    case "set": {
      let k = j;
      if (nt.kind === "TOKEN") {
        if (!(toks[j + 1]!.kind === "PN" && toks[j + 1]!.value === "zonepath")) return { t: "syntax", at: j + 1 };
        cmd.argv.push(nt.value);
        k = j + 1;
      } else if (nt.kind !== "PN") {
        return { t: "usage", usage: "set", tokIdx: j };
      }
      cmd.propName = toks[k]!.value;
      if (toks[k + 1]!.kind !== "EQUAL") return { t: "syntax", at: k + 1 };
      if (cmd.argv.length === 0 && toks[k + 2]!.kind === "OPEN_SQ" && toks[k + 3]!.kind === "CLOSE_SQ") {
        cmd.value = { kind: "list", items: [] };
        return { t: "cmd", cmd, termIdx: k + 4 };
      }
      const v = parseValue(toks, k + 2);
      if (!v.ok) return { t: "syntax", at: v.at };
      cmd.value = v.value;
      return { t: "cmd", cmd, termIdx: v.next };
    }
    case "clear":
      if (nt.kind === "PN") {
        cmd.propName = nt.value;
        return { t: "cmd", cmd, termIdx: j + 1 };
      }
      return { t: "usage", usage: "clear", tokIdx: j };
    default:
      return { t: "syntax", at: i };
  }
}
