// Turns errors from the operations into what the Pulumi engine shows: code, message, help line, secrets masked.

import { ZmgrError } from "../errors";
import { hostSecrets, type HostSpec } from "../operations/host-spec";
import { redact } from "../transport/quote";

/** An Error for the engine: `message [code]` and `help: ...`, with every secret of `host` masked. */
export function engineError(err: unknown, host: HostSpec | undefined): Error {
  const secrets = hostSecrets(host);
  if (ZmgrError.isInstance(err)) {
    const out = new Error(redact(err.describe(), secrets));
    (out as Error & { code?: string }).code = err.code;
    out.stack = out.message; // the engine prints message and stack: our message says it all
    return out;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const out = new Error(redact(e.message, secrets));
  out.stack = redact(e.stack ?? e.message, secrets);
  return out;
}

/** Runs an engine call, rethrowing failures as {@link engineError}. */
export async function engineCall<T>(host: HostSpec | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw engineError(err, host);
  }
}

/** A value as the engine's protobuf Struct accepts it: undefined object fields dropped (they would fail with "Unexpected struct type"). */
export function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
