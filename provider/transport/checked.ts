// Runs a command and turns a non-zero exit into a ZmgrError naming the command, its output and a hint.

import { ZmgrError } from "../errors";
import type { Host, RunOptions, RunResult } from "./host";
import { commandLine, redact } from "./quote";

/** How much of stderr/stdout an error message quotes. */
const TAIL = 2000;

/** Runs `argv` on `host`; resolves with the result when it exits 0, else rejects with `zmgr::host::command-failed`. */
export async function runChecked(host: Host, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await host.run(argv, options);
  if (result.exitCode !== 0) throw commandFailed(host, argv, result, options.secrets);
  return result;
}

/** The error for a command that ran and exited non-zero. */
export function commandFailed(host: Host, argv: readonly string[], result: RunResult, secrets: readonly string[] = []): ZmgrError {
  const command = redact(commandLine(argv), secrets);
  const output = redact(tail(result.stderr.trim() || result.stdout.trim()), secrets);
  const help =
    result.exitCode === 127
      ? `\`${argv[0]}\` was not found on ${host.label}: is this an illumos host (OmniOS, OpenIndiana) with the zone tools installed?`
      : "the command's own message above says what went wrong; fix that and run again";
  return new ZmgrError(
    "zmgr::host::command-failed",
    `\`${command}\` failed on ${host.label} with exit code ${result.exitCode}` + (output ? `: ${output}` : ""),
    { help, details: { host: host.label, command, exitCode: result.exitCode, stderr: redact(tail(result.stderr), secrets) } },
  );
}

function tail(text: string): string {
  return text.length > TAIL ? "…" + text.slice(-TAIL) : text;
}
