// A Host over SSH (ssh2): one reused connection, a channel queue below MaxSessions, timeouts, raw-byte output as it comes.

import { constants } from "node:os";
import type { ClientChannel } from "ssh2";
import { ZmgrError } from "../errors";
import { abortError, type Host, type RunOptions, type RunResult, type StreamingRunOptions } from "./host";
import { callbackFailed, collectOutput, MAX_OUTPUT_BYTES, type OutputCollector } from "./output";
import { commandLine, redact } from "./quote";
import { Semaphore } from "./semaphore";
import { openConnection, type SshConnection } from "./ssh-connection";
import { resolveSshOptions, type ResolvedSshOptions, type SshOptions } from "./ssh-options";

export type { SshOptions } from "./ssh-options";

/** A command whose channel is open. */
interface Started {
  readonly channel: ClientChannel;
  readonly connection: SshConnection;
  /** Set when the exit status (or signal) arrives. */
  exitCode: number | undefined;
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

  /** Validates the options (throws `zmgr::ssh::bad-option`); connects on the first command. */
  constructor(options: SshOptions) {
    this.options = resolveSshOptions(options);
    this.label = this.options.label;
    this.slots = new Semaphore(this.options.maxChannels);
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
    const line = wrapped(command);
    if (options.signal?.aborted) throw abortError(options.signal, this.label, shown);
    const release = await this.slots.acquire();
    let opened: Started;
    try {
      opened = await this.openChannel(line, shown);
    } catch (err) {
      release();
      throw err;
    }
    return this.collect(opened, shown, options, release);
  }

  /** Ends the connection; a later command connects again. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.kills]);
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
        if (!connection.alive || /Not connected|No response from server/.test(message)) {
          this.forget(pending);
          connection.end();
          if (stale++ < 2) continue;
          throw connectionLost(this.label, shown, connection, false);
        }
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

  /** Feeds stdin, collects raw output (passing it on as it comes), and settles on exit, timeout, overflow, a throwing callback or a dropped connection. */
  private collect(started: Started, shown: string, options: StreamingRunOptions, release: () => void): Promise<RunResult> {
    const { channel, connection } = started;
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      const stdout = collectOutput(MAX_OUTPUT_BYTES, options.onStdout);
      const stderr = collectOutput(MAX_OUTPUT_BYTES, options.onStderr);
      let settled = false;
      let header: Buffer | undefined = Buffer.alloc(0); // stderr until the wrapper's pid line is split off
      let pid: string | undefined;
      let killWanted = false;
      let killing = false;
      // Kill by pid from a second channel, then close this one. Not SSH's signal request first: it would reach sudo
      // (which runs with the login's real uid) and kill it alone, orphaning the command before its tree can be found.
      const killRemote = () => {
        if (!killWanted || pid === undefined || killing) return;
        killing = true;
        const kill = this.run(["sh", "-c", KILL_SCRIPT, "sh", pid], { timeoutMs: 30_000 })
          .catch(() => undefined)
          .finally(() => {
            channel.close();
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
        else resolve({ stdout: stdout.text(), stderr: stderr.text(), exitCode: started.exitCode! });
      };
      const stop = (error: ZmgrError) => {
        finish(error);
        killWanted = true;
        killRemote();
        setTimeout(() => killing || signalChannel(channel), 1000).unref(); // no pid line came: ask sshd instead
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
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.signal?.aborted) setImmediate(onAbort); // aborted while the channel opened
      const unsubscribe = connection.onClose(() => finish(connectionLost(this.label, shown, connection, true)));
      const take = (output: OutputCollector, chunk: Buffer) => {
        if (settled) return; // failed already: the rest is not wanted
        try {
          if (!output.push(chunk)) overflow();
        } catch (err) {
          stop(callbackFailed(this.label, shown, err));
        }
      };
      channel.on("data", (chunk: Buffer) => take(stdout, chunk));
      channel.stderr.on("data", (chunk: Buffer) => {
        if (header !== undefined) {
          header = Buffer.concat([header, chunk]);
          const newline = header.indexOf(10);
          if (newline < 0 && header.length < 32) return; // the pid line is not complete yet
          const match = PID_HEADER.exec(header.subarray(0, newline + 1).toString("latin1"));
          chunk = match ? header.subarray(newline + 1) : header;
          if (match) pid = match[1];
          header = undefined;
          killRemote(); // when the timeout came first
        }
        if (chunk.length > 0) take(stderr, chunk);
      });
      channel.on("error", () => undefined); // surfaced through 'close' or the connection's close
      channel.on("close", () => {
        release();
        if (header?.length) take(stderr, header); // no pid line came: keep what the command printed
        header = undefined;
        if (started.exitCode !== undefined) return finish(undefined);
        if (!connection.alive) return finish(connectionLost(this.label, shown, connection, true));
        finish(
          new ZmgrError("zmgr::host::no-exit-status", `\`${shown}\` on ${this.label} ended without an exit status`, {
            help: "the host closed the session early (sshd killed, or the command's shell died); look at the host's logs",
            details: { host: this.label, command: shown },
          }),
        );
      });
      channel.end(options.stdin ?? "");
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
