// Collects a stream's raw bytes up to a limit and decodes them once (multi-byte UTF-8 stays intact).

/** The most output a command may print: 64 MiB. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** A byte collector: `push` returns false once the limit is exceeded. */
export interface OutputCollector {
  /** Adds a chunk; false when the total now exceeds the limit (the chunk is dropped). */
  push(chunk: Buffer): boolean;
  /** Everything collected, decoded as UTF-8. */
  text(): string;
  /** Bytes collected so far. */
  readonly size: number;
}

/** A collector that keeps at most `limit` bytes. */
export function collectOutput(limit: number): OutputCollector {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      if (size + chunk.length > limit) return false;
      chunks.push(chunk);
      size += chunk.length;
      return true;
    },
    text: () => Buffer.concat(chunks, size).toString("utf8"),
    get size() {
      return size;
    },
  };
}
