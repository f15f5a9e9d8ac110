// The one interface through which every command reaches an illumos host.

import { ZmgrError } from "../errors";

/** Options of one command run on a {@link Host}. */
export interface RunOptions {
  /** Bytes or text written to the command's standard input, which is then closed. */
  readonly stdin?: string | Buffer;
  /** Kill the command after this many milliseconds (default: the host's command timeout). */
  readonly timeoutMs?: number;
  /** Strings to mask as `***` wherever the command line or its output appears in errors and logs. */
  readonly secrets?: readonly string[];
  /**
   * Stops the command when aborted, as a timeout does (its process tree is killed): the run then rejects with the
   * abort reason when that is a ZmgrError (see {@link abortError}). An already aborted signal starts nothing.
   */
  readonly signal?: AbortSignal;
  /**
   * The command is `/bin/sh -c SCRIPT` (nothing after the script) whose script only sets variables of its own and runs
   * commands: it never exits, and sets no shell option, trap, directory, umask or exported variable. A host that keeps
   * a shell for its commands (SshHost's shell sessions) may then run the script in that shell itself, one process
   * fewer; elsewhere it runs as given. transport/batch.ts sets it.
   */
  readonly sameShell?: boolean;
}

/**
 * Options of `runStreaming`, which LocalHost and SshHost offer besides `run` (see provider/transport/streaming.ts, where
 * it is an optional capability of a Host): RunOptions plus callbacks that get the output, decoded as UTF-8, while the
 * command runs. A character is never split between two chunks, and for valid UTF-8 the chunks of a stream add up to
 * its RunResult text. Chunks are raw output, like RunResult (secrets are masked only in errors). A callback that
 * throws stops the command (`zmgr::host::output-callback-failed`).
 */
export interface StreamingRunOptions extends RunOptions {
  /** Called with each chunk of standard output as it arrives. */
  readonly onStdout?: (chunk: string) => void;
  /** Called with each chunk of standard error as it arrives. */
  readonly onStderr?: (chunk: string) => void;
}

/** What a finished command returned. A non-zero exit is a result, not an exception. */
export interface RunResult {
  /** Standard output, decoded once as UTF-8 from the raw bytes. */
  readonly stdout: string;
  /** Standard error, decoded once as UTF-8 from the raw bytes. */
  readonly stderr: string;
  /** The exit status (128 + signal number when the command died of a signal). */
  readonly exitCode: number;
}

/**
 * A machine that runs commands: an illumos global zone reached over SSH or the local machine.
 * `run` takes an argv; the transport quotes it (see quote.ts), nothing else builds shell text.
 * It throws a ZmgrError only when the command could not be run or did not finish (connection,
 * authentication, host key, timeout); a command that ran and failed returns its exit code.
 */
export interface Host {
  /** Who and where, for messages: `root@gz1:22`, `local`. Never holds credentials. */
  readonly label: string;
  /** Runs one command. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Releases connections; later runs reconnect. */
  close(): Promise<void>;
}

/** The error a run stopped by `signal` rejects with: its reason when that is a ZmgrError, else `zmgr::host::aborted`. */
export function abortError(signal: AbortSignal, label: string, shown: string): ZmgrError {
  const reason: unknown = signal.reason;
  if (ZmgrError.isInstance(reason)) return reason;
  return new ZmgrError("zmgr::host::aborted", `\`${shown}\` on ${label} was stopped: ${reason instanceof Error ? reason.message : String(reason)}`, {
    help: "it was stopped on purpose; its effect on the host is unknown, so check the host before running it again",
    details: { host: label, command: shown },
  });
}
