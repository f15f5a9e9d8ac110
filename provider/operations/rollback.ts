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

  /**
   * Runs `step`, then registers `undo` for it. A step that failed may still have taken effect (the
   * connection dropped after the command ran, or the tool did part of its work and then failed), so
   * `undo` is registered then too, unless `untouched(error)` says the failure proves nothing changed
   * (e.g. "already exists": that object is not ours to take back). `undo` must therefore do nothing
   * when there is nothing to take back.
   */
  async attempt<T>(what: string, step: () => Promise<T>, undo: () => Promise<unknown>, untouched: (error: unknown) => boolean = () => false): Promise<T> {
    let result: T;
    try {
      result = await step();
    } catch (error) {
      if (!untouched(error)) this.add(what, undo);
      throw error;
    }
    this.add(what, undo);
    return result;
  }

  /** What has been done so far, oldest first. */
  get done(): readonly string[] {
    return this.steps.map((s) => s.what);
  }

  /**
   * Undoes the steps in reverse order and stops at the first undo that fails (returned): what is left
   * is then always the first steps of the operation, complete, never a later step without the earlier
   * ones it needs (a configured zone whose address was released, say). The next attempt finishes it.
   */
  async run(): Promise<UndoFailure[]> {
    while (this.steps.length) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (error) {
        this.steps.length = 0;
        return [{ what: step.what, error }];
      }
    }
    return [];
  }
}

/** The message part describing undo failures. */
export function describeUndoFailures(failures: readonly UndoFailure[]): string {
  return failures.map((f) => `${f.what}: ${ZmgrError.isInstance(f.error) ? f.error.message : String(f.error)}`).join("; ");
}
