// A scripted Host for unit tests: records every argv and answers from a handler.

import type { Host, RunOptions, RunResult } from "../../provider/transport/host";

/** One recorded call. */
export interface FakeCall {
  /** The argv given to run. */
  readonly argv: readonly string[];
  /** The options given to run. */
  readonly options: RunOptions;
}

/** Answers each command with what `handler` returns (missing fields: empty output, exit 0). */
export class FakeHost implements Host {
  readonly label = "fake";
  readonly calls: FakeCall[] = [];

  constructor(private readonly handler: (argv: readonly string[], options: RunOptions) => Partial<RunResult> = () => ({})) {}

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ argv: [...argv], options });
    return { stdout: "", stderr: "", exitCode: 0, ...this.handler(argv, options) };
  }

  async close(): Promise<void> {}
}

/** Text with `\t` written as real tabs: SPEC examples show tabs as `\t`. */
export function tabs(text: string): string {
  return text.replace(/\\t/g, "\t");
}
