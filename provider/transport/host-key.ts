// Host key verification: a pinned key or fingerprint, else known_hosts; unknown or changed keys are refused with the fix.

import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ZmgrError } from "../errors";
import { blobKeyType, fingerprint, hostKeyAlgorithmsFor, keyscanType, keyTypeLabel, parsePublicKey } from "./fingerprint";
import { knownHostsName, lookupKnownHosts, parseKnownHosts, type KnownHostEntry } from "./known-hosts";

/** Where trust in a server's host key comes from. */
export interface HostKeyOptions {
  /** The host name or address as given by the user (known_hosts is searched for this name). */
  readonly host: string;
  /** The SSH port. */
  readonly port: number;
  /** `user@host:port`, for messages. */
  readonly label: string;
  /** Pinned key(s): OpenSSH public key lines (`ssh-ed25519 AAAA…`) or `SHA256:` fingerprints, one per line. */
  readonly hostKey?: string;
  /** known_hosts files to consult when nothing is pinned (default: ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts). */
  readonly knownHostsPaths?: readonly string[];
  /** Accept any key without checking. Only for throw-away test machines. */
  readonly dangerouslyAcceptAnyHostKey?: boolean;
}

/** A host key policy for one connection attempt. */
export interface HostKeyCheck {
  /** Host key algorithms to offer, the ones of known keys first (as ssh orders them); undefined keeps the default. */
  readonly algorithms: string[] | undefined;
  /** Judges the key the server presented: undefined when trusted, else the error to fail the connection with. */
  verify(blob: Buffer): ZmgrError | undefined;
}

/** The known_hosts files ssh reads by default. */
export function defaultKnownHostsPaths(): string[] {
  return [join(homedir(), ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"];
}

/** ssh2's host key algorithms in its order of preference. */
const DEFAULT_ALGORITHMS = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];

/** Builds the policy; reads known_hosts now, so edits made between connections take effect. Throws on a malformed pin. */
export function hostKeyCheck(options: HostKeyOptions): HostKeyCheck {
  if (options.dangerouslyAcceptAnyHostKey) return { algorithms: undefined, verify: () => undefined };
  if (options.hostKey !== undefined && options.hostKey.trim() !== "") return pinnedCheck(options, parsePins(options.hostKey));
  return knownHostsCheck(options);
}

interface Pin {
  readonly fingerprint: string;
  readonly type: string | undefined;
}

function parsePins(text: string): Pin[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((entry) => {
      if (/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(entry)) return { fingerprint: entry.replace(/=$/, ""), type: undefined };
      const key = parsePublicKey(entry);
      if (key) return { fingerprint: fingerprint(key.blob), type: key.type };
      throw new ZmgrError("zmgr::ssh::bad-host-key-option", `hostKey is neither an OpenSSH public key line nor a SHA256: fingerprint: ${JSON.stringify(entry.slice(0, 80))}`, {
        help: 'give the host\'s public key as `ssh-keyscan -t ed25519 HOST` prints it without the host name ("ssh-ed25519 AAAA…"), or its fingerprint from `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` ("SHA256:…")',
      });
    });
}

function pinnedCheck(options: HostKeyOptions, pins: Pin[]): HostKeyCheck {
  const types = pins.flatMap((p) => (p.type ? [p.type] : []));
  return {
    algorithms: preferred(types),
    verify(blob) {
      const presented = fingerprint(blob);
      if (pins.some((p) => p.fingerprint === presented)) return undefined;
      return mismatch(options, blob, pins.map((p) => p.fingerprint), "the pinned hostKey");
    },
  };
}

function knownHostsCheck(options: HostKeyOptions): HostKeyCheck {
  const paths = options.knownHostsPaths ?? defaultKnownHostsPaths();
  const entries = paths.flatMap((path) => parseKnownHosts(readIfPresent(path), path));
  const found = lookupKnownHosts(entries, options.host, options.port);
  return {
    algorithms: preferred(found.trusted.map((e) => e.key.type)),
    verify(blob) {
      const presented = fingerprint(blob);
      const revoked = found.revoked.find((e) => e.key.blob.equals(blob));
      if (revoked) {
        return new ZmgrError("zmgr::ssh::host-key-revoked", `${options.label} presented host key ${presented}, which is marked @revoked (${revoked.source})`, {
          help: "the host uses a key that was withdrawn; fix the host's keys (or the @revoked line if it is wrong) before connecting",
          details: { host: options.label, presented, revokedAt: revoked.source },
        });
      }
      if (found.trusted.some((e) => e.key.blob.equals(blob))) return undefined;
      const type = blobKeyType(blob);
      const sameType = found.trusted.filter((e) => e.key.type === type);
      if (sameType.length > 0) {
        return mismatch(options, blob, sameType.map((e) => `${fingerprint(e.key.blob)} (${e.source})`), "known_hosts", sameType);
      }
      return unknown(options, blob, paths, found.trusted, found.certAuthorities);
    },
  };
}

function preferred(types: readonly string[]): string[] | undefined {
  if (types.length === 0) return undefined;
  const known = types.flatMap(hostKeyAlgorithmsFor).filter((a) => DEFAULT_ALGORITHMS.includes(a));
  return [...new Set([...known, ...DEFAULT_ALGORITHMS])];
}

function readIfPresent(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return ""; // a missing or unreadable file knows no hosts
  }
}

