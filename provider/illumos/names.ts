// Validation of names and values given to illumos tools: one failure per property, with a code and help.

import { Address6 } from "ip-address";
import { ZmgrError } from "../errors";

/** One rejected input: which property, why, and what to do (a Pulumi `check` failure plus a code). */
export interface InputFailure {
  /** The property path, e.g. `net[0].allowedAddress`. */
  readonly property: string;
  /** Why the value is refused, naming the value. */
  readonly reason: string;
  /** Stable code, `zmgr::input::<what>`. */
  readonly code: string;
  /** What to do instead. */
  readonly help: string;
}

/** Throws a ZmgrError (the first failure's code, every failure in the message and `details.failures`) when `failures` is not empty. */
export function assertValid(failures: readonly InputFailure[]): void {
  if (failures.length === 0) return;
  const first = failures[0]!;
  const message = failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
  throw new ZmgrError(first.code, message, { help: first.help, details: { failures } });
}

function fail(property: string, code: string, reason: string, help: string): InputFailure[] {
  return [{ property, reason, code: `zmgr::input::${code}`, help }];
}

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** A control character (C0, DEL, C1), line separators included. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Checks a string that will stand inside double quotes in a zonecfg command. zonecfg has no escapes:
 * a `"` would end the string and a newline would end the command, so both (and every other control
 * character) are refused; so are empty values (use "unset" instead) and values with leading or
 * trailing whitespace (zonecfg and `info` would not keep them apart).
 */
export function checkZonecfgText(value: unknown, property: string, maxLength = 1023): InputFailure[] {
  if (typeof value !== "string") return fail(property, "type", `must be a string, got ${show(value)}`, "give a string value");
  const help = "remove the character; zonecfg values cannot contain double quotes or control characters";
  if (value === "") return fail(property, "empty", "must not be empty", "leave the property out to keep it unset");
  if (value.includes('"')) return fail(property, "zonecfg-unsafe", `${show(value)} contains a double quote, which zonecfg cannot hold in a value`, help);
  if (CONTROL.test(value)) return fail(property, "zonecfg-unsafe", `${show(value)} contains a control character (newline, tab, NUL, ...)`, help);
  if (value.trim() !== value) return fail(property, "whitespace", `${show(value)} has leading or trailing whitespace`, "trim the value");
  if (value.length > maxLength) return fail(property, "too-long", `is ${value.length} characters long, the most is ${maxLength}`, "shorten the value");
  return [];
}

/** Checks a string against a character pattern after {@link checkZonecfgText}. */
export function checkPattern(value: unknown, property: string, pattern: RegExp, what: string, maxLength = 255): InputFailure[] {
  const base = checkZonecfgText(value, property, maxLength);
  if (base.length) return base;
  if (!pattern.test(value as string)) return fail(property, "syntax", `${show(value)} is not ${what}`, `use ${what}`);
  return [];
}

const ZONE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Checks a zone name (libzonecfg zonecfg_validate_zonename): `[A-Za-z0-9][A-Za-z0-9_.-]*`, at most
 * 63 characters, not `global` (unless `allowGlobal`), not starting with `SUNW` (read-only zones).
 */
export function checkZoneName(value: unknown, property = "name", options: { allowGlobal?: boolean } = {}): InputFailure[] {
  const help = "use 1 to 63 characters: letters, digits, '_', '.', '-', starting with a letter or digit (not 'global', not 'SUNW...')";
  if (typeof value !== "string") return fail(property, "zone-name", `must be a string, got ${show(value)}`, help);
  if (value.length === 0) return fail(property, "zone-name", "a zone name must not be empty", help);
  if (value.length > 63) return fail(property, "zone-name", `zone name ${show(value)} is ${value.length} characters long; the most is 63`, help);
  if (!ZONE_NAME.test(value)) return fail(property, "zone-name", `zone name ${show(value)} must match [A-Za-z0-9][A-Za-z0-9_.-]*`, help);
  if (value === "global" && !options.allowGlobal) return fail(property, "zone-name", "'global' is the global zone's reserved name", help);
  if (value.startsWith("SUNW")) return fail(property, "zone-name", `zone name ${show(value)} starts with SUNW; such zones are read-only`, help);
  return [];
}

/**
 * Checks a datalink name (libdladm dladm_valid_linkname): at most 31 characters, letters, digits,
 * `_` and `.`, not starting with a digit, ending with a digit (`web0`).
 */
