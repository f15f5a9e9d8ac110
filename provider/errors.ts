// The one error type of pulumi-zmgr: a message, a stable code, a help line, and the cause chain.

const brand = Symbol.for("pulumi-zmgr.ZmgrError");

/** Options of a {@link ZmgrError}. */
export interface ZmgrErrorOptions {
  /** What the user should do next, one or two sentences. Printed after the message as `help: ...`. */
  readonly help?: string;
  /** The lower-level error that caused this one. */
  readonly cause?: unknown;
  /** Structured facts for programs (command, exit code, path, line ...). Never holds secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * An error with a stable code such as `zmgr::pool::exhausted`, a message saying what is wrong,
 * and a help line saying what to do. Codes are part of the public contract: tests and users match
 * on them, messages may be reworded.
 */
export class ZmgrError extends Error {
  /** Stable machine-readable code, `zmgr::<area>::<what>`. */
  readonly code: string;
  /** What the user should do next. */
  readonly help: string | undefined;
  /** Structured facts (never secrets). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: ZmgrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ZmgrError";
    this.code = code;
    this.help = options.help;
    this.details = options.details ?? {};
    Object.defineProperty(this, brand, { value: true });
  }

  /** True for a ZmgrError from any copy of this package (a brand check, not `instanceof`). */
  static isInstance(value: unknown): value is ZmgrError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  /** The message with code and help, as shown to users: `message [code]\nhelp: ...`. */
  describe(): string {
    return `${this.message} [${this.code}]` + (this.help ? `\nhelp: ${this.help}` : "");
  }
}

/** True when `value` is a ZmgrError carrying `code`. */
export function hasCode(value: unknown, code: string): value is ZmgrError {
  return ZmgrError.isInstance(value) && value.code === code;
}
