// Opens one authenticated ssh2 connection: host key check, agent/key/password login, jump host, timeout and retries.

import { readFileSync } from "node:fs";
import type { Duplex } from "node:stream";
import { Client, utils, type AnyAuthMethod, type AuthenticationType, type ConnectConfig } from "ssh2";
import { ZmgrError } from "../errors";
import { hostKeyCheck } from "./host-key";
import type { ResolvedSshOptions } from "./ssh-options";

/** A live, authenticated connection (riding on its jump connection, if any). */
export interface SshConnection {
  /** The ssh2 client; it always has 'error' and 'close' handlers, so a late reset never crashes the process. */
  readonly client: Client;
  /** False once the connection (or its jump) closed. */
  readonly alive: boolean;
  /** The last error ssh2 reported after login (a reset, a keepalive timeout), for connection-lost messages. */
  readonly lastError: Error | undefined;
  /** Calls `listener` once when the connection closes (at once when it already has); returns the unsubscribe function. */
  onClose(listener: () => void): () => void;
  /** Ends the connection and its jump connection. */
  end(): void;
}

/** Connects and logs in, retrying an unreachable host `connectRetries` times; through `jump` when given. */
export async function openConnection(options: ResolvedSshOptions): Promise<SshConnection> {
  const jump = options.jump ? await openConnection(options.jump) : undefined;
  try {
    const connection = await withRetries(options, () => (jump ? viaJump(options, jump) : connectOnce(options, undefined)));
    connection.onClose(() => jump?.end());
    jump?.onClose(() => connection.end());
    return connection;
  } catch (err) {
    jump?.end();
    throw err;
  }
}

async function withRetries(options: ResolvedSshOptions, attempt: () => Promise<SshConnection>): Promise<SshConnection> {
  const failures: string[] = [];
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof Unreachable)) throw err;
      failures.push(err.message);
      if (i >= options.connectRetries) {
        const attempts = i + 1;
        throw new ZmgrError(
          "zmgr::ssh::unreachable",
          `could not connect to ${options.label}` + (attempts > 1 ? ` (${attempts} attempts)` : "") + `: ${failures[failures.length - 1]}`,
          {
            cause: err.cause,
            help: `check that the host is up, that sshd listens on port ${options.port} and that no firewall is in the way; raise connectTimeoutMs or connectRetries for a slow network`,
            details: { host: options.label, attempts, errors: failures },
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** i, 5000)));
    }
  }
}

/** A failure worth another attempt: the host could not be reached (as opposed to refusing us). */
class Unreachable extends Error {}

function viaJump(options: ResolvedSshOptions, jump: SshConnection): Promise<SshConnection> {
  return new Promise((resolve, reject) => {
    if (!jump.alive) return reject(new Unreachable(`the jump host ${options.jump!.label} disconnected`));
    jump.client.forwardOut("127.0.0.1", 0, options.host, options.port, (err, stream) => {
      if (err) return reject(new Unreachable(`the jump host ${options.jump!.label} could not open a tunnel to ${options.host}:${options.port}: ${err.message}`, { cause: err }));
      connectOnce(options, stream).then(resolve, reject);
    });
  });
}

/** One connection attempt. Rejects with a ZmgrError, or with Unreachable when another attempt may succeed. */
async function connectOnce(options: ResolvedSshOptions, sock: Duplex | undefined): Promise<SshConnection> {
  const auth = authMethods(options);
  const hostKeys = hostKeyCheck({
    host: options.host,
    port: options.port,
    label: options.label,
    hostKey: options.given.hostKey,
    knownHostsPaths: options.given.knownHostsPath === undefined ? undefined : [options.given.knownHostsPath],
    dangerouslyAcceptAnyHostKey: options.given.dangerouslyAcceptAnyHostKey,
  });
  const client = new Client();
  let ready = false;
  let closed = false;
  let lastError: Error | undefined;
  let hostKeyError: ZmgrError | undefined;
  const agentErrors: string[] = [];
  const closeListeners = new Set<() => void>();

  return await new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      if (ready) return;
      ready = true; // settle once
      client.end();
      reject(err);
    };
    client.on("error", (err: Error & { level?: string }) => {
      lastError = err;
      if (err.level === "agent") return void agentErrors.push(err.message); // ssh2 goes on with the next method
      if (ready) return; // after login: the close handler reports it
      if (hostKeyError) return fail(hostKeyError);
      if (err.level === "client-authentication") return fail(auth.failed(agentErrors));
      if (["client-socket", "client-timeout", "client-dns"].includes(err.level ?? "") || /before handshake/.test(err.message)) {
        return fail(new Unreachable(err.level === "client-timeout" ? `no answer within ${options.connectTimeoutMs} ms (${err.message})` : err.message, { cause: err }));
      }
      fail(
        new ZmgrError("zmgr::ssh::protocol", `SSH connection to ${options.label} failed: ${err.message}`, {
          cause: err,
          help: "the host's sshd refused the session; its log (/var/log/authlog on illumos) says why",
          details: { host: options.label },
        }),
      );
    });
    client.on("close", () => {
      closed = true;
      fail(hostKeyError ?? new Unreachable(`the connection closed during the handshake${lastError ? `: ${lastError.message}` : ""}`));
      const listeners = [...closeListeners];
      closeListeners.clear();
      for (const listener of listeners) listener();
    });
    client.on("ready", () => {
      if (ready) return;
      ready = true;
      resolve({
        client,
        get alive() {
          return !closed;
        },
        get lastError() {
          return lastError;
        },
        onClose(listener) {
          if (closed) listener();
          else closeListeners.add(listener);
          return () => void closeListeners.delete(listener);
        },
        end: () => client.end(),
      });
    });
    const config: ConnectConfig = {
      host: options.host,
      port: options.port,
      username: options.user,
      sock,
      readyTimeout: options.connectTimeoutMs,
      keepaliveInterval: options.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      hostVerifier: (blob: Buffer) => {
        hostKeyError = hostKeys.verify(blob);
        return hostKeyError === undefined;
      },
      authHandler: auth.next,
    };
    if (hostKeys.algorithms) config.algorithms = { serverHostKey: hostKeys.algorithms as NonNullable<ConnectConfig["algorithms"]>["serverHostKey"] };
    try {
      client.connect(config);
      // Commands are small request/response exchanges: without this, Nagle's algorithm and delayed ACKs add ~40 ms to
      // each one (measured with bench/transport.bench.ts).
      client.setNoDelay(true);
    } catch (err) {
      fail(err as Error);
    }
  });
}

