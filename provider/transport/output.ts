// Collects a stream's raw bytes up to a limit and decodes them once (multi-byte UTF-8 stays intact); can pass decoded chunks on.

import { StringDecoder } from "node:string_decoder";
import { ZmgrError } from "../errors";

/** The most output a command may print: 64 MiB. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** A byte collector: `push` returns false once the limit is exceeded. */
export interface OutputCollector {
  /**
   * Adds a chunk; false when the total now exceeds the limit (the chunk is dropped). With `onText`, passes the chunk's
   * complete characters on (a character split across chunks goes with the later one); throws what `onText` throws.
   */
  push(chunk: Buffer): boolean;
  /** The stream ended: passes on what the decoder still holds (an incomplete character, as U+FFFD). */
  end(): void;
  /** Everything collected, decoded as UTF-8. */
  text(): string;
  /** Bytes collected so far. */
  readonly size: number;
}

/** A collector that keeps at most `limit` bytes and gives `onText`, when set, each chunk as soon as it comes. */
export function collectOutput(limit: number, onText?: (chunk: string) => void): OutputCollector {
  const chunks: Buffer[] = [];
  const decoder = onText && new StringDecoder("utf8");
  let size = 0;
  const pass = (text: string | undefined) => {
    if (text) onText!(text);
  };
  return {
    push(chunk) {
      if (size + chunk.length > limit) return false;
      chunks.push(chunk);
      size += chunk.length;
      pass(decoder?.write(chunk));
      return true;
    },
    end: () => pass(decoder?.end()),
    text: () => Buffer.concat(chunks, size).toString("utf8"),
    get size() {
      return size;
    },
  };
}

/** The error for an output callback (`onStdout`/`onStderr`) that threw; the command is stopped. */
export function callbackFailed(label: string, shown: string, err: unknown): ZmgrError {
  return new ZmgrError("zmgr::host::output-callback-failed", `an output callback of \`${shown}\` on ${label} threw, so the command was stopped: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
    help: "this is a bug in the code that follows the command's progress; please report it",
    details: { host: label, command: shown },
  });
}
