// The `host` input of every resource: where it lives, how to reach it, and which changes move it.

import { ZmgrError } from "../errors";
import type { InputFailure } from "../illumos/names";
import { DEFAULT_REGISTRY_ROOT } from "../registry/paths";
import { hostFor, type HostConfig } from "../transport/connect";
import type { Host } from "../transport/host";
import type { Privilege } from "../transport/privilege";
import type { SshOptions } from "../transport/ssh-options";

/** SSH settings as a resource input holds them (plain values; the SDK documents each one). */
export interface SshSpec {
  /** Host name or address. */
  readonly host: string;
  /** Port, default 22. */
  readonly port?: number;
  /** Login, default root. */
  readonly user?: string;
  /** Private key text. Secret. */
  readonly privateKey?: string;
  /** Private key file read at connect time (keeps the key out of state). */
  readonly privateKeyPath?: string;
  /** Passphrase of the key. Secret. */
  readonly passphrase?: string;
  /** Password. Secret. */
  readonly password?: string;
  /** ssh-agent socket. */
  readonly agentSocket?: string;
  /** Pinned host key (OpenSSH line or SHA256 fingerprint). */
  readonly hostKey?: string;
  /** known_hosts file. */
  readonly knownHostsPath?: string;
  /** Bastion. */
  readonly jump?: SshSpec;
  /** Connect timeout, seconds. */
  readonly connectTimeoutSeconds?: number;
}

/** The `host` input: SSH or local, plus privilege, registry root and command timeout. */
export interface HostSpec {
  /** Reach the host over SSH. */
  readonly ssh?: SshSpec;
  /** Run on this machine. */
  readonly local?: boolean;
  /** `none`, `pfexec` or `sudo`. */
  readonly privilege?: Privilege;
  /** The zmgr registry directory, default /etc/zmgr. */
  readonly registryRoot?: string;
  /** Per-command timeout, seconds (default 600). */
  readonly commandTimeoutSeconds?: number;
}

/** A connected host and its registry root. */
export interface HostHandle {
  /** Runs commands. */
  readonly host: Host;
  /** The registry directory on it. */
  readonly root: string;
  /** The identity of the host (see {@link hostIdentity}). */
  readonly id: string;
}

/** The names of the secret fields of an {@link SshSpec}. */
export const SSH_SECRET_FIELDS = ["privateKey", "passphrase", "password"] as const;

const HOST_KEYS = new Set(["ssh", "local", "privilege", "registryRoot", "commandTimeoutSeconds"]);
const SSH_KEYS = new Set(["host", "port", "user", "privateKey", "privateKeyPath", "passphrase", "password", "agentSocket", "hostKey", "knownHostsPath", "jump", "connectTimeoutSeconds"]);

/** Problems with a host spec, one per property (`host.ssh.port`, ...). No host is contacted. */
export function checkHostSpec(spec: unknown, property = "host"): InputFailure[] {
  if (spec === undefined) return [];
  const failures: InputFailure[] = [];
  const fail = (prop: string, reason: string, help: string) => failures.push({ property: prop, reason, help, code: "zmgr::input::host" });
  if (spec === null || typeof spec !== "object") {
    fail(property, `must be an object with \`ssh\` or \`local: true\`, got ${JSON.stringify(spec)}`, "give { ssh: { host, ... } } or { local: true }");
    return failures;
  }
  const s = spec as HostSpec;
  for (const key of Object.keys(s)) if (!HOST_KEYS.has(key)) fail(`${property}.${key}`, "is not a host setting", `use ${[...HOST_KEYS].join(", ")}`);
  if (s.local !== undefined && typeof s.local !== "boolean") fail(`${property}.local`, "must be true or false", "give local: true to run on this machine");
  if (s.local === true && s.ssh !== undefined) fail(property, "gives both `ssh` and `local: true`", "keep one: `ssh` to reach the host over SSH, `local: true` to run on it");
  if (s.local !== true && s.ssh === undefined) fail(property, "gives neither `ssh` nor `local: true`", "add ssh: { host: ... }, or local: true when the program runs in the global zone");
  if (s.privilege !== undefined && !["none", "pfexec", "sudo"].includes(s.privilege)) {
    fail(`${property}.privilege`, `must be "none", "pfexec" or "sudo", got ${JSON.stringify(s.privilege)}`, 'use "pfexec" for an RBAC profile, "sudo" for passwordless sudo');
  }
  if (s.registryRoot !== undefined && (typeof s.registryRoot !== "string" || !isCleanAbsolute(s.registryRoot))) {
    fail(`${property}.registryRoot`, `must be an absolute path without "..", got ${JSON.stringify(s.registryRoot)}`, "give a directory such as /etc/zmgr");
  }
  if (s.commandTimeoutSeconds !== undefined && !(Number.isInteger(s.commandTimeoutSeconds) && s.commandTimeoutSeconds > 0)) {
    fail(`${property}.commandTimeoutSeconds`, `must be a positive whole number of seconds, got ${JSON.stringify(s.commandTimeoutSeconds)}`, "give e.g. 600");
  }
  if (s.ssh !== undefined) checkSsh(s.ssh, `${property}.ssh`, fail);
  return failures;
}

