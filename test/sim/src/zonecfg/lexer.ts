// zonecfg's lexer (zonecfg_lex.l): start states INITIAL, TSTATE (tokens), LSTATE (lists),
// CSTATE (complex values); keywords only where the .l file recognises them.

/** Token kinds produced by the lexer. */
export type TokKind =
  | "CMD" // a command word (INITIAL state)
  | "RT" // a resource-type keyword (TSTATE)
  | "PN" // a property-name keyword (TSTATE or CSTATE)
  | "TOKEN" // any other word or a quoted string
  | "EQUAL"
  | "OPEN_SQ"
  | "CLOSE_SQ"
  | "OPEN_PAREN"
  | "CLOSE_PAREN"
  | "COMMA"
  | "TERM" // ';' or '\n'
  | "CHAR" // any other single character
  | "EOF";

/** One token. */
export interface Tok {
  kind: TokKind;
  /** Keyword or command name for CMD/RT/PN; the unquoted value for TOKEN. */
  value: string;
  /** The matched text (yytext), as printed by syntax errors. */
  raw: string;
  /** lex_lineno after this token was produced (a '\n' increments it). */
  lineAfter: number;
}

const COMMANDS = ["add", "cancel", "commit", "create", "delete", "end", "exit", "export", "?", "help", "info", "remove", "revert", "select", "set", "clear", "verify"];

/** Resource-type keywords (TSTATE only). */
export const RESOURCE_TYPES = ["net", "fs", "device", "rctl", "attr", "admin", "security-flags", "dataset", "dedicated-cpu", "capped-cpu", "capped-memory"];

/** Property-name keywords (TSTATE and CSTATE). */
export const PROPERTY_NAMES = [
  "zonename", "zonepath", "brand", "autoboot", "ip-type", "pool", "limitpriv", "bootargs", "type", "value", "options",
  "allowed-address", "address", "physical", "defrouter", "mac-addr", "vlan-id", "global-nic", "property", "dir",
  "special", "raw", "name", "match", "priv", "limit", "action", "ncpus", "locked", "swap", "importance", "cpu-shares",
  "max-lwps", "max-processes", "max-shm-memory", "max-shm-ids", "max-msg-ids", "max-sem-ids", "scheduling-class",
  "hostid", "user", "auths", "fs-allowed", "default", "lower", "upper", "zfs-io-priority",
];

const RT_SET = new Set(RESOURCE_TYPES);
const PN_SET = new Set(PROPERTY_NAMES);

type State = "I" | "T" | "L" | "C";

function runLength(text: string, pos: number, stop: string): number {
  let i = pos;
  while (i < text.length && !stop.includes(text[i]!)) i++;
  return i - pos;
}

/** Splits zonecfg input into tokens, ending with an EOF token. */
export function lex(text: string): Tok[] {
  const toks: Tok[] = [];
  let pos = 0;
  let line = 1;
  let cur: State = "I";
  let stateVar: State = "I"; // the .l file's `state` variable, restored by ')'
  const push = (kind: TokKind, value: string, raw: string) => toks.push({ kind, value, raw, lineAfter: line });

  while (pos < text.length) {
    const c = text[pos]!;
    // Rules active in every state.
    if (c === ";") {
      cur = "I";
      push("TERM", ";", ";");
      pos++;
      continue;
    }
    if (c === "\n") {
      line++;
      cur = "I";
      push("TERM", "\n", "\n");
      pos++;
      continue;
    }
    if (c === " " || c === "\t") {
      pos++;
      continue;
    }
    if (cur === "I") {
      if (c === "#") {
        pos += runLength(text, pos, "\n");
        continue;
      }
      let best = "";
      for (const w of COMMANDS) if (text.startsWith(w, pos) && w.length > best.length) best = w;
      if (best) {
        cur = "T";
        stateVar = "T";
        push("CMD", best === "?" ? "help" : best, best);
        pos += best.length;
        continue;
      }
      push("CHAR", c, c);
      pos++;
      continue;
    }
    if (c === '"') {
      const end = runLength(text, pos + 1, '"\n');
      if (pos + 1 + end < text.length) {
        const closer = text[pos + 1 + end]!;
        const raw = text.slice(pos, pos + 2 + end);
        // A closing quote is stripped; a newline ending an unterminated string stays in the value.
        push("TOKEN", closer === '"' ? raw.slice(1, -1) : raw.slice(1), raw);
        pos += 2 + end;
        continue;
      }
      push("CHAR", c, c);
      pos++;
      continue;
    }
    if (c === "=") {
      push("EQUAL", "=", "=");
      pos++;
      continue;
    }
    if (cur === "T") {
      if (c === "[") {
        cur = "L";
        stateVar = "L";
        push("OPEN_SQ", c, c);
        pos++;
        continue;
      }
      if (c === "(") {
        cur = "C";
        push("OPEN_PAREN", c, c);
        pos++;
        continue;
      }
      const n = runLength(text, pos, ' \t\n";=[]()');
      if (n > 0) {
        const w = text.slice(pos, pos + n);
        push(RT_SET.has(w) ? "RT" : PN_SET.has(w) ? "PN" : "TOKEN", w, w);
        pos += n;
        continue;
      }
    } else if (cur === "L") {
      if (c === "]") {
        cur = "T";
        stateVar = "T";
        push("CLOSE_SQ", c, c);
        pos++;
        continue;
      }
      if (c === "(") {
        cur = "C";
        push("OPEN_PAREN", c, c);
        pos++;
        continue;
      }
      if (c === ",") {
        push("COMMA", c, c);
        pos++;
        continue;
      }
      const n = runLength(text, pos, ' \t\n",;=[]()');
      if (n > 0) {
        const w = text.slice(pos, pos + n);
        push("TOKEN", w, w);
        pos += n;
        continue;
      }
    } else {
      if (c === ")") {
        cur = stateVar;
        push("CLOSE_PAREN", c, c);
        pos++;
        continue;
      }
      if (c === ",") {
        push("COMMA", c, c);
        pos++;
        continue;
      }
      const n = runLength(text, pos, ' \t\n",;=()');
      if (n > 0) {
        const w = text.slice(pos, pos + n);
        push(PN_SET.has(w) ? "PN" : "TOKEN", w, w);
        pos += n;
        continue;
      }
    }
    push("CHAR", c, c);
    pos++;
  }
  toks.push({ kind: "EOF", value: "", raw: "", lineAfter: line });
  return toks;
}
