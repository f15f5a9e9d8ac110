// Runs commands on this machine with node:child_process: no shell, stdin, timeout with kill.

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { ZmgrError } from "../errors";
import type { Host, RunOptions, RunResult } from "./host";
import { commandLine, redact } from "./quote";
import { collectOutput, MAX_OUTPUT_BYTES } from "./output";
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
    const full = [...this.prefix, ...argv];
    const shown = redact(commandLine(full), options.secrets);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const child = spawn(full[0]!, full.slice(1), { stdio: ["pipe", "pipe", "pipe"], env: this.env, detached: true });
      const stdout = collectOutput(MAX_OUTPUT_BYTES);
      const stderr = collectOutput(MAX_OUTPUT_BYTES);
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
      child.stdout.on("data", (b: Buffer) => stdout.push(b) || overflow());
      child.stderr.on("data", (b: Buffer) => stderr.push(b) || overflow());
      child.stdin.on("error", () => undefined); // EPIPE when the command exits without reading stdin
      child.on("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err.code === "ENOENT") {
          resolve({ stdout: "", stderr: `${full[0]}: command not found\n`, exitCode: 127 });
        } else {
          reject(new ZmgrError("zmgr::host::spawn", `could not start ${shown}: ${err.message}`, { cause: err, help: "check that the command exists and is executable", details: { command: shown } }));
        }
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (failure) return reject(failure);
        const exitCode = code ?? 128 + signalNumber(signal);
        resolve({ stdout: stdout.text(), stderr: stderr.text(), exitCode });
      });
      child.stdin.end(options.stdin ?? "");
    });
  }

  async close(): Promise<void> {}
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 0) : 0;
}
