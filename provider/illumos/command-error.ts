// Turns a failed illumos command into a ZmgrError with a specific code, chosen by matching its stderr.

import { ZmgrError } from "../errors";
import { commandFailed } from "../transport/checked";
import type { Host, RunResult } from "../transport/host";

/** One known failure of a tool: a pattern over its stderr, the code and help it maps to. */
export interface ErrorRule {
  /** Matched against stderr (then stdout when stderr is empty). */
  readonly match: RegExp;
  /** The stable code, `zmgr::<area>::<what>`. */
  readonly code: string;
  /** What the user should do. */
  readonly help: string;
}

/** Options of {@link commandError}. */
export interface CommandErrorOptions {
  /** More details for the error (merged over host, command, exit code, stderr). */
  readonly details?: Record<string, unknown>;
  /**
   * The part of the output the rules look at (default: stderr, else stdout), e.g. the first of
   * several errors. When given, the message quotes that whole part, else the matching line.
   */
  readonly focus?: (output: string) => string;
}

/**
 * The error for `argv` that exited non-zero: the first rule whose pattern matches the output gives
 * the code and help, and the message is the tool's own message line; otherwise the generic
 * `zmgr::host::command-failed` of runChecked. Details always carry host, command, exit code and stderr.
 */
export function commandError(host: Host, argv: readonly string[], result: RunResult, rules: readonly ErrorRule[], options: CommandErrorOptions = {}): ZmgrError {
  const base = commandFailed(host, argv, result);
  const extra = options.details ?? {};
  const all = result.stderr.trim() || result.stdout.trim();
  const output = options.focus ? options.focus(all) : all;
  for (const rule of rules) {
    const m = rule.match.exec(output);
    if (!m) continue;
    const said = options.focus ? summary(output) : (output.split("\n").find((l) => rule.match.test(l)) ?? m[0]).trim();
    return new ZmgrError(rule.code, `${base.details.command as string} failed on ${host.label}: ${said}`, {
      help: rule.help,
      cause: base,
      details: { ...base.details, ...extra },
    });
  }
  if (Object.keys(extra).length === 0) return base;
  return new ZmgrError(base.code, base.message, { help: base.help, cause: base.cause, details: { ...base.details, ...extra } });
}

/** The lines of a focused error block joined with "; ", `On line N:` headers left out. */
function summary(block: string): string {
  const text = block
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^On line \d+( of .*)?:$/.test(l))
    .join("; ");
  return text.length > 600 ? text.slice(0, 600) + "…" : text;
}

/** True when `result` failed with output matching `pattern`. */
export function failedWith(result: RunResult, pattern: RegExp): boolean {
  return result.exitCode !== 0 && pattern.test(result.stderr + "\n" + result.stdout);
}
