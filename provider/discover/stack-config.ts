// The stack config (`zmgr:*`) that makes a program's default host the host discovery ran against.

import { configureDefaultHost, type HOST_CONFIG_KEYS } from "../operations/default-host";
import type { HostSpec } from "../operations/host-spec";

/** One `pulumi config set` entry. */
export interface StackConfigEntry {
  /** The key, e.g. `zmgr:host`. */
  readonly key: keyof typeof HOST_CONFIG_KEYS;
  /** The value. */
  readonly value: string;
  /** Set it with `--secret`. */
  readonly secret: boolean;
}

/**
 * The `zmgr:*` entries for `spec` (secrets included only when the spec holds them; discovery
 * uses key files and the agent, whose paths are not secret). Resources without a `host` input
 * use this host, and their `hostId` is the same as discovery's.
 */
export function stackConfigFor(spec: HostSpec): StackConfigEntry[] {
  const out: StackConfigEntry[] = [];
  const add = (key: StackConfigEntry["key"], value: string | number | boolean | undefined, secret = false) => {
    if (value !== undefined) out.push({ key, value: String(value), secret });
  };
  if (spec.local) add("zmgr:local", true);
  const ssh = spec.ssh;
  if (ssh) {
    add("zmgr:host", ssh.host);
    add("zmgr:port", ssh.port);
    add("zmgr:user", ssh.user);
    add("zmgr:privateKeyPath", ssh.privateKeyPath);
    add("zmgr:privateKey", ssh.privateKey, true);
    add("zmgr:passphrase", ssh.passphrase, true);
    add("zmgr:agentSocket", ssh.agentSocket);
    add("zmgr:hostKey", ssh.hostKey);
    add("zmgr:knownHostsPath", ssh.knownHostsPath);
  }
  add("zmgr:privilege", spec.privilege === "none" ? undefined : spec.privilege);
  add("zmgr:registryRoot", spec.registryRoot);
  add("zmgr:commandTimeoutSeconds", spec.commandTimeoutSeconds);
  return out;
}

/** Makes `spec` the default host of this process's providers, as `configure` does with the stack config. */
export function useAsDefaultHost(spec: HostSpec): void {
  const entries = new Map(stackConfigFor(spec).map((e) => [e.key as string, e.value]));
  configureDefaultHost((key) => entries.get(key));
}

/** Shell text of the `pulumi config set` commands (values single-quoted). */
export function configCommands(entries: readonly StackConfigEntry[]): string[] {
  const q = (s: string) => (/^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return entries.map((e) => (e.secret ? `pulumi config set --secret ${e.key} <value>` : `pulumi config set ${e.key} ${e.value.startsWith("-") ? "-- " : ""}${q(e.value)}`));
}
