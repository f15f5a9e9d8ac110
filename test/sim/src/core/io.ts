// Buffered stdout/stderr of one simulated command, and the early-exit signal.

import { writeSync } from "node:fs";

/** Collects a command's output; written out once, when the command ends. */
export class Io {
  /** Standard output chunks, in order. */
  readonly out: string[] = [];
  /** Standard error chunks, in order. */
  readonly err: string[] = [];

  /** Appends text to standard output. */
  print(text: string): void {
    this.out.push(text);
  }

  /** Appends text to standard error. */
  eprint(text: string): void {
    this.err.push(text);
  }
}

/** Thrown to end a command at once with an exit status (like exit(3) in the C tools). */
export class Exit extends Error {
  /** The exit status. */
  readonly code: number;

  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** Writes all of `text` to a file descriptor, retrying on EAGAIN. */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, "utf8");
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue;
      if (code === "EPIPE") return;
      throw e;
    }
  }
}

/** Flushes collected output to the real stdout and stderr. */
export function flushIo(io: Io): void {
  if (io.out.length) writeAll(1, io.out.join(""));
  if (io.err.length) writeAll(2, io.err.join(""));
  io.out.length = 0;
  io.err.length = 0;
}
