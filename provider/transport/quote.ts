// Shell quoting: the only place where an argv becomes shell text.

import { ZmgrError } from "../errors";

const safe = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell (sh, ksh93, bash): bare when safe, else single-quoted. */
export function quote(word: string): string {
  if (word.includes("\0")) {
    throw new ZmgrError("zmgr::host::nul-byte", "a command argument contains a NUL byte, which no shell can pass", {
      help: "remove the NUL character from the input that produced this argument",
    });
  }
  if (safe.test(word)) return word;
  return "'" + word.replace(/'/g, "'\\''") + "'";
}

/** Joins an argv into one shell command line, every word quoted. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new ZmgrError("zmgr::host::empty-command", "no command given", { help: "this is a bug in pulumi-zmgr; please report it" });
  }
  return argv.map(quote).join(" ");
}

/** Replaces every occurrence of each secret in `text` with `***`. Empty secrets are ignored. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s) out = out.split(s).join("***");
  }
  return out;
}
