// The host a resource uses when its `host` input is left out: read from stack config (`zmgr:*`) in `configure`.

import { ZmgrError } from "../errors";
import { checkHostSpec, type HostSpec, type SshSpec } from "./host-spec";

/** Reads one stack config value by its full key (`zmgr:host`); undefined when unset. */
export type ConfigGetter = (key: string) => string | undefined;

let configured: HostSpec | undefined;
let configError: ZmgrError | undefined;

/** The stack config keys read for the default host, with what each sets. */
export const HOST_CONFIG_KEYS = {
  "zmgr:host": "SSH host name or address",
  "zmgr:port": "SSH port",
  "zmgr:user": "SSH login",
  "zmgr:privateKey": "private key text (set it with --secret)",
  "zmgr:privateKeyPath": "private key file",
  "zmgr:passphrase": "key passphrase (--secret)",
  "zmgr:password": "password (--secret)",
  "zmgr:agentSocket": "ssh-agent socket",
  "zmgr:hostKey": "pinned host key or SHA256 fingerprint",
  "zmgr:knownHostsPath": "known_hosts file",
  "zmgr:jumpHost": "bastion host (same user and credentials)",
  "zmgr:local": "true to run on this machine",
  "zmgr:privilege": "none, pfexec or sudo",
  "zmgr:registryRoot": "registry directory (default /etc/zmgr)",
  "zmgr:commandTimeoutSeconds": "per-command timeout",
} as const;

/** The environment variable read when a config key is not set: `zmgr:privateKeyPath` → `ZMGR_PRIVATE_KEY_PATH`. */
export function envName(key: string): string {
  return `ZMGR_${key.slice("zmgr:".length).replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

/**
 * Builds the default host from stack config, each key falling back to its environment variable
 * (`ZMGR_HOST`, `ZMGR_PRIVATE_KEY`, ...) read in the provider process; called by each dynamic
 * provider's `configure`. Never throws: a bad value is reported when a resource needs it.
 * (For `refresh` and `destroy` the engine passes the config recorded by the last `up`; the
 * environment is always the current one, which is why CI should pass credentials that way.)
 */
export function configureDefaultHost(get: ConfigGetter, env: NodeJS.ProcessEnv = process.env): void {
  configured = undefined;
  configError = undefined;
  const text = (key: keyof typeof HOST_CONFIG_KEYS) => {
    const v = get(key) ?? env[envName(key)];
    return v === undefined || v === "" ? undefined : v;
  };
  const num = (key: keyof typeof HOST_CONFIG_KEYS) => {
    const v = text(key);
    return v === undefined ? undefined : Number(v);
  };
  const local = text("zmgr:local") === "true";
  const hostName = text("zmgr:host");
  if (!local && hostName === undefined) return;
  const ssh: SshSpec | undefined = hostName === undefined ? undefined : prune({
    host: hostName,
    port: num("zmgr:port"),
    user: text("zmgr:user"),
    privateKey: text("zmgr:privateKey"),
    privateKeyPath: text("zmgr:privateKeyPath"),
    passphrase: text("zmgr:passphrase"),
    password: text("zmgr:password"),
    agentSocket: text("zmgr:agentSocket"),
    hostKey: text("zmgr:hostKey"),
    knownHostsPath: text("zmgr:knownHostsPath"),
  }) as unknown as SshSpec;
  const jump = text("zmgr:jumpHost");
  const spec = prune({
    local: local || undefined,
    ssh: ssh && !local ? (jump ? { ...ssh, jump: { ...ssh, host: jump, port: undefined } } : ssh) : undefined,
    privilege: text("zmgr:privilege"),
    registryRoot: text("zmgr:registryRoot"),
    commandTimeoutSeconds: num("zmgr:commandTimeoutSeconds"),
  }) as HostSpec;
  const failures = checkHostSpec(spec, "zmgr");
  if (failures.length) {
    configError = new ZmgrError("zmgr::config::host", `stack config for the default host is invalid: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`, {
      help: "fix the zmgr:* values with `pulumi config set` (see docs/host.md)",
    });
    return;
  }
  configured = spec;
}

/** The host of a resource: its own `host` input, else the stack's default host. */
export function resolveHost(spec: HostSpec | undefined): HostSpec {
  if (spec !== undefined) return spec;
  if (configError) throw configError;
  if (configured) return configured;
  throw new ZmgrError("zmgr::config::no-host", "this resource has no `host` and the stack config sets no default host", {
    help: "give the resource a host input ({ ssh: { host: ... } } or { local: true }), or run `pulumi config set zmgr:host <address>` (and zmgr:privateKey --secret, zmgr:hostKey ...)",
  });
}

/** True when a default host is configured. */
export function hasDefaultHost(): boolean {
  return configured !== undefined;
}

function prune(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
