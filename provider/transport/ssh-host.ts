// A Host over SSH (ssh2): one reused connection, a channel queue below MaxSessions, timeouts, raw-byte output as it comes.

import { constants } from "node:os";
import type { ClientChannel } from "ssh2";
import { hasCode, ZmgrError } from "../errors";
import { abortError, type Host, type RunOptions, type RunResult, type StreamingRunOptions } from "./host";
import { callbackFailed, collectOutput, MAX_OUTPUT_BYTES, type OutputCollector } from "./output";
import { commandLine, redact } from "./quote";
import { Semaphore } from "./semaphore";
import { openConnection, type SshConnection } from "./ssh-connection";
import { fitsShellSession, ShellSession } from "./ssh-shell";
import { resolveSshOptions, type ResolvedSshOptions, type SshOptions } from "./ssh-options";

export type { SshOptions } from "./ssh-options";

/** A command whose own channel is open (a command that does not fit a shell session, see ssh-shell.ts). */
interface Started {
  readonly channel: ClientChannel;
  readonly connection: SshConnection;
  /** Set when the exit status (or signal) arrives. */
  exitCode: number | undefined;
}

/** Where collect() sends what a running command does, whichever way it runs. */
interface Sink {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** The pid whose tree a kill ends. */
  pid(pid: string): void;
  /** The command ended with this status. */
  exit(exitCode: number): void;
  /** The channel closed before the command's status came. */
  closed(): void;
}

/** A command started one way or the other, as collect() drives it. */
interface Running {
  readonly connection: SshConnection;
  /** False until the host got the command (a shell session's acknowledgement); a command lost before it is re-run. */
  readonly started: boolean;
  /** The command is being stopped: whatever it still does is not wanted (a shell session is not reused). */
  abandon(): void;
  /** Closes the command's channel (after a kill); `signal` first asks sshd to KILL it, for when no pid came. */
  close(signal: boolean): void;
}

/** How long a killed command's channel may take to close before its slot is reused anyway. */
const CLOSE_GRACE_MS = 2000;

/**
 * Every command runs under this wrapper, which reports its pid on stderr (stripped again) and then becomes the command.
 * sshd refuses SSH signal requests for root logins ("session signalling requires privilege separation"), a non-root
 * login cannot signal what pfexec or sudo started, and sudo may move the command into a session of its own; so a
 * timed-out command is killed from a second channel, with the same privilege, by {@link KILL_SCRIPT}.
 */
const PID_WRAPPER = 'echo "zmgr-pid:$$" >&2; exec "$@"';
/** The pid report alone, put in front of a `/bin/sh -c` script run without a privilege prefix: one shell fewer per command. */
const PID_ECHO = 'echo "zmgr-pid:$$" >&2';

/** The command line sent to sshd: `command` under the pid wrapper (see {@link PID_WRAPPER}). */
function wrapped(command: readonly string[]): string {
  if (command[0] === "/bin/sh" && command[1] === "-c" && command.length >= 3) return commandLine(["/bin/sh", "-c", `${PID_ECHO}\n${command[2]}`, ...command.slice(3)]);
  return commandLine(["sh", "-c", PID_WRAPPER, "sh", ...command]);
}
/** Kills the process tree under pid $1 (listed first, so no child escapes by being re-parented) and its process group. */
const KILL_SCRIPT = [
  "pids=$(ps -e -o pid= -o ppid= | awk '{ parent[$1] = $2 }",
  "END { found[root] = 1; added = 1; while (added) { added = 0; for (p in parent) if (found[p] != 1 && found[parent[p]] == 1) { found[p] = 1; added = 1 } }",
  `for (p in found) if (found[p] == 1) print p }' root="$1")`,
  'kill -s KILL $pids 2>/dev/null; kill -s KILL -- "-$1" 2>/dev/null; true',
].join("\n");
const PID_HEADER = /^zmgr-pid:(\d+)\n/;

/**
 * An illumos host reached over SSH. Commands share one connection, opened on first use and reopened by the next command
 * after it drops; at most `maxChannels` run at once, the rest wait their turn. Prefer {@link hostFor} in connect.ts,
 * which shares one SshHost per host and credentials across the whole process.
 */
