// SSH public keys: OpenSSH key lines, wire-format blobs and `SHA256:` fingerprints as `ssh-keygen -lf` prints them.

import { createHash } from "node:crypto";

/** A public key in SSH wire format together with the type name it carries. */
export interface PublicKey {
  /** The key type, e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  readonly type: string;
  /** The key in SSH wire format (what the server presents during key exchange). */
  readonly blob: Buffer;
}

/** The `SHA256:` fingerprint of a wire-format key: base64 of its SHA-256 without padding, as `ssh-keygen -lf` shows. */
export function fingerprint(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/** The key type a wire-format blob names in its first field, or `unknown` for a malformed blob. */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const length = blob.readUInt32BE(0);
  if (length === 0 || 4 + length > blob.length) return "unknown";
  return blob.subarray(4, 4 + length).toString("latin1");
}

/** A short name for a key type as OpenSSH prints it in messages: `ED25519`, `ECDSA`, `RSA`. */
export function keyTypeLabel(type: string): string {
  if (type === "ssh-ed25519") return "ED25519";
  if (type.startsWith("ecdsa-")) return "ECDSA";
  if (type === "ssh-rsa") return "RSA";
  if (type.startsWith("sk-ssh-ed25519")) return "ED25519-SK";
  if (type.startsWith("sk-ecdsa")) return "ECDSA-SK";
  return type;
}

/** The `ssh-keyscan -t` name for a key type: `ed25519`, `ecdsa`, `rsa`. */
export function keyscanType(type: string): string {
  return keyTypeLabel(type).toLowerCase();
}

/**
 * Parses the first public key found in `text` (`ssh-ed25519 AAAA… comment`, optionally preceded by other words such as
 * the host patterns of a known_hosts line). Undefined when no well-formed key is there, or when the type word does not
 * match the type inside the blob.
 */
export function parsePublicKey(text: string): PublicKey | undefined {
  const words = text.trim().split(/\s+/);
  for (let i = 0; i + 1 < words.length; i++) {
    const type = words[i]!;
    const data = words[i + 1]!;
    if (!/^[a-z0-9@.-]+$/.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) continue;
    const blob = Buffer.from(data, "base64");
    if (blobKeyType(blob) === type) return { type, blob };
  }
  return undefined;
}

/** The host-key algorithms a client may negotiate to be shown a key of `type` (RSA keys sign with three). */
export function hostKeyAlgorithmsFor(type: string): readonly string[] {
  return type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type];
}