export function checkLinkName(value: unknown, property = "vnic"): InputFailure[] {
  const help = "use up to 31 letters, digits, '_' or '.', not starting with a digit and ending with a digit, e.g. web0";
  if (typeof value !== "string" || value.length === 0) return fail(property, "link-name", `must be a link name, got ${show(value)}`, help);
  if (value.length > 31) return fail(property, "link-name", `link name ${show(value)} is ${value.length} characters long; the most is 31`, help);
  if (!/^[A-Za-z0-9_.]+$/.test(value)) return fail(property, "link-name", `link name ${show(value)} may hold only letters, digits, '_' and '.'`, help);
  if (/^[0-9]/.test(value)) return fail(property, "link-name", `link name ${show(value)} must not start with a digit`, help);
  if (!/[0-9]$/.test(value)) return fail(property, "link-name", `link name ${show(value)} must end with a digit (the PPA), e.g. ${value}0`, help);
  return [];
}

/**
 * Checks an absolute, normalised path: starts with `/`, is not `/` itself (unless `allowRoot`),
 * has no empty, `.` or `..` components, no trailing `/`, and no quotes or control characters.
 */
export function checkAbsolutePath(value: unknown, property: string, options: { allowRoot?: boolean } = {}): InputFailure[] {
  const base = checkZonecfgText(value, property, 1023);
  if (base.length) return base;
  const v = value as string;
  const help = "give a normalised absolute path such as /zones/web";
  if (!v.startsWith("/")) return fail(property, "path", `${show(v)} is not an absolute path`, help);
  if (v === "/") return options.allowRoot ? [] : fail(property, "path", "'/' is not allowed here", help);
  const parts = v.slice(1).split("/");
  if (parts.some((p) => p === "")) return fail(property, "path", `${show(v)} has an empty component ('//' or a trailing '/')`, help);
  if (parts.some((p) => p === "." || p === "..")) return fail(property, "path", `${show(v)} has a '.' or '..' component`, help);
  return [];
}

const DATASET_PART = /^[A-Za-z0-9_.:-]+$/;

/** Checks a ZFS file system name: `pool/a/b`, components of letters, digits, `_ . : -`, no snapshot/bookmark parts. */
export function checkDatasetName(value: unknown, property: string): InputFailure[] {
  const base = checkZonecfgText(value, property, 255);
  if (base.length) return base;
  const v = value as string;
  const help = "give a file system name like rpool/zones/web/data";
  const parts = v.split("/");
  if (!/^[A-Za-z]/.test(v)) return fail(property, "dataset", `dataset ${show(v)} must start with a letter (the pool name)`, help);
  if (parts.some((p) => p === "")) return fail(property, "dataset", `dataset ${show(v)} has an empty component`, help);
  if (parts.some((p) => !DATASET_PART.test(p) || p === "." || p === ".."))
    return fail(property, "dataset", `dataset ${show(v)} may hold only letters, digits, '_', '.', ':' and '-' between '/'`, help);
  return [];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a dotted-quad IPv4 address without leading zeros. */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** True for an IPv6 address (no zone index, no prefix). */
export function isIpv6(value: string): boolean {
  return value.includes(":") && !/[%/]/.test(value) && /^[0-9A-Fa-f:.]+$/.test(value) && Address6.isValid(value);
}

function prefixOk(prefix: string | undefined, max: number): boolean {
  return prefix !== undefined && /^(0|[1-9]\d{0,2})$/.test(prefix) && Number(prefix) <= max;
}

/**
 * Checks an address with a prefix length, as zonecfg takes for `allowed-address` (and `address`):
 * IPv4 `a.b.c.d[/0-32]` (the prefix optional unless `requirePrefix`), IPv6 `addr/0-128` (prefix required).
 */
export function checkCidr(value: unknown, property: string, options: { requirePrefix?: boolean } = {}): InputFailure[] {
  const base = checkZonecfgText(value, property, 64);
  if (base.length) return base;
  const v = value as string;
  const [ip, prefix, extra] = v.split("/");
  const help = "write it as 10.0.0.10/24 or 2001:db8::10/64";
  if (extra !== undefined) return fail(property, "address", `${show(v)} has more than one '/'`, help);
  if (isIpv4(ip!)) {
    if (prefix === undefined) return options.requirePrefix ? fail(property, "address", `${show(v)} needs a /prefix-length`, help) : [];
    return prefixOk(prefix, 32) ? [] : fail(property, "address", `${show(v)}: IPv4 address prefix lengths must be 0 - 32`, help);
  }
  if (isIpv6(ip!)) {
    if (prefix === undefined) return fail(property, "address", `${show(v)}: IPv6 addresses require a /prefix-length suffix`, help);
    return prefixOk(prefix, 128) ? [] : fail(property, "address", `${show(v)}: IPv6 address prefix lengths must be 0 - 128`, help);
  }
  return fail(property, "address", `${show(v)} is not an IPv4 or IPv6 address`, help);
}

/** Checks a plain IPv4 or IPv6 address (no prefix), e.g. a default router. */
export function checkIpAddress(value: unknown, property: string): InputFailure[] {
  const base = checkZonecfgText(value, property, 64);
  if (base.length) return base;
  const v = value as string;
  return isIpv4(v) || isIpv6(v) ? [] : fail(property, "address", `${show(v)} is not an IPv4 or IPv6 address (without a prefix)`, "write it as 10.0.0.1 or 2001:db8::1");
}

/** Checks a shared-IP `address`: an address as {@link checkCidr} takes, or a host name. */
export function checkNetAddress(value: unknown, property: string): InputFailure[] {
  if (typeof value === "string" && /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)*$/.test(value) && value.length <= 253) return [];
  return checkCidr(value, property);
}

