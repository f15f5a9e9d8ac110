// How to reach a host over SSH: the options, their defaults and their validation.

import { ZmgrError } from "../errors";
import { privilegePrefix, type Privilege } from "./privilege";

/** How to reach and log in to a host over SSH. Secrets given here never appear in labels, errors or logs. */
export interface SshOptions {
  /** Host name or address. */
  readonly host: string;
  /** SSH port (default 22). */
  readonly port?: number;
  /** Login user (default `root`). */
  readonly user?: string;
  /** Private key text (OpenSSH or PEM format). */
  readonly privateKey?: string;
  /** Path of a private key file, read at connect time (keeps the key itself out of Pulumi state). */
  readonly privateKeyPath?: string;
  /** Passphrase of an encrypted private key. */
  readonly passphrase?: string;
  /** Password for `password` (and `keyboard-interactive`) authentication. */
  readonly password?: string;
  /** ssh-agent socket path; default `SSH_AUTH_SOCK` when set; `false` never uses an agent. */
  readonly agent?: string | false;
  /**
   * The host's key, pinned: an OpenSSH public key line (`ssh-ed25519 AAAA…`, as `ssh-keyscan` prints it without the host
   * name) or a `SHA256:` fingerprint (as `ssh-keygen -lf` prints it). Several may be given, one per line. When set,
   * known_hosts is not consulted.
   */
  readonly hostKey?: string;
  /** known_hosts file to check the host key against (default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts). */
  readonly knownHostsPath?: string;
  /** A bastion to connect through (its own options, verified and authenticated the same way). */
  readonly jump?: SshOptions;
  /** How a non-root login runs commands as root: `none` (log in as root), `pfexec`, or `sudo` (`sudo -n`). Default `none`. */
  readonly privilege?: Privilege;
  /** Give up one connection attempt after this many milliseconds (TCP connect, handshake and login; default 15000). */
  readonly connectTimeoutMs?: number;
  /** Further attempts when the host is unreachable (default 2); never retried: authentication and host key failures. */
  readonly connectRetries?: number;
  /** Default per-command timeout in milliseconds (default 10 minutes). */
  readonly commandTimeoutMs?: number;
  /** Send a keepalive after this many idle milliseconds; a connection missing 3 in a row is dropped (default 15000, 0 = off). */
  readonly keepaliveIntervalMs?: number;
  /** Most commands (SSH sessions) open at once on the connection; keep it below sshd's MaxSessions (default 8; sshd allows 10). */
  readonly maxChannels?: number;
  /**
   * Accept whatever host key the server presents, without checking. Anyone on the network path can then read and
   * change everything sent, passwords included. Only for throw-away test machines.
   */
  readonly dangerouslyAcceptAnyHostKey?: boolean;
}

/** {@link SshOptions} with defaults applied and checked. */
export interface ResolvedSshOptions {
  /** Host name or address. */
  readonly host: string;
  /** SSH port. */
  readonly port: number;
  /** Login user. */
  readonly user: string;
  /** `user@host:port` (plus ` via …` for a jump), for messages. */
  readonly label: string;
  /** The options as given (credentials are read from here at connect time). */
  readonly given: SshOptions;
  /** The agent socket, if any. */
  readonly agent: string | undefined;
  /** The jump host, resolved. */
  readonly jump: ResolvedSshOptions | undefined;
  /** Argv prefix for privilege. */
  readonly privilegePrefix: readonly string[];
  /** Connect timeout per attempt, ms. */
  readonly connectTimeoutMs: number;
  /** Further connection attempts. */
  readonly connectRetries: number;
  /** Default command timeout, ms. */
  readonly commandTimeoutMs: number;
  /** Keepalive interval, ms (0 = off). */
  readonly keepaliveIntervalMs: number;
  /** Channels open at once. */
  readonly maxChannels: number;
}

/** Applies defaults and validates; throws `zmgr::ssh::bad-option` naming the option and the bad value. */
export function resolveSshOptions(options: SshOptions): ResolvedSshOptions {
  if (typeof options?.host !== "string" || options.host.trim() === "" || /\s/.test(options.host)) {
    throw badOption("host", options?.host, "a host name or address such as gz1.example.org or 192.0.2.10");
  }
  const port = options.port ?? 22;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badOption("port", port, "an integer from 1 to 65535");
  const user = options.user ?? "root";
  if (typeof user !== "string" || !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user)) throw badOption("user", user, "a login name such as root or admin");
  const jump = options.jump === undefined ? undefined : resolveSshOptions(options.jump);
  const agent = options.agent === false ? undefined : (options.agent ?? (process.env.SSH_AUTH_SOCK || undefined));
  const label = `${user}@${options.host}:${port}` + (jump ? ` via ${jump.label}` : "");
  return {
    host: options.host,
    port,
    user,
    label,
    given: options,
    agent,
    jump,
    privilegePrefix: privilegePrefix(options.privilege ?? "none"),
    connectTimeoutMs: count("connectTimeoutMs", options.connectTimeoutMs, 15_000, 1),
    connectRetries: count("connectRetries", options.connectRetries, 2, 0),
    commandTimeoutMs: count("commandTimeoutMs", options.commandTimeoutMs, 600_000, 1),
    keepaliveIntervalMs: count("keepaliveIntervalMs", options.keepaliveIntervalMs, 15_000, 0),
    maxChannels: count("maxChannels", options.maxChannels, 8, 1),
  };
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw badOption(name, value, `an integer of at least ${min}`);
  return value;
}

function badOption(name: string, value: unknown, want: string): ZmgrError {
  return new ZmgrError("zmgr::ssh::bad-option", `SSH option \`${name}\` must be ${want}, got \`${JSON.stringify(value)}\``, {
    help: `fix \`${name}\` in the host's connection settings`,
    details: { option: name },
  });
}