export class SshHost implements Host {
  /** `user@host:port` (plus ` via …` for a jump host); never credentials. */
  readonly label: string;
  private readonly options: ResolvedSshOptions;
  private readonly slots: Semaphore;
  private pending: Promise<SshConnection> | undefined;
  private opened = 0;
  /** Commands waiting for one of our channels to close, after sshd refused them a session. */
  private readonly closeWaiters: Array<() => void> = [];
  /** Kills of timed-out commands still under way (close() lets them finish). */
  private readonly kills = new Set<Promise<unknown>>();
  /** Shell sessions waiting for a command (see ssh-shell.ts), and how many are open or opening. */
  private readonly idleShells: ShellSession[] = [];
  private shellCount = 0;
  /** Most shell sessions at once: maxChannels, lowered to what sshd granted when it refuses one (reset on reconnect). */
  private shellCap: number;
  /** Commands waiting for a shell session to come back. */
  private readonly shellWaiters: Array<() => void> = [];

  /** Validates the options (throws `zmgr::ssh::bad-option`); connects on the first command. */
  constructor(options: SshOptions) {
    this.options = resolveSshOptions(options);
    this.label = this.options.label;
    this.slots = new Semaphore(this.options.maxChannels);
    this.shellCap = this.options.maxChannels;
  }

  /** Connections opened so far by this host (1 while the first one lives; +1 per reconnect). */
  get connectionsOpened(): number {
    return this.opened;
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.runStreaming(argv, options);
  }

  /** Like `run`, passing output chunks to `onStdout`/`onStderr` while the command runs. */
  async runStreaming(argv: readonly string[], options: StreamingRunOptions = {}): Promise<RunResult> {
    const command = [...this.options.privilegePrefix, ...argv];
    const shown = redact(commandLine(command), options.secrets);
    for (let lost = 0; ; lost++) {
      if (options.signal?.aborted) throw abortError(options.signal, this.label, shown);
      const release = await this.slots.acquire();
      let attach: (sink: Sink) => Running;
      try {
        const shell = fitsShellSession(command, options.stdin) ? await this.takeShell() : undefined;
        // A script that may run in the session shell itself (see RunOptions.sameShell) is eval'ed there: one process fewer.
        const line = options.sameShell && command.length === 3 && command[0] === "/bin/sh" && command[1] === "-c" ? commandLine(["eval", command[2]!]) : commandLine(command);
        if (shell) attach = (sink) => this.runInShell(shell, line, options.stdin, sink, release);
        else {
          const started = await this.openChannel(wrapped(command), shown);
          attach = (sink) => this.runOnChannel(started, options.stdin, sink, release);
        }
      } catch (err) {
        release();
        throw err;
      }
      try {
        return await this.collect(attach, shown, options, release);
      } catch (err) {
        // The connection dropped before the host got the command (an idle session on a connection that just died):
        // it never ran, so it runs again on the next connection, as a command whose session could not open does.
        if (lost < 2 && hasCode(err, "zmgr::host::connection-lost") && err.details.started === false) continue;
        throw err;
      }
    }
  }

  /** Ends the connection; a later command connects again. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.kills]);
    for (const shell of this.idleShells.splice(0)) shell.end();
    const pending = this.pending;
    this.pending = undefined;
    const connection = await pending?.catch(() => undefined);
    if (!connection) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        connection.client.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
      connection.onClose(() => {
        clearTimeout(timer);
        resolve();
      });
      connection.end();
    });
  }

  /** The live connection, or a new one (shared by every command waiting for it). */
  private connection(): Promise<SshConnection> {
    if (this.pending) return this.pending;
    const pending: Promise<SshConnection> = openConnection(this.options).then(
      (connection) => {
        this.opened++;
        this.shellCap = this.options.maxChannels;
        connection.onClose(() => this.forget(pending));
        return connection;
      },
      (err) => {
        this.forget(pending);
        throw err;
      },
    );
    this.pending = pending;
    return pending;
  }

  private forget(pending: Promise<SshConnection>): void {
    if (this.pending === pending) this.pending = undefined;
  }

