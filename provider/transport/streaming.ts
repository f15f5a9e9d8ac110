// Output lines of a long command (zoneadm install) as they come, on hosts that can stream, else at the end.

import type { Host, RunOptions, RunResult, StreamingRunOptions } from "./host";

/** A Host that can also report output while a command runs (an optional capability of a transport). */
export interface StreamingHost extends Host {
  /** Like `run`, calling the chunk callbacks while the command runs. */
  runStreaming(argv: readonly string[], options: StreamingRunOptions): Promise<RunResult>;
}

/** True when `host` implements {@link StreamingHost}. */
export function canStream(host: Host): host is StreamingHost {
  return typeof (host as Partial<StreamingHost>).runStreaming === "function";
}

/** Which stream a line came from. */
export type OutputStream = "stdout" | "stderr";

/**
 * Runs `argv` and calls `onLine` with every complete output line (no newline): while it runs when the
 * host can stream, else all stdout lines then all stderr lines once it has finished.
 */
export async function runWithLines(host: Host, argv: readonly string[], options: RunOptions, onLine?: (line: string, stream: OutputStream) => void): Promise<RunResult> {
  if (!onLine) return host.run(argv, options);
  if (!canStream(host)) {
    const result = await host.run(argv, options);
    for (const stream of ["stdout", "stderr"] as const) for (const line of lines(result[stream])) onLine(line, stream);
    return result;
  }
  const pending: Record<OutputStream, string> = { stdout: "", stderr: "" };
  const feed = (stream: OutputStream) => (chunk: string) => {
    const parts = (pending[stream] + chunk).split("\n");
    pending[stream] = parts.pop()!;
    for (const line of parts) onLine(line.replace(/\r$/, ""), stream);
  };
  try {
    return await host.runStreaming(argv, { ...options, onStdout: feed("stdout"), onStderr: feed("stderr") });
  } finally {
    for (const stream of ["stdout", "stderr"] as const) if (pending[stream] !== "") onLine(pending[stream], stream);
  }
}

function lines(text: string): string[] {
  if (text === "") return [];
  const out = text.split("\n").map((l) => l.replace(/\r$/, ""));
  if (out[out.length - 1] === "") out.pop();
  return out;
}
