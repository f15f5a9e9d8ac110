// Runs commands on this machine with node:child_process: no shell, stdin, timeout with kill, output as it comes.

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { ZmgrError } from "../errors";
import { abortError, type Host, type RunOptions, type RunResult, type StreamingRunOptions } from "./host";
import { commandLine, redact } from "./quote";
import { callbackFailed, collectOutput, MAX_OUTPUT_BYTES, type OutputCollector } from "./output";
import { privilegePrefix, type Privilege } from "./privilege";

/** Options of a {@link LocalHost}. */
export interface LocalHostOptions {
  /** How commands gain root: `none` (already root), `pfexec` or `sudo` (`sudo -n`). Default `none`. */
  readonly privilege?: Privilege;
  /** Default per-command timeout in milliseconds (default 10 minutes). */
  readonly commandTimeoutMs?: number;
  /** Extra environment for every command (merged over this process's environment). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The machine this process runs on, as a {@link Host}. */
export class LocalHost implements Host {
  readonly label = "local";
  private readonly prefix: readonly string[];
  private readonly timeoutMs: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: LocalHostOptions = {}) {
    this.prefix = privilegePrefix(options.privilege ?? "none");
    this.timeoutMs = options.commandTimeoutMs ?? 600_000;
    this.env = { ...process.env, ...options.env };
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.runStreaming(argv, options);
  }

  /** Like `run`, passing output chunks to `onStdout`/`onStderr` while the command runs. */
  runStreaming(argv: readonly string[], options: StreamingRunOptions = {}): Promise<RunResult> {
    const full = [...this.prefix, ...argv];
    const shown = redact(commandLine(full), options.secrets);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError(options.signal, this.label, shown));
      const child = spawn(full[0]!, full.slice(1), { stdio: ["pipe", "pipe", "pipe"], env: this.env, detached: true });
      const stdout = collectOutput(MAX_OUTPUT_BYTES, options.onStdout);
      const stderr = collectOutput(MAX_OUTPUT_BYTES, options.onStderr);
      let failure: ZmgrError | undefined;
      const kill = (why: ZmgrError) => {
        failure ??= why;
        try {
          process.kill(-child.pid!, "SIGKILL"); // the whole process group: a shell's children too
        } catch {
          child.kill("SIGKILL");
        }
      };
      const timer = setTimeout(
        () =>
          kill(
            new ZmgrError("zmgr::host::timeout", `command timed out after ${timeoutMs} ms on ${this.label}: ${shown}`, {
              help: "raise the timeout for this step if the host is just slow, else look at what the command waits for",
              details: { command: shown, timeoutMs },
            }),
          ),
        timeoutMs,
      );
      const overflow = () =>
        kill(
          new ZmgrError("zmgr::host::output-too-large", `command printed more than ${MAX_OUTPUT_BYTES} bytes on ${this.label}: ${shown}`, {
            help: "this is more output than any zone command prints; check the command",
            details: { command: shown },
          }),
        );
      const take = (output: OutputCollector) => (chunk: Buffer) => {
        if (failure) return; // being killed: the rest is not wanted
        try {
          if (!output.push(chunk)) overflow();
        } catch (err) {
          kill(callbackFailed(this.label, shown, err));
        }
      };
      const onAbort = () => kill(abortError(options.signal!, this.label, shown));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      child.stdout.on("data", take(stdout));
      child.stderr.on("data", take(stderr));
      let settled = false;
      const settle = (exitCode: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (!failure) {
          try {
            stdout.end();
            stderr.end();
          } catch (err) {
            failure = callbackFailed(this.label, shown, err);
          }
        }
        if (failure) reject(failure);
        else resolve({ stdout: stdout.text(), stderr: stderr.text(), exitCode });
      };
      child.stdin.on("error", () => undefined); // EPIPE when the command exits without reading stdin
      child.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") {
          take(stderr)(Buffer.from(`${full[0]}: command not found\n`));
          return settle(127);
        }
        failure ??= new ZmgrError("zmgr::host::spawn", `could not start ${shown}: ${err.message}`, { cause: err, help: "check that the command exists and is executable", details: { command: shown } });
        settle(-1);
      });
      child.on("close", (code, signal) => settle(code ?? 128 + signalNumber(signal)));
      child.stdin.end(options.stdin ?? "");
    });
  }

  async close(): Promise<void> {}
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 0) : 0;
}
