// Byte counts in zonecfg's K/M/G/T notation (powers of 1024): exact for scripts, rounded as `info` shows them.

import { ZmgrError } from "../errors";

const UNITS = ["", "K", "M", "G", "T"] as const;

/**
 * The exact zonecfg spelling of a byte count for a script: the largest unit that divides it
 * (`1073741824` → `1G`, `1536M` stays `1536M`), plain bytes when no unit divides it.
 */
export function bytesToZonecfg(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new ZmgrError("zmgr::input::number", `a byte count must be a non-negative integer, got ${bytes}`, { help: "give bytes as a whole number" });
  }
  if (bytes === 0) return "0";
  let n = bytes;
  let u = 0;
  while (u < 4 && n % 1024 === 0) {
    n /= 1024;
    u++;
  }
  return `${n}${UNITS[u]}`;
}

/**
 * A byte count as `zonecfg info` prints it (libzonecfg bytes_to_units): under 1024 plain; else scaled
 * by 1024 (rounding) up to T, with one decimal (`%2.1f`) when the value is under 10 units and not exact.
 */
export function bytesToInfoUnits(bytes: number): string {
  if (bytes < 1024) return String(bytes);
  let num = BigInt(bytes);
  let save = 0n;
  let u = 0;
  while (num >= 1024n && u < 4) {
    u++;
    save = num;
    num = (num + 512n) >> 10n;
  }
  if (save % 1024n !== 0n && save >> 10n < 10n) return `${cFixed1(Math.fround(Number(save)) / 1024)}${UNITS[u]}`;
  return `${num}${UNITS[u]}`;
}

/** printf("%2.1f") of `(float)save / 1024`: the exact binary value rounded to one decimal, exact ties to even. */
function cFixed1(x: number): string {
  const t = Math.fround(x) * 10; // exact: a float has 24 bits, times 10 fits a double
  const floor = Math.floor(t);
  const n = t - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(t);
  return (n / 10).toFixed(1);
}

/**
 * Parses a zonecfg size: digits with an optional fraction and an optional K/M/G/T suffix (either
 * case), e.g. `512M`, `1.5G`, `50m`, `2048`. Returns bytes (rounded for fractions), or undefined.
 */
export function parseUnits(text: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?([KkMmGgTt]?)$/.exec(text);
  if (!m) return undefined;
  const scale = 1024 ** UNITS.indexOf(m[3]!.toUpperCase() as (typeof UNITS)[number]);
  const bytes = m[2] === undefined ? Number(m[1]) * scale : Math.round(Number(`${m[1]}.${m[2]}`) * scale);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
