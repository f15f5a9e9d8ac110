// OpenSSH known_hosts files: parsing, host patterns (wildcards, negation, `[host]:port`) and hashed `|1|salt|hash` entries.

import { createHmac } from "node:crypto";
import { parsePublicKey, type PublicKey } from "./fingerprint";

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  /** Where it came from, for messages: `/root/.ssh/known_hosts:3`. */
  readonly source: string;
  /** `@cert-authority` (the key signs host certificates) or `@revoked` (never trust this key); undefined for a plain entry. */
  readonly marker: "cert-authority" | "revoked" | undefined;
  /** The host field as written: comma-separated patterns, or one hashed `|1|salt|hash` name. */
  readonly hosts: string;
  /** The key. */
  readonly key: PublicKey;
}

/** The keys known_hosts holds for one host. */
export interface KnownHostsLookup {
  /** Plain entries naming the host: keys to trust. */
  readonly trusted: readonly KnownHostEntry[];
  /** `@revoked` entries naming the host: keys to refuse even when trusted elsewhere. */
  readonly revoked: readonly KnownHostEntry[];
  /** `@cert-authority` entries naming the host (host certificates are not supported, so these cannot vouch). */
  readonly certAuthorities: readonly KnownHostEntry[];
}

/** Parses known_hosts text; lines that are blank, comments or malformed are skipped, as ssh does. */
export function parseKnownHosts(text: string, file = "known_hosts"): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    let words = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (words[0]!.startsWith("@")) {
      if (words[0] === "@cert-authority") marker = "cert-authority";
      else if (words[0] === "@revoked") marker = "revoked";
      else return; // an unknown marker: ssh ignores the line
      words = words.slice(1);
    }
    if (words.length < 3) return;
    const key = parsePublicKey(words.slice(1).join(" "));
    if (!key || words[1] !== key.type) return;
    entries.push({ source: `${file}:${index + 1}`, marker, hosts: words[0]!, key });
  });
  return entries;
}

/** The name ssh looks up for a host: `host` on port 22, else `[host]:port`; lower-cased. */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** True when a known_hosts host field names `name` (as made by {@link knownHostsName}). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith("|1|")) return hashedMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(",")) {
    const negated = pattern.startsWith("!");
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false; // a matching negation wins over every positive match
    matched = true;
  }
  return matched;
}

/** Every entry of `entries` that names `host:port`, sorted by kind. */
export function lookupKnownHosts(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostsLookup {
  const name = knownHostsName(host, port);
  const hits = entries.filter((e) => hostFieldMatches(e.hosts, name));
  return {
    trusted: hits.filter((e) => e.marker === undefined),
    revoked: hits.filter((e) => e.marker === "revoked"),
    certAuthorities: hits.filter((e) => e.marker === "cert-authority"),
  };
}

/** A hashed name as `ssh-keygen -H` writes it: `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`. */
export function hashHostName(name: string, salt: Buffer): string {
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split("|");
  if (parts.length !== 4 || parts[3] === "") return false;
  const salt = Buffer.from(parts[2]!, "base64");
  return hashHostName(name, salt) === field;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.+()[\]{}|]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`).test(name);
}