/** The login methods to offer, in ssh's order (agent, key, password), and the record of what was tried. */
function authMethods(options: ResolvedSshOptions) {
  const username = options.user;
  const given = options.given;
  const methods: AnyAuthMethod[] = [];
  if (options.agent) methods.push({ type: "agent", username, agent: options.agent });
  const key = privateKey(options);
  if (key !== undefined) methods.push({ type: "publickey", username, key, passphrase: given.passphrase });
  if (given.password !== undefined) {
    const password = given.password;
    methods.push({ type: "password", username, password });
    methods.push({ type: "keyboard-interactive", username, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)) });
  }
  if (methods.length === 0) {
    throw new ZmgrError("zmgr::ssh::no-credentials", `no way to log in to ${options.label}: no ssh-agent, private key or password was given`, {
      help: "set privateKey/privateKeyPath (with passphrase if it is encrypted) or password, or run an ssh-agent (SSH_AUTH_SOCK) holding a key the host accepts",
      details: { host: options.label },
    });
  }
  const tried: string[] = [];
  let hostAccepts: readonly string[] | undefined;
  let index = 0;
  const next = (authsLeft: AuthenticationType[] | null, _partial: boolean | null, callback: (auth: AnyAuthMethod | false) => void) => {
    if (authsLeft) hostAccepts = authsLeft;
    while (index < methods.length) {
      const method = methods[index++]!;
      const wire = method.type === "agent" ? "publickey" : method.type;
      if (authsLeft && !authsLeft.includes(wire)) continue; // the host does not offer it
      tried.push(method.type === "agent" ? `agent (${options.agent})` : method.type === "publickey" ? "publickey (privateKey)" : method.type);
      return callback(method);
    }
    callback(false);
  };
  const failed = (agentErrors: readonly string[]) =>
    new ZmgrError(
      "zmgr::ssh::auth-failed",
      `${options.label} refused the login: tried ${tried.length ? tried.join(", ") : "nothing the host offers"}` +
        (hostAccepts ? `; the host accepts ${hostAccepts.join(", ")}` : "") +
        (agentErrors.length ? `; agent: ${agentErrors.join("; ")}` : ""),
      {
        help: `check the user name (${options.user}) and credentials: the public key must be in ~${options.user}/.ssh/authorized_keys on the host (or loaded in the agent: ssh-add -l), and a password needs PasswordAuthentication yes in its sshd_config`,
        details: { host: options.label, tried: [...tried], hostAccepts: hostAccepts ? [...hostAccepts] : undefined },
      },
    );
  return { next: next as unknown as ConnectConfig["authHandler"], failed };
}

/** The private key text, checked to parse (with the passphrase) before any connection is made. */
function privateKey(options: ResolvedSshOptions): string | undefined {
  const given = options.given;
  let text = given.privateKey;
  if (text === undefined && given.privateKeyPath !== undefined) {
    try {
      text = readFileSync(given.privateKeyPath, "utf8");
    } catch (err) {
      throw new ZmgrError("zmgr::ssh::bad-private-key", `cannot read privateKeyPath ${given.privateKeyPath}: ${(err as Error).message}`, {
        cause: err,
        help: "point privateKeyPath at a readable private key file (e.g. ~/.ssh/id_ed25519)",
        details: { host: options.label },
      });
    }
  }
  if (text === undefined) return undefined;
  const parsed = utils.parseKey(text, given.passphrase);
  const problem = parsed instanceof Error ? parsed.message : Array.isArray(parsed) || parsed.isPrivateKey() ? undefined : "it is a public key";
  if (problem !== undefined) {
    const encrypted = /encrypt|passphrase|decrypt|bad decrypt/i.test(problem);
    throw new ZmgrError("zmgr::ssh::bad-private-key", `the private key for ${options.label} cannot be used: ${encrypted ? "it is encrypted and the passphrase is missing or wrong" : problem}`, {
      help: encrypted ? "set passphrase to the key's passphrase (or use an ssh-agent holding the unlocked key)" : "give an OpenSSH or PEM private key (the file without .pub)",
      details: { host: options.label },
    });
  }
  return text;
}
