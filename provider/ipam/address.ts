// Strict IPv4/IPv6 address and network parsing into BigInt values, and formatting back.

import { Address4, Address6 } from "ip-address";
import { ZmgrError } from "../errors";

/** An address family: 4 for IPv4, 6 for IPv6. */
export type IpFamily = 4 | 6;

/** One parsed address. */
export interface IpAddress {
  /** 4 or 6. */
  readonly family: IpFamily;
  /** The address as an unsigned integer (32 or 128 bits). */
  readonly value: bigint;
}

/** An address with an optional prefix length, as written in a zone file (`10.0.0.10/24`). */
export interface IpInterface extends IpAddress {
  /** The prefix length after the `/`, when one was written. */
  readonly prefix: number | undefined;
}

/** A parsed, aligned network (`10.0.0.0/24`). */
export interface IpNetwork {
  /** 4 or 6. */
  readonly family: IpFamily;
  /** Prefix length. */
  readonly prefix: number;
  /** The network address (all host bits zero). */
  readonly first: bigint;
  /** The last address (all host bits one; the broadcast address for IPv4). */
  readonly last: bigint;
}

/** Address width in bits. */
export function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function invalid(what: string, text: string, reason: string): ZmgrError {
  return new ZmgrError("zmgr::pool::invalid-address", `${what} ${JSON.stringify(text)} is not valid: ${reason}`, {
    help: "write IPv4 as four decimal numbers without leading zeros (10.0.0.10) and IPv6 in standard form (fd00::10); networks take a prefix (10.0.0.0/24, fd00::/64)",
    details: { value: text, what },
  });
}

/** Strict dotted-quad IPv4 (no leading zeros, no suffix) into a number; undefined when not one. Fast path used for large zone sets. */
function fastIpv4(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

/** Parses an address without prefix (`10.0.0.1`, `fd00::1`). `what` names the value in errors ("gateway"). */
export function parseIp(text: string, what = "address"): IpAddress {
  const parsed = parseInterface(text, what);
  if (parsed.prefix !== undefined) throw invalid(what, text, "an address here takes no /prefix");
  return parsed;
}

/** Parses an address with an optional prefix (`10.0.0.10/24`, `fd00::10/64`, `10.0.0.10`). */
export function parseInterface(text: string, what = "address"): IpInterface {
  if (typeof text !== "string" || text.length === 0) throw invalid(what, String(text), "empty");
  const slash = text.indexOf("/");
  const v4 = fastIpv4(slash < 0 ? text : text.slice(0, slash));
  if (v4 !== undefined && slash < 0) return { family: 4, value: BigInt(v4), prefix: undefined };
  if (v4 !== undefined && /^([0-9]|[12][0-9]|3[0-2])$/.test(text.slice(slash + 1))) return { family: 4, value: BigInt(v4), prefix: Number(text.slice(slash + 1)) };
  const host = slash < 0 ? text : text.slice(0, slash);
  let prefix: number | undefined;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) throw invalid(what, text, "the prefix must be a decimal number");
    prefix = Number(p);
  }
  if (host.includes(":")) {
    if (host.includes("%")) throw invalid(what, text, "zone indices (%iface) are not allowed");
    if (prefix !== undefined && prefix > 128) throw invalid(what, text, "an IPv6 prefix is at most 128");
    let a: Address6;
    try {
      a = new Address6(host);
    } catch (err) {
      throw invalid(what, text, (err as Error).message);
    }
    return { family: 6, value: a.bigInt(), prefix };
  }
  if (prefix !== undefined && prefix > 32) throw invalid(what, text, "an IPv4 prefix is at most 32");
  const quad = fastIpv4(host);
  if (quad === undefined) {
    let reason = "not an IPv4 or IPv6 address";
    try {
      new Address4(host);
    } catch (err) {
      reason = (err as Error).message;
    }
    throw invalid(what, text, reason);
  }
  return { family: 4, value: BigInt(quad), prefix };
}

/** Parses a network in CIDR form and rejects a missing prefix or host bits set (`10.0.0.5/24` → `zmgr::pool::misaligned`). */
export function parseNetwork(text: string, what = "network"): IpNetwork {
  const parsed = parseInterface(text, what);
  if (parsed.prefix === undefined) throw invalid(what, text, "a network needs a /prefix (10.0.0.0/24, fd00::/64)");
  const bits = familyBits(parsed.family);
  const hostBits = BigInt(bits - parsed.prefix);
  const hostMask = (1n << hostBits) - 1n;
  const first = parsed.value & ~hostMask & ((1n << BigInt(bits)) - 1n);
  if (first !== parsed.value) {
    const aligned = `${formatIp(parsed.family, first)}/${parsed.prefix}`;
    throw new ZmgrError("zmgr::pool::misaligned", `${what} ${text} is not aligned: host bits are set, the network is ${aligned}`, {
      help: `write the network address: ${aligned}`,
      details: { value: text, aligned },
    });
  }
  return { family: parsed.family, prefix: parsed.prefix, first, last: first | hostMask };
}

/** Formats an address: dotted quad for IPv4, RFC 5952 form for IPv6. */
export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) {
    const n = Number(value);
    return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return Address6.fromBigInt(value).correctForm();
}

/** Formats a network as `first/prefix`. */
export function formatNetwork(net: IpNetwork): string {
  return `${formatIp(net.family, net.first)}/${net.prefix}`;
}

/** True when `value` lies in `net`. */
export function inNetwork(net: IpNetwork, family: IpFamily, value: bigint): boolean {
  return family === net.family && value >= net.first && value <= net.last;
}
