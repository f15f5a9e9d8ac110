// An undo stack: each step that changed the host registers how to take it back; on failure they run in reverse.

import { ZmgrError } from "../errors";

/** One undo step that failed. */
export interface UndoFailure {
  /** What the step had done. */
  readonly what: string;
  /** Why undoing it failed. */
  readonly error: unknown;
}

/** Records what an operation did so a failure can take it back, newest first. */
export class Rollback {
  private readonly steps: { what: string; undo: () => Promise<unknown> }[] = [];

  /** Registers the undo of a step that just succeeded. */
  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  /** What has been done so far, oldest first. */
  get done(): readonly string[] {
    return this.steps.map((s) => s.what);
  }

  /** Undoes every step in reverse order; keeps going past failures and returns them. */
  async run(): Promise<UndoFailure[]> {
    const failures: UndoFailure[] = [];
    while (this.steps.length) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (error) {
        failures.push({ what: step.what, error });
      }
    }
    return failures;
  }
}

/** The message part describing undo failures. */
export function describeUndoFailures(failures: readonly UndoFailure[]): string {
  return failures.map((f) => `${f.what}: ${ZmgrError.isInstance(f.error) ? f.error.message : String(f.error)}`).join("; ");
}