  /**
   * Opens a session channel and starts the command. A channel that could not be opened means the command never
   * started, so that alone is retried: on a fresh connection when the old one turned out dead, after a pause when
   * sshd refused another session (its MaxSessions is below maxChannels).
   */
  private async openChannel(line: string, shown: string): Promise<Started> {
    for (let busy = 0, stale = 0; ; ) {
      const pending = this.connection();
      const connection = await pending;
      try {
        return await new Promise<Started>((resolve, reject) => {
          try {
            connection.client.exec(line, (err, channel) => {
              if (err) return reject(err);
              // Listen now, not after `await`: a quick command's exit-status and close can arrive in the same packet
              // batch as the exec confirmation, and ssh2 emits 'exit' only once, to whoever listens then.
              const started: Started = { channel, connection, exitCode: undefined };
              channel.once("exit", (code: number | null, signal?: string) => {
                started.exitCode = code ?? 128 + (constants.signals[signal as NodeJS.Signals] ?? 0);
              });
              channel.once("close", () => this.closeWaiters.shift()?.());
              resolve(started);
            });
          } catch (err) {
            reject(err); // "Not connected": the socket died before ssh2 noticed
          }
        });
      } catch (err) {
        const message = (err as Error).message;
        if (this.dropIfStale(pending, connection, err)) {
          if (stale++ < 2) continue;
          throw connectionLost(this.label, shown, connection, false);
        }
        if (this.dropIdleShell()) continue; // our idle shell sessions hold sshd's sessions: give one back
        if (this.slots.inUse > 1 && busy++ < 20) {
          await this.channelClosed(1000); // sshd's MaxSessions is full of ours: retry when one ends
          continue;
        }
        throw new ZmgrError("zmgr::ssh::channel-open-failed", `${this.label} refused to open a session for \`${shown}\`: ${message}`, {
          cause: err,
          help: `the host's sshd refuses sessions on this connection: if its MaxSessions is below maxChannels (${this.options.maxChannels}), lower maxChannels; else its log says why (/var/log/authlog on illumos)`,
          details: { host: this.label, command: shown },
        });
      }
    }
  }

  /**
   * An idle shell session, or a new one while fewer than `shellCap` are open; else waits for one to come back.
   * Undefined when none can be had (sshd refuses even one): the command then gets a channel of its own.
   */
  private async takeShell(): Promise<ShellSession | undefined> {
    for (let stale = 0; ; ) {
      const idle = this.idleShells.pop();
      if (idle) {
        if (idle.alive) return idle;
        continue;
      }
      if (this.shellCount < this.shellCap) {
        this.shellCount++;
        const pending = this.connection();
        const connection = await pending.catch((err: unknown) => {
          this.shellCount--;
          throw err;
        });
        try {
          const shell = await ShellSession.open(connection, this.options.connectTimeoutMs);
          let gone = false;
          const forget = () => {
            if (gone) return;
            gone = true;
            this.shellCount--;
            const i = this.idleShells.indexOf(shell);
            if (i >= 0) this.idleShells.splice(i, 1);
            this.shellWaiters.shift()?.();
            this.closeWaiters.shift()?.();
          };
          shell.channel.once("close", forget);
          connection.onClose(forget);
          return shell;
        } catch (err) {
          this.shellCount--;
          if (this.dropIfStale(pending, connection, err)) {
            if (stale++ < 2) continue;
            throw connectionLost(this.label, "a shell session", connection, false);
          }
          this.shellCap = this.shellCount; // sshd's MaxSessions (or the shell) says no more
          if (this.shellCap === 0) return undefined;
        }
      }
      await new Promise<void>((resolve) => this.shellWaiters.push(resolve));
    }
  }

  /** Puts a shell session whose command ended back in the pool (or hands it to a waiting command). */
  private giveShell(shell: ShellSession): void {
    if (!shell.alive) return;
    this.idleShells.push(shell);
    this.shellWaiters.shift()?.();
  }

  /** Ends one idle shell session (its sshd session goes to a command that needs a channel of its own); false if none. */
  private dropIdleShell(): boolean {
    const shell = this.idleShells.shift();
    if (!shell) return false;
    this.shellCap = Math.max(1, this.shellCount - 1);
    shell.end();
    return true;
  }

