// A long-lived /bin/sh on one SSH channel that runs commands one after another, framing each one's output with a random mark.

import { randomBytes } from "node:crypto";
import type { ClientChannel } from "ssh2";
import type { SshConnection } from "./ssh-connection";

/** Largest stdin a shell session passes on (as a here-document); a command with more runs on a channel of its own. */
const MAX_HEREDOC_BYTES = 64 * 1024;

/** Shell builtins that would change the session shell itself (exit it, replace it, move it, set its options or traps). */
const STATEFUL_BUILTINS = new Set(
  [".", ":", "alias", "bg", "break", "builtin", "cd", "command", "continue", "eval", "exec", "exit", "export", "fc", "fg", "getopts", "hash", "jobs", "local", "read", "readonly", "return", "set", "shift", "source", "trap", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait"],
);

/** True when `word`, as a command's first word, is a shell builtin that would change the shell running it. */
export function changesShell(word: string): boolean {
  return STATEFUL_BUILTINS.has(word);
}

/** What a session does with the output and end of the command it runs. */
export interface ShellCommandHandlers {
  /** A chunk of the command's standard output (never the session's framing). */
  stdout(chunk: Buffer): void;
  /** A chunk of the command's standard error. */
  stderr(chunk: Buffer): void;
  /** The shell got the command and starts it now (its output follows). */
  started(): void;
  /** The command ended with `exitCode` and all of its output was passed on; the session is idle again. */
  done(exitCode: number): void;
}

/**
 * Whether a command can run in a shell session: its first word is a program (not a builtin that would change the
 * session shell), and its stdin, if any, can be written as a here-document (text ending in a newline, no NUL byte,
 * at most 64 KiB). Anything else runs on a channel of its own, as before.
 */
export function fitsShellSession(argv: readonly string[], stdin: string | Buffer | undefined): boolean {
  if (argv.length === 0 || changesShell(argv[0]!)) return false;
  if (stdin === undefined || stdin.length === 0) return true;
  const bytes = typeof stdin === "string" ? Buffer.from(stdin) : stdin;
  return bytes.length <= MAX_HEREDOC_BYTES && bytes[bytes.length - 1] === 10 && !bytes.includes(0);
}

/**
 * One `/bin/sh` reading commands from its SSH channel, so a command costs a write instead of a session, a login shell
 * and a shell of its own. Each command's stdin is /dev/null or a here-document, so it never reads the session's own
 * input. Before it, the session prints a random mark and `a` on stdout (the command reached the host: like sshd's
 * answer to an exec request, it tells a command that never started from one that may have); after it, the mark and the
 * exit status on stdout and the mark on stderr. The mark is never shown to a command, so its output cannot fake an end.
 */
export class ShellSession {
  /** The session shell's pid on the host (a timed-out command is killed with the tree under it). */
  readonly pid: string;
  private readonly mark: Buffer;
  private stdoutTail = Buffer.alloc(0);
  private stderrTail = Buffer.alloc(0);
  private current: { handlers: ShellCommandHandlers; exitCode?: number; stderrDone: boolean } | undefined;
  private closed = false;

  private constructor(
    /** The SSH channel the shell reads its commands from and writes their output to. */
    readonly channel: ClientChannel,
    /** The connection the channel belongs to. */
    readonly connection: SshConnection,
    pid: string,
    mark: string,
  ) {
    this.pid = pid;
    this.mark = Buffer.from(mark);
    channel.on("data", (chunk: Buffer) => this.take("stdout", chunk));
    channel.stderr.on("data", (chunk: Buffer) => this.take("stderr", chunk));
    channel.on("close", () => (this.closed = true));
  }

  /**
   * Opens a session on `connection`: `exec /bin/sh` through the login shell, then one round trip for the shell's pid.
   * Rejects with what ssh2 said when sshd refuses the session, or when the shell ends or stays silent (a forced
   * command, a login shell that prompts) for `timeoutMs`.
   */
  static open(connection: SshConnection, timeoutMs: number): Promise<ShellSession> {
    const mark = `@@zmgr-${randomBytes(12).toString("hex")}`;
    return new Promise((resolve, reject) => {
      connection.client.exec("exec /bin/sh", (err, channel) => {
        if (err) return reject(err);
        const timer = setTimeout(() => fail(new Error(`the session shell did not answer within ${timeoutMs} ms`)), timeoutMs);
        let seen = "";
        const onData = (chunk: Buffer) => {
          seen += chunk.toString("latin1");
          const m = new RegExp(`${mark} (\\d+)\\n`).exec(seen); // after whatever a login script printed
          if (!m) return seen.length > 65536 ? fail(new Error(`the session shell answered ${JSON.stringify(seen.slice(0, 200))}…`)) : undefined;
          clearTimeout(timer);
          channel.off("data", onData);
          channel.off("close", onClose);
          resolve(new ShellSession(channel, connection, m[1]!, mark));
        };
        const fail = (error: Error) => {
          clearTimeout(timer);
          channel.off("data", onData);
          channel.close();
          reject(error);
        };
        const onClose = () => fail(new Error("the session shell ended before it answered"));
        channel.on("data", onData);
        channel.stderr.on("data", () => undefined);
        channel.on("close", onClose);
        channel.on("error", () => undefined);
        // Commands run through one function, so the shell's own messages ("…: 1: x: not found") do not count its lines.
        channel.write(`zmgr_cmd() { "$@"\n}\nprintf '%s %s\\n' '${mark}' "$$"\n`);
      });
    });
  }

  /** False once the channel closed (the shell ended, was killed, or the connection dropped). */
  get alive(): boolean {
    return !this.closed && this.connection.alive;
  }

  /** Runs `line` (shell text made by quote.ts) with `stdin` (see {@link fitsShellSession}); one command at a time. */
  start(line: string, stdin: string | Buffer | undefined, handlers: ShellCommandHandlers): void {
    if (this.current) throw new Error("a shell session runs one command at a time");
    this.current = { handlers, stderrDone: false };
    const mark = this.mark.toString();
    this.channel.write(`printf '%s a\\n' '${mark}'; `);
    if (stdin !== undefined && stdin.length > 0) {
      let end = `ZMGR_EOF_${randomBytes(8).toString("hex")}`;
      const text = typeof stdin === "string" ? stdin : stdin.toString("latin1");
      while (text.startsWith(`${end}\n`) || text.includes(`\n${end}\n`)) end += "X";
      this.channel.write(`zmgr_cmd ${line} <<'${end}'\n`);
      this.channel.write(typeof stdin === "string" ? Buffer.from(stdin) : stdin);
      this.channel.write(`${end}\n`);
    } else {
      this.channel.write(`zmgr_cmd ${line} </dev/null\n`);
    }
    this.channel.write(`printf '%s %s\\n' '${mark}' "$?"; printf '%s\\n' '${mark}' >&2\n`);
  }

  /** Ends the session: the shell exits at the end of its input. */
  end(): void {
    if (!this.closed) this.channel.end();
  }

  /** Splits a chunk into the command's output and, when it completes one, the mark after it. */
  private take(stream: "stdout" | "stderr", chunk: Buffer): void {
    const run = this.current;
    const all = Buffer.concat([stream === "stdout" ? this.stdoutTail : this.stderrTail, chunk]);
    const at = all.indexOf(this.mark);
    let data: Buffer;
    let rest = Buffer.alloc(0);
    let ended = false;
    let exitCode: number | undefined;
    if (at >= 0) {
      const newline = all.indexOf(10, at + this.mark.length);
      if (newline < 0) {
        data = all.subarray(0, at);
        rest = all.subarray(at);
      } else {
        data = all.subarray(0, at);
        const token = all.subarray(at + this.mark.length, newline).toString("latin1").trim();
        if (stream === "stdout" && token === "a") {
          if (data.length > 0 && run) run.handlers.stdout(data);
          this.stdoutTail = Buffer.alloc(0);
          run?.handlers.started();
          const after = all.subarray(newline + 1);
          if (after.length > 0) this.take("stdout", after);
          return;
        }
        ended = true;
        if (stream === "stdout") exitCode = exitStatus(token);
      }
    } else {
      const keep = heldBack(all, this.mark);
      data = all.subarray(0, all.length - keep);
      rest = all.subarray(all.length - keep);
    }
    if (stream === "stdout") this.stdoutTail = rest;
    else this.stderrTail = rest;
    if (!run) return; // output outside a command: nothing asked for it
    if (data.length > 0) run.handlers[stream](data);
    if (!ended) return;
    if (stream === "stdout") run.exitCode = exitCode;
    else run.stderrDone = true;
    if (run.exitCode !== undefined && run.stderrDone && this.current === run) {
      this.current = undefined;
      run.handlers.done(run.exitCode);
    }
  }
}

/** How many bytes at the end of `data` could be the start of `mark` (held back until the next chunk shows). */
function heldBack(data: Buffer, mark: Buffer): number {
  for (let k = Math.min(mark.length - 1, data.length); k > 0; k--) {
    if (data.subarray(data.length - k).equals(mark.subarray(0, k))) return k;
  }
  return 0;
}

/** The exit status as a process's parent sees it: ksh93 (illumos /bin/sh) reports death by signal N as 256 + N. */
export function exitStatus(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) return 255;
  return n > 256 ? n - 128 : n;
}
