// Byte quantities as zonecfg parses (zonecfg_str_to_bytes) and prints them (bytes_to_units).

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** Parses "512m", "1.5G", "1024" (bytes); K/M/G/T are powers of 1024, any case. */
export function strToBytes(str: string): bigint | undefined {
  const m = NUMBER.exec(str);
  const val = m ? Number(m[0]) : 0;
  if (val < 0 || Number.isNaN(val)) return undefined;
  const unit = str.slice(m ? m[0].length : 0).replace(/^\s+/, "");
  let scale = 1;
  if (unit !== "") {
    const i = ["K", "M", "G", "T"].indexOf(unit.toUpperCase());
    if (i < 0) return undefined;
    scale = 1024 ** (i + 1);
  }
  return BigInt(Math.trunc(val * scale));
}

/** printf("%.<digits>f") of a value, rounding exact ties to even like libc. */
export function cFixed(x: number, digits: number): string {
  const f = 10 ** digits;
  const scaled = x * f;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / f).toFixed(digits);
  }
  return x.toFixed(digits);
}

/** zonecfg's bytes_to_units(): "1024" -> "1K", 1.5 GiB -> "1.5G", 512 MiB -> "512M". */
export function bytesToUnits(bytes: bigint): string {
  let num = bytes;
  if (num < 1024n) return num.toString();
  const units = "BKMGT";
  let up = 0;
  let save = 0n;
  while (num >= 1024n && units[up] !== "T") {
    up++;
    save = num;
    num = (num + 512n) >> 10n;
  }
  const unit = units[up]!;
  if (save % 1024n !== 0n && save >> 10n < 10n) return cFixed(Math.fround(Math.fround(Number(save)) / 1024), 1) + unit;
  return `${num}${unit}`;
}

/** valid_uint(): a base-10 unsigned integer without '-' that fits in 64 bits. */
export function parseUint(s: string): bigint | undefined {
  if (s.includes("-") || !/^\s*\+?\d+$/.test(s)) return undefined;
  const v = BigInt(s.trim().replace(/^\+/, ""));
  return v <= 0xffffffffffffffffn ? v : undefined;
}