  /** Runs a command in a shell session; its end gives the session back. */
  private runInShell(shell: ShellSession, line: string, stdin: string | Buffer | undefined, sink: Sink, release: () => void): Running {
    let ended = false;
    let acknowledged = false;
    const onClose = () => {
      release();
      if (!ended) sink.closed();
    };
    shell.channel.once("close", onClose);
    sink.pid(shell.pid);
    shell.start(line, stdin, {
      stdout: (chunk) => sink.stdout(chunk),
      stderr: (chunk) => sink.stderr(chunk),
      started: () => (acknowledged = true),
      done: (exitCode) => {
        if (ended) return;
        ended = true;
        shell.channel.off("close", onClose);
        release();
        this.giveShell(shell);
        sink.exit(exitCode);
      },
    });
    return {
      connection: shell.connection,
      get started() {
        return acknowledged;
      },
      abandon: () => {
        ended = true; // being killed: the session is not given back
      },
      close: () => shell.channel.close(),
    };
  }

  /** Runs a command on its own channel (opened by openChannel): the pid wrapper's line comes first on stderr. */
  private runOnChannel(started: Started, stdin: string | Buffer | undefined, sink: Sink, release: () => void): Running {
    const { channel } = started;
    let header: Buffer | undefined = Buffer.alloc(0); // stderr until the wrapper's pid line is split off
    channel.on("data", (chunk: Buffer) => sink.stdout(chunk));
    channel.stderr.on("data", (chunk: Buffer) => {
      if (header !== undefined) {
        header = Buffer.concat([header, chunk]);
        const newline = header.indexOf(10);
        if (newline < 0 && header.length < 32) return; // the pid line is not complete yet
        const match = PID_HEADER.exec(header.subarray(0, newline + 1).toString("latin1"));
        chunk = match ? header.subarray(newline + 1) : header;
        header = undefined;
        if (match) sink.pid(match[1]!);
      }
      if (chunk.length > 0) sink.stderr(chunk);
    });
    channel.on("error", () => undefined); // surfaced through 'close' or the connection's close
    channel.on("close", () => {
      release();
      if (header?.length) sink.stderr(header); // no pid line came: keep what the command printed
      header = undefined;
      if (started.exitCode !== undefined) sink.exit(started.exitCode);
      else sink.closed();
    });
    channel.end(stdin ?? "");
    return { connection: started.connection, started: true, abandon: () => undefined, close: (signal) => (signal ? signalChannel(channel) : channel.close()) };
  }

  /** When `err` (a channel that would not open) shows the connection dead, forgets and ends it (the next try reconnects); true then. */
  private dropIfStale(pending: Promise<SshConnection>, connection: SshConnection, err: unknown): boolean {
    if (connection.alive && !/Not connected|No response from server/.test((err as Error).message)) return false;
    this.forget(pending);
    connection.end();
    return true;
  }