function keyscan(options: HostKeyOptions, type: string): string {
  const port = options.port === 22 ? "" : `-p ${options.port} `;
  return `ssh-keyscan ${port}-t ${keyscanType(type)} ${options.host}`;
}

function unknown(
  options: HostKeyOptions,
  blob: Buffer,
  paths: readonly string[],
  otherTypes: readonly KnownHostEntry[],
  authorities: readonly KnownHostEntry[],
): ZmgrError {
  const presented = fingerprint(blob);
  const type = blobKeyType(blob);
  const name = knownHostsName(options.host, options.port);
  const notes = [
    otherTypes.length > 0 ? `known_hosts has only ${[...new Set(otherTypes.map((e) => keyTypeLabel(e.key.type)))].join("/")} keys for it` : "",
    authorities.length > 0 ? `host certificates (@cert-authority, ${authorities[0]!.source}) are not supported` : "",
  ].filter((s) => s !== "");
  return new ZmgrError(
    "zmgr::ssh::host-key-unknown",
    `the host key of ${options.label} is not known: it presented ${keyTypeLabel(type)} key ${presented}, and ${paths.join(" and ")} ${paths.length === 1 ? "has" : "have"} no entry for ${name}` +
      (notes.length ? ` (${notes.join("; ")})` : ""),
    {
      help:
        `check that ${presented} is really this host's key (on its console: ssh-keygen -lf /etc/ssh/ssh_host_${keyscanType(type)}_key.pub), ` +
        `then either pin it with hostKey: "${presented}", or add it to known_hosts: ${keyscan(options, type)} >> ${paths[0] ?? "~/.ssh/known_hosts"}`,
      details: { host: options.label, presented, keyType: type, knownHostsName: name },
    },
  );
}

function mismatch(options: HostKeyOptions, blob: Buffer, expected: readonly string[], source: string, entries: readonly KnownHostEntry[] = []): ZmgrError {
  const presented = fingerprint(blob);
  const type = blobKeyType(blob);
  const removal = entries.length > 0 ? `remove the old entry (ssh-keygen -R '${knownHostsName(options.host, options.port)}'), then add the new one (${keyscan(options, type)} >> ${entries[0]!.source.replace(/:\d+$/, "")})` : `set hostKey to "${presented}"`;
  return new ZmgrError(
    "zmgr::ssh::host-key-mismatch",
    `the host key of ${options.label} does not match ${source}: expected ${expected.join(" or ")}, presented ${keyTypeLabel(type)} key ${presented}`,
    {
      help: `this is either a man-in-the-middle attack or a reinstalled host. Only if you know the host's keys were changed, confirm ${presented} on its console (ssh-keygen -lf /etc/ssh/ssh_host_${keyscanType(type)}_key.pub) and ${removal}`,
      details: { host: options.label, presented, expected: [...expected], keyType: type },
    },
  );
}