function checkSsh(ssh: SshSpec, property: string, fail: (prop: string, reason: string, help: string) => void): void {
  if (ssh === null || typeof ssh !== "object") return fail(property, "must be an object", "give { host: ... }");
  for (const key of Object.keys(ssh)) if (!SSH_KEYS.has(key)) fail(`${property}.${key}`, "is not an SSH setting", `use ${[...SSH_KEYS].join(", ")}`);
  if (typeof ssh.host !== "string" || !/^[A-Za-z0-9._:%-]+$/.test(ssh.host)) {
    fail(`${property}.host`, `must be a host name or address, got ${JSON.stringify(ssh.host)}`, "give e.g. gz1.example.org or 192.0.2.10");
  }
  if (ssh.port !== undefined && !(Number.isInteger(ssh.port) && ssh.port >= 1 && ssh.port <= 65535)) fail(`${property}.port`, `must be 1-65535, got ${JSON.stringify(ssh.port)}`, "give the sshd port, usually 22");
  if (ssh.user !== undefined && (typeof ssh.user !== "string" || !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(ssh.user))) {
    fail(`${property}.user`, `must be a login name, got ${JSON.stringify(ssh.user)}`, "give e.g. root or admin");
  }
  for (const key of ["privateKey", "passphrase", "password", "privateKeyPath", "agentSocket", "hostKey", "knownHostsPath"] as const) {
    const v = ssh[key];
    if (v !== undefined && typeof v !== "string") fail(`${property}.${key}`, "must be a string", `give ${key} as text`);
  }
  if (ssh.privateKey !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(ssh.privateKey)) {
    fail(`${property}.privateKey`, "is not a private key (no -----BEGIN ... PRIVATE KEY----- line)", "give the key's text, not its path; use privateKeyPath for a file");
  }
  if (ssh.connectTimeoutSeconds !== undefined && !(Number.isInteger(ssh.connectTimeoutSeconds) && ssh.connectTimeoutSeconds > 0)) {
    fail(`${property}.connectTimeoutSeconds`, "must be a positive whole number of seconds", "give e.g. 20");
  }
  if (ssh.jump !== undefined) checkSsh(ssh.jump, `${property}.jump`, fail);
}

function isCleanAbsolute(path: string): boolean {
  return path.startsWith("/") && !path.split("/").includes("..") && !/[\0\n]/.test(path);
}

/**
 * What makes a host the same host: `local` or the SSH address and port, plus the registry root.
 * Changing it moves the resource (replace); changing credentials, user or timeouts does not.
 */
export function hostIdentity(spec: HostSpec): string {
  const root = spec.registryRoot ?? DEFAULT_REGISTRY_ROOT;
  if (spec.local === true) return `local:${root}`;
  return `ssh:${spec.ssh?.host ?? "?"}:${spec.ssh?.port ?? 22}:${root}`;
}

/** The transport settings of a host spec. */
export function hostConfig(spec: HostSpec): HostConfig {
  const commandTimeoutMs = spec.commandTimeoutSeconds === undefined ? undefined : spec.commandTimeoutSeconds * 1000;
  if (spec.local === true) return { local: true, privilege: spec.privilege ?? "none", ...(commandTimeoutMs ? { commandTimeoutMs } : {}) };
  if (!spec.ssh) {
    throw new ZmgrError("zmgr::input::host", "the host has neither `ssh` nor `local: true`", { help: "give host: { ssh: { host: ... } } or set the stack config zmgr:host" });
  }
  return { ...sshOptions(spec.ssh), privilege: spec.privilege ?? "none", ...(commandTimeoutMs ? { commandTimeoutMs } : {}) };
}

function sshOptions(ssh: SshSpec): SshOptions {
  const out: Record<string, unknown> = {
    host: ssh.host,
    port: ssh.port,
    user: ssh.user,
    privateKey: ssh.privateKey,
    privateKeyPath: ssh.privateKeyPath,
    passphrase: ssh.passphrase,
    password: ssh.password,
    agent: ssh.agentSocket,
    hostKey: ssh.hostKey,
    knownHostsPath: ssh.knownHostsPath,
    jump: ssh.jump ? sshOptions(ssh.jump) : undefined,
    connectTimeoutMs: ssh.connectTimeoutSeconds === undefined ? undefined : ssh.connectTimeoutSeconds * 1000,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as SshOptions;
}

/** Connects (through the process-wide pool: one connection per host and credentials). */
export function connect(spec: HostSpec): HostHandle {
  return { host: hostFor(hostConfig(spec)), root: spec.registryRoot ?? DEFAULT_REGISTRY_ROOT, id: hostIdentity(spec) };
}

/** The spec without credentials: what may be shown or stored in clear. */
export function publicHostSpec(spec: HostSpec): HostSpec {
  if (!spec.ssh) return spec;
  return { ...spec, ssh: stripSecrets(spec.ssh) };
}

function stripSecrets(ssh: SshSpec): SshSpec {
  const out: Record<string, unknown> = { ...ssh };
  for (const k of SSH_SECRET_FIELDS) delete out[k];
  if (ssh.jump) out.jump = stripSecrets(ssh.jump);
  return out as unknown as SshSpec;
}

/** Every secret value in a spec (to redact from messages). */
export function hostSecrets(spec: HostSpec | undefined): string[] {
  const out: string[] = [];
  for (let ssh = spec?.ssh; ssh; ssh = ssh.jump) for (const k of SSH_SECRET_FIELDS) if (ssh[k]) out.push(ssh[k]!);
  return out;
}
