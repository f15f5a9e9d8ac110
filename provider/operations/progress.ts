// Progress lines for long steps, so `pulumi up` shows what is happening instead of looking hung.

/** Reports progress of one resource's operation. */
export interface Progress {
  /** One line about the current step. */
  step(message: string): void;
}

/** Where progress lines go (the dynamic provider's stderr reaches the engine's output). Replaceable in tests. */
export let progressSink: (line: string) => void = (line) => process.stderr.write(line + "\n");

/** Replaces the progress sink (tests); returns the previous one. */
export function setProgressSink(sink: (line: string) => void): (line: string) => void {
  const previous = progressSink;
  progressSink = sink;
  return previous;
}

/** Progress of `kind` named `name`: lines like `zmgr: zone web: installing`. */
export function progressFor(kind: string, name: string): Progress {
  return { step: (message) => progressSink(`zmgr: ${kind} ${name}: ${message}`) };
}