/** Checks a MAC address: six `:`-separated groups of one or two hex digits (`2:8:20:d5:3c:a1`). */
export function checkMacAddress(value: unknown, property: string): InputFailure[] {
  if (typeof value === "string" && /^[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2}){5}$/.test(value)) return [];
  return fail(property, "mac-address", `${show(value)} is not a MAC address`, "write it as six hex bytes separated by ':', e.g. 2:8:20:d5:3c:a1");
}

/** Checks a VLAN id: an integer from 1 to 4094. */
export function checkVlanId(value: unknown, property: string): InputFailure[] {
  return checkInteger(value, property, 1, 4094, "vlan-id");
}

/** Checks an integer within [min, max] (max defaults to the largest exact double). */
export function checkInteger(value: unknown, property: string, min: number, max = Number.MAX_SAFE_INTEGER, code = "number"): InputFailure[] {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max) return [];
  const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
  return fail(property, code, `${show(value)} must be an integer ${range}`, `give a whole number ${range}`);
}

/** The attr types zonecfg accepts. */
export const ATTR_TYPES = ["boolean", "int", "string", "uint"] as const;

/** Checks an `attr` resource: name (alphanumerics, `-`, `.`, starting alphanumeric), type, and a value that fits the type. */
export function checkAttr(attr: { name?: unknown; type?: unknown; value?: unknown }, property: string): InputFailure[] {
  const out = checkPattern(attr.name, `${property}.name`, /^[A-Za-z0-9][A-Za-z0-9.-]*$/, "an attr name (letters, digits, '-', '.', starting alphanumeric)", 255);
  if (!(ATTR_TYPES as readonly unknown[]).includes(attr.type)) {
    out.push(...fail(`${property}.type`, "attr", `${show(attr.type)} is not an attr type`, "use boolean, int, string or uint"));
    return out;
  }
  const v = attr.value;
  const byType: Record<string, [RegExp, string]> = {
    boolean: [/^(true|false)$/, "true or false"],
    int: [/^-?(0|[1-9]\d{0,18})$/, "a decimal integer"],
    uint: [/^(0|[1-9]\d{0,19})$/, "a non-negative decimal integer"],
    string: [/^/, "text"],
  };
  const [re, what] = byType[attr.type as string]!;
  out.push(...checkPattern(v, `${property}.value`, re, what, 2047));
  return out;
}

/** Checks one fs mount option: letters, digits and `_ . = : / + -`, no commas or spaces (`ro`, `size=512m`). */
export function checkFsOption(value: unknown, property: string): InputFailure[] {
  return checkPattern(value, property, /^[A-Za-z0-9][A-Za-z0-9_.=:/+-]*$/, "a mount option (letters, digits, '_', '.', '=', ':', '/', '+', '-')", 255);
}

/** Checks a publisher name (IPS): letters, digits, `.`, `-`, `_`, starting with a letter or digit. */
export function checkPublisherName(value: unknown, property = "name"): InputFailure[] {
  return checkPattern(value, property, /^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a publisher name such as omnios or openindiana.org");
}

/** Checks a repository URI for pkg: http(s) or file, no whitespace or quotes. */
export function checkOriginUri(value: unknown, property: string): InputFailure[] {
  return checkPattern(value, property, /^(https?:\/\/[^\s"'\\]+|file:\/\/\/[^\s"'\\]*)$/, "an http(s):// or file:/// URI", 2047);
}
