// The POSIX `cksum` CRC of a text, so a write can check on the host that a file is still what we read.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** `cksum`'s output for these bytes, normalized to `CRC SIZE` (POSIX algorithm: CRC-32/CKSUM over the data and its length). */
export function posixCksum(data: string | Buffer): string {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  for (let n = bytes.length; n > 0; n = Math.floor(n / 256)) crc = ((crc << 8) ^ TABLE[((crc >>> 24) ^ (n & 0xff)) & 0xff]!) >>> 0;
  return `${~crc >>> 0} ${bytes.length}`;
}
