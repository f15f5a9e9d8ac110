// The process-wide host pool: one shared Host per host and credentials, so every operation reuses one connection.

import { createHash } from "node:crypto";
import type { Host } from "./host";
import { LocalHost, type LocalHostOptions } from "./local-host";
import { SshHost } from "./ssh-host";
import type { SshOptions } from "./ssh-options";

/** This machine as the host (the program runs in the global zone). */
export interface LocalHostConfig extends LocalHostOptions {
  /** Marks the local machine. */
  readonly local: true;
}

/** Where commands run: a host over SSH, or this machine. */
export type HostConfig = SshOptions | LocalHostConfig;

const pool = new Map<string, Host>();

/**
 * The shared Host for `config`: the same object (and so the same SSH connection) for every call with equal settings
 * and credentials in this process. The pool key is a SHA-256 over all settings, so credentials are never kept in it.
 */
export function hostFor(config: HostConfig): Host {
  const key = poolKey(config);
  let host = pool.get(key);
  if (!host) {
    host = isLocal(config) ? new LocalHost(config) : new SshHost(config);
    pool.set(key, host);
  }
  return host;
}

/** Closes and forgets every pooled host (for tests and a clean process exit); later calls connect again. */
export async function closeAllHosts(): Promise<void> {
  const hosts = [...pool.values()];
  pool.clear();
  await Promise.all(hosts.map((h) => h.close()));
}

/** The pool key of a config: a hash of its canonical JSON, equal for equal settings whatever the key order. */
export function poolKey(config: HostConfig): string {
  return createHash("sha256").update(canonical(config)).digest("hex");
}

function isLocal(config: HostConfig): config is LocalHostConfig {
  return (config as LocalHostConfig).local === true;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