  /** Resolves when one of our channels closes, or after `ms`. */
  private channelClosed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        const i = this.closeWaiters.indexOf(wake);
        if (i >= 0) this.closeWaiters.splice(i, 1);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.closeWaiters.push(wake);
    });
  }

  /** Starts the command through `attach`, collects raw output (passing it on as it comes), and settles on exit, timeout, overflow, a throwing callback or a dropped connection. */
  private collect(attach: (sink: Sink) => Running, shown: string, options: StreamingRunOptions, release: () => void): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      const stdout = collectOutput(MAX_OUTPUT_BYTES, options.onStdout);
      const stderr = collectOutput(MAX_OUTPUT_BYTES, options.onStderr);
      let settled = false;
      let pid: string | undefined;
      let killWanted = false;
      let killing = false;
      let exitCode: number | undefined;
      // Kill by pid from a second command, then close this one's channel. Not SSH's signal request first: it would
      // reach sudo (which runs with the login's real uid) and kill it alone, orphaning the command before its tree can
      // be found.
      const killRemote = () => {
        if (!killWanted || pid === undefined || killing) return;
        killing = true;
        const kill = this.run(["sh", "-c", KILL_SCRIPT, "sh", pid], { timeoutMs: 30_000 })
          .catch(() => undefined)
          .finally(() => {
            running.close(false);
            this.kills.delete(kill);
          });
        this.kills.add(kill);
      };
      const finish = (error: ZmgrError | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        options.signal?.removeEventListener("abort", onAbort);
        if (!error) {
          try {
            stdout.end();
            stderr.end();
          } catch (err) {
            error = callbackFailed(this.label, shown, err); // the command has ended: nothing to stop
          }
        }
        if (error) reject(error);
        else resolve({ stdout: stdout.text(), stderr: stderr.text(), exitCode: exitCode! });
      };
      const stop = (error: ZmgrError) => {
        running.abandon();
        finish(error);
        killWanted = true;
        killRemote();
        setTimeout(() => killing || running.close(true), 1000).unref(); // no pid came: ask sshd instead
        setTimeout(release, CLOSE_GRACE_MS).unref(); // normally released sooner, by 'close'
      };
      const timer = setTimeout(
        () =>
          stop(
            new ZmgrError("zmgr::host::timeout", `\`${shown}\` timed out after ${timeoutMs} ms on ${this.label} and was killed`, {
              help: "raise the timeout for this step if the host is just slow, else look at what the command waits for (a lock, the network, a prompt)",
              details: { host: this.label, command: shown, timeoutMs },
            }),
          ),
        timeoutMs,
      );
      const overflow = () =>
        stop(
          new ZmgrError("zmgr::host::output-too-large", `\`${shown}\` printed more than ${MAX_OUTPUT_BYTES} bytes on ${this.label}; it was killed`, {
            help: "this is more output than any zone command prints; check the command",
            details: { host: this.label, command: shown },
          }),
        );
      const onAbort = () => stop(abortError(options.signal!, this.label, shown));
      const take = (output: OutputCollector, chunk: Buffer) => {
        if (settled) return; // failed already: the rest is not wanted
        try {
          if (!output.push(chunk)) overflow();
        } catch (err) {
          stop(callbackFailed(this.label, shown, err));
        }
      };
      let unsubscribe = () => undefined as void;
      const running = attach({
        stdout: (chunk) => take(stdout, chunk),
        stderr: (chunk) => take(stderr, chunk),
        pid: (p) => {
          pid = p;
          killRemote(); // when the timeout came first
        },
        exit: (code) => {
          exitCode = code;
          finish(undefined);
        },
        closed: () => {
          if (!running.connection.alive) return finish(connectionLost(this.label, shown, running.connection, running.started));
          finish(
            new ZmgrError("zmgr::host::no-exit-status", `\`${shown}\` on ${this.label} ended without an exit status`, {
              help: "the host closed the session early (sshd killed, or the command's shell died); look at the host's logs",
              details: { host: this.label, command: shown },
            }),
          );
        },
      });
      unsubscribe = running.connection.onClose(() => finish(connectionLost(this.label, shown, running.connection, running.started)));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.signal?.aborted) setImmediate(onAbort); // aborted while the channel opened
    });
  }
}

function connectionLost(label: string, shown: string, connection: SshConnection, started: boolean): ZmgrError {
  const reason = connection.lastError ? ` (${connection.lastError.message})` : "";
  return new ZmgrError(
    "zmgr::host::connection-lost",
    started ? `the connection to ${label} dropped while \`${shown}\` was running${reason}` : `the connection to ${label} dropped before \`${shown}\` could start${reason}`,
    {
      help: started
        ? "the command was not re-run, since it may have taken effect; check its effect on the host, then retry (the next command reconnects)"
        : "check that the host is up and sshd is running; the next command reconnects",
      details: { host: label, command: shown, started },
    },
  );
}

/**
 * Asks sshd to KILL the command (it refuses for root logins) and closes the channel. ssh2's `Channel.signal()` refuses
 * once stdin was closed (it checks that the stream is writable) though the channel is open, so this uses its protocol.
 */
function signalChannel(channel: ClientChannel): void {
  const internals = channel as unknown as {
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal(id: number, name: string): void } };
  };
  try {
    const out = internals.outgoing;
    if (out && (out.state === "open" || out.state === "eof")) internals._client?._protocol?.signal(out.id, "KILL");
  } catch {
    // the connection is gone; nothing left to kill from here
  }
  channel.close();
}
